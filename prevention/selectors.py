"""Reads of the prevention app: rollup sums per month and per breakdown, scoped to the
practices where the user manages. The dashboard never touches raw claims."""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.db.models import QuerySet, Sum
from django.utils import timezone
from django.db.models.functions import Coalesce

from core.access import MANAGERS
from core.tenancy import request_practice_ids, user_practice_roles
from denials.models import Denial, QueueSettings

from . import metrics
from .models import MEASURES, ActionItem, MonthlyRollup
from .rollups import month_start, next_month

MAX_MONTHS = 24
ZERO = Decimal("0")


def managed_practice_ids(request) -> list[int]:
    """The practices in the page's scope where the user is a manager or admin."""
    roles = user_practice_roles(request.user)
    return [p for p in request_practice_ids(request) if roles.get(p) in MANAGERS]


def months_between(start: date, end: date) -> list[date]:
    months, current = [], month_start(start)
    while current <= end:
        months.append(current)
        current = next_month(current)
    return months


def add_months(month: date, count: int) -> date:
    index = month.year * 12 + month.month - 1 + count
    return date(index // 12, index % 12 + 1, 1)


@dataclass(frozen=True)
class Scope:
    """What the numbers cover: practices (already authorized), a payer, a month range."""

    practice_ids: tuple[int, ...]
    month_from: date
    month_to: date
    payer_id: int | None = None
    extra: dict = field(default_factory=dict)

    @property
    def months(self) -> list[date]:
        return months_between(self.month_from, self.month_to)


def rollup_rows(scope: Scope, *, month_from: date | None = None) -> QuerySet[MonthlyRollup]:
    qs = MonthlyRollup.objects.filter(
        practice_id__in=scope.practice_ids,
        month__gte=month_from or scope.month_from,
        month__lte=scope.month_to,
    )
    if scope.payer_id is not None:
        qs = qs.filter(payer_id=scope.payer_id)
    return qs.filter(**scope.extra)


def _sums():
    return {
        name: Coalesce(Sum(name), 0) if name in INT_MEASURES else Coalesce(Sum(name), ZERO)
        for name in MEASURES
    }


INT_MEASURES = {
    f.name for f in MonthlyRollup._meta.local_fields
    if f.get_internal_type() == "PositiveIntegerField"
}


def cost_per_rework() -> Decimal:
    row = QueueSettings.objects.first()
    return row.rework_cost if row is not None else metrics.DEFAULT_REWORK_COST


def monthly(scope: Scope) -> list[dict]:
    """One dict per month of the scope: the summed measures and every KPI."""
    cost = cost_per_rework()
    by_month = {
        r["month"]: r
        for r in rollup_rows(scope, month_from=add_months(scope.month_from, -3))
        .values("month").annotate(**_sums()).order_by("month")
    }
    out = []
    for month in scope.months:
        sums = by_month.get(month) or {name: 0 for name in MEASURES}
        prior = [
            (by_month.get(add_months(month, back)) or {}).get("claims_adjudicated")
            for back in (-3, -2, -1)
        ]
        prior = [p for p in prior if p]
        out.append({"month": month, **sums,
                    **metrics.kpis(sums, cost_per_rework=cost,
                                   prior_claims_adjudicated=prior)})
    return out


def totals(scope: Scope) -> dict:
    sums = rollup_rows(scope).aggregate(**_sums())
    return {**sums, **metrics.kpis(sums, cost_per_rework=cost_per_rework())}


# dimension: (group-by fields, label field)
DIMENSIONS = {
    "payer": (["payer_id", "payer__name"], "payer__name"),
    "category": (["category_id", "category__name"], "category__name"),
    "root_cause": (["root_cause_id", "root_cause__name"], "root_cause__name"),
    "department": (["root_cause__department_id", "root_cause__department__name"],
                   "root_cause__department__name"),
    "provider": (["rendering_npi"], "rendering_npi"),
}
DENIAL_ONLY = {"category", "root_cause", "department"}


def breakdown(scope: Scope, dimension: str) -> list[dict]:
    """Sums and KPIs per value of a dimension, largest denied dollars first.

    Claims carry no category, so for category, root cause and department the initial
    denial rate is each group's share of all claims adjudicated in scope: the groups
    add up to the overall rate.
    """
    fields, label = DIMENSIONS[dimension]
    qs = rollup_rows(scope)
    if dimension in DENIAL_ONLY:
        qs = qs.filter(category__isnull=False)
    all_claims = rollup_rows(scope).aggregate(
        n=Coalesce(Sum("claims_adjudicated"), 0), c=Coalesce(Sum("charges"), ZERO))
    cost = cost_per_rework()
    rows = []
    for r in qs.values(*fields).annotate(**_sums()).order_by():
        if dimension in DENIAL_ONLY:
            r["claims_adjudicated"] = all_claims["n"]
            r["charges"] = all_claims["c"]
        k = metrics.kpis(r, cost_per_rework=cost)
        rows.append({**r, **k, "key": r[fields[0]], "label": r[label] or "",
                     "denial_share": None})
    total_denials = sum(r["denials"] for r in rows)
    for r in rows:
        r["denial_share"] = metrics.ratio(r["denials"], total_denials)
    rows.sort(key=lambda r: (-r["denied_amount"], -r["denials"], str(r["label"])))
    return [r for r in rows if r["denials"] or r["claims_adjudicated"]]


# The monthly prevention review ---------------------------------------------------------

TREND_MONTHS = 3


def review(scope: Scope, *, user) -> list[dict]:
    """Per department: its root causes this month, trend, top payers, examples, actions."""
    month = scope.month_to
    trend_from = add_months(month, -TREND_MONTHS)
    rows = rollup_rows(scope, month_from=trend_from).filter(root_cause__isnull=False)
    per_cause: dict = defaultdict(lambda: {"months": defaultdict(int), "denied": ZERO,
                                           "count": 0, "payers": defaultdict(int)})
    for r in rows.values("root_cause_id", "month", "payer_id", "payer__name").annotate(
        n=Sum("denials"), amount=Sum("denied_amount")
    ).order_by():
        cause = per_cause[r["root_cause_id"]]
        cause["months"][r["month"]] += r["n"]
        if r["month"] == month:
            cause["count"] += r["n"]
            cause["denied"] += r["amount"]
            cause["payers"][(r["payer_id"], r["payer__name"] or "Unknown payer")] += r["n"]
    from denials.models import Category

    causes = {c.pk: c for c in Category.objects.filter(pk__in=per_cause).select_related(
        "department")}
    actions = defaultdict(list)
    for item in ActionItem.objects.filter(practice_id__in=scope.practice_ids).select_related(
        "owner", "root_cause"
    ):
        actions[item.root_cause_id].append(item)
    departments: dict = {}
    trend_months = months_between(trend_from, month)
    for cause_id, data in per_cause.items():
        if not data["count"] and not actions.get(cause_id):
            continue
        cause = causes[cause_id]
        dept = cause.department
        key = dept.pk if dept else None
        department = departments.setdefault(key, {
            "department": dept, "name": dept.name if dept else "No department",
            "causes": [], "count": 0, "denied": ZERO})
        previous = [data["months"].get(m, 0) for m in trend_months[:-1]]
        average = (Decimal(sum(previous)) / len(previous)).quantize(Decimal("0.1")) \
            if previous else None
        department["causes"].append({
            "cause": cause, "count": data["count"], "denied": data["denied"],
            "trend": [(m, data["months"].get(m, 0)) for m in trend_months],
            "previous_average": average,
            "change": (data["count"] - average) if average is not None else None,
            "top_payers": sorted(data["payers"].items(), key=lambda kv: -kv[1])[:3],
            "examples": examples(scope, cause_id=cause_id),
            "actions": [action_effect(item, scope=scope) for item in actions[cause_id]],
        })
        department["count"] += data["count"]
        department["denied"] += data["denied"]
    for department in departments.values():
        department["causes"].sort(key=lambda c: (-c["count"], c["cause"].name))
    return sorted(departments.values(), key=lambda d: (-d["count"], d["name"]))


EXAMPLES = 5


def examples(scope: Scope, *, cause_id: int) -> list[Denial]:
    """The month's largest denials of a root cause, with their lines and codes."""
    month = scope.month_to
    qs = Denial.objects.filter(
        practice_id__in=scope.practice_ids, root_cause_id=cause_id,
        remit_date__gte=month, remit_date__lt=next_month(month),
    )
    if scope.payer_id is not None:
        qs = qs.filter(payer_id=scope.payer_id)
    return list(
        qs.select_related("payer").prefetch_related("claim__lines")
        .order_by("-denied_amount", "id")[:EXAMPLES]
    )


BEFORE_AFTER_MONTHS = 3


def action_effect(item: ActionItem, *, scope: Scope) -> dict:
    """Denials of the action's root cause per month, 3 full months before vs after it.

    The month the action starts belongs to neither side. `after` averages only the
    months that have ended or begun (up to 3); a fix that did not work shows an
    after-average at or above the before-average.
    """
    start = month_start(item.started_on)
    before_months = [add_months(start, -i) for i in range(BEFORE_AFTER_MONTHS, 0, -1)]
    after_months = [add_months(start, i) for i in range(1, BEFORE_AFTER_MONTHS + 1)]
    after_months = [m for m in after_months if m <= month_start(timezone.localdate())]
    counts = dict(
        MonthlyRollup.objects.filter(
            practice_id=item.practice_id, root_cause_id=item.root_cause_id,
            month__in=before_months + after_months,
        ).values("month").annotate(n=Sum("denials")).values_list("month", "n")
    )

    def average(months):
        if not months:
            return None
        return (Decimal(sum(counts.get(m, 0) for m in months)) / len(months)).quantize(
            Decimal("0.1"))

    before, after = average(before_months), average(after_months)
    if after is None:
        verdict = "too early to tell"
    elif before and after <= before * Decimal("0.8"):
        verdict = "fell"
    else:
        verdict = "did not fall"
    return {"item": item, "before": before, "after": after, "verdict": verdict,
            "before_months": before_months, "after_months": after_months}
