"""Appeal lifecycle: start, letter, submit, outcomes, escalation, refusals."""

from datetime import date
from decimal import Decimal

import pytest
import time_machine

from appeals import services
from appeals.models import Appeal, Letter
from core.errors import ApplicationError
from denials.models import Denial
from tests.appeals.factories_appeals import (
    commercial_denial,
    payer_make,
    png_bytes,
    upload,
)

pytestmark = pytest.mark.django_db
NOW = "2026-11-27 15:00Z"


def ready_to_submit(appeal, by):
    services.appeal_letter_finalize(appeal=appeal, by=by)
    return appeal


@time_machine.travel(NOW, tick=False)
def test_start_drafts_an_appeal_with_the_rule_deadline_and_category_letter(
    practice, biller
):
    # Given a commercial authorization denial remitted Nov 20, 2026
    denial = commercial_denial(practice, amount="410.00", codes=("CO-197",))
    # When the biller starts an appeal
    appeal = services.appeal_start(denials=[denial], action="appeal", by=biller)
    # Then the deadline is level 1 of the commercial rule: 180 days from the remit
    assert appeal.status == "draft"
    assert appeal.level_index == 0 and appeal.level_name == "Level 1 appeal"
    assert appeal.deadline == date(2027, 5, 19)
    assert appeal.amount_requested == Decimal("410.00")
    # And the letter comes from the authorization template, filled in
    assert appeal.template.name == "Authorization appeal"
    assert "DOE, JANE" in appeal.letter_draft
    assert "$410.00" in appeal.letter_draft
    assert "{{" not in appeal.letter_draft
    # And the denial is now being worked
    denial.refresh_from_db()
    assert denial.status == "in_progress"
    assert denial.events.filter(kind="appeal").exists()


@time_machine.travel(NOW, tick=False)
def test_an_expired_deadline_refuses_the_appeal_and_points_to_write_off(
    practice, biller
):
    denial = commercial_denial(practice, remit_date=date(2026, 1, 5))
    with pytest.raises(
        ApplicationError, match="deadline passed on Jul 04, 2026.*write-off"
    ):
        services.appeal_start(denials=[denial], action="appeal", by=biller)
    assert not Appeal.objects.exists()
    # A write-off is still possible, with a reason
    assert services.denials_write_off(denials=[denial], by=biller, note="Too late") == 1
    denial.refresh_from_db()
    assert denial.status == "written_off"


@time_machine.travel(NOW, tick=False)
def test_medicare_timely_filing_cannot_be_appealed_but_can_be_reopened(
    practice, biller
):
    medicare = payer_make(name="Medicare B", payer_class="medicare")
    denial = commercial_denial(
        practice, payer=medicare, codes=("CO-29",), category_slug="timely-filing"
    )
    with pytest.raises(ApplicationError, match="no appeal rights"):
        services.appeal_start(denials=[denial], action="appeal", by=biller)
    reopening = services.appeal_start(denials=[denial], action="reopening", by=biller)
    assert reopening.template.name == "Reopening request"


@time_machine.travel(NOW, tick=False)
def test_one_appeal_takes_several_denials_of_one_payer_but_not_of_two(practice, biller):
    payer = payer_make()
    a = commercial_denial(practice, payer=payer, amount="100.00")
    b = commercial_denial(practice, payer=payer, amount="250.00")
    other = commercial_denial(practice)
    with pytest.raises(ApplicationError, match="different payers"):
        services.appeal_start(denials=[a, other], action="appeal", by=biller)
    appeal = services.appeal_start(denials=[a, b], action="appeal", by=biller)
    assert appeal.amount_requested == Decimal("350.00")
    assert set(appeal.denials.all()) == {a, b}
    # And a denial cannot be in two open appeals
    with pytest.raises(ApplicationError, match=f"Appeal {appeal.pk} is already open"):
        services.appeal_start(denials=[b], action="appeal", by=biller)


@time_machine.travel(NOW, tick=False)
def test_submit_needs_a_finalized_letter_then_the_denial_is_appealed(practice, biller):
    denial = commercial_denial(practice)
    appeal = services.appeal_start(denials=[denial], action="appeal", by=biller)
    with pytest.raises(ApplicationError, match="Finalize the letter"):
        services.appeal_submit(appeal=appeal, by=biller, method="fax")
    ready_to_submit(appeal, biller)
    services.appeal_submit(
        appeal=appeal, by=biller, method="fax", submitted_on=date(2026, 11, 26)
    )
    appeal.refresh_from_db()
    denial.refresh_from_db()
    assert appeal.status == "submitted"
    assert appeal.follow_up_date == date(2026, 12, 26)
    assert denial.status == "appealed" and denial.was_appealed


@time_machine.travel(NOW, tick=False)
def test_finalize_refuses_an_unknown_merge_field_and_keeps_the_draft(practice, biller):
    denial = commercial_denial(practice)
    appeal = services.appeal_start(denials=[denial], action="appeal", by=biller)
    services.appeal_letter_save(
        appeal=appeal, body="Dear {{ payer_nmae }},\nPay.", by=biller
    )
    with pytest.raises(ApplicationError, match="payer_nmae"):
        services.appeal_letter_finalize(appeal=appeal, by=biller)
    appeal.refresh_from_db()
    assert appeal.letter_draft == "Dear {{ payer_nmae }},\nPay."
    assert not Letter.objects.exists()


@time_machine.travel(NOW, tick=False)
def test_the_letter_lists_the_evidence_enclosed_when_finalized(practice, biller):
    denial = commercial_denial(practice)
    appeal = services.appeal_start(denials=[denial], action="appeal", by=biller)
    services.evidence_add(
        appeal=appeal, files=[upload("auth.png", png_bytes())], by=biller
    )
    letter = services.appeal_letter_finalize(appeal=appeal, by=biller)
    assert letter.enclosures == ["auth.png"]


