"""The denial queue and the denial page (server-rendered; htmx for in-place actions)."""

import csv
from datetime import date

from django.contrib import messages
from django.core.cache import cache
from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseBadRequest,
    StreamingHttpResponse,
)
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from core.access import ADMINS, MANAGERS, WORKERS, access
from core.audit import Action, audit_log
from core.errors import ApplicationError
from core.models import User
from core.tenancy import has_role, request_practice_ids

from . import selectors, services
from .filters import BadCursor, denials_filter, denials_search, keyset_page
from .forms import DenialFilterForm, NoteForm, RootCauseForm, SearchForm, StatusForm
from .models import Category, Denial, QueueSettings

PAGE_SIZE = 50
SUMMARY_CACHE_SECONDS = 30


# Helpers ------------------------------------------------------------------------------


def deadline_badge(days_left: int | None) -> str:
    """Badge class at the 30/14/7-day alert thresholds."""
    if days_left is None:
        return ""
    if days_left <= 7:
        return "overdue"
    if days_left <= 14:
        return "soon"
    if days_left <= 30:
        return "warn30"
    return "ok"


def decorate(rows, *, today: date, work_within: int, descriptions: dict) -> list:
    """Attach what a row shows but the model does not store (days, badges)."""
    base = reverse("denials:detail", args=[0])[: -len("0/")]
    for d in rows:
        # Formatted here once: per-row template filters cost more than the query.
        d.url = f"{base}{d.pk}/"
        d.amount_display = f"{d.denied_amount:,.2f}"
        d.priority_display = f"{d.priority:,.0f}"
        d.days_left = (
            None if d.appeal_deadline is None else (d.appeal_deadline - today).days
        )
        d.deadline_badge = deadline_badge(d.days_left)
        d.explanation = d.explanation_on(today)
        d.age_days = (today - timezone.localdate(d.posted_at)).days
        d.overdue = d.age_days > work_within and d.first_worked_at is None
        d.code_titles = [(c, descriptions.get(c, "")) for c in d.codes or []]
    return rows


def work_within_days() -> int:
    row = QueueSettings.objects.only("work_within_days").first()
    return row.work_within_days if row else 7


def filter_form(request: HttpRequest, data) -> DenialFilterForm:
    return DenialFilterForm(
        data, user=request.user, practice_ids=request_practice_ids(request)
    )


def filtered_queue(
    request: HttpRequest, form: DenialFilterForm, *, sorted_by_score: bool = True
):
    qs = selectors.denials_queue(
        user=request.user,
        practice_ids=request_practice_ids(request),
        sorted_by_score=sorted_by_score,
    )
    return denials_filter(
        qs, data=form.cleaned_data, user=request.user, sorted_by_score=sorted_by_score
    )


def may_manage(request: HttpRequest) -> bool:
    return request.role in MANAGERS


def queue_context(
    request: HttpRequest, form: DenialFilterForm, *, term: str = ""
) -> dict:
    """Rows of one keyset page, the next cursor and what the page needs around them."""
    qs = filtered_queue(request, form)
    if term:
        qs = denials_search(qs, term=term)
    ordering = form.cleaned_data.get("ordering") or "priority"
    try:
        page = keyset_page(
            qs,
            ordering_name=ordering,
            after=form.cleaned_data.get("after") or "",
            size=PAGE_SIZE,
        )
    except BadCursor as exc:
        raise ApplicationError(
            "That page link is no longer valid.", field="after"
        ) from exc
    today = timezone.localdate()
    work_within = work_within_days()
    decorate(
        page.rows,
        today=today,
        work_within=work_within,
        descriptions=selectors.code_descriptions_for(page.rows),
    )
    params = request.GET.copy() if request.method == "GET" else request.POST.copy()
    for key in ("after", "q", "csrfmiddlewaretoken"):
        params.pop(key, None)
    next_params = None
    if page.next_cursor:
        next_params = params.copy()
        next_params["after"] = page.next_cursor
    manage = may_manage(request)
    return {
        "form": form,
        "rows": page.rows,
        "next_cursor": page.next_cursor,
        "next_query": next_params.urlencode() if next_params else "",
        "filter_query": params.urlencode(),
        "is_first_page": not form.cleaned_data.get("after"),
        "term": term,
        "manage": manage,
        "users": selectors.assignable_users(practice_ids=request_practice_ids(request))
        if manage
        else [],
        "search_form": SearchForm(initial={"q": term}),
        "work_within": work_within,
    }


