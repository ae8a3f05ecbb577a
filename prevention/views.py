"""The manager's dashboard and the monthly prevention review (reads rollups)."""

import csv
from datetime import date, timedelta
from decimal import Decimal
from urllib.parse import urlencode

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from core.access import MANAGERS, access
from core.audit import Action, audit_log
from core.errors import ApplicationError
from core.models import Practice

from . import selectors, services
from .forms import ActionItemForm, ActionStatusForm, ScopeForm
from .models import ActionItem
from .rollups import next_month
from .selectors import Scope

# (key, label, kind); kind picks the format: int, money, rate, days, month, text.
MONTHLY_COLUMNS = [
    ("month", "Month", "month"),
    ("claims_adjudicated", "Claims adjudicated", "int"),
    ("initial_denials", "Initial denials", "int"),
    ("initial_denial_rate", "Initial denial rate", "rate"),
    ("initial_denial_rate_dollars", "Initial denial rate ($)", "rate"),
    ("initial_denial_rate_hfma", "Initial denial rate (HFMA, prior 3 mo.)", "rate"),
    ("denied_amount", "Denied $", "money"),
    ("recovered_amount", "Recovered $", "money"),
    ("written_off_amount", "Written off $", "money"),
    ("recovery_rate", "Recovery rate", "rate"),
    ("write_off_rate", "Write-off rate", "rate"),
    ("overturn_rate", "Overturn rate", "rate"),
    ("overturn_rate_dollars", "Overturn rate ($)", "rate"),
    ("worked_within_7_days_rate", "Worked within 7 days", "rate"),
    ("days_to_appeal", "Days to appeal", "days"),
    ("days_to_resolution", "Days to resolution", "days"),
    ("rework_cost", "Rework cost", "money"),
    ("first_pass_resolution_rate", "First-pass resolution", "rate"),
    ("net_collection_rate", "Net collection rate", "rate"),
]
BREAKDOWN_COLUMNS = [
    ("label", "", "text"),
    ("denials", "Denials", "int"),
    ("denial_share", "Share of denials", "rate"),
    ("initial_denials", "Initial denials", "int"),
    ("initial_denial_rate", "Initial denial rate", "rate"),
    ("denied_amount", "Denied $", "money"),
    ("recovered_amount", "Recovered $", "money"),
    ("written_off_amount", "Written off $", "money"),
    ("recovery_rate", "Recovery rate", "rate"),
    ("overturn_rate", "Overturn rate", "rate"),
    ("worked_within_7_days_rate", "Worked within 7 days", "rate"),
    ("days_to_resolution", "Days to resolution", "days"),
    ("rework_cost", "Rework cost", "money"),
]
CLAIM_COLUMNS = [
    ("claims_adjudicated", "Claims adjudicated", "int"),
    ("first_pass_resolution_rate", "First-pass resolution", "rate"),
    ("net_collection_rate", "Net collection rate", "rate"),
]
BREAKDOWNS = [
    ("payer", "By payer", "Payer"),
    ("category", "By category", "Category"),
    ("root_cause", "By root cause", "Root cause"),
    ("department", "By department", "Department"),
    ("provider", "By rendering provider", "Rendering NPI"),
]
# The denial queue's filter for each breakdown's key.
LINK_PARAM = {
    "payer": "payer",
    "category": "category",
    "root_cause": "root_cause",
    "department": "department",
    "provider": "rendering_npi",
}


def fmt(value, kind: str) -> str:
    if value is None:
        return "–"
    if kind == "month":
        return f"{value:%Y-%m}"
    if kind == "int":
        return f"{int(value):,}"
    if kind == "money":
        return f"${Decimal(value):,.2f}"
    if kind == "rate":
        return f"{Decimal(value) * 100:.1f}%"
    if kind == "days":
        return f"{Decimal(value):.1f}"
    return str(value)


def raw(value, kind: str) -> str:
    """A CSV cell: plain numbers (rates as fractions), months as YYYY-MM."""
    if value is None:
        return ""
    if kind == "month":
        return f"{value:%Y-%m}"
    return str(value)


