"""Posting a file refreshes the rollups of the months it touched, after the commit."""

import io

import pytest

from denials.intake import era_ingest
from prevention.models import MonthlyRollup
from tests.denials.era_text import claim, era


@pytest.mark.django_db
def test_ingest_refreshes_the_rollup_of_the_payment_month(
    practice, django_capture_on_commit_callbacks
):
    text = era(
        [
            claim(
                "A1",
                "4",
                "100.00",
                "0",
                lines=[("99213", "100.00", "0", [("CO", "197", "100.00")])],
            ),
            claim("A2", "1", "80.00", "80.00", lines=[("99213", "80.00", "80.00", [])]),
        ],
        pay_date="20261020",
    )
    assert not MonthlyRollup.objects.exists()
    with django_capture_on_commit_callbacks(execute=True):
        era_ingest(stream=io.BytesIO(text.encode()), name="a.835", source="api")
    months = {
        r.month.isoformat() for r in MonthlyRollup.objects.filter(practice=practice)
    }
    assert months == {"2026-10-01"}
    totals = MonthlyRollup.objects.filter(practice=practice)
    assert sum(r.claims_adjudicated for r in totals) == 2
    assert sum(r.initial_denials for r in totals) == 1
