"""The monthly summary equals its fine rollup rows, and the dashboard reads it."""

from collections import defaultdict
from datetime import date, timedelta
from decimal import Decimal

import pytest

from denials.models import Category, Denial
from prevention import selectors
from prevention.models import MEASURES, MonthlyRollup, MonthlySummary
from prevention.services import rollups_refresh
from remits.models import ClaimPayment, Payer
from tests.prevention.test_prevention_rollups import (
    MARCH,
    build_fixture_month,
    build_random_months,
    recompute_from_raw,
)

pytestmark = pytest.mark.django_db

# Each dimension's key: its position in recompute_from_raw's key, and its column
# (spelled out here, not taken from the code under test).
RAW_POSITION = {
    "total": None,
    "payer": 2,
    "category": 3,
    "root_cause": 4,
    "provider": 5,
}
COLUMN = {
    "total": None,
    "payer": "payer_id",
    "category": "category_id",
    "root_cause": "root_cause_id",
    "provider": "rendering_npi",
}


def expected_summary(practice_ids) -> dict:
    """recompute_from_raw summed along each summary dimension, in Python."""
    out: dict = defaultdict(lambda: defaultdict(Decimal))
    for key, values in recompute_from_raw(practice_ids).items():
        for dimension, position in RAW_POSITION.items():
            value = key[position] if position else None
            target = out[(key[0], key[1], dimension, value)]
            for name, amount in values.items():
                target[name] += amount
    return out


def actual_summary() -> dict:
    return {
        (
            r.practice_id,
            r.month,
            r.dimension,
            getattr(r, COLUMN[r.dimension]) if COLUMN[r.dimension] else None,
        ): r
        for r in MonthlySummary.objects.all()
    }


def assert_summary_equals_raw(practice_ids) -> None:
    expected, actual = expected_summary(practice_ids), actual_summary()
    assert set(actual) == set(expected)
    for key, values in expected.items():
        for name, value in values.items():
            got = Decimal(getattr(actual[key], name))
            assert abs(got - value) < Decimal("0.001"), (key, name, got, value)


def causes_moved_off_their_category() -> None:
    """Give every third denial another root cause, so cause and category differ."""
    coding = Category.objects.get(slug="coding")
    for d in Denial.objects.order_by("pk")[::3]:
        d.root_cause = coding
        d.save(update_fields=["root_cause"])


def test_summary_equals_a_recompute_from_raw_rows(practice, other_practice):
    # Given three months of random claims and denials in two practices, with root
    # causes that differ from the category on a third of the denials
    build_random_months([practice, other_practice])
    causes_moved_off_their_category()
    # When every rollup refreshes
    rollups_refresh()
    # Then each (practice, month, dimension, key) summary row is the raw recompute
    # summed along that dimension
    assert_summary_equals_raw([practice.pk, other_practice.pk])
    # And each practice-month has exactly one total row
    totals = MonthlySummary.objects.filter(dimension="total")
    assert totals.count() == 6


def test_summary_equals_the_sums_of_the_fine_rows(practice, other_practice):
    # Given rolled-up random months
    build_random_months([practice, other_practice])
    causes_moved_off_their_category()
    rollups_refresh()
    # Then every summary row equals a GROUP BY of the fine rows in the database
    summary = actual_summary()
    for dimension, column in COLUMN.items():
        columns = ["practice_id", "month"] + ([column] if column else [])
        grouped = (
            MonthlyRollup.objects.values(*columns)
            .annotate(**selectors._sums())
            .order_by()
        )
        assert (
            len(grouped) == MonthlySummary.objects.filter(dimension=dimension).count()
        )
        for r in grouped:
            key = (r["practice_id"], r["month"], dimension, r.get(column))
            for name in MEASURES:
                assert Decimal(getattr(summary[key], name)) == Decimal(r[name]), (
                    key,
                    name,
                )


def test_refresh_of_one_month_rewrites_its_summary_with_its_fine_rows(practice):
    # Given a rolled-up fixture month
    build_fixture_month(practice)
    rollups_refresh()
    # When the open coding denial is recovered and only that month refreshes
    d6 = Denial.objects.get(category__slug="coding")
    d6.recovered_amount = Decimal("50")
    d6.resolved_at = d6.posted_at + timedelta(days=10)
    d6.save()
    rollups_refresh(practice_ids=[practice.pk], months=["2026-03"])
    # Then the summary's total carries the new recovery, like the fine rows
    total = MonthlySummary.objects.get(
        practice=practice, month=MARCH, dimension="total"
    )
    assert total.recovered_amount == Decimal("350.00")
    assert total.appeals_overturned == 2
    assert_summary_equals_raw([practice.pk])


def test_a_month_emptied_of_claims_loses_its_summary(practice):
    build_fixture_month(practice)
    rollups_refresh()
    assert MonthlySummary.objects.filter(practice=practice, month=MARCH).exists()
    Denial.objects.all().delete()
    ClaimPayment.objects.all().delete()
    rollups_refresh(practice_ids=[practice.pk], months=["2026-03"])
    assert not MonthlySummary.objects.filter(practice=practice, month=MARCH).exists()


def test_dashboard_without_payer_equals_the_sum_of_its_payers(practice, other_practice):
    # Given rolled-up random months (the dashboard without a payer reads the summary,
    # with a payer the fine rows)
    build_random_months([practice, other_practice])
    causes_moved_off_their_category()
    rollups_refresh()
    ids = (practice.pk, other_practice.pk)
    scope = selectors.Scope(
        practice_ids=ids, month_from=date(2026, 1, 1), month_to=date(2026, 3, 1)
    )
    payer_scopes = [
        selectors.Scope(
            practice_ids=ids,
            month_from=scope.month_from,
            month_to=scope.month_to,
            payer_id=pk,
        )
        for pk in Payer.objects.values_list("pk", flat=True)
    ]
    # When the dashboard sums are read with no payer and then once per payer
    whole = selectors.grouped_sums(scope)
    parts = [selectors.grouped_sums(s) for s in payer_scopes]
    # Then every month and every breakdown key adds up to the same measures
    assert selectors.uses_summary(scope) and not selectors.uses_summary(payer_scopes[0])
    for grouping in selectors.GROUPINGS:
        assert whole[grouping], grouping
        for key, row in whole[grouping].items():
            for name in MEASURES:
                added = sum(
                    Decimal(p[grouping].get(key, {}).get(name, 0)) for p in parts
                )
                assert Decimal(row[name]) == added, (grouping, key, name)
    # And the monthly KPIs and totals agree with the fine rows
    monthly = selectors.monthly(scope)
    assert [m["claims_adjudicated"] for m in monthly] == [
        sum(p["month"].get(m["month"], {}).get("claims_adjudicated", 0) for p in parts)
        for m in monthly
    ]
    assert selectors.totals(scope)["denied_amount"] == sum(
        Decimal(selectors.totals(s)["denied_amount"]) for s in payer_scopes
    )
