"""The dashboard and the review: who may see them, what they show, the exports."""

import csv
import io
from datetime import date

import pytest
import time_machine

from core.models import AuditEvent
from prevention.models import ActionItem
from prevention.services import rollups_refresh
from tests.prevention import factories_prevention as f
from tests.prevention.test_prevention_rollups import build_fixture_month

pytestmark = pytest.mark.django_db
NOW = "2026-04-15 12:00Z"


@pytest.fixture
def fixture_month(practice, other_practice):
    acme = build_fixture_month(practice)
    other = f.remittance(
        practice=other_practice, payer=f.payer("Beacon Care"), paid_on=date(2026, 3, 12)
    )
    c = f.claim(
        remittance=other,
        charge="777",
        paid="0",
        status="4",
        adjustments=[("CO", "27", "777")],
    )
    f.denial(claim=c, slug="eligibility", denied="777", carc="27")
    rollups_refresh()
    return acme


def test_biller_is_refused_the_dashboard_and_the_review(persona_client, biller):
    client = persona_client(biller)
    assert client.get("/prevention/").status_code == 403
    assert client.get("/prevention/review/").status_code == 403


@time_machine.travel(NOW, tick=False)
def test_manager_sees_the_fixture_month_numbers(persona_client, manager, fixture_month):
    # Given the fixture month rolled up; When the manager opens the dashboard
    response = persona_client(manager).get(
        "/prevention/?month_from=2026-03&month_to=2026-03"
    )
    # Then the month shows the hand-computed rate and dollars
    body = response.content.decode()
    assert response.status_code == 200
    assert "37.5%" in body  # initial denial rate 3 ÷ 8
    assert "$950.00" in body  # all denials of the month
    assert "30.7%" in body  # net collection 420 ÷ 1,370
    # And the other practice's $777 denial never shows
    assert "777.00" not in body
    assert "Beacon Care" not in body


@time_machine.travel(NOW, tick=False)
def test_every_number_links_to_the_denial_queue_filtered(
    persona_client, manager, fixture_month, practice
):
    body = (
        persona_client(manager)
        .get(
            f"/prevention/?month_from=2026-03&month_to=2026-03&payer={fixture_month.pk}"
        )
        .content.decode()
    )
    assert (
        f"/denials/?status=all&amp;practice={practice.pk}&amp;payer={fixture_month.pk}"
        f"&amp;remit_from=2026-03-01&amp;remit_to=2026-03-31"
    ) in body
    assert "root_cause=" in body and "department=" in body and "rendering_npi=" in body


@time_machine.travel(NOW, tick=False)
def test_payer_filter_narrows_the_numbers(persona_client, manager, fixture_month):
    other_payer = f.payer("Summit Plan")
    body = (
        persona_client(manager)
        .get(f"/prevention/?month_from=2026-03&month_to=2026-03&payer={other_payer.pk}")
        .content.decode()
    )
    assert "$950.00" not in body


@time_machine.travel(NOW, tick=False)
@pytest.mark.parametrize(
    "table", ["monthly", "payer", "category", "root_cause", "department", "provider"]
)
def test_every_table_exports_as_csv_and_is_audited(
    persona_client, manager, fixture_month, table
):
    response = persona_client(manager).get(
        f"/prevention/?month_from=2026-03&month_to=2026-03&format=csv&table={table}"
    )
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert len(rows) >= 2
    assert (
        AuditEvent.objects.filter(
            action="export", object_type=f"prevention_{table}"
        ).count()
        == 1
    )


@time_machine.travel(NOW, tick=False)
def test_monthly_csv_carries_the_api_numbers(persona_client, manager, fixture_month):
    response = persona_client(manager).get(
        "/prevention/?month_from=2026-03&month_to=2026-03&format=csv&table=monthly"
    )
    row = list(csv.DictReader(io.StringIO(response.content.decode())))[0]
    assert row["Month"] == "2026-03"
    assert row["Initial denial rate"] == "0.3750"
    assert row["Rework cost"] == "75.00"


def test_practice_outside_the_users_is_refused_as_a_bad_filter(
    persona_client, manager, other_practice
):
    response = persona_client(manager).get(f"/prevention/?practice={other_practice.pk}")
    assert response.status_code == 400


@time_machine.travel(NOW, tick=False)
def test_review_routes_root_causes_to_departments_with_examples(
    persona_client, manager, fixture_month
):
    body = (
        persona_client(manager)
        .get("/prevention/review/?month=2026-03")
        .content.decode()
    )
    assert "Registration &amp; eligibility verification" in body
    assert "Scheduling / pre-certification" in body
    assert "Providers &amp; coding" in body
    assert "99213" in body  # the example claim's line
    assert "CO-97" in body
    assert "777.00" not in body


@time_machine.travel(NOW, tick=False)
def test_review_exports_csv_and_pdf(persona_client, manager, fixture_month):
    client = persona_client(manager)
    csv_response = client.get("/prevention/review/?month=2026-03&format=csv")
    assert "Eligibility / registration" in csv_response.content.decode()
    pdf = client.get("/prevention/review/?month=2026-03&format=pdf")
    assert pdf["Content-Type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF")
    assert (
        AuditEvent.objects.filter(
            action="export", object_type="prevention_review"
        ).count()
        == 2
    )


@time_machine.travel(NOW, tick=False)
def test_action_item_shows_before_and_after_counts(persona_client, manager, practice):
    # Given eligibility denials: 2 a month in Oct-Dec 2025, none in Jan-Mar 2026
    acme = f.payer("Acme Health")
    for month in (10, 11, 12):
        remit = f.remittance(
            practice=practice, payer=acme, paid_on=date(2025, month, 10)
        )
        for _ in range(2):
            c = f.claim(remittance=remit, charge="100", paid="0", status="4")
            f.denial(claim=c, slug="eligibility", denied="100", carc="27")
    rollups_refresh()
    client = persona_client(manager)
    # When the manager adds an action taking effect in January 2026
    eligibility = f.category("eligibility")
    response = client.post(
        "/prevention/actions/",
        {
            "root_cause": eligibility.pk,
            "practice": practice.pk,
            "owner": manager.pk,
            "change": "Verify eligibility at scheduling and again at check-in",
            "started_on": "2026-01-01",
            "due_date": "2026-01-31",
            "next": "/prevention/review/?month=2026-03",
        },
    )
    assert response.status_code == 302
    item = ActionItem.objects.get()
    assert item.owner == manager
    # Then the review shows 2.0 before, 0.0 after: the fix worked
    body = client.get("/prevention/review/?month=2026-03").content.decode()
    assert "Verify eligibility at scheduling" in body
    assert ">2.0<" in body and ">0.0<" in body and "fell" in body
    # And the manager can mark it done
    client.post(f"/prevention/actions/{item.pk}/status/", {"status": "done"})
    item.refresh_from_db()
    assert item.status == "done"


def test_other_practice_action_item_answers_404(
    persona_client, manager, other_practice, admin_user
):
    item = ActionItem.objects.create(
        practice=other_practice,
        root_cause=f.category("coding"),
        change="x",
        started_on=date(2026, 1, 1),
    )
    response = persona_client(manager).post(
        f"/prevention/actions/{item.pk}/status/", {"status": "done"}
    )
    assert response.status_code == 404
