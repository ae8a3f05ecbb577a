"""Rollups equal a recompute from raw rows, and refresh after changes."""

import random
from collections import defaultdict
from datetime import date, timedelta
from decimal import Decimal

import pytest

from denials.models import Denial
from prevention import metrics
from prevention.models import MEASURES, MonthlyRollup
from prevention.services import rollups_refresh
from remits.models import ClaimPayment
from tests.prevention import factories_prevention as f
from tests.prevention.test_prevention_metrics import FIXTURE

MARCH = date(2026, 3, 1)


def build_fixture_month(practice):
    """The month described in test_prevention_metrics.FIXTURE, as raw rows."""
    acme = f.payer("Acme Health")
    remit = f.remittance(practice=practice, payer=acme, paid_on=date(2026, 3, 10))
    f.claim(remittance=remit, charge="100", paid="80", adjustments=[("CO", "45", "20")])
    f.claim(
        remittance=remit, charge="200", paid="150", adjustments=[("CO", "45", "50")]
    )
    c3 = f.claim(
        remittance=remit,
        charge="300",
        paid="0",
        status="4",
        adjustments=[("CO", "197", "300")],
    )
    c4 = f.claim(
        remittance=remit,
        charge="400",
        paid="0",
        status="4",
        account="ACC-C4",
        adjustments=[("CO", "27", "400")],
    )
    c5 = f.claim(
        remittance=remit,
        charge="100",
        paid="0",
        status="4",
        adjustments=[("CO", "18", "100")],
    )
    c6 = f.claim(
        remittance=remit,
        charge="200",
        paid="100",
        adjustments=[("CO", "45", "50"), ("CO", "97", "50")],
    )
    c7 = f.claim(
        remittance=remit,
        charge="100",
        paid="0",
        status="4",
        account="ACC-C4",
        adjustments=[("CO", "27", "100")],
    )
    f.claim(
        remittance=remit,
        charge="100",
        paid="90",
        frequency="7",
        adjustments=[("CO", "45", "10")],
    )
    f.denial(
        claim=c3,
        slug="authorization",
        denied="300",
        first_worked_days=2,
        appealed_days=5,
        resolved_days=30,
        recovered="300",
        status=Denial.Status.RECOVERED,
    )
    d4 = f.denial(
        claim=c4,
        slug="eligibility",
        denied="400",
        carc="27",
        first_worked_days=10,
        resolved_days=20,
        written_off="400",
        status=Denial.Status.WRITTEN_OFF,
    )
    f.denial(claim=c5, slug="duplicate", denied="100", carc="18", excluded=True)
    f.denial(
        claim=c6,
        slug="coding",
        denied="50",
        carc="97",
        first_worked_days=1,
        appealed_days=3,
        status=Denial.Status.APPEALED,
    )
    d7 = f.denial(
        claim=c7, slug="eligibility", denied="100", carc="27", is_initial=False
    )
    d7.previous = d4
    d7.save(update_fields=["previous"])
    return acme


def summed(**filters) -> dict:
    totals = defaultdict(Decimal)
    for row in MonthlyRollup.objects.filter(**filters).values(*MEASURES):
        for k, v in row.items():
            totals[k] += Decimal(v)
    return totals


@pytest.mark.django_db
def test_fixture_month_rolls_up_to_the_hand_computed_measures(practice, other_practice):
    # Given the fixture month, and another practice's claim in the same month
    build_fixture_month(practice)
    other = f.remittance(
        practice=other_practice, payer=f.payer("Acme Health"), paid_on=date(2026, 3, 12)
    )
    f.claim(remittance=other, charge="999", paid="999")
    # When the rollups refresh
    refreshed = rollups_refresh()
    # Then the practice's month sums to exactly the hand-computed measures
    assert refreshed == 2
    totals = summed(practice=practice, month=MARCH)
    for name, expected in FIXTURE.items():
        assert totals[name] == Decimal(expected), name
    # And the KPIs computed from the rollups are the hand-computed ones
    k = metrics.kpis(totals)
    assert k["initial_denial_rate"] == Decimal("0.3750")
    assert k["net_collection_rate"] == Decimal("0.3066")
    assert k["days_to_resolution"] == Decimal("25.0")
    # And the other practice's claim stays in its own rows
    assert summed(practice=other_practice)["claims_adjudicated"] == 1