@time_machine.travel(NOW, tick=False)
def test_overturned_resolves_the_denial_as_recovered_with_the_amount(practice, biller):
    denial = commercial_denial(practice, amount="410.00")
    appeal = services.appeal_start(denials=[denial], action="appeal", by=biller)
    ready_to_submit(appeal, biller)
    services.appeal_submit(appeal=appeal, by=biller, method="mail")
    services.appeal_record_outcome(
        appeal=appeal, outcome="overturned", by=biller, amount=Decimal("410.00")
    )
    appeal.refresh_from_db()
    denial.refresh_from_db()
    assert appeal.status == "overturned" and appeal.amount_recovered == Decimal(
        "410.00"
    )
    assert denial.status == "recovered" and denial.recovered_amount == Decimal("410.00")
    assert denial.was_appealed  # so the scoring learns from it


@time_machine.travel(NOW, tick=False)
def test_partial_overturn_pays_the_largest_balance_first(practice, biller):
    payer = payer_make()
    small = commercial_denial(practice, payer=payer, amount="100.00")
    big = commercial_denial(practice, payer=payer, amount="300.00")
    appeal = services.appeal_start(denials=[small, big], action="appeal", by=biller)
    ready_to_submit(appeal, biller)
    services.appeal_submit(appeal=appeal, by=biller, method="portal")
    services.appeal_record_outcome(
        appeal=appeal,
        outcome="partially_overturned",
        by=biller,
        amount=Decimal("250.00"),
    )
    big.refresh_from_db()
    small.refresh_from_db()
    assert big.status == "recovered" and big.recovered_amount == Decimal("250.00")
    assert small.status == "in_progress"


@time_machine.travel(NOW, tick=False)
def test_outcome_of_a_draft_is_an_illegal_change_with_a_message(practice, biller):
    appeal = services.appeal_start(
        denials=[commercial_denial(practice)], action="appeal", by=biller
    )
    with pytest.raises(ApplicationError, match="Only a submitted or in-review appeal"):
        services.appeal_record_outcome(
            appeal=appeal, outcome="overturned", by=biller, amount=Decimal("1")
        )
    appeal.refresh_from_db()
    assert appeal.status == "draft"


def test_upheld_escalates_to_the_next_level_with_its_own_deadline(practice, biller):
    with time_machine.travel("2026-11-27 15:00Z", tick=False):
        denial = commercial_denial(practice)
        appeal = services.appeal_start(denials=[denial], action="appeal", by=biller)
        ready_to_submit(appeal, biller)
        services.appeal_submit(appeal=appeal, by=biller, method="mail")
    with time_machine.travel("2027-01-15 15:00Z", tick=False):
        services.appeal_record_outcome(
            appeal=appeal, outcome="upheld", by=biller, decided_on=date(2027, 1, 14)
        )
        denial.refresh_from_db()
        assert denial.status == "in_progress"
        second = services.appeal_escalate(appeal=appeal, by=biller)
    # Level 2 of the commercial rule: 60 days from the level 1 decision
    assert second.level_index == 1 and second.level_name == "Level 2 appeal"
    assert second.deadline == date(2027, 3, 15)
    assert second.previous == appeal
    assert second.template.name == "Appeal at a further level"
    with time_machine.travel("2027-01-16 15:00Z", tick=False):
        with pytest.raises(ApplicationError, match="already escalated"):
            services.appeal_escalate(appeal=appeal, by=biller)


@time_machine.travel(NOW, tick=False)
def test_upheld_then_written_off_teaches_a_loss(practice, biller):
    denial = commercial_denial(practice)
    appeal = services.appeal_start(denials=[denial], action="appeal", by=biller)
    ready_to_submit(appeal, biller)
    services.appeal_submit(appeal=appeal, by=biller, method="mail")
    services.appeal_record_outcome(appeal=appeal, outcome="upheld", by=biller)
    services.appeal_write_off(appeal=appeal, by=biller, note="Upheld at level 1")
    denial.refresh_from_db()
    assert denial.status == "written_off" and denial.was_appealed


@time_machine.travel(NOW, tick=False)
def test_corrected_claim_needs_the_icn_and_marks_the_denial_corrected_sent(
    practice, biller
):
    denial = commercial_denial(
        practice, codes=("CO-4",), category_slug="coding", icn=""
    )
    Denial.objects.filter(pk=denial.pk).update(payer_claim_number="")
    appeal = services.appeal_start(
        denials=[denial], action="corrected_claim", by=biller
    )
    assert appeal.frequency_code == "7" and appeal.letter_draft == ""
    with pytest.raises(ApplicationError, match="claim number"):
        services.appeal_submit(appeal=appeal, by=biller, method="electronic")
    services.appeal_submit(
        appeal=appeal, by=biller, method="electronic", payer_claim_number="ICN-9"
    )
    denial.refresh_from_db()
    assert denial.status == "corrected_sent"


@time_machine.travel(NOW, tick=False)
def test_submitting_after_the_deadline_is_refused(practice, biller):
    denial = commercial_denial(practice, remit_date=date(2026, 6, 1))  # deadline Nov 28
    appeal = services.appeal_start(denials=[denial], action="appeal", by=biller)
    ready_to_submit(appeal, biller)
    with time_machine.travel("2026-11-30 15:00Z", tick=False):
        with pytest.raises(ApplicationError, match="deadline passed on Nov 28, 2026"):
            services.appeal_submit(appeal=appeal, by=biller, method="mail")
    appeal.refresh_from_db()
    assert appeal.status == "draft"
