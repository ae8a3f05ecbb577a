"""The denial API: list with filters and keyset pages, detail, next and actions."""

from decimal import Decimal

import pytest
from rest_framework.test import APIClient

from core.models import AuditEvent
from denials.api.serializers import LIST_FIELDS
from denials.models import Denial, DenialEvent, DenialScore
from tests.denials.factories_denials import denial_make

pytestmark = pytest.mark.django_db

REQUIRED = {
    "id",
    "practice",
    "payer",
    "account_number",
    "payer_claim_number",
    "patient_name",
    "denied_amount",
    "recovered_amount",
    "category",
    "codes",
    "appeal_deadline",
    "days_left",
    "priority",
    "priority_explanation",
    "status",
    "assignee",
}


@pytest.fixture
def api():
    def signed_in(user):
        client = APIClient()
        client.force_authenticate(user)
        return client

    return signed_in


def test_list_items_carry_the_documented_fields_in_priority_order(
    api, biller, practice
):
    low = denial_make(practice=practice, priority="5")
    high = denial_make(practice=practice, priority="50")

    response = api(biller).get("/api/v1/denials/?ordering=-priority")

    assert response.status_code == 200
    items = response.json()["results"]
    assert [i["id"] for i in items] == [high.pk, low.pk]
    assert REQUIRED <= set(items[0]) and set(items[0]) == set(LIST_FIELDS)
    assert AuditEvent.objects.filter(action="read", object_type="denial_queue").exists()


def test_list_pages_by_cursor_without_repeats(api, biller, practice):
    for i in range(7):
        denial_make(practice=practice, priority=str(i % 2))
    client = api(biller)

    first = client.get("/api/v1/denials/?page_size=4").json()
    second = client.get(f"/api/v1/denials/?page_size=4&after={first['next']}").json()

    ids = [i["id"] for i in first["results"] + second["results"]]
    assert len(ids) == len(set(ids)) == 7
    assert second["next"] is None


def test_list_filters_like_the_page(api, biller, practice):
    big = denial_make(practice=practice, amount="900.00")
    denial_make(practice=practice, amount="90.00")

    response = api(biller).get("/api/v1/denials/?amount_min=500")

    assert [i["id"] for i in response.json()["results"]] == [big.pk]


@pytest.mark.parametrize(
    "query, field",
    [
        ("amount_min=abc", "amount_min"),
        ("ordering=-nonsense", "ordering"),
        ("status=maybe", "status"),
        ("after=garbage", "after"),
        ("page_size=0", "page_size"),
    ],
)
def test_bad_list_input_answers_400_naming_the_field(
    api, biller, practice, query, field
):
    denial_make(practice=practice)

    response = api(biller).get(f"/api/v1/denials/?{query}")

    assert response.status_code == 400
    assert field in response.json()


def test_detail_has_lines_and_events_and_other_practice_is_404(
    api, biller, practice, other_practice
):
    mine = denial_make(practice=practice)
    theirs = denial_make(practice=other_practice)
    client = api(biller)

    body = client.get(f"/api/v1/denials/{mine.pk}/").json()

    assert body["id"] == mine.pk
    assert "lines" in body and body["events"] == []
    assert client.get(f"/api/v1/denials/{theirs.pk}/").status_code == 404
    assert (
        client.post(f"/api/v1/denials/{theirs.pk}/notes/", {"text": "x"}).status_code
        == 404
    )


def test_next_takes_the_best_unassigned_then_204_when_none_left(api, biller, practice):
    best = denial_make(practice=practice, priority="70")
    client = api(biller)

    taken = client.post("/api/v1/denials/next/")
    nothing = client.post("/api/v1/denials/next/")

    assert taken.status_code == 200
    assert taken.json()["id"] == best.pk and taken.json()["assignee"] == "biller"
    assert taken.json()["status"] == "in_progress"
    assert nothing.status_code == 204


def test_biller_assigns_to_self_but_not_to_others(api, biller, manager, practice):
    denial = denial_make(practice=practice)
    client = api(biller)

    to_manager = client.post(
        f"/api/v1/denials/{denial.pk}/assign/", {"assignee": manager.pk}, format="json"
    )
    to_me = client.post(
        f"/api/v1/denials/{denial.pk}/assign/", {"assignee": biller.pk}, format="json"
    )

    assert to_manager.status_code == 400 and "assignee" in to_manager.json()
    assert to_me.status_code == 200 and to_me.json()["assignee"] == "biller"


