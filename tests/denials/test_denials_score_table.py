"""The score's own row (DenialScore): created with each denial, mirrors kept in step."""

from datetime import date
from decimal import Decimal

import pytest
import time_machine

from denials.models import Denial, DenialScore
from denials.services import (
    denial_assign,
    denial_next,
    denial_recover,
    denial_scores_mirror,
    denial_transition,
    denials_rescore,
)
from tests.denials.factories_denials import denial_make, payer_make

FROZEN = "2026-11-27 14:00Z"


def mirror(denial) -> tuple[bool, bool]:
    return tuple(
        DenialScore.objects.filter(denial=denial).values_list("open", "unclaimed").get()
    )


@pytest.mark.django_db
def test_an_ingested_denial_gets_its_score_row_ready_for_next(
    practice, django_capture_on_commit_callbacks
):
    from tests.denials.test_denials_intake import AUTH_DENIAL, era, ingest

    # Given an 835 with one denied claim
    # When it is ingested (scoring runs after the commit)
    with django_capture_on_commit_callbacks(execute=True):
        ingest(era([AUTH_DENIAL]))

    # Then the denial has one score row of its practice, open and free for "next"
    score = DenialScore.objects.get()
    denial = Denial.objects.get()
    assert score.denial_id == denial.pk and score.practice_id == practice.pk
    assert (score.open, score.unclaimed) == (True, True)
    assert score.priority > 0 and score.scored_at is not None


@pytest.mark.django_db
def test_status_and_assignment_changes_keep_the_mirror_in_step(biller, practice):
    # Given a new, unassigned denial
    denial = denial_make(practice=practice)
    assert mirror(denial) == (True, True)

    # When it is assigned, then worked, then written off, then reopened and put back
    denial_assign(denial=denial, assignee=biller, by=biller)
    assigned = mirror(denial)
    denial_transition(denial=denial, to_status="in_progress", by=biller)
    working = mirror(denial)
    denial_transition(denial=denial, to_status="written_off", by=biller, note="small")
    resolved = mirror(denial)
    denial_transition(denial=denial, to_status="in_progress", by=biller)
    denial_transition(denial=denial, to_status="new", by=biller)
    back = mirror(denial)

    # Then the score row follows: out of "next" once someone has it, out of the
    # queue once resolved, and both again when it is new and unassigned
    assert assigned == (True, False)
    assert working == (True, False)
    assert resolved == (False, False)
    assert back == (True, True)


@pytest.mark.django_db
def test_a_recovered_denial_leaves_the_queue_and_its_write_off_flag(practice):
    # Given an open denial flagged for write-off review
    denial = denial_make(practice=practice)
    DenialScore.objects.filter(denial=denial).update(write_off_review=True)

    # When a later payment recovers it
    denial_recover(denial=denial, amount=Decimal("100.00"), note="paid")

    # Then its score row is closed and no longer flagged
    score = DenialScore.objects.get(denial=denial)
    assert not (score.open or score.unclaimed or score.write_off_review)


@pytest.mark.django_db
def test_next_skips_a_denial_whose_mirror_went_stale_and_fixes_it(biller, practice):
    # Given the best-scored denial already taken behind the services' back
    # (its mirror still says free), and a lower one really free
    stale = denial_make(practice=practice, priority="900")
    free = denial_make(practice=practice, priority="10")
    Denial.objects.filter(pk=stale.pk).update(status="in_progress", assignee=biller)

    # When a biller presses "next"
    got = denial_next(user=biller, practice_ids=[practice.pk])

    # Then the free one is handed out, never the taken one
    assert got.pk == free.pk
    assert Denial.objects.get(pk=stale.pk).assignee_id == biller.pk
    assert mirror(free) == (True, False)


@pytest.mark.django_db
def test_mirror_of_many_denials_is_set_in_one_update(biller, practice):
    # Given denials whose state was changed in bulk (as the demo history does)
    made = [denial_make(practice=practice) for _ in range(3)]
    Denial.objects.filter(pk=made[0].pk).update(status="recovered")
    Denial.objects.filter(pk=made[1].pk).update(assignee=biller)

    # When their mirrors are refreshed
    count = denial_scores_mirror(denial_ids=[d.pk for d in made])

    # Then each score row says what its denial is
    assert count == 3
    assert [mirror(d) for d in made] == [(False, False), (True, False), (True, True)]


@pytest.mark.django_db
def test_rescore_gives_a_denial_without_score_row_one(practice):
    # Given an open denial whose score row is missing
    denial = denial_make(practice=practice, remit_date=date(2026, 11, 1))
    DenialScore.objects.filter(denial=denial).delete()

    # When the queue is rescored
    with time_machine.travel(FROZEN, tick=False):
        changed = denials_rescore()

    # Then it has a score row again, open and free for "next", with its parts
    score = DenialScore.objects.get(denial=denial)
    assert changed == 1
    assert (score.open, score.unclaimed) == (True, True)
    assert score.priority > 0 and score.priority_parts["rework_cost"] == "25.00"


@pytest.mark.django_db
def test_rescore_writes_the_score_row_not_the_denial_when_only_the_score_moves(
    practice,
):
    # Given a scored denial
    payer = payer_make(payer_class="commercial")
    denial = denial_make(practice=practice, payer=payer, remit_date=date(2026, 6, 12))
    with time_machine.travel(FROZEN, tick=False):
        denials_rescore()
    deadline = Denial.objects.get(pk=denial.pk).appeal_deadline
    before = DenialScore.objects.get(denial=denial)

    # When the next day's rescore moves its urgency
    changed = denials_rescore(today=date(2026, 11, 28))

    # Then its score row changed and its deadline did not
    after = DenialScore.objects.get(denial=denial)
    assert changed == 1
    assert after.priority > before.priority
    assert Denial.objects.get(pk=denial.pk).appeal_deadline == deadline


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_rescore_outside_a_transaction_writes_every_batch_through_the_writer(
    practice,
):
    # Given open denials in several batches, on PostgreSQL with nothing around the
    # call (so batches are written by the writer thread while the next is scored)
    payer = payer_make(payer_class="commercial")
    made = [
        denial_make(practice=practice, payer=payer, amount=f"{100 + i}.00")
        for i in range(7)
    ]

    # When the queue is rescored in batches of 2
    with time_machine.travel(FROZEN, tick=False):
        changed = denials_rescore(batch_size=2)

    # Then every denial was scored once, and a rerun changes nothing
    assert changed == 7
    scored = DenialScore.objects.filter(
        denial__in=made, scored_at__isnull=False, priority_parts__has_key="rework_cost"
    )
    assert scored.count() == 7
    with time_machine.travel(FROZEN, tick=False):
        assert denials_rescore(batch_size=2) == 0