def denials_link(scope: Scope, *, month_from: date, month_to: date, **filters) -> str:
    """The denial queue filtered to the denials behind a number."""
    params = {"status": "all"}
    if len(scope.practice_ids) == 1:
        params["practice"] = scope.practice_ids[0]
    if scope.payer_id is not None:
        params["payer"] = scope.payer_id
    params.update({k: v for k, v in filters.items() if v not in (None, "")})
    params["remit_from"] = month_from.isoformat()
    params["remit_to"] = (next_month(month_to) - timedelta(days=1)).isoformat()
    return reverse("denials:queue") + "?" + urlencode(params)


def cells(row: dict, columns, href: str | None) -> list[dict]:
    out = []
    for key, _label, kind in columns:
        value = row.get(key)
        linked = href if kind != "month" and value is not None else None
        out.append({"text": fmt(value, kind), "href": linked, "kind": kind})
    return out


def scope_from(request: HttpRequest) -> tuple[ScopeForm, Scope | None]:
    practice_ids = selectors.managed_practice_ids(request)
    # Unfiltered: the last 12 months of every practice the user manages.
    form = ScopeForm(request.GET, practice_ids=practice_ids)
    if not form.is_valid():
        return form, None
    data = form.cleaned_data
    payer = data.get("payer")
    return form, Scope(
        practice_ids=tuple(form.chosen_practice_ids()),
        month_from=data["month_from"],
        month_to=data["month_to"],
        payer_id=payer.pk if payer else None,
    )


def csv_response(
    request: HttpRequest, *, name: str, columns, rows, table: str
) -> HttpResponse:
    audit_log(
        action=Action.EXPORT,
        request=request,
        object_type="prevention_" + table,
        detail={"rows": len(rows), "query": request.GET.urlencode()[:500]},
    )
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{name}.csv"'
    writer = csv.writer(response)
    writer.writerow([label or "name" for _k, label, _kind in columns])
    for row in rows:
        writer.writerow([raw(row.get(key), kind) for key, _label, kind in columns])
    return response


@access(roles=MANAGERS)
def dashboard(request: HttpRequest) -> HttpResponse:
    """Monthly trends and breakdowns from the rollups; each number opens its denials."""
    form, scope = scope_from(request)
    if scope is None:
        return render(request, "prevention/dashboard.html", {"form": form}, status=400)
    table = request.GET.get("table", "")
    if request.GET.get("format") == "csv":
        stamp = f"{scope.month_from:%Y-%m}_{scope.month_to:%Y-%m}"
        if table == "monthly":
            return csv_response(
                request,
                name=f"denial-trends_{stamp}",
                table=table,
                columns=MONTHLY_COLUMNS,
                rows=selectors.monthly(scope),
            )
        for dimension, _title, label in BREAKDOWNS:
            if table == dimension:
                columns = breakdown_columns(dimension, label)
                return csv_response(
                    request,
                    name=f"denials-by-{dimension}_{stamp}",
                    table=table,
                    columns=columns,
                    rows=selectors.breakdown(scope, dimension),
                )
        raise Http404("No such table.")

    data = selectors.dashboard(scope)
    months = data["monthly"]
    monthly_rows = [
        {
            "cells": cells(
                m,
                MONTHLY_COLUMNS,
                denials_link(scope, month_from=m["month"], month_to=m["month"]),
            )
        }
        for m in months
    ]
    breakdowns = []
    query = request.GET.copy()
    for dimension, title, label in BREAKDOWNS:
        columns = breakdown_columns(dimension, label)
        rows = []
        for r in data["breakdowns"][dimension]:
            href = denials_link(
                scope,
                month_from=scope.month_from,
                month_to=scope.month_to,
                **{LINK_PARAM[dimension]: r["key"]},
            )
            if not r["label"]:
                r["label"] = "Not set"
            rows.append({"cells": cells(r, columns, href)})
        query["format"], query["table"] = "csv", dimension
        breakdowns.append(
            {
                "id": dimension,
                "title": title,
                "columns": columns,
                "rows": rows,
                "csv": "?" + query.urlencode(),
            }
        )
    query["format"], query["table"] = "csv", "monthly"
    totals = data["totals"]
    whole = denials_link(scope, month_from=scope.month_from, month_to=scope.month_to)
    summary = [
        (label, fmt(totals.get(key), kind), whole)
        for key, label, kind in (
            ("initial_denial_rate", "Initial denial rate", "rate"),
            ("initial_denial_rate_dollars", "Initial denial rate ($)", "rate"),
            ("denied_amount", "Denied", "money"),
            ("recovered_amount", "Recovered", "money"),
            ("written_off_amount", "Written off", "money"),
            ("recovery_rate", "Recovery rate", "rate"),
            ("overturn_rate", "Overturn rate", "rate"),
            ("worked_within_7_days_rate", "Worked within 7 days", "rate"),
            ("first_pass_resolution_rate", "First-pass resolution", "rate"),
            ("net_collection_rate", "Net collection rate", "rate"),
            ("rework_cost", "Rework cost", "money"),
        )
    ]
    chart = {
        "months": [f"{m['month']:%Y-%m}" for m in months],
        "series": {
            key: [None if m[key] is None else float(m[key]) for m in months]
            for key in (
                "initial_denial_rate",
                "initial_denial_rate_dollars",
                "recovery_rate",
                "overturn_rate",
                "worked_within_7_days_rate",
                "first_pass_resolution_rate",
                "net_collection_rate",
                "denied_amount",
                "recovered_amount",
                "written_off_amount",
                "days_to_appeal",
                "days_to_resolution",
            )
        },
    }
    return render(
        request,
        "prevention/dashboard.html",
        {
            "form": form,
            "scope": scope,
            "summary": summary,
            "monthly_columns": MONTHLY_COLUMNS,
            "monthly_rows": monthly_rows,
            "monthly_csv": "?" + query.urlencode(),
            "breakdowns": breakdowns,
            "chart": chart,
        },
    )