# The queue ----------------------------------------------------------------------------


@access(roles=WORKERS, phi=True, object_type="denial_queue")
@require_GET
def queue(request: HttpRequest) -> HttpResponse:
    """The work queue, best first; filters in the URL (never patient data)."""
    form = filter_form(request, request.GET)
    if not form.is_valid():
        return render(
            request,
            "denials/queue.html",
            {"form": form, "rows": [], "errors": True, "search_form": SearchForm()},
            status=400,
        )
    try:
        context = queue_context(request, form)
    except ApplicationError as exc:
        messages.error(request, exc.message)
        return redirect("denials:queue")
    return render(request, "denials/queue.html", context)


@access(roles=WORKERS, phi=True, object_type="denial_queue")
@require_POST
def search(request: HttpRequest) -> HttpResponse:
    """Search by patient, account or claim number: the term travels in the body only."""
    form = filter_form(request, request.POST)
    search_form = SearchForm(request.POST)
    if not (form.is_valid() and search_form.is_valid()):
        context = {"form": form, "rows": [], "search_form": search_form, "errors": True}
        template = "denials/_results.html" if request.htmx else "denials/queue.html"
        return render(request, template, context, status=400)
    try:
        context = queue_context(request, form, term=search_form.cleaned_data["q"])
    except ApplicationError as exc:
        return HttpResponseBadRequest(exc.message)
    summary = selectors.denials_summary(
        denials_search(
            filtered_queue(request, form, sorted_by_score=False),
            term=search_form.cleaned_data["q"],
        )
    )
    context["summary"] = summary
    audit_log(
        action=Action.READ,
        request=request,
        object_type="denial_search",
        detail={"results": len(context["rows"])},
    )
    template = "denials/_results.html" if request.htmx else "denials/queue.html"
    return render(request, template, context)


@access(roles=WORKERS)
@require_GET
def summary(request: HttpRequest) -> HttpResponse:
    """Count and dollars of the current filter, cached briefly (a million rows)."""
    form = filter_form(request, request.GET)
    if not form.is_valid():
        return HttpResponseBadRequest("Invalid filter.")
    params = request.GET.copy()
    params.pop("after", None)
    params.pop("ordering", None)
    scope = ",".join(map(str, sorted(request_practice_ids(request))))
    key = f"denials:summary:{request.user.pk}:{scope}:{params.urlencode()}"
    totals = cache.get(key)
    if totals is None:
        totals = selectors.denials_summary(
            filtered_queue(request, form, sorted_by_score=False)
        )
        cache.set(key, totals, SUMMARY_CACHE_SECONDS)
    return render(request, "denials/_summary.html", {"summary": totals})


@access(roles=WORKERS)
@require_POST
def next_denial(request: HttpRequest) -> HttpResponse:
    """Take the highest-priority unassigned new denial of the current scope."""
    taken = services.denial_next(
        user=request.user, practice_ids=request_practice_ids(request)
    )
    if taken is None:
        messages.info(request, "No unassigned new denials are waiting. Well done.")
        return redirect("denials:queue")
    return redirect("denials:detail", pk=taken.pk)


@access(roles=WORKERS)
@require_GET
def export_csv(request: HttpRequest) -> HttpResponse:
    """The current filter as CSV, with the API's field names as columns."""
    from .api.serializers import denial_export_rows

    form = filter_form(request, request.GET)
    if not form.is_valid():
        return HttpResponseBadRequest("Invalid filter: " + form.errors.as_text())
    qs = filtered_queue(request, form).order_by("-score__priority", "-id")
    audit_log(
        action=Action.EXPORT,
        request=request,
        object_type="denial_queue",
        detail={
            "filter": {
                k: str(v) for k, v in form.cleaned_data.items() if v not in (None, "")
            }
        },
    )

    class Echo:
        def write(self, value):
            return value

    writer = csv.writer(Echo())
    response = StreamingHttpResponse(
        (writer.writerow(row) for row in denial_export_rows(qs)),
        content_type="text/csv",
    )
    response["Content-Disposition"] = 'attachment; filename="denials.csv"'
    return response


