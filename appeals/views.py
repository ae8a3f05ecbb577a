"""Appeal pages: start from a denial, letter, evidence, submit, outcome, escalate."""

from collections.abc import Callable
from decimal import Decimal

from django import forms
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from core.access import WORKERS, access
from core.audit import Action as AuditAction
from core.audit import audit_log
from core.errors import ApplicationError
from core.tenancy import request_practice_ids
from denials.selectors import denial_get, denials_for_user

from . import pdf, selectors, services
from .models import APPEAL_LIKE_ACTIONS, Action, Appeal, LetterTemplate

# Forms: parse and validate input; the services decide what is allowed.


class StartForm(forms.Form):
    action = forms.ChoiceField(
        choices=[c for c in Action.choices if c[0] != Action.WRITE_OFF]
    )
    frequency_code = forms.ChoiceField(
        choices=[("", "—")] + list(Appeal.Frequency.choices), required=False
    )


class WriteOffForm(forms.Form):
    note = forms.CharField(max_length=2000, label="Reason for the write-off")


class SubmitForm(forms.Form):
    method = forms.ChoiceField(choices=Appeal.Method.choices)
    submitted_on = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}))
    follow_up_date = forms.DateField(
        required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    payer_claim_number = forms.CharField(max_length=50, required=False)
    frequency_code = forms.ChoiceField(
        choices=[("", "—")] + list(Appeal.Frequency.choices), required=False
    )


class OutcomeForm(forms.Form):
    outcome = forms.ChoiceField(
        choices=[(s, Appeal.Status(s).label) for s in services.OUTCOMES]
    )
    amount = forms.DecimalField(
        max_digits=12, decimal_places=2, required=False, min_value=Decimal("0")
    )
    decided_on = forms.DateField(
        required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    note = forms.CharField(max_length=2000, required=False)


def _form_error(form: forms.Form) -> str:
    return "; ".join(
        f"{form.fields[name].label or name.replace('_', ' ')}: {' '.join(errs)}"
        if name in form.fields
        else " ".join(errs)
        for name, errs in form.errors.items()
    )


def _attempt(request: HttpRequest, work: Callable[[], object], ok: str) -> bool:
    """Run a service; show its refusal as a message. True when it succeeded."""
    try:
        work()
    except ApplicationError as exc:
        messages.error(request, exc.message)
        request.audit_outcome = "failed"  # the change was refused
        return False
    if ok:
        messages.success(request, ok)
    return True


def _detail(appeal_pk: int):
    return redirect("appeals:detail", pk=appeal_pk)


# Pages ------------------------------------------------------------------------------


@access(roles=WORKERS, phi=True, object_type="appeal")
def appeal_list(request: HttpRequest) -> HttpResponse:
    """Appeals of the current practice(s), filtered by status and by what is due."""
    status = request.GET.get("status", "open")
    due = request.GET.get("due", "")
    mine = request.GET.get("mine") == "1"
    qs = selectors.appeal_list(
        user=request.user,
        practice_ids=request_practice_ids(request),
        status=status,
        due=due,
        mine=mine,
    )
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "appeals/list.html",
        {
            "page": page,
            "status": status,
            "due": due,
            "mine": mine,
            "statuses": Appeal.Status.choices,
            "due_filters": selectors.DUE_FILTERS.items(),
            "today": timezone.localdate(),
        },
    )


@access(roles=WORKERS, phi=True, object_type="denial")
def appeal_start(request: HttpRequest, pk: int) -> HttpResponse:
    """Show the guidance for a denial and create a draft for the chosen action."""
    denial = denial_get(user=request.user, pk=pk)
    if request.method == "POST":
        form = StartForm(request.POST)
        if not form.is_valid():
            messages.error(request, _form_error(form))
            return redirect("appeals:start", pk=pk)
        ids = {pk} | {int(x) for x in request.POST.getlist("denials") if x.isdigit()}
        chosen = list(denials_for_user(user=request.user).filter(pk__in=ids))
        created: list[Appeal] = []
        if _attempt(
            request,
            lambda: created.append(
                services.appeal_start(
                    denials=chosen,
                    action=form.cleaned_data["action"],
                    by=request.user,
                    frequency_code=form.cleaned_data["frequency_code"],
                )
            ),
            "",
        ):
            appeal = created[0]
            messages.success(
                request,
                f"{appeal.get_action_display()} {appeal.pk} drafted."
                + (
                    " Review the letter, attach evidence, then finalize."
                    if appeal.needs_letter
                    else ""
                ),
            )
            return _detail(appeal.pk)
        return redirect("appeals:start", pk=pk)
    plan = services.appeal_plan(denial=denial)
    open_appeals = list(
        denial.appeals.filter(status__in=Appeal.OPEN_STATUSES).order_by("-pk")
    )
    past = list(denial.appeals.exclude(status__in=Appeal.OPEN_STATUSES).order_by("-pk"))
    return render(
        request,
        "appeals/start.html",
        {
            "denial": denial,
            "plan": plan,
            "advice": plan.guidance,
            "advice_label": Action(plan.guidance.action).label,
            "actions": [
                (value, label)
                for value, label in Action.choices
                if value != Action.WRITE_OFF
            ],
            "appeal_like": APPEAL_LIKE_ACTIONS,
            "siblings": selectors.siblings_for(denial=denial, user=request.user),
            "open_appeals": open_appeals,
            "past_appeals": past,
            "frequencies": Appeal.Frequency.choices,
            "write_off_form": WriteOffForm(),
            "today": timezone.localdate(),
        },
    )


@require_POST
@access(roles=WORKERS, object_type="denial")
def denial_write_off(request: HttpRequest, pk: int) -> HttpResponse:
    """Write a denial off from the start page (expired or no appeal rights)."""
    denial = denial_get(user=request.user, pk=pk)
    form = WriteOffForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Give the reason for the write-off.")
        return redirect("appeals:start", pk=pk)
    if _attempt(
        request,
        lambda: services.denials_write_off(
            denials=[denial], by=request.user, note=form.cleaned_data["note"]
        ),
        f"Denial {denial.pk} written off.",
    ):
        return redirect("appeals:list")
    return redirect("appeals:start", pk=pk)


@access(roles=WORKERS, phi=True, object_type="appeal")
def appeal_detail(request: HttpRequest, pk: int) -> HttpResponse:
    appeal = selectors.appeal_get(user=request.user, pk=pk)
    denials = list(appeal.denials.all())
    letter = appeal.letters.all()[0] if appeal.letters.all() else None
    first = denials[0] if denials else None
    today = timezone.localdate()
    return render(
        request,
        "appeals/detail.html",
        {
            "appeal": appeal,
            "denials": denials,
            "letter": letter,
            "evidence": list(appeal.evidence.all()),
            "templates": selectors.templates_for(
                action=appeal.action
                if appeal.action != Action.CORRECTED_CLAIM
                else Action.APPEAL
            ),
            "checklist": services.checklist_for(first.category if first else None),
            "submit_form": SubmitForm(
                initial={
                    "submitted_on": today,
                    "payer_claim_number": appeal.payer_claim_number,
                    "frequency_code": appeal.frequency_code,
                }
            ),
            "outcome_form": OutcomeForm(
                initial={"decided_on": today, "amount": appeal.amount_requested}
            ),
            "write_off_form": WriteOffForm(),
            "expired": appeal.deadline is not None and appeal.deadline < today,
            "days_left": (appeal.deadline - today).days if appeal.deadline else None,
            "max_mb": services.evidence_max_bytes() // (1024 * 1024),
            "escalated": list(appeal.escalations.all()),
            "today": today,
        },
    )


@require_POST
@access(roles=WORKERS, object_type="appeal")
def appeal_letter(request: HttpRequest, pk: int) -> HttpResponse:
    """Save the draft letter; with `preview`, answer the filled-in letter (htmx)."""
    appeal = selectors.appeal_get(user=request.user, pk=pk)
    body = request.POST.get("body", "")
    if request.POST.get("preview"):
        try:
            text, error = (
                services.letter_preview(appeal=appeal, body=body, by=request.user),
                "",
            )
        except ApplicationError as exc:
            text, error = "", exc.message
        context = {"preview": text, "error": error}
        if request.htmx:
            return render(request, "appeals/_letter_preview.html", context)
        return render(
            request, "appeals/letter_preview.html", {**context, "appeal": appeal}
        )
    _attempt(
        request,
        lambda: services.appeal_letter_save(appeal=appeal, body=body, by=request.user),
        "Draft letter saved.",
    )
    return _detail(pk)


@require_POST
@access(roles=WORKERS, object_type="appeal")
def appeal_letter_template(request: HttpRequest, pk: int) -> HttpResponse:
    appeal = selectors.appeal_get(user=request.user, pk=pk)
    template = LetterTemplate.objects.filter(
        pk=request.POST.get("template") or 0, active=True
    ).first()
    if template is None:
        messages.error(request, "Choose a letter template.")
        return _detail(pk)
    _attempt(
        request,
        lambda: services.appeal_letter_from_template(
            appeal=appeal, template=template, by=request.user
        ),
        f"Letter drafted from “{template.name}”.",
    )
    return _detail(pk)


@require_POST
@access(roles=WORKERS, object_type="appeal")
def appeal_finalize(request: HttpRequest, pk: int) -> HttpResponse:
    appeal = selectors.appeal_get(user=request.user, pk=pk)
    if "body" in request.POST and not _attempt(
        request,
        lambda: services.appeal_letter_save(
            appeal=appeal, body=request.POST["body"], by=request.user
        ),
        "",
    ):
        return _detail(pk)
    _attempt(
        request,
        lambda: services.appeal_letter_finalize(appeal=appeal, by=request.user),
        "Letter finalized: download the PDF or the whole packet.",
    )
    return _detail(pk)


def _letter_and_enclosures(appeal: Appeal):
    letter = appeal.letters.order_by("-rendered_at", "-id").first()
    if letter is None:
        raise Http404("No finalized letter.")
    by_id = {e.pk: e for e in appeal.evidence.all()}
    items = [by_id[i] for i in letter.evidence_ids if i in by_id]
    return letter, items


def _pdf_response(data: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "no-store"
    return response


@access(roles=WORKERS, object_type="appeal")
def appeal_letter_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    """Download the finalized letter as a PDF (audited)."""
    appeal = selectors.appeal_get(user=request.user, pk=pk)
    letter, _ = _letter_and_enclosures(appeal)
    data = pdf.letter_pdf(
        body=letter.body, enclosures=letter.enclosures, title=f"Appeal {appeal.pk}"
    )
    audit_log(
        action=AuditAction.DOWNLOAD,
        request=request,
        practice_id=appeal.practice_id,
        object_type="appeal_letter",
        object_id=letter.pk,
        detail={"appeal": appeal.pk},
    )
    return _pdf_response(data, f"appeal-{appeal.pk}-letter.pdf")


@access(roles=WORKERS, object_type="appeal")
def appeal_packet_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    """Download the letter followed by every enclosure, as one PDF (audited)."""
    appeal = selectors.appeal_get(user=request.user, pk=pk)
    letter, items = _letter_and_enclosures(appeal)
    letter_bytes = pdf.letter_pdf(
        body=letter.body, enclosures=letter.enclosures, title=f"Appeal {appeal.pk}"
    )
    data = pdf.packet_pdf(
        letter=letter_bytes,
        enclosures=[
            pdf.Enclosure(e.original_name, e.content_type, services.evidence_path(e))
            for e in items
        ],
    )
    audit_log(
        action=AuditAction.DOWNLOAD,
        request=request,
        practice_id=appeal.practice_id,
        object_type="appeal_packet",
        object_id=letter.pk,
        detail={"appeal": appeal.pk, "enclosures": len(items)},
    )
    return _pdf_response(data, f"appeal-{appeal.pk}-packet.pdf")


@require_POST
@access(roles=WORKERS, object_type="appeal")
def evidence_upload(request: HttpRequest, pk: int) -> HttpResponse:
    """Attach files; each bad one is refused by name, the good ones are kept."""
    appeal = selectors.appeal_get(user=request.user, pk=pk)
    files = request.FILES.getlist("files")
    try:
        result = services.evidence_add(
            appeal=appeal,
            files=[(f.name, f, f.size) for f in files],
            by=request.user,
        )
    except ApplicationError as exc:
        messages.error(request, exc.message)
        return _detail(pk)
    for item in result.saved:
        text = f"Attached {item.original_name}."
        messages.success(request, f"{text} {item.note}" if item.note else text)
    for refusal in result.refused:
        messages.error(request, refusal)
    return _detail(pk)


@access(roles=WORKERS, object_type="appeal")
def evidence_download(request: HttpRequest, pk: int, evidence_pk: int) -> HttpResponse:
    """Stream one stored file to a user of its practice (audited)."""
    item = selectors.evidence_get(user=request.user, appeal_pk=pk, pk=evidence_pk)
    path = services.evidence_path(item)
    if not path.is_file():
        raise Http404("The stored file is missing.")
    audit_log(
        action=AuditAction.DOWNLOAD,
        request=request,
        practice_id=item.appeal.practice_id,
        object_type="evidence",
        object_id=item.pk,
        detail={"appeal": item.appeal_id},
    )
    response = FileResponse(
        open(path, "rb"),
        as_attachment=True,
        filename=item.original_name,
        content_type=item.content_type,
    )
    response["Cache-Control"] = "no-store"
    return response


@require_POST
@access(roles=WORKERS, object_type="appeal")
def evidence_delete(request: HttpRequest, pk: int, evidence_pk: int) -> HttpResponse:
    item = selectors.evidence_get(user=request.user, appeal_pk=pk, pk=evidence_pk)
    _attempt(
        request,
        lambda: services.evidence_remove(item=item, by=request.user),
        f"Removed {item.original_name}.",
    )
    return _detail(pk)


@require_POST
@access(roles=WORKERS, object_type="appeal")
def appeal_submit(request: HttpRequest, pk: int) -> HttpResponse:
    appeal = selectors.appeal_get(user=request.user, pk=pk)
    form = SubmitForm(request.POST)
    if not form.is_valid():
        messages.error(request, _form_error(form))
        return _detail(pk)
    data = form.cleaned_data
    corrected = appeal.action == Action.CORRECTED_CLAIM
    _attempt(
        request,
        lambda: services.appeal_submit(
            appeal=appeal,
            by=request.user,
            method=data["method"],
            submitted_on=data["submitted_on"],
            follow_up_date=data["follow_up_date"],
            payer_claim_number=data["payer_claim_number"] if corrected else None,
            frequency_code=data["frequency_code"] if corrected else None,
        ),
        "Marked as submitted. The follow-up date is set; you will be reminded.",
    )
    return _detail(pk)


@require_POST
@access(roles=WORKERS, object_type="appeal")
def appeal_in_review(request: HttpRequest, pk: int) -> HttpResponse:
    appeal = selectors.appeal_get(user=request.user, pk=pk)
    _attempt(
        request,
        lambda: services.appeal_mark_in_review(appeal=appeal, by=request.user),
        "Marked as in review.",
    )
    return _detail(pk)


@require_POST
@access(roles=WORKERS, object_type="appeal")
def appeal_outcome(request: HttpRequest, pk: int) -> HttpResponse:
    appeal = selectors.appeal_get(user=request.user, pk=pk)
    form = OutcomeForm(request.POST)
    if not form.is_valid():
        messages.error(request, _form_error(form))
        return _detail(pk)
    data = form.cleaned_data
    _attempt(
        request,
        lambda: services.appeal_record_outcome(
            appeal=appeal,
            outcome=data["outcome"],
            by=request.user,
            amount=data["amount"],
            note=data["note"],
            decided_on=data["decided_on"],
        ),
        f"Outcome recorded: {Appeal.Status(data['outcome']).label.lower()}.",
    )
    return _detail(pk)


@require_POST
@access(roles=WORKERS, object_type="appeal")
def appeal_escalate(request: HttpRequest, pk: int) -> HttpResponse:
    appeal = selectors.appeal_get(user=request.user, pk=pk)
    created: list[Appeal] = []
    if _attempt(
        request,
        lambda: created.append(
            services.appeal_escalate(appeal=appeal, by=request.user)
        ),
        "",
    ):
        new = created[0]
        messages.success(
            request, f"Escalated: {new.level_name} drafted as appeal {new.pk}."
        )
        return _detail(new.pk)
    return _detail(pk)


@require_POST
@access(roles=WORKERS, object_type="appeal")
def appeal_write_off(request: HttpRequest, pk: int) -> HttpResponse:
    appeal = selectors.appeal_get(user=request.user, pk=pk)
    form = WriteOffForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Give the reason for the write-off.")
        return _detail(pk)
    _attempt(
        request,
        lambda: services.appeal_write_off(
            appeal=appeal, by=request.user, note=form.cleaned_data["note"]
        ),
        "The remaining balance was written off.",
    )
    return _detail(pk)


@access(roles=WORKERS)
def notifications(request: HttpRequest) -> HttpResponse:
    """The user's appeal reminders; POST marks them read."""
    if request.method == "POST":
        ids = [int(x) for x in request.POST.getlist("ids") if x.isdigit()]
        count = services.notifications_mark_read(user=request.user, ids=ids or None)
        messages.success(request, f"{count} reminder{'s' * (count != 1)} marked read.")
        return redirect("appeals:notifications")
    items = selectors.notifications_for(user=request.user)[:200]
    return render(request, "appeals/notifications.html", {"items": items})
