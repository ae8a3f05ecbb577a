"""Reads of the prevention app: rollup sums per month and per breakdown, scoped to the
practices where the user manages. The dashboard never touches raw claims."""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.db import connection
from django.db.models import QuerySet, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone

from core.access import MANAGERS
from core.tenancy import request_practice_ids, user_practice_roles
from denials.models import Denial, QueueSettings

from . import metrics
from .models import (
    MEASURES,
    SUMMARY_KEYS,
    ActionItem,
    MonthlyRollup,
    MonthlySummary,
)
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
    """What the numbers cover: practices (authorized), a payer, a month range."""

    practice_ids: tuple[int, ...]
    month_from: date
    month_to: date
    payer_id: int | None = None
    extra: dict = field(default_factory=dict)

    @property
    def months(self) -> list[date]:
        return months_between(self.month_from, self.month_to)


def rollup_rows(
    scope: Scope, *, month_from: date | None = None
) -> QuerySet[MonthlyRollup]:
    qs = MonthlyRollup.objects.filter(
        practice_id__in=scope.practice_ids,
        month__gte=month_from or scope.month_from,
        month__lte=scope.month_to,
    )
    if scope.payer_id is not None:
        qs = qs.filter(payer_id=scope.payer_id)
    return qs.filter(**scope.extra)


def summary_rows(scope: Scope) -> QuerySet[MonthlySummary]:
    """The scope's summary rows; only for a scope without payer (see uses_summary)."""
    return MonthlySummary.objects.filter(
        practice_id__in=scope.practice_ids,
        month__gte=scope.month_from,
        month__lte=scope.month_to,
    )


def uses_summary(scope: Scope) -> bool:
    """Without a payer the summary holds every sum the dashboard needs.

    Its rows sum the fine rows along one dimension each, so they answer "per month",
    "per payer", "per category"… but not "per category for this payer": a scope with
    a payer (or another filter) reads the fine rows, which that filter makes few.
    """
    return scope.payer_id is None and not scope.extra


TOTAL = MonthlySummary.Dimension.TOTAL
KEY_COLUMNS = [c for c in SUMMARY_KEYS.values() if c]


def _summary_months(scope: Scope) -> dict[date, dict]:
    """Summed measures per month from the summary's total rows."""
    rows = summary_rows(scope).filter(dimension=TOTAL)
    return {
        r.pop("month"): r for r in rows.values("month").annotate(**_sums()).order_by()
    }


def _summary_sums(scope: Scope) -> dict[str, dict]:
    """grouped_sums from the summary: one query for the months, one for the rest."""
    result: dict[str, dict] = {name: {} for name in GROUPINGS}
    result["month"] = _summary_months(scope)
    for r in (
        summary_rows(scope)
        .exclude(dimension=TOTAL)
        .values("dimension", *KEY_COLUMNS)
        .annotate(**_sums())
        .order_by()
    ):
        dimension = r.pop("dimension")
        keys = {c: r.pop(c) for c in KEY_COLUMNS}
        key = keys[SUMMARY_KEYS[dimension]]
        if dimension == MonthlySummary.Dimension.PROVIDER:
            key = key or ""
        result[dimension][key] = r
    return result


def _sums():
    return {
        name: Coalesce(Sum(name), 0)
        if name in INT_MEASURES
        else Coalesce(Sum(name), ZERO)
        for name in MEASURES
    }


INT_MEASURES = {
    f.name
    for f in MonthlyRollup._meta.local_fields
    if f.get_internal_type() == "PositiveIntegerField"
}


def cost_per_rework() -> Decimal:
    row = QueueSettings.objects.first()
    return row.rework_cost if row is not None else metrics.DEFAULT_REWORK_COST


GROUPINGS = {
    "month": "month",
    "payer": "payer_id",
    "category": "category_id",
    "root_cause": "root_cause_id",
    "provider": "rendering_npi",
}


def grouped_sums(scope: Scope) -> dict[str, dict]:
    """Summed measures per month, payer, category, root cause and NPI.

    Without a payer they come from the summary (a few rows per practice-month). With
    one, from the fine rows of that payer: on PostgreSQL one GROUPING SETS query
    reads them once; elsewhere (SQLite) one aggregate query per grouping gives the
    same sums.
    """
    if uses_summary(scope):
        return _summary_sums(scope)
    result: dict[str, dict] = {name: {} for name in GROUPINGS}
    if connection.vendor == "postgresql":
        columns = ", ".join(f'COALESCE(SUM("{m}"), 0) AS "{m}"' for m in MEASURES)
        flags = ", ".join(
            f'GROUPING("{c}") AS "g_{name}"' for name, c in GROUPINGS.items()
        )
        keys = ", ".join(f'"{c}"' for c in GROUPINGS.values())
        sets = ", ".join(f'("{c}")' for c in GROUPINGS.values())
        where = "practice_id = ANY(%s) AND month >= %s AND month <= %s"
        params: list = [list(scope.practice_ids), scope.month_from, scope.month_to]
        if scope.payer_id is not None:
            where += " AND payer_id = %s"
            params.append(scope.payer_id)
        sql = (
            f"SELECT {keys}, {flags}, {columns} FROM prevention_monthlyrollup "
            f"WHERE {where} GROUP BY GROUPING SETS ({sets})"
        )
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            names = [col[0] for col in cursor.description]
            for values in cursor.fetchall():
                row = dict(zip(names, values, strict=True))
                for name, column in GROUPINGS.items():
                    if row[f"g_{name}"] == 0:
                        key = row[column]
                        if name == "provider":
                            key = key or ""
                        result[name][key] = {m: row[m] for m in MEASURES}
        return result
    qs = rollup_rows(scope)
    for name, column in GROUPINGS.items():
        for r in qs.values(column).annotate(**_sums()).order_by():
            result[name][r.pop(column)] = r
    return result