def breakdown_columns(dimension: str, label: str):
    first = [("label", label, "text")]
    rest = BREAKDOWN_COLUMNS[1:]
    if dimension in ("payer", "provider"):
        rest = rest + CLAIM_COLUMNS
    return first + rest


# The monthly review -----------------------------------------------------------


def review_scope(request: HttpRequest) -> tuple[ScopeForm, Scope | None]:
    practice_ids = selectors.managed_practice_ids(request)
    data = request.GET.copy()
    if data.get("month"):
        data["month_from"] = data["month_to"] = data["month"]
    form = ScopeForm(data, practice_ids=practice_ids)
    if not form.is_valid():
        return form, None
    d = form.cleaned_data
    if not data.get("month"):
        d["month_from"] = d["month_to"] = selectors.add_months(d["month_to"], -1)
    payer = d.get("payer")
    return form, Scope(
        practice_ids=tuple(form.chosen_practice_ids()),
        month_from=d["month_to"],
        month_to=d["month_to"],
        payer_id=payer.pk if payer else None,
    )


@access(roles=MANAGERS, phi=True, object_type="prevention_review")
def review(request: HttpRequest) -> HttpResponse:
    """The monthly prevention review: root causes routed to the teams that fix them."""
    form, scope = review_scope(request)
    if scope is None:
        return render(request, "prevention/review.html", {"form": form}, status=400)
    departments = selectors.review(scope, user=request.user)
    for department in departments:
        for cause in department["causes"]:
            cause["link"] = denials_link(
                scope,
                month_from=scope.month_to,
                month_to=scope.month_to,
                root_cause=cause["cause"].pk,
            )
    fmt_ = request.GET.get("format")
    if fmt_ == "csv":
        return review_csv(request, scope, departments)
    if fmt_ == "pdf":
        from .pdf import review_pdf

        audit_log(
            action=Action.EXPORT,
            request=request,
            object_type="prevention_review",
            detail={"format": "pdf", "month": f"{scope.month_to:%Y-%m}"},
        )
        body = review_pdf(
            scope=scope,
            departments=departments,
            practices=Practice.objects.filter(pk__in=scope.practice_ids),
        )
        response = HttpResponse(body, content_type="application/pdf")
        response["Content-Disposition"] = (
            f'attachment; filename="prevention-review_{scope.month_to:%Y-%m}.pdf"'
        )
        return response
    practice_ids = selectors.managed_practice_ids(request)
    query = request.GET.copy()
    query.setdefault("month", f"{scope.month_to:%Y-%m}")
    exports = {}
    for kind in ("csv", "pdf"):
        query["format"] = kind
        exports[kind] = "?" + query.urlencode()
    action_form = ActionItemForm(
        practice_ids=practice_ids,
        initial={
            "started_on": scope.month_to,
            "practice": scope.practice_ids[0] if len(scope.practice_ids) == 1 else None,
        },
    )
    return render(
        request,
        "prevention/review.html",
        {
            "form": form,
            "scope": scope,
            "departments": departments,
            "exports": exports,
            "action_form": action_form,
            "status_choices": ActionItem.Status.choices,
            "previous_month": selectors.add_months(scope.month_to, -1),
            "next_month": selectors.add_months(scope.month_to, 1),
        },
    )


