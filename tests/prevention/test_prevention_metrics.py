"""Every KPI formula against one hand-computed fixture month."""

from decimal import Decimal

import pytest

from prevention import metrics

# The fixture month (March 2026, one practice) as summed measures; the same month is
# built from raw rows in test_prevention_rollups.py and must roll up to these numbers.
#
# claims (charge / paid / adjustments):
#   C1 100 / 80  CO-45 20            paid first pass
#   C2 200 / 150 CO-45 50            paid first pass
#   C3 300 / 0   CO-197 300          denied (authorization), initial
#   C4 400 / 0   CO-27 400           denied (eligibility), initial
#   C5 100 / 0   CO-18 100           duplicate: a denial, left out of rates
#   C6 200 / 100 CO-45 50, CO-97 50  partial denial (coding) 50, initial
#   C7 100 / 0   CO-27 100           repeat denial of C4's account (not initial)
#   C8 100 / 90  CO-45 10            corrected claim (frequency 7): rework
# denials (posted on the remit day; offsets in days):
#   C3 worked +2, appealed +5, recovered 300 at +30
#   C4 worked +10, written off 400 at +20
#   C5 never worked;  C6 worked +1, appealed +3, open;  C7 never worked
FIXTURE = {
    "claims_adjudicated": 8,
    "claims_paid_first_pass": 2,
    "charges": Decimal("1500.00"),
    "payments": Decimal("420.00"),
    "contractual_adjustments": Decimal("130.00"),
    "denials": 5,
    "denied_amount": Decimal("950.00"),
    "recovered_amount": Decimal("300.00"),
    "written_off_amount": Decimal("400.00"),
    "initial_denials": 3,
    "initial_denied_amount": Decimal("750.00"),
    "initial_recovered_amount": Decimal("300.00"),
    "duplicate_denials": 1,
    "appealed": 2,
    "appealed_amount": Decimal("350.00"),
    "appeals_overturned": 1,
    "appeals_overturned_amount": Decimal("300.00"),
    "worked": 3,
    "worked_within_7_days": 2,
    "days_to_appeal_sum": Decimal("8"),
    "days_to_appeal_count": 2,
    "days_to_resolution_sum": Decimal("50"),
    "days_to_resolution_count": 2,
}


def test_initial_denial_rate_counts_first_denials_without_duplicates():
    """C3, C4, C6 are initial (C5 duplicate, C7 repeat): 3 ÷ 8 claims = 0.3750."""
    assert metrics.kpis(FIXTURE)["initial_denial_rate"] == Decimal("0.3750")


def test_initial_denial_rate_by_dollars():
    """300 + 400 + 50 = 750 initially denied ÷ 1,500 charged = 0.5000."""
    assert metrics.kpis(FIXTURE)["initial_denial_rate_dollars"] == Decimal("0.5000")


def test_hfma_rate_divides_by_the_prior_three_months_average():
    """Prior months adjudicated 10, 8, 6 → average 8; 3 initial denials ÷ 8 = 0.3750.

    With 12, 10, 8, 6 on record only the last three count: still 0.3750.
    """
    assert metrics.kpis(FIXTURE, prior_claims_adjudicated=[10, 8, 6])[
        "initial_denial_rate_hfma"
    ] == Decimal("0.3750")
    assert metrics.initial_denial_rate_hfma(
        initial_denials=3, prior_claims_adjudicated=[12, 10, 8, 6]
    ) == Decimal("0.3750")


def test_hfma_rate_is_undefined_without_three_prior_months():
    assert (
        metrics.initial_denial_rate_hfma(
            initial_denials=3, prior_claims_adjudicated=[10, 8]
        )
        is None
    )


def test_write_off_rate_divides_write_offs_by_payments():
    """400 written off (C4) ÷ 420 paid (80+150+100+90) = 0.95238… → 0.9524."""
    assert metrics.kpis(FIXTURE)["write_off_rate"] == Decimal("0.9524")


def test_recovery_rate_divides_recovered_by_initially_denied_dollars():
    """300 recovered on C3 ÷ 750 initially denied = 0.4000."""
    assert metrics.kpis(FIXTURE)["recovery_rate"] == Decimal("0.4000")


def test_overturn_rate_by_count_and_dollars():
    """Appealed C3 (300, won) and C6 (50, open): 1 ÷ 2 = 0.5; 300 ÷ 350 = 0.8571."""
    k = metrics.kpis(FIXTURE)
    assert k["overturn_rate"] == Decimal("0.5000")
    assert k["overturn_rate_dollars"] == Decimal("0.8571")


def test_share_worked_within_seven_days_of_posting():
    """C3 (+2) and C6 (+1) are within 7 days, C4 (+10) is not; ÷ 5 denials = 0.4000."""
    assert metrics.kpis(FIXTURE)["worked_within_7_days_rate"] == Decimal("0.4000")


def test_days_from_denial_to_appeal_and_to_resolution():
    """Appeal: (5 + 3) ÷ 2 = 4.0 days. Resolution: (30 + 20) ÷ 2 = 25.0 days."""
    k = metrics.kpis(FIXTURE)
    assert k["days_to_appeal"] == Decimal("4.0")
    assert k["days_to_resolution"] == Decimal("25.0")


def test_rework_cost_is_denials_worked_times_the_configured_cost():
    """3 denials worked × $25 = $75.00; at a site cost of $40: $120.00."""
    assert metrics.kpis(FIXTURE)["rework_cost"] == Decimal("75.00")
    assert metrics.kpis(FIXTURE, cost_per_rework=Decimal("40"))[
        "rework_cost"
    ] == Decimal("120.00")


def test_first_pass_resolution_rate():
    """Only C1 and C2 were paid with no denial and no rework: 2 ÷ 8 = 0.2500."""
    assert metrics.kpis(FIXTURE)["first_pass_resolution_rate"] == Decimal("0.2500")


def test_net_collection_rate():
    """420 paid ÷ (1,500 charged − 130 contractual (20+50+50+10)) = 0.3066."""
    assert metrics.kpis(FIXTURE)["net_collection_rate"] == Decimal("0.3066")


@pytest.mark.parametrize(
    "name",
    [
        "initial_denial_rate",
        "recovery_rate",
        "overturn_rate",
        "worked_within_7_days_rate",
        "first_pass_resolution_rate",
        "net_collection_rate",
        "days_to_appeal",
    ],
)
def test_an_empty_month_has_no_rate_rather_than_zero(name):
    assert metrics.kpis({})[name] is None


def test_every_rate_is_a_decimal_never_a_float():
    assert all(
        v is None or isinstance(v, Decimal) for v in metrics.kpis(FIXTURE).values()
    )