def _add(into: dict, row: dict) -> None:
    for m in MEASURES:
        into[m] = into.get(m, 0) + row[m]


def prior_claims(scope: Scope) -> dict[date, int]:
    """Claims adjudicated in the three months before the scope (HFMA denominators)."""
    if uses_summary(scope):
        prior = MonthlySummary.objects.filter(
            practice_id__in=scope.practice_ids,
            month__gte=add_months(scope.month_from, -3),
            month__lt=scope.month_from,
            dimension=TOTAL,
        )
        return dict(
            prior.values("month")
            .annotate(n=Sum("claims_adjudicated"))
            .values_list("month", "n")
        )
    prior = MonthlyRollup.objects.filter(
        practice_id__in=scope.practice_ids,
        month__gte=add_months(scope.month_from, -3),
        month__lt=scope.month_from,
        category__isnull=True,
    )
    if scope.payer_id is not None:
        prior = prior.filter(payer_id=scope.payer_id)
    return dict(
        prior.values("month")
        .annotate(n=Sum("claims_adjudicated"))
        .values_list("month", "n")
    )


def monthly_from(scope: Scope, by_month: dict, *, cost: Decimal) -> list[dict]:
    claims = {m: r["claims_adjudicated"] for m, r in by_month.items()}
    claims.update(prior_claims(scope))
    out = []
    for month in scope.months:
        sums = by_month.get(month) or {name: 0 for name in MEASURES}
        prior = [claims.get(add_months(month, back)) for back in (-3, -2, -1)]
        prior = [p for p in prior if p]
        out.append(
            {
                "month": month,
                **sums,
                **metrics.kpis(
                    sums, cost_per_rework=cost, prior_claims_adjudicated=prior
                ),
            }
        )
    return out


def monthly(scope: Scope) -> list[dict]:
    """One dict per month of the scope: the summed measures and every KPI."""
    if uses_summary(scope):
        return monthly_from(scope, _summary_months(scope), cost=cost_per_rework())
    by_month = {
        r.pop("month"): r
        for r in rollup_rows(scope).values("month").annotate(**_sums()).order_by()
    }
    return monthly_from(scope, by_month, cost=cost_per_rework())


def dashboard(scope: Scope) -> dict:
    """Everything the dashboard shows: months, whole-period totals, every breakdown."""
    cost = cost_per_rework()
    sums = grouped_sums(scope)
    total: dict = {m: 0 for m in MEASURES}
    for row in sums["month"].values():
        _add(total, row)
    return {
        "monthly": monthly_from(scope, sums["month"], cost=cost),
        "totals": {**total, **metrics.kpis(total, cost_per_rework=cost)},
        "breakdowns": {d: _breakdown_rows(d, sums, total, cost) for d in DIMENSIONS},
    }


def totals(scope: Scope) -> dict:
    if uses_summary(scope):
        sums = summary_rows(scope).filter(dimension=TOTAL).aggregate(**_sums())
    else:
        sums = rollup_rows(scope).aggregate(**_sums())
    return {**sums, **metrics.kpis(sums, cost_per_rework=cost_per_rework())}


DIMENSIONS = ["payer", "category", "root_cause", "department", "provider"]
DENIAL_ONLY = {"category", "root_cause", "department"}


def _labels(dimension: str, keys) -> dict:
    from denials.models import Category, Department
    from remits.models import Payer

    keys = [k for k in keys if k is not None]
    if dimension == "payer":
        return dict(Payer.objects.filter(pk__in=keys).values_list("pk", "name"))
    if dimension in ("category", "root_cause"):
        return dict(Category.objects.filter(pk__in=keys).values_list("pk", "name"))
    if dimension == "department":
        return dict(Department.objects.filter(pk__in=keys).values_list("pk", "name"))
    return {k: k for k in keys}