@pytest.mark.django_db
def test_refresh_picks_up_work_done_on_a_denial(practice):
    # Given a rolled-up month
    build_fixture_month(practice)
    rollups_refresh(practice_ids=[practice.pk], months=["2026-03"])
    # When the open coding denial is recovered and that month refreshes
    d6 = Denial.objects.get(category__slug="coding")
    d6.status = Denial.Status.RECOVERED
    d6.recovered_amount = Decimal("50")
    d6.resolved_at = d6.posted_at + timedelta(days=10)
    d6.save()
    rollups_refresh(practice_ids=[practice.pk], months=[MARCH])
    # Then the recovered dollars and the overturn count include it
    totals = summed(practice=practice, month=MARCH)
    assert totals["recovered_amount"] == Decimal("350.00")
    assert totals["appeals_overturned"] == 2
    assert totals["days_to_resolution_count"] == 3


@pytest.mark.django_db
def test_refresh_of_a_month_without_claims_any_more_empties_it(practice):
    build_fixture_month(practice)
    rollups_refresh()
    Denial.objects.all().delete()
    ClaimPayment.objects.all().delete()
    rollups_refresh(practice_ids=[practice.pk], months=["2026-03"])
    assert not MonthlyRollup.objects.filter(practice=practice, month=MARCH).exists()


def recompute_from_raw(practice_ids) -> dict:
    """An independent, row-by-row recompute in Python (no aggregate queries).

    Keyed (practice, month, payer, category, root cause, NPI), the fine rollup grain.
    """
    contractual = {
        ("CO", "45"),
        ("CO", "253"),
        ("CO", "59"),
        ("CO", "94"),
        ("CO", "42"),
    }
    out: dict = defaultdict(lambda: defaultdict(Decimal))
    denied_accounts = set(Denial.objects.values_list("practice_id", "account_number"))
    for c in (
        ClaimPayment.objects.filter(practice_id__in=practice_ids)
        .select_related("remittance")
        .prefetch_related("adjustments")
    ):
        key = (
            c.practice_id,
            c.remittance.payment_date.replace(day=1),
            c.payer_id,
            None,
            None,
            c.rendering_npi,
        )
        row = out[key]
        row["claims_adjudicated"] += 0 if c.status_code == "22" else 1
        row["charges"] += c.charge
        row["payments"] += c.paid
        row["contractual_adjustments"] += sum(
            (
                a.amount
                for a in c.adjustments.all()
                if (a.group, a.reason) in contractual
            ),
            Decimal(0),
        )
        if (
            c.status_code == "1"
            and c.paid > 0
            and c.frequency not in ("7", "8")
            and (c.practice_id, c.account_number) not in denied_accounts
        ):
            row["claims_paid_first_pass"] += 1
    for d in Denial.objects.filter(practice_id__in=practice_ids).select_related(
        "claim__remittance"
    ):
        key = (
            d.practice_id,
            d.claim.remittance.payment_date.replace(day=1),
            d.payer_id,
            d.category_id,
            d.root_cause_id,
            d.rendering_npi,
        )
        row = out[key]
        initial = d.is_initial and not d.excluded_from_rates
        row["denials"] += 1
        row["denied_amount"] += d.denied_amount
        row["recovered_amount"] += d.recovered_amount
        row["written_off_amount"] += d.written_off_amount
        row["initial_denials"] += int(initial)
        row["initial_denied_amount"] += d.denied_amount if initial else 0
        row["initial_recovered_amount"] += d.recovered_amount if initial else 0
        row["appealed"] += int(d.was_appealed)
        row["appeals_overturned"] += int(d.was_appealed and d.recovered_amount > 0)
        row["worked"] += int(d.first_worked_at is not None)
        row["worked_within_7_days"] += int(
            d.first_worked_at is not None
            and d.first_worked_at - d.posted_at <= timedelta(days=7)
        )
        if d.resolved_at:
            row["days_to_resolution_sum"] += Decimal(
                (d.resolved_at - d.posted_at).total_seconds()
            ) / Decimal(86400)
            row["days_to_resolution_count"] += 1
    return out


