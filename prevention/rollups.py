"""Compute monthly rollup rows from raw claims and denials, set-based.

A month is the month of the remittance date (payment date, else production date, else
the day it posted), for a claim and for the denial it carries. Each practice-month is
recomputed with a handful of aggregate queries keyed by the remittances of that month
(the claim and denial tables are reached through their remittance and claim indexes,
never scanned).
"""

from collections import defaultdict
from collections.abc import Iterable
from datetime import date, timedelta
from decimal import Decimal

from django.db.models import (
    Count,
    DateField,
    DecimalField,
    DurationField,
    Exists,
    ExpressionWrapper,
    F,
    OuterRef,
    Q,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce, TruncDate, TruncMonth

from denials import classification
from denials.models import AdjustmentRule, Denial
from remits.models import Adjustment, ClaimPayment, Remittance

from .models import MEASURES, SUMMARY_KEYS, MonthlyRollup, MonthlySummary

POSTED = [Remittance.Status.POSTED, Remittance.Status.POSTED_WITH_WARNINGS]
PAID_STATUSES = ["1", "2", "3", "19", "20", "21"]
REVERSAL = "22"
PREDETERMINATION = "25"
CORRECTED_FREQUENCIES = ["7", "8"]
ZERO = Decimal("0")
MONEY = DecimalField(max_digits=14, decimal_places=2)
SECONDS_PER_DAY = Decimal(86400)


def remit_date_expression(prefix: str = ""):
    """The remittance date: payment date, else production date, else posting day."""
    return Coalesce(
        F(f"{prefix}payment_date"),
        F(f"{prefix}production_date"),
        TruncDate(f"{prefix}posted_at"),
        output_field=DateField(),
    )


def month_start(value: date | str) -> date:
    """First day of the month of a date, or of a "YYYY-MM" string."""
    if isinstance(value, str):
        year, month = value[:7].split("-")
        return date(int(year), int(month), 1)
    return value.replace(day=1)


def next_month(value: date) -> date:
    return (value.replace(day=28) + timedelta(days=4)).replace(day=1)


def contractual_q() -> Q:
    """Adjustments the rules count as contractual (an exact code beats the group *)."""
    rules = dict(classification.DEFAULT_RULES)
    rules.update({(r.group, r.carc): r.kind for r in AdjustmentRule.objects.all()})
    q = Q(pk__in=[])
    groups = {group for group, _ in rules}
    for group in sorted(groups):
        exact = {
            carc: kind
            for (g, carc), kind in rules.items()
            if g == group and carc != "*"
        }
        if rules.get((group, "*")) == classification.CONTRACTUAL:
            others = [c for c, k in exact.items() if k != classification.CONTRACTUAL]
            q |= Q(group=group) & ~Q(reason__in=others)
        else:
            codes = [c for c, k in exact.items() if k == classification.CONTRACTUAL]
            if codes:
                q |= Q(group=group, reason__in=codes)
    return q


def _days(total) -> Decimal:
    """A summed duration as Decimal days (PostgreSQL gives a timedelta)."""
    if total is None:
        return ZERO
    if isinstance(total, timedelta):
        seconds = (
            Decimal(total.days) * SECONDS_PER_DAY
            + Decimal(total.seconds)
            + (Decimal(total.microseconds) / Decimal(1_000_000))
        )
    else:  # microseconds, as some backends return
        seconds = Decimal(total) / Decimal(1_000_000)
    return (seconds / SECONDS_PER_DAY).quantize(Decimal("0.0001"))


def remittance_months(
    practice_ids: Iterable[int] | None = None,
) -> dict[tuple[int, date], list[int]]:
    """(practice, month) → ids of the posted remittances dated in that month."""
    qs = Remittance.objects.filter(status__in=POSTED, practice_id__isnull=False)
    if practice_ids is not None:
        qs = qs.filter(practice_id__in=list(practice_ids))
    qs = qs.annotate(
        month=TruncMonth(remit_date_expression(), output_field=DateField())
    )
    result: dict[tuple[int, date], list[int]] = defaultdict(list)
    for pk, practice_id, month in qs.values_list(
        "pk", "practice_id", "month"
    ).iterator():
        result[(practice_id, month_start(month))].append(pk)
    return result


def compute_rows(
    *, practice_id: int, month: date, remittance_ids: list[int]
) -> list[MonthlyRollup]:
    """The rollup rows of one practice-month from the raw rows (nothing is written)."""
    rows: dict[tuple, MonthlyRollup] = {}

    def row(payer_id, category_id, root_cause_id, npi) -> MonthlyRollup:
        key = (payer_id, category_id, root_cause_id, npi or "")
        if key not in rows:
            rows[key] = MonthlyRollup(
                practice_id=practice_id,
                month=month,
                payer_id=payer_id,
                category_id=category_id,
                root_cause_id=root_cause_id,
                rendering_npi=npi or "",
            )
        return rows[key]

    if not remittance_ids:
        return []
    claims = ClaimPayment.objects.filter(remittance_id__in=remittance_ids).exclude(
        status_code=PREDETERMINATION
    )
    ever_denied = Denial.objects.filter(
        practice_id=OuterRef("practice_id"), account_number=OuterRef("account_number")
    )
    first_pass = (
        Q(status_code__in=PAID_STATUSES, paid__gt=0)
        & ~Q(frequency__in=CORRECTED_FREQUENCIES)
        & ~Q(Exists(ever_denied))
    )
    for r in claims.values("payer_id", "rendering_npi").annotate(
        n=Count("id", filter=~Q(status_code=REVERSAL)),
        fp=Count("id", filter=first_pass),
        charges=Sum("charge"),
        payments=Sum("paid"),
    ):
        target = row(r["payer_id"], None, None, r["rendering_npi"])
        target.claims_adjudicated = r["n"]
        target.claims_paid_first_pass = r["fp"]
        target.charges = r["charges"] or ZERO
        target.payments = r["payments"] or ZERO

    adjustments = (
        Adjustment.objects.filter(claim__remittance_id__in=remittance_ids)
        .exclude(claim__status_code=PREDETERMINATION)
        .filter(contractual_q())
    )
    for r in adjustments.values("claim__payer_id", "claim__rendering_npi").annotate(
        total=Sum("amount")
    ):
        target = row(r["claim__payer_id"], None, None, r["claim__rendering_npi"])
        target.contractual_adjustments = r["total"] or ZERO

    initial = Q(is_initial=True, excluded_from_rates=False)
    appealed = Q(was_appealed=True)
    overturned = Q(was_appealed=True, recovered_amount__gt=0)
    to_appeal = ExpressionWrapper(
        F("appealed_at") - F("posted_at"), output_field=DurationField()
    )
    to_resolution = ExpressionWrapper(
        F("resolved_at") - F("posted_at"), output_field=DurationField()
    )
    zero = Value(ZERO, output_field=MONEY)
    denials = Denial.objects.filter(claim__remittance_id__in=remittance_ids)
    for r in denials.values(
        "payer_id", "category_id", "root_cause_id", "rendering_npi"
    ).annotate(
        n=Count("id"),
        denied=Coalesce(Sum("denied_amount"), zero),
        recovered=Coalesce(Sum("recovered_amount"), zero),
        written_off=Coalesce(Sum("written_off_amount"), zero),
        initial_n=Count("id", filter=initial),
        initial_denied=Coalesce(Sum("denied_amount", filter=initial), zero),
        initial_recovered=Coalesce(Sum("recovered_amount", filter=initial), zero),
        duplicates=Count("id", filter=Q(excluded_from_rates=True)),
        appealed_n=Count("id", filter=appealed),
        appealed_amount=Coalesce(Sum("denied_amount", filter=appealed), zero),
        overturned_n=Count("id", filter=overturned),
        overturned_amount=Coalesce(Sum("recovered_amount", filter=overturned), zero),
        worked_n=Count("id", filter=Q(first_worked_at__isnull=False)),
        worked_7=Count(
            "id",
            filter=Q(
                first_worked_at__isnull=False,
                first_worked_at__lte=F("posted_at") + timedelta(days=7),
            ),
        ),
        appeal_days=Sum(to_appeal, filter=Q(appealed_at__isnull=False)),
        appeal_n=Count("id", filter=Q(appealed_at__isnull=False)),
        resolution_days=Sum(to_resolution, filter=Q(resolved_at__isnull=False)),
        resolution_n=Count("id", filter=Q(resolved_at__isnull=False)),
    ):
        target = row(
            r["payer_id"], r["category_id"], r["root_cause_id"], r["rendering_npi"]
        )
        target.denials = r["n"]
        target.denied_amount = r["denied"]
        target.recovered_amount = r["recovered"]
        target.written_off_amount = r["written_off"]
        target.initial_denials = r["initial_n"]
        target.initial_denied_amount = r["initial_denied"]
        target.initial_recovered_amount = r["initial_recovered"]
        target.duplicate_denials = r["duplicates"]
        target.appealed = r["appealed_n"]
        target.appealed_amount = r["appealed_amount"]
        target.appeals_overturned = r["overturned_n"]
        target.appeals_overturned_amount = r["overturned_amount"]
        target.worked = r["worked_n"]
        target.worked_within_7_days = r["worked_7"]
        target.days_to_appeal_sum = _days(r["appeal_days"])
        target.days_to_appeal_count = r["appeal_n"]
        target.days_to_resolution_sum = _days(r["resolution_days"])
        target.days_to_resolution_count = r["resolution_n"]
    return list(rows.values())


def summarize(rows: Iterable[MonthlyRollup]) -> list[MonthlySummary]:
    """The summary rows of fine rollup rows: their sums per dimension and key.

    Exact (Decimal) sums in Python of what `compute_rows` just produced, so the
    summary of a practice-month always equals its fine rows.
    """
    out: dict[tuple, MonthlySummary] = {}
    for r in rows:
        for dimension, column in SUMMARY_KEYS.items():
            value = getattr(r, column) if column else None
            key = (r.practice_id, r.month, dimension, value)
            target = out.get(key)
            if target is None:
                target = out[key] = MonthlySummary(
                    practice_id=r.practice_id,
                    month=r.month,
                    dimension=dimension,
                    **({column: value} if column else {}),
                )
            for m in MEASURES:
                setattr(target, m, getattr(target, m) + getattr(r, m))
    return list(out.values())
