"""A later 835 paying the appealed claim marks the appeal overturned, untyped."""

import io
from decimal import Decimal

import pytest
import time_machine

from appeals import services
from appeals.models import Appeal
from appeals.tasks import appeals_sync_from_recoveries_task
from denials.intake import era_ingest
from denials.models import Denial
from tests.denials.era_text import claim, era

pytestmark = pytest.mark.django_db

DENIED = claim(
    "ACC1",
    "4",
    "410.00",
    "0",
    icn="ICN1",
    lines=[("99213", "410.00", "0", [("CO", "197", "410.00")])],
)


def ingest(text, name):
    return era_ingest(stream=io.BytesIO(text.encode()), name=name, source="upload")


def submitted_appeal_for(denial, biller):
    appeal = services.appeal_start(denials=[denial], action="appeal", by=biller)
    services.appeal_letter_finalize(appeal=appeal, by=biller)
    services.appeal_submit(appeal=appeal, by=biller, method="fax")
    return appeal


@time_machine.travel("2026-11-27 15:00Z", tick=False)
def test_a_later_835_paying_the_claim_overturns_the_appeal_with_the_paid_amount(
    practice, biller
):
    # Given a denial posted from an 835 and appealed
    ingest(era([DENIED], trace="D1"), "denial.835")
    denial = Denial.objects.get()
    appeal = submitted_appeal_for(denial, biller)
    # When a later 835 pays the same claim (same CLP01, same payer) in full
    paid = claim(
        "ACC1",
        "1",
        "410.00",
        "410.00",
        icn="ICN1B",
        lines=[("99213", "410.00", "410.00", [])],
    )
    report = ingest(era([paid], trace="D2"), "payment.835")
    assert report.recovered == 1
    # And the sync runs (beat, or the ingest caller)
    assert appeals_sync_from_recoveries_task() == 1
    # Then the appeal is overturned with the paid amount, nobody typed it
    appeal.refresh_from_db()
    assert appeal.status == "overturned"
    assert appeal.amount_recovered == Decimal("410.00")
    assert "later remittance" in appeal.outcome_note
    # And running it again changes nothing
    assert services.appeals_sync_from_recoveries() == 0


@time_machine.travel("2026-11-27 15:00Z", tick=False)
def test_a_partial_payment_marks_the_appeal_partially_overturned(practice, biller):
    ingest(era([DENIED], trace="D1"), "denial.835")
    appeal = submitted_appeal_for(Denial.objects.get(), biller)
    paid = claim(
        "ACC1",
        "1",
        "410.00",
        "300.00",
        icn="ICN1B",
        lines=[("99213", "410.00", "300.00", [("CO", "45", "110.00")])],
    )
    ingest(era([paid], trace="D2"), "payment.835")
    services.appeals_sync_from_recoveries()
    appeal.refresh_from_db()
    assert appeal.status == "partially_overturned"
    assert appeal.amount_recovered == Decimal("300.00")


@time_machine.travel("2026-11-27 15:00Z", tick=False)
def test_an_appeal_waits_until_every_one_of_its_denials_is_paid(practice, biller):
    other = claim(
        "ACC2",
        "4",
        "90.00",
        "0",
        icn="ICN2",
        lines=[("36415", "90.00", "0", [("CO", "197", "90.00")])],
    )
    ingest(era([DENIED, other], trace="D1"), "denial.835")
    appeal = services.appeal_start(
        denials=list(Denial.objects.all()), action="appeal", by=biller
    )
    services.appeal_letter_finalize(appeal=appeal, by=biller)
    services.appeal_submit(appeal=appeal, by=biller, method="fax")
    paid = claim(
        "ACC1",
        "1",
        "410.00",
        "410.00",
        icn="ICN1B",
        lines=[("99213", "410.00", "410.00", [])],
    )
    ingest(era([paid], trace="D2"), "payment.835")
    assert services.appeals_sync_from_recoveries() == 0
    assert Appeal.objects.get().status == "submitted"


@time_machine.travel("2026-11-27 15:00Z", tick=False)
def test_drafts_are_left_alone_by_the_sync(practice, biller):
    ingest(era([DENIED], trace="D1"), "denial.835")
    services.appeal_start(denials=[Denial.objects.get()], action="appeal", by=biller)
    paid = claim(
        "ACC1",
        "1",
        "410.00",
        "410.00",
        icn="ICN1B",
        lines=[("99213", "410.00", "410.00", [])],
    )
    ingest(era([paid], trace="D2"), "payment.835")
    assert services.appeals_sync_from_recoveries() == 0
    assert Appeal.objects.get().status == "draft"


@time_machine.travel("2026-11-27 15:00Z", tick=False)
def test_posting_the_paying_835_runs_the_sync_by_itself(
    practice, biller, django_capture_on_commit_callbacks
):
    ingest(era([DENIED], trace="D1"), "denial.835")
    appeal = submitted_appeal_for(Denial.objects.get(), biller)
    paid = claim(
        "ACC1",
        "1",
        "410.00",
        "410.00",
        icn="ICN1B",
        lines=[("99213", "410.00", "410.00", [])],
    )
    with django_capture_on_commit_callbacks(execute=True):
        ingest(era([paid], trace="D2"), "payment.835")
    appeal.refresh_from_db()
    assert appeal.status == "overturned"
    assert appeal.amount_recovered == Decimal("410.00")