def build_random_months(practices) -> None:
    """Three months of random claims and denials per practice, three payers."""
    rng = random.Random(42)
    payers = [f.payer(n) for n in ("Acme Health", "Beacon Care", "Summit Plan")]
    slugs = ["eligibility", "authorization", "coding", "duplicate", "timely-filing"]
    for practice_ in practices:
        for month in (1, 2, 3):
            for payer in payers:
                remit = f.remittance(
                    practice=practice_,
                    payer=payer,
                    paid_on=date(2026, month, rng.randint(1, 28)),
                )
                for _ in range(rng.randint(2, 6)):
                    charge = Decimal(rng.randint(50, 900))
                    npi = rng.choice(["1111111111", "2222222222"])
                    if rng.random() < 0.4:
                        c = f.claim(
                            remittance=remit,
                            charge=str(charge),
                            paid="0",
                            status="4",
                            npi=npi,
                            adjustments=[("CO", "197", str(charge))],
                        )
                        worked = rng.choice([None, 1, 5, 9])
                        resolved = rng.choice([None, 12.5, 40])
                        recovered = (
                            str(charge) if resolved and rng.random() < 0.5 else "0"
                        )
                        f.denial(
                            claim=c,
                            slug=rng.choice(slugs),
                            denied=str(charge),
                            first_worked_days=worked,
                            resolved_days=resolved,
                            recovered=recovered,
                            appealed_days=rng.choice([None, 3]) if worked else None,
                            is_initial=rng.random() < 0.8,
                            excluded=rng.random() < 0.1,
                        )
                    else:
                        contractual = (charge / 5).quantize(Decimal("0.01"))
                        f.claim(
                            remittance=remit,
                            charge=str(charge),
                            paid=str(charge - contractual),
                            npi=npi,
                            status=rng.choice(["1", "1", "1", "22"]),
                            frequency=rng.choice(["1", "1", "7"]),
                            adjustments=[("CO", "45", str(contractual))],
                        )


@pytest.mark.django_db
def test_rollups_equal_a_recompute_from_raw_rows(practice, other_practice):
    # Given three months of random claims and denials in two practices, three payers
    build_random_months([practice, other_practice])
    # When every rollup refreshes
    rollups_refresh()
    # Then each (practice, month, payer, category, cause, NPI) cell equals the raw
    # recompute
    expected = recompute_from_raw([practice.pk, other_practice.pk])
    actual = {
        (
            r.practice_id,
            r.month,
            r.payer_id,
            r.category_id,
            r.root_cause_id,
            r.rendering_npi,
        ): r
        for r in MonthlyRollup.objects.all()
    }
    assert set(actual) == set(expected)
    for key, values in expected.items():
        for name, value in values.items():
            got = Decimal(getattr(actual[key], name))
            assert abs(got - value) < Decimal("0.001"), (key, name, got, value)


@pytest.mark.django_db
def test_refresh_rollups_command_and_task_rebuild_a_month(practice):
    from django.core.management import call_command

    from prevention.tasks import rollups_refresh_task

    build_fixture_month(practice)
    call_command(
        "refresh_rollups", "--practice", str(practice.pk), "--month", "2026-03"
    )
    assert summed(practice=practice, month=MARCH)["claims_adjudicated"] == 8
    MonthlyRollup.objects.all().delete()
    rollups_refresh_task.delay([practice.pk], ["2026-03"])
    assert summed(practice=practice, month=MARCH)["initial_denials"] == 3