def review_csv(request, scope: Scope, departments: list[dict]) -> HttpResponse:
    audit_log(
        action=Action.EXPORT,
        request=request,
        object_type="prevention_review",
        detail={"format": "csv", "month": f"{scope.month_to:%Y-%m}"},
    )
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = (
        f'attachment; filename="prevention-review_{scope.month_to:%Y-%m}.csv"'
    )
    writer = csv.writer(response)
    writer.writerow(
        [
            "department",
            "root_cause",
            "denials",
            "denied_amount",
            "previous_3_month_average",
            "top_payers",
            "example_denial_ids",
            "actions",
        ]
    )
    for d in departments:
        for c in d["causes"]:
            writer.writerow(
                [
                    d["name"],
                    c["cause"].name,
                    c["count"],
                    c["denied"],
                    "" if c["previous_average"] is None else c["previous_average"],
                    "; ".join(f"{name} ({n})" for (_pk, name), n in c["top_payers"]),
                    " ".join(str(e.pk) for e in c["examples"]),
                    "; ".join(
                        f"{a['item'].change} [{a['item'].status}, before "
                        f"{a['before']} after {a['after']}: {a['verdict']}]"
                        for a in c["actions"]
                    ),
                ]
            )
    return response


@access(roles=MANAGERS)
@require_POST
def action_create(request: HttpRequest) -> HttpResponse:
    """Attach an action item to a root cause."""
    practice_ids = selectors.managed_practice_ids(request)
    form = ActionItemForm(request.POST, practice_ids=practice_ids)
    back = request.POST.get("next") or reverse("prevention:review")
    if not back.startswith("/prevention/"):
        back = reverse("prevention:review")
    if not form.is_valid():
        for field, errors in form.errors.items():
            messages.error(request, f"{field}: {' '.join(errors)}")
        return redirect(back)
    d = form.cleaned_data
    try:
        services.action_item_create(
            practice=Practice.objects.get(pk=d["practice"]),
            root_cause=d["root_cause"],
            change=d["change"],
            started_on=d["started_on"],
            due_date=d["due_date"],
            owner=d["owner"],
            by=request.user,
        )
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "Action item added.")
    return redirect(back)


@access(roles=MANAGERS)
@require_POST
def action_status(request: HttpRequest, pk: int) -> HttpResponse:
    """Mark an action item done, dropped or open again."""
    item = get_object_or_404(
        ActionItem, pk=pk, practice_id__in=selectors.managed_practice_ids(request)
    )
    form = ActionStatusForm(request.POST)
    back = request.POST.get("next") or reverse("prevention:review")
    if not back.startswith("/prevention/"):
        back = reverse("prevention:review")
    if form.is_valid():
        try:
            services.action_item_set_status(
                item=item, status=form.cleaned_data["status"], by=request.user
            )
        except ApplicationError as exc:
            messages.error(request, exc.message)
    return redirect(back)
