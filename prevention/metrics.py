"""The numbers managers read, as pure functions of rollup sums. No database.

Definitions follow HFMA's Claim Integrity Task Force where one exists (see
shared domain notes, section 6). Every function takes Decimals or ints and returns a
Decimal (a rate as a fraction 0..1, or days, or dollars), or None when the
denominator is zero: an empty month has no rate, not a rate of 0.
"""

from collections.abc import Mapping, Sequence
from decimal import ROUND_HALF_UP, Decimal

ZERO = Decimal("0")
RATE_PLACES = Decimal("0.0001")
DAY_PLACES = Decimal("0.1")
MONEY_PLACES = Decimal("0.01")
DEFAULT_REWORK_COST = Decimal("25.00")


def ratio(numerator, denominator, places: Decimal = RATE_PLACES) -> Decimal | None:
    """numerator ÷ denominator half-up; None when the denominator is not > 0."""
    numerator = Decimal(numerator or 0)
    denominator = Decimal(denominator or 0)
    if denominator <= ZERO:
        return None
    return (numerator / denominator).quantize(places, rounding=ROUND_HALF_UP)


def initial_denial_rate(
    *, initial_denials: int, claims_adjudicated: int
) -> Decimal | None:
    """Initially denied claims ÷ claims adjudicated in the same month (by count).

    `initial_denials` counts a claim's first denial only and leaves duplicates
    (CARC 18) out. This is the rate the dashboard shows.
    """
    return ratio(initial_denials, claims_adjudicated)


def initial_denial_rate_dollars(*, initial_denied_amount, charges) -> Decimal | None:
    """Dollars initially denied ÷ dollars charged on the claims adjudicated."""
    return ratio(initial_denied_amount, charges)


def initial_denial_rate_hfma(
    *, initial_denials: int, prior_claims_adjudicated: Sequence[int]
) -> Decimal | None:
    """HFMA: initial denials ÷ average claims adjudicated of the prior 3 months.

    Denials lag adjudication, so HFMA divides by the prior three months' average. With
    fewer than three prior months on record the rate is not defined (None).
    """
    if len(prior_claims_adjudicated) < 3:
        return None
    average = Decimal(sum(prior_claims_adjudicated[-3:])) / Decimal(3)
    return ratio(initial_denials, average)


def denial_write_off_rate(*, written_off_amount, payments) -> Decimal | None:
    """Denial write-offs ÷ net patient revenue (here: payments posted)."""
    return ratio(written_off_amount, payments)


def recovery_rate(*, initial_recovered_amount, initial_denied_amount) -> Decimal | None:
    """Dollars recovered on initial denials ÷ dollars initially denied."""
    return ratio(initial_recovered_amount, initial_denied_amount)


def overturn_rate(*, appeals_overturned: int, appealed: int) -> Decimal | None:
    """Appeals overturned (fully or partly) ÷ denials appealed, by count."""
    return ratio(appeals_overturned, appealed)


def overturn_rate_dollars(
    *, appeals_overturned_amount, appealed_amount
) -> Decimal | None:
    """Dollars recovered on appealed denials ÷ dollars appealed."""
    return ratio(appeals_overturned_amount, appealed_amount)


def worked_within_7_days_rate(
    *, worked_within_7_days: int, denials: int
) -> Decimal | None:
    """Share of denials first worked within 7 days of posting."""
    return ratio(worked_within_7_days, denials)


def average_days(*, total_days, count: int) -> Decimal | None:
    """Average of a duration in days (denial → appeal, denial → resolution)."""
    return ratio(total_days, count, DAY_PLACES)


def rework_cost(
    *, worked: int, cost_per_rework: Decimal = DEFAULT_REWORK_COST
) -> Decimal:
    """Denials worked × the site's cost per rework."""
    return (Decimal(worked) * Decimal(cost_per_rework)).quantize(MONEY_PLACES)


def first_pass_resolution_rate(
    *, claims_paid_first_pass: int, claims_adjudicated: int
) -> Decimal | None:
    """Claims paid in full at first adjudication (no denial, no rework) ÷ claims."""
    return ratio(claims_paid_first_pass, claims_adjudicated)


def net_collection_rate(
    *, payments, charges, contractual_adjustments
) -> Decimal | None:
    """Payments ÷ (charges − contractual adjustments)."""
    return ratio(
        payments, Decimal(charges or 0) - Decimal(contractual_adjustments or 0)
    )


def kpis(
    m: Mapping[str, object],
    *,
    cost_per_rework: Decimal = DEFAULT_REWORK_COST,
    prior_claims_adjudicated: Sequence[int] = (),
) -> dict[str, Decimal | None]:
    """Every KPI of one set of summed measures (a month, a payer, a department…)."""

    def g(name: str):
        return m.get(name) or 0

    return {
        "initial_denial_rate": initial_denial_rate(
            initial_denials=g("initial_denials"),
            claims_adjudicated=g("claims_adjudicated"),
        ),
        "initial_denial_rate_dollars": initial_denial_rate_dollars(
            initial_denied_amount=g("initial_denied_amount"), charges=g("charges")
        ),
        "initial_denial_rate_hfma": initial_denial_rate_hfma(
            initial_denials=g("initial_denials"),
            prior_claims_adjudicated=prior_claims_adjudicated,
        ),
        "write_off_rate": denial_write_off_rate(
            written_off_amount=g("written_off_amount"), payments=g("payments")
        ),
        "recovery_rate": recovery_rate(
            initial_recovered_amount=g("initial_recovered_amount"),
            initial_denied_amount=g("initial_denied_amount"),
        ),
        "overturn_rate": overturn_rate(
            appeals_overturned=g("appeals_overturned"), appealed=g("appealed")
        ),
        "overturn_rate_dollars": overturn_rate_dollars(
            appeals_overturned_amount=g("appeals_overturned_amount"),
            appealed_amount=g("appealed_amount"),
        ),
        "worked_within_7_days_rate": worked_within_7_days_rate(
            worked_within_7_days=g("worked_within_7_days"), denials=g("denials")
        ),
        "days_to_appeal": average_days(
            total_days=g("days_to_appeal_sum"), count=g("days_to_appeal_count")
        ),
        "days_to_resolution": average_days(
            total_days=g("days_to_resolution_sum"), count=g("days_to_resolution_count")
        ),
        "rework_cost": rework_cost(worked=g("worked"), cost_per_rework=cost_per_rework),
        "first_pass_resolution_rate": first_pass_resolution_rate(
            claims_paid_first_pass=g("claims_paid_first_pass"),
            claims_adjudicated=g("claims_adjudicated"),
        ),
        "net_collection_rate": net_collection_rate(
            payments=g("payments"),
            charges=g("charges"),
            contractual_adjustments=g("contractual_adjustments"),
        ),
    }
