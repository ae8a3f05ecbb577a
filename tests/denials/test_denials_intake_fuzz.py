"""Corrupted files never leave a half-posted transaction set behind."""

import io

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from denials.intake import era_ingest
from remits.generation import era_generate
from remits.models import ClaimPayment, Remittance, ServiceLine

BASE, _ = era_generate(
    claims=12,
    seed=5,
    start_date=__import__("datetime").date(2026, 3, 2),
    practices=[],
    claims_per_transaction=4,
)


@st.composite
def corrupted(draw):
    data = bytearray(BASE.encode())
    for _ in range(draw(st.integers(1, 6))):
        pos = draw(st.integers(0, len(data) - 1))
        action = draw(st.sampled_from(["flip", "delete", "dup", "truncate"]))
        if action == "flip":
            data[pos] = draw(st.sampled_from(b"*~:X9.-\n"))
        elif action == "delete":
            del data[pos : pos + draw(st.integers(1, 40))]
        elif action == "dup":
            data[pos:pos] = data[pos : pos + draw(st.integers(1, 60))]
        else:
            del data[pos:]
        if not data:
            data = bytearray(b"X")
    return bytes(data)


@pytest.mark.django_db
@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(payload=corrupted())
def test_corrupted_file_posts_whole_transaction_sets_or_nothing(payload, practice):
    from denials.models import Denial
    from remits.models import RemitFile

    Denial.objects.all().delete()
    RemitFile.objects.all().delete()  # cascades to remittances, claims and lines
    report = era_ingest(
        stream=io.BytesIO(payload),
        name="fuzz.835",
        source="api",
        practice_hint=practice,
    )
    assert report.status in {
        "posted",
        "posted_with_warnings",
        "partial",
        "rejected",
        "held",
        "duplicate",
    }
    for remittance in Remittance.objects.all():
        claims = ClaimPayment.objects.filter(remittance=remittance)
        if remittance.status in ("posted", "posted_with_warnings"):
            assert claims.count() == remittance.claim_count
        else:
            assert claims.count() == 0
    assert not ServiceLine.objects.filter(
        claim__remittance__status__in=[
            "rejected",
            "held_payee",
            "held_conflict",
            "duplicate",
            "posting",
        ]
    ).exists()
