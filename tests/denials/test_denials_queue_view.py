"""The queue page: filters, POST search, keyset pages, scoping, audit, next, export."""

import csv
import io
import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from core.models import AuditEvent
from denials.api.serializers import LIST_FIELDS
from denials.models import Denial, DenialEvent
from tests.denials.factories_denials import denial_make, payer_make

pytestmark = pytest.mark.django_db


def row_ids(response) -> list[int]:
    return [
        int(x) for x in re.findall(r'<tr id="row-(\d+)"', response.content.decode())
    ]


def test_queue_lists_open_denials_by_priority_and_hides_resolved(
    persona_client, biller, practice
):
    low = denial_make(practice=practice, priority="10")
    high = denial_make(practice=practice, priority="900")
    denial_make(practice=practice, priority="5000", status="recovered")

    response = persona_client(biller).get("/denials/")

    assert response.status_code == 200
    assert row_ids(response) == [high.pk, low.pk]


def test_filters_narrow_by_payer_category_amount_and_assignee(
    persona_client, biller, practice
):
    aetna = payer_make(name="Aetna")
    mine = denial_make(
        practice=practice,
        payer=aetna,
        amount="1500.00",
        category_slug="coding",
        assignee=biller,
    )
    denial_make(practice=practice, amount="1500.00", category_slug="coding")
    denial_make(practice=practice, payer=aetna, amount="20.00", category_slug="coding")
    client = persona_client(biller)

    by_payer = client.get(f"/denials/?payer={aetna.pk}&amount_min=100")
    by_me = client.get("/denials/?assignee=me")
    by_category = client.get(f"/denials/?category={mine.category_id}&amount_max=100")

    assert row_ids(by_payer) == [mine.pk]
    assert row_ids(by_me) == [mine.pk]
    assert len(row_ids(by_category)) == 1 and row_ids(by_category) != [mine.pk]


def test_deadline_window_and_write_off_filters(persona_client, biller, practice):
    today = timezone.localdate()
    soon = denial_make(practice=practice, deadline=today + timedelta(days=5))
    later = denial_make(practice=practice, deadline=today + timedelta(days=25))
    gone = denial_make(practice=practice, deadline=today - timedelta(days=2))
    client = persona_client(biller)

    assert row_ids(client.get("/denials/?deadline=7")) == [soon.pk]
    assert set(row_ids(client.get("/denials/?deadline=30"))) == {soon.pk, later.pk}
    assert row_ids(client.get("/denials/?deadline=expired")) == [gone.pk]


def test_invalid_filter_answers_400_naming_the_field(persona_client, biller):
    response = persona_client(biller).get("/denials/?amount_min=lots")

    assert response.status_code == 400
    assert "Amount from" in response.content.decode()


def test_search_by_patient_or_account_is_a_post_and_finds_the_denial(
    persona_client, biller, practice
):
    target = denial_make(practice=practice, patient="OKAFOR, KIRA", account="A-778812")
    denial_make(practice=practice, patient="SMITH, TOM")
    client = persona_client(biller)

    by_name = client.post("/denials/search/", {"q": "okafor"})
    by_account = client.post("/denials/search/", {"q": "A-778812"})
    in_url = client.get("/denials/?q=okafor")

    assert row_ids(by_name) == [target.pk]
    assert row_ids(by_account) == [target.pk]
    assert len(row_ids(in_url)) == 2  # a search term in the address is ignored
    assert AuditEvent.objects.filter(object_type="denial_search").count() == 2


def test_keyset_pages_cover_every_row_once(persona_client, biller, practice):
    made = {denial_make(practice=practice, priority=str(i % 7)).pk for i in range(120)}
    client = persona_client(biller)
    seen, url, pages = [], "/denials/", 0
    while url:
        response = client.get(url)
        seen += row_ids(response)
        pages += 1
        match = re.search(
            r'href="(/denials/\?[^"]*after=[^"]+)" rel="next"',
            response.content.decode(),
        )
        url = match.group(1).replace("&amp;", "&") if match else None

    assert pages == 3
    assert len(seen) == len(set(seen)) == 120
    assert set(seen) == made
    priorities = list(
        Denial.objects.filter(pk__in=seen).values_list("score__priority", "id")
    )
    order = {pk: (p, pk) for p, pk in priorities}
    assert [order[pk] for pk in seen] == sorted(order.values(), reverse=True)


@pytest.mark.parametrize("ordering", ["amount", "deadline", "age"])
def test_other_orderings_page_without_repeats(
    persona_client, biller, practice, ordering
):
    today = timezone.localdate()
    for i in range(60):
        denial_make(
            practice=practice,
            amount=f"{100 + i % 5}.00",
            deadline=today + timedelta(days=i % 4) if i % 3 else None,
            posted_days_ago=i % 6,
        )
    client = persona_client(biller)
    first = client.get(f"/denials/?ordering={ordering}")
    match = re.search(
        r'href="(/denials/\?[^"]*after=[^"]+)" rel="next"', first.content.decode()
    )
    second = client.get(match.group(1).replace("&amp;", "&"))

    ids = row_ids(first) + row_ids(second)
    assert len(ids) == len(set(ids)) == 60