def test_manager_assigns_and_unassigns(api, manager, biller, practice):
    denial = denial_make(practice=practice)
    client = api(manager)

    client.post(
        f"/api/v1/denials/{denial.pk}/assign/", {"assignee": biller.pk}, format="json"
    )
    denial.refresh_from_db()
    assert denial.assignee == biller
    client.post(
        f"/api/v1/denials/{denial.pk}/assign/", {"assignee": None}, format="json"
    )
    denial.refresh_from_db()
    assert denial.assignee is None


def test_status_change_and_illegal_transition_message(api, biller, practice):
    denial = denial_make(practice=practice)
    client = api(biller)

    illegal = client.post(
        f"/api/v1/denials/{denial.pk}/status/", {"status": "appealed"}, format="json"
    )
    no_amount = client.post(
        f"/api/v1/denials/{denial.pk}/status/", {"status": "recovered"}, format="json"
    )
    ok = client.post(
        f"/api/v1/denials/{denial.pk}/status/",
        {"status": "recovered", "amount": "120.00", "note": "paid"},
        format="json",
    )

    assert illegal.status_code == 400
    assert "cannot become Appealed" in illegal.json()["status"][0]
    assert no_amount.status_code == 400 and "amount" in no_amount.json()
    assert ok.status_code == 200 and ok.json()["status"] == "recovered"
    assert Decimal(ok.json()["recovered_amount"]) == Decimal("120.00")


def test_notes_and_root_cause(api, biller, practice):
    denial = denial_make(practice=practice)
    client = api(biller)

    empty = client.post(
        f"/api/v1/denials/{denial.pk}/notes/", {"text": "  "}, format="json"
    )
    note = client.post(
        f"/api/v1/denials/{denial.pk}/notes/", {"text": "Called payer"}, format="json"
    )
    bad_cause = client.post(
        f"/api/v1/denials/{denial.pk}/root-cause/", {"category": "nope"}, format="json"
    )
    cause = client.post(
        f"/api/v1/denials/{denial.pk}/root-cause/",
        {"category": "eligibility"},
        format="json",
    )

    assert empty.status_code == 400 and "text" in empty.json()
    assert note.status_code == 201 and note.json()["text"] == "Called payer"
    assert bad_cause.status_code == 400 and "category" in bad_cause.json()
    assert cause.status_code == 200 and cause.json()["root_cause"] == "eligibility"
    assert Denial.objects.get(pk=denial.pk).root_cause_confirmed
    assert DenialEvent.objects.filter(denial=denial, kind="root_cause").count() == 1


def test_search_takes_the_term_in_the_body(api, biller, practice):
    target = denial_make(practice=practice, patient="HADDAD, KIRA")
    denial_make(practice=practice, patient="OSEI, JONAH")

    response = api(biller).post(
        "/api/v1/denials/search/", {"q": "haddad"}, format="json"
    )

    assert [i["id"] for i in response.json()["results"]] == [target.pk]


def test_schema_documents_the_denial_endpoints(api, biller):
    schema = api(biller).get("/api/schema/?format=json").json()

    for path in (
        "/api/v1/denials/",
        "/api/v1/denials/{id}/",
        "/api/v1/denials/next/",
        "/api/v1/denials/{id}/status/",
        "/api/v1/denials/{id}/notes/",
    ):
        assert path in schema["paths"]
    params = {
        p["name"] for p in schema["paths"]["/api/v1/denials/"]["get"]["parameters"]
    }
    assert {"ordering", "payer", "deadline", "after"} <= params


def test_explanation_spells_out_todays_days_left_from_the_stored_parts(
    api, biller, practice
):
    # Given a denial scored on Nov 27 with a deadline on Dec 6
    from datetime import date

    import time_machine

    from denials.services import denials_score

    denial = denial_make(practice=practice, amount="1240.00")
    DenialScore.objects.filter(denial=denial).update(priority_parts={})
    with time_machine.travel("2026-11-27 09:00Z", tick=False):
        denials_score(denial_ids=[denial.pk])
    Denial.objects.filter(pk=denial.pk).update(appeal_deadline=date(2026, 12, 6))

    # When the list is read three days later
    with time_machine.travel("2026-11-30 09:00Z", tick=False):
        item = api(biller).get("/api/v1/denials/").json()["results"][0]

    # Then the explanation carries that day's days left, and every part of the score
    assert item["priority_explanation"].startswith(
        "$1,240.00 denied × 60% overturn − $25.00 rework = $719.00 expected;"
    )
    assert "6 days left → urgency ×" in item["priority_explanation"]