@access(roles=MANAGERS)
@require_POST
def bulk_assign(request: HttpRequest) -> HttpResponse:
    """Assign the checked denials to one person (managers)."""
    ids = [int(v) for v in request.POST.getlist("ids") if v.isdigit()]
    raw = request.POST.get("bulk_assignee", "")
    assignee = None
    if raw == "":
        messages.error(request, "Choose someone to assign to.")
        return redirect(_back_to_queue(request))
    if raw not in ("", "none"):
        assignee = User.objects.filter(pk=int(raw)).first() if raw.isdigit() else None
        if assignee is None:
            messages.error(request, "Choose someone to assign to.")
            return redirect(_back_to_queue(request))
    if not ids:
        messages.error(request, "Tick at least one denial to assign.")
        return redirect(_back_to_queue(request))
    done, refused = 0, []
    for denial in selectors.denials_for_user(
        user=request.user, practice_ids=request_practice_ids(request)
    ).filter(pk__in=ids):
        if not has_role(request.user, denial.practice_id, MANAGERS):
            refused.append(f"#{denial.pk}: not a manager in its practice")
            continue
        try:
            services.denial_reassign(
                denial=denial,
                assignee=assignee,
                by=request.user,
                may_assign_others=True,
            )
            done += 1
        except ApplicationError as exc:
            refused.append(f"#{denial.pk}: {exc.message}")
    if done:
        who = assignee.get_username() if assignee else "nobody"
        messages.success(request, f"Assigned {done} denial(s) to {who}.")
    if refused:
        messages.warning(request, "Not assigned: " + "; ".join(refused[:10]))
    return redirect(_back_to_queue(request))


def _back_to_queue(request: HttpRequest) -> str:
    query = request.POST.get("filter_query", "")
    return reverse("denials:queue") + (
        f"?{query}" if query and "q=" not in query else ""
    )


# One denial ---------------------------------------------------------------------------


def remittance_link(denial: Denial) -> str:
    try:
        return reverse("remits:remittance", args=[denial.claim.remittance_id])
    except NoReverseMatch:
        return ""


def detail_context(request: HttpRequest, denial: Denial, **extra) -> dict:
    from remits.codes import code_descriptions

    claim = denial.claim
    lines = list(claim.lines.all())
    adjustments = list(claim.adjustments.all())
    by_line: dict = {}
    for adj in adjustments:
        by_line.setdefault(adj.line_id, []).append(adj)
    carcs = {a.reason for a in adjustments}
    groups = {a.group for a in adjustments}
    rarcs = set(claim.remarks or [])
    for line in lines:
        rarcs |= set(line.remarks or [])
    for code in denial.codes or []:
        if "-" not in code:
            rarcs.add(code)
    found = code_descriptions({"CARC": carcs, "RARC": rarcs, "Group": groups})
    for adj in adjustments:
        adj.description = found.get(("CARC", adj.reason), "No description on file")
        adj.group_description = found.get(("Group", adj.group), "")
    for line in lines:
        line.adjs = by_line.get(line.pk, [])
        line.remark_titles = [
            (r, found.get(("RARC", r), "")) for r in line.remarks or []
        ]
    today = timezone.localdate()
    decorate(
        [denial],
        today=today,
        work_within=work_within_days(),
        descriptions=selectors.code_descriptions_for([denial]),
    )
    manage = has_role(request.user, denial.practice_id, MANAGERS)
    allowed = sorted(
        services.TRANSITIONS.get(denial.status, set()),
        key=lambda s: list(Denial.Status.values).index(s),
    )
    parts = denial.priority_parts or {}
    return {
        "denial": denial,
        "claim": claim,
        "remittance": claim.remittance,
        "remittance_url": remittance_link(denial),
        "lines": lines,
        "claim_adjustments": by_line.get(None, []),
        "claim_remarks": [(r, found.get(("RARC", r), "")) for r in claim.remarks or []],
        "events": list(denial.events.all()),
        "allowed_statuses": [(s, Denial.Status(s).label) for s in allowed],
        "parts": parts,
        "categories": Category.objects.all(),
        "manage": manage,
        "users": selectors.assignable_users(practice_ids=[denial.practice_id])
        if manage
        else [],
        "status_form": StatusForm(),
        "note_form": NoteForm(),
        **extra,
    }


@access(roles=WORKERS, phi=True, object_type="denial")
@require_GET
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    denial = selectors.denial_detail(user=request.user, pk=pk)
    return render(request, "denials/detail.html", detail_context(request, denial))