def test_other_practice_denials_are_invisible_and_answer_404(
    persona_client, biller, other_practice
):
    theirs = denial_make(practice=other_practice)
    client = persona_client(biller)

    assert theirs.pk not in row_ids(client.get("/denials/"))
    assert client.get(f"/denials/{theirs.pk}/").status_code == 404
    assert (
        client.post(f"/denials/{theirs.pk}/notes/", {"text": "hi"}).status_code == 404
    )
    assert not DenialEvent.objects.filter(denial=theirs, kind="note").exists()


def test_queue_and_denial_page_reads_are_audited(persona_client, biller, practice):
    denial = denial_make(practice=practice)
    client = persona_client(biller)

    client.get("/denials/")
    client.get(f"/denials/{denial.pk}/")

    assert AuditEvent.objects.filter(action="read", object_type="denial_queue").exists()
    assert AuditEvent.objects.filter(
        action="read", object_type="denial", object_id=str(denial.pk)
    ).exists()


def test_overdue_age_badge_marks_unworked_denials_older_than_seven_days(
    persona_client, biller, practice
):
    old = denial_make(practice=practice, posted_days_ago=9)
    denial_make(practice=practice, posted_days_ago=2)

    html = persona_client(biller).get("/denials/").content.decode()

    assert html.count("row-overdue") == 1
    assert (
        f'id="row-{old.pk}" data-href="/denials/{old.pk}/" class="row-overdue"' in html
    )


def test_next_denial_hands_out_the_best_unassigned_new_one(
    persona_client, biller, practice
):
    denial_make(
        practice=practice, priority="999", assignee=biller, status="in_progress"
    )
    best = denial_make(practice=practice, priority="500")
    denial_make(practice=practice, priority="10")

    response = persona_client(biller).post("/denials/next/")

    assert response.status_code == 302
    assert response["Location"] == f"/denials/{best.pk}/"
    best.refresh_from_db()
    assert (best.assignee, best.status) == (biller, "in_progress")
    assert best.first_worked_at is not None


def test_next_denial_with_nothing_left_says_so(persona_client, biller, practice):
    response = persona_client(biller).post("/denials/next/", follow=True)

    assert "No unassigned new denials" in response.content.decode()


def test_manager_bulk_assigns_and_biller_may_not(
    persona_client, manager, biller, practice
):
    a, b = denial_make(practice=practice), denial_make(practice=practice)

    refused = persona_client(biller).post(
        "/denials/bulk-assign/", {"ids": [a.pk], "bulk_assignee": biller.pk}
    )
    done = persona_client(manager).post(
        "/denials/bulk-assign/", {"ids": [a.pk, b.pk], "bulk_assignee": biller.pk}
    )

    assert refused.status_code == 403
    assert done.status_code == 302
    assert set(Denial.objects.filter(assignee=biller).values_list("pk", flat=True)) == {
        a.pk,
        b.pk,
    }


def test_manager_reassigns_a_row_in_place_with_htmx(
    persona_client, manager, biller, practice
):
    denial = denial_make(practice=practice)

    response = persona_client(manager).post(
        f"/denials/{denial.pk}/assign/",
        {"assignee": biller.pk, "render": "row"},
        HTTP_HX_REQUEST="true",
    )

    assert response.status_code == 200
    assert response.content.decode().lstrip().startswith("<tr")
    denial.refresh_from_db()
    assert denial.assignee == biller


def test_export_csv_has_the_api_field_names_and_is_audited(
    persona_client, biller, practice
):
    denial_make(practice=practice, amount="123.45", codes=("CO-197", "N54"))
    denial_make(practice=practice, status="written_off")

    response = persona_client(biller).get("/denials/export.csv?status=open")
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))

    assert rows[0] == list(LIST_FIELDS)
    assert len(rows) == 2
    record = dict(zip(rows[0], rows[1], strict=True))
    assert Decimal(record["denied_amount"]) == Decimal("123.45")
    assert record["codes"] == "CO-197 N54"
    assert AuditEvent.objects.filter(
        action="export", object_type="denial_queue"
    ).exists()


def test_summary_counts_and_sums_the_current_filter(persona_client, biller, practice):
    denial_make(practice=practice, amount="100.00")
    denial_make(practice=practice, amount="250.50")
    denial_make(practice=practice, amount="999.00", status="no_action")

    html = persona_client(biller).get("/denials/summary/").content.decode()

    assert "<strong>2</strong> denials" in html
    assert "$350.50" in html
