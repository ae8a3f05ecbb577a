"""Working a denial: transitions, assignment, notes and root cause (htmx)."""

from decimal import Decimal

import pytest

from core.errors import ApplicationError
from denials.models import Category, Denial, DenialEvent
from denials.services import TRANSITIONS, denial_transition
from tests.denials.factories_denials import denial_make

pytestmark = pytest.mark.django_db
HTMX = {"HTTP_HX_REQUEST": "true"}


def test_legal_path_new_to_appealed_to_recovered(biller, practice):
    denial = denial_make(practice=practice)

    denial_transition(denial=denial, to_status="in_progress", by=biller)
    denial_transition(denial=denial, to_status="appealed", by=biller, note="sent")
    denial = denial_transition(
        denial=denial, to_status="recovered", by=biller, amount=Decimal("200.00")
    )

    assert denial.status == "recovered" and denial.was_appealed
    assert denial.recovered_amount == Decimal("200.00")
    assert denial.assignee == biller
    assert list(denial.events.values_list("to_status", flat=True)) == [
        "in_progress",
        "appealed",
        "recovered",
    ]


@pytest.mark.parametrize(
    "start, target",
    [("new", "appealed"), ("appealed", "new"), ("written_off", "recovered")],
)
def test_illegal_transitions_are_refused_with_the_allowed_next_steps(
    biller, practice, start, target
):
    denial = denial_make(practice=practice, status=start)

    with pytest.raises(ApplicationError) as refused:
        denial_transition(
            denial=denial, to_status=target, by=biller, note="x", amount=Decimal("1")
        )

    assert "cannot become" in refused.value.message
    assert "Allowed next:" in refused.value.message
    assert target not in TRANSITIONS[start]
    assert Denial.objects.get(pk=denial.pk).status == start


def test_write_off_needs_a_reason(biller, practice):
    denial = denial_make(practice=practice)

    with pytest.raises(ApplicationError) as refused:
        denial_transition(denial=denial, to_status="written_off", by=biller)

    assert refused.value.field == "note"


def test_denial_page_shows_claim_deadline_score_and_only_allowed_statuses(
    persona_client, biller, practice
):
    denial = denial_make(practice=practice, codes=("CO-197", "N54"))

    html = persona_client(biller).get(f"/denials/{denial.pk}/").content.decode()

    assert denial.account_number in html and "DOE, JANE" in html
    assert "Timeline" in html and "denied × 60% overturn" in html
    assert '<option value="in_progress">' in html
    assert '<option value="appealed">' not in html


def test_no_appeal_rights_is_said_plainly(persona_client, biller, practice):
    denial = denial_make(practice=practice, codes=("CO-29",))
    Denial.objects.filter(pk=denial.pk).update(no_appeal_rights=True)

    html = persona_client(biller).get(f"/denials/{denial.pk}/").content.decode()

    assert "No appeal rights" in html


def test_htmx_status_change_returns_the_panel_and_refusal_is_400_with_message(
    persona_client, biller, practice
):
    denial = denial_make(practice=practice)
    client = persona_client(biller)

    refused = client.post(
        f"/denials/{denial.pk}/status/", {"status": "appealed"}, **HTMX
    )
    moved = client.post(
        f"/denials/{denial.pk}/status/", {"status": "in_progress"}, **HTMX
    )

    assert refused.status_code == 400
    assert "cannot become Appealed" in refused.content.decode()
    assert moved.status_code == 200 and 'id="denial-panel"' in moved.content.decode()
    assert Denial.objects.get(pk=denial.pk).status == "in_progress"


def test_note_appears_on_the_timeline(persona_client, biller, practice):
    denial = denial_make(practice=practice)
    client = persona_client(biller)

    empty = client.post(f"/denials/{denial.pk}/notes/", {"text": " "}, **HTMX)
    added = client.post(
        f"/denials/{denial.pk}/notes/", {"text": "Called the payer"}, **HTMX
    )

    assert empty.status_code == 400 and "cannot be empty" in empty.content.decode()
    assert "Called the payer" in added.content.decode()


def test_without_htmx_actions_redirect_back_with_a_message(
    persona_client, biller, practice
):
    denial = denial_make(practice=practice)

    response = persona_client(biller).post(
        f"/denials/{denial.pk}/status/", {"status": "appealed"}, follow=True
    )

    assert response.redirect_chain[-1][0] == f"/denials/{denial.pk}/"
    assert "cannot become Appealed" in response.content.decode()


def test_assign_to_me_then_unassign(persona_client, biller, practice):
    denial = denial_make(practice=practice)
    client = persona_client(biller)

    client.post(f"/denials/{denial.pk}/assign/", {"assignee": "me"}, **HTMX)
    assert Denial.objects.get(pk=denial.pk).assignee == biller
    client.post(f"/denials/{denial.pk}/assign/", {"assignee": "none"}, **HTMX)
    assert Denial.objects.get(pk=denial.pk).assignee is None


def test_biller_cannot_take_a_denial_from_someone_else(
    persona_client, biller, manager, practice
):
    denial = denial_make(practice=practice, assignee=manager)

    response = persona_client(biller).post(
        f"/denials/{denial.pk}/assign/", {"assignee": "none"}, **HTMX
    )

    assert response.status_code == 400
    assert Denial.objects.get(pk=denial.pk).assignee == manager


def test_confirming_the_root_cause_records_one_event(persona_client, biller, practice):
    denial = denial_make(practice=practice, category_slug="authorization")
    coding = Category.objects.get(slug="coding")

    persona_client(biller).post(
        f"/denials/{denial.pk}/root-cause/", {"category": coding.pk}, **HTMX
    )

    denial.refresh_from_db()
    assert denial.root_cause == coding and denial.root_cause_confirmed
    event = DenialEvent.objects.get(denial=denial, kind="root_cause")
    assert "Root cause set to" in event.text


def test_denial_page_shows_the_overturn_chance_as_a_percentage(
    persona_client, biller, practice
):
    from denials.services import denials_score

    denial = denial_make(practice=practice)
    denials_score(denial_ids=[denial.pk])
    page = persona_client(biller).get(f"/denials/{denial.pk}/").content.decode()
    assert "<dt>Overturn chance</dt><dd>60% (0 decided appeals" in page