def _breakdown_rows(
    dimension: str, sums: dict, total: dict, cost: Decimal
) -> list[dict]:
    if dimension == "department":
        from denials.models import Category

        department_of = dict(Category.objects.values_list("pk", "department_id"))
        groups: dict = {}
        for cause_id, row in sums["root_cause"].items():
            if cause_id is None:
                continue
            _add(groups.setdefault(department_of.get(cause_id), {}), row)
    else:
        groups = dict(sums[dimension])
        if dimension in DENIAL_ONLY:
            groups.pop(None, None)  # the claims' rows carry no category
    labels = _labels(dimension, groups)
    rows = []
    for key, r in groups.items():
        r = dict(r)
        if dimension in DENIAL_ONLY:
            # Claims carry no category: the rate is the group's share of all claims
            # adjudicated in scope, so the groups add up to the overall rate.
            r["claims_adjudicated"] = total["claims_adjudicated"]
            r["charges"] = total["charges"]
        rows.append(
            {
                **r,
                **metrics.kpis(r, cost_per_rework=cost),
                "key": key,
                "label": labels.get(key, "") or "",
            }
        )
    total_denials = sum(r["denials"] for r in rows)
    for r in rows:
        r["denial_share"] = metrics.ratio(r["denials"], total_denials)
    rows.sort(key=lambda r: (-r["denied_amount"], -r["denials"], str(r["label"])))
    return [r for r in rows if r["denials"] or r["claims_adjudicated"]]


def breakdown(scope: Scope, dimension: str) -> list[dict]:
    """Sums and KPIs per value of a dimension, largest denied dollars first."""
    sums = grouped_sums(scope)
    total: dict = {m: 0 for m in MEASURES}
    for row in sums["month"].values():
        _add(total, row)
    return _breakdown_rows(dimension, sums, total, cost_per_rework())


# The monthly prevention review ------------------------------------------------

TREND_MONTHS = 3


def review(scope: Scope, *, user) -> list[dict]:
    """Per department: its causes this month, trend, top payers, examples, actions."""
    month = scope.month_to
    trend_from = add_months(month, -TREND_MONTHS)
    rows = rollup_rows(scope, month_from=trend_from).filter(root_cause__isnull=False)
    per_cause: dict = defaultdict(
        lambda: {
            "months": defaultdict(int),
            "denied": ZERO,
            "count": 0,
            "payers": defaultdict(int),
        }
    )
    for r in (
        rows.values("root_cause_id", "month", "payer_id", "payer__name")
        .annotate(n=Sum("denials"), amount=Sum("denied_amount"))
        .order_by()
    ):
        cause = per_cause[r["root_cause_id"]]
        cause["months"][r["month"]] += r["n"]
        if r["month"] == month:
            cause["count"] += r["n"]
            cause["denied"] += r["amount"]
            cause["payers"][(r["payer_id"], r["payer__name"] or "Unknown payer")] += r[
                "n"
            ]
    from denials.models import Category

    causes = {
        c.pk: c
        for c in Category.objects.filter(pk__in=per_cause).select_related("department")
    }
    actions = defaultdict(list)
    for item in ActionItem.objects.filter(
        practice_id__in=scope.practice_ids
    ).select_related("owner", "root_cause"):
        actions[item.root_cause_id].append(item)
    departments: dict = {}
    trend_months = months_between(trend_from, month)
    for cause_id, data in per_cause.items():
        if not data["count"] and not actions.get(cause_id):
            continue
        cause = causes[cause_id]
        dept = cause.department
        key = dept.pk if dept else None
        department = departments.setdefault(
            key,
            {
                "department": dept,
                "name": dept.name if dept else "No department",
                "causes": [],
                "count": 0,
                "denied": ZERO,
            },
        )
        previous = [data["months"].get(m, 0) for m in trend_months[:-1]]
        average = (
            (Decimal(sum(previous)) / len(previous)).quantize(Decimal("0.1"))
            if previous
            else None
        )
        department["causes"].append(
            {
                "cause": cause,
                "count": data["count"],
                "denied": data["denied"],
                "trend": [(m, data["months"].get(m, 0)) for m in trend_months],
                "previous_average": average,
                "change": (data["count"] - average) if average is not None else None,
                "top_payers": sorted(data["payers"].items(), key=lambda kv: -kv[1])[:3],
                "examples": examples(scope, cause_id=cause_id),
                "actions": [
                    action_effect(item, scope=scope) for item in actions[cause_id]
                ],
            }
        )
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
        practice_id__in=scope.practice_ids,
        root_cause_id=cause_id,
        remit_date__gte=month,
        remit_date__lt=next_month(month),
    )
    if scope.payer_id is not None:
        qs = qs.filter(payer_id=scope.payer_id)
    return list(
        qs.select_related("payer")
        .prefetch_related("claim__lines")
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
    after_months = [m for m in after_months if m < month_start(timezone.localdate())]
    counts = dict(
        MonthlyRollup.objects.filter(
            practice_id=item.practice_id,
            root_cause_id=item.root_cause_id,
            month__in=before_months + after_months,
        )
        .values("month")
        .annotate(n=Sum("denials"))
        .values_list("month", "n")
    )

    def average(months):
        if not months:
            return None
        return (Decimal(sum(counts.get(m, 0) for m in months)) / len(months)).quantize(
            Decimal("0.1")
        )

    before, after = average(before_months), average(after_months)
    if after is None:
        verdict = "too early to tell"
    elif before and after <= before * Decimal("0.8"):
        verdict = "fell"
    else:
        verdict = "did not fall"
    return {
        "item": item,
        "before": before,
        "after": after,
        "verdict": verdict,
        "before_months": before_months,
        "after_months": after_months,
    }