def _panel_response(
    request: HttpRequest,
    pk: int,
    *,
    error: str = "",
    ok: str = "",
    render_row: bool = False,
) -> HttpResponse:
    """After an action: the htmx partial (400 with the message) or a redirect."""
    if error:
        request.audit_outcome = "failed"  # refused, even when answered by a redirect
    if request.htmx:
        if render_row:
            rows = list(selectors.denials_queue(user=request.user).filter(pk=pk))
            if not rows:
                raise Http404
            decorate(
                rows,
                today=timezone.localdate(),
                work_within=work_within_days(),
                descriptions=selectors.code_descriptions_for(rows),
            )
            context = {
                "d": rows[0],
                "manage": may_manage(request),
                "error": error,
                "users": selectors.assignable_users(
                    practice_ids=request_practice_ids(request)
                ),
            }
            return render(
                request, "denials/_row.html", context, status=400 if error else 200
            )
        denial = selectors.denial_detail(user=request.user, pk=pk)
        return render(
            request,
            "denials/_panel.html",
            detail_context(request, denial, error=error, ok=ok),
            status=400 if error else 200,
        )
    if error:
        messages.error(request, error)
    elif ok:
        messages.success(request, ok)
    return redirect("denials:detail", pk=pk)


def _form_error(form) -> str:
    return "; ".join(
        f"{'' if name == '__all__' else name + ': '}{' '.join(errs)}"
        for name, errs in form.errors.items()
    )


@access(roles=WORKERS)
@require_POST
def change_status(request: HttpRequest, pk: int) -> HttpResponse:
    denial = selectors.denial_get(user=request.user, pk=pk)
    form = StatusForm(request.POST)
    if not form.is_valid():
        return _panel_response(request, pk, error=_form_error(form))
    try:
        services.denial_transition(
            denial=denial,
            to_status=form.cleaned_data["status"],
            by=request.user,
            note=form.cleaned_data["note"] or "",
            amount=form.cleaned_data["amount"],
        )
    except ApplicationError as exc:
        return _panel_response(request, pk, error=exc.message)
    return _panel_response(request, pk, ok="Status changed.")


@access(roles=WORKERS)
@require_POST
def assign(request: HttpRequest, pk: int) -> HttpResponse:
    """Assign to me, unassign, or (managers) assign to someone."""
    denial = selectors.denial_get(user=request.user, pk=pk)
    raw = request.POST.get("assignee", "")
    render_row = request.POST.get("render") == "row"
    if raw == "me":
        assignee = request.user
    elif raw in ("", "none"):
        assignee = None
    elif raw.isdigit():
        assignee = User.objects.filter(pk=int(raw)).first()
        if assignee is None:
            return _panel_response(
                request, pk, error="No such user.", render_row=render_row
            )
    else:
        return _panel_response(
            request, pk, error="Choose who to assign.", render_row=render_row
        )
    try:
        services.denial_reassign(
            denial=denial,
            assignee=assignee,
            by=request.user,
            may_assign_others=has_role(request.user, denial.practice_id, MANAGERS),
        )
    except ApplicationError as exc:
        return _panel_response(request, pk, error=exc.message, render_row=render_row)
    return _panel_response(request, pk, ok="Assignment saved.", render_row=render_row)


@access(roles=WORKERS)
@require_POST
def add_note(request: HttpRequest, pk: int) -> HttpResponse:
    denial = selectors.denial_get(user=request.user, pk=pk)
    try:
        services.denial_note_add(
            denial=denial, text=request.POST.get("text", ""), by=request.user
        )
    except ApplicationError as exc:
        return _panel_response(request, pk, error=exc.message)
    return _panel_response(request, pk, ok="Note added.")


@access(roles=WORKERS)
@require_POST
def root_cause(request: HttpRequest, pk: int) -> HttpResponse:
    denial = selectors.denial_get(user=request.user, pk=pk)
    form = RootCauseForm(request.POST)
    if not form.is_valid():
        return _panel_response(request, pk, error="Choose a root cause category.")
    services.denial_root_cause_set(
        denial=denial, category=form.cleaned_data["category"], by=request.user
    )
    return _panel_response(request, pk, ok="Root cause saved.")


# Admin aids ---------------------------------------------------------------------------


@access(roles=ADMINS)
@require_GET
def uncategorized(request: HttpRequest) -> HttpResponse:
    """Codes seen on denials with no category mapping, most frequent first."""
    return render(
        request,
        "denials/uncategorized.html",
        {
            "codes": selectors.uncategorized_codes(
                practice_ids=request_practice_ids(request)
            )
        },
    )
