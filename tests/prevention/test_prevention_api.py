"""GET /api/v1/metrics/monthly/: fields, filters, scoping, schema."""

from datetime import date
from decimal import Decimal

import pytest
import time_machine

from prevention.services import rollups_refresh
from tests.prevention import factories_prevention as f
from tests.prevention.test_prevention_rollups import build_fixture_month

pytestmark = pytest.mark.django_db
URL = "/api/v1/metrics/monthly/"
REQUIRED = {
    "month",
    "claims_adjudicated",
    "initial_denials",
    "initial_denial_rate",
    "denied_amount",
    "recovered_amount",
    "written_off_amount",
    "recovery_rate",
    "overturn_rate",
    "worked_within_7_days_rate",
    "first_pass_resolution_rate",
    "rework_cost",
}


@pytest.fixture
def rolled_up(practice, other_practice):
    acme = build_fixture_month(practice)
    other = f.remittance(practice=other_practice, payer=acme, paid_on=date(2026, 3, 2))
    f.claim(remittance=other, charge="50", paid="50")
    rollups_refresh()
    return acme


@time_machine.travel("2026-04-15 12:00Z", tick=False)
def test_monthly_metrics_carry_every_field_with_hand_computed_values(
    persona_client, manager, rolled_up
):
    response = persona_client(manager).get(URL, {"from": "2026-02", "to": "2026-03"})
    assert response.status_code == 200
    months = response.json()
    assert [m["month"] for m in months] == ["2026-02", "2026-03"]
    march = months[1]
    assert REQUIRED <= set(march)
    assert march["claims_adjudicated"] == 8  # the other practice's claim left out
    assert Decimal(march["initial_denial_rate"]) == Decimal("0.3750")
    assert Decimal(march["recovery_rate"]) == Decimal("0.4000")
    assert Decimal(march["overturn_rate"]) == Decimal("0.5000")
    assert Decimal(march["worked_within_7_days_rate"]) == Decimal("0.4000")
    assert Decimal(march["first_pass_resolution_rate"]) == Decimal("0.2500")
    assert march["rework_cost"] == "75.00"
    assert months[0]["initial_denial_rate"] is None  # an empty month has no rate


@time_machine.travel("2026-04-15 12:00Z", tick=False)
def test_payer_filter(persona_client, manager, rolled_up, practice):
    # Given Summit Plan paid one claim in February only
    other_payer = f.payer("Summit Plan")
    remit = f.remittance(practice=practice, payer=other_payer, paid_on=date(2026, 2, 3))
    f.claim(remittance=remit, charge="10", paid="10")
    rollups_refresh()
    # When March is asked for Summit Plan; Then none of Acme's 8 claims count
    months = (
        persona_client(manager)
        .get(URL, {"from": "2026-03", "to": "2026-03", "payer": other_payer.pk})
        .json()
    )
    assert months[0]["claims_adjudicated"] == 0


def test_billers_are_refused(persona_client, biller):
    assert persona_client(biller).get(URL).status_code == 403


def test_another_practice_answers_404(persona_client, manager, other_practice):
    response = persona_client(manager).get(URL, {"practice": other_practice.pk})
    assert response.status_code == 404


def test_bad_month_is_a_400_naming_the_parameter(persona_client, manager):
    response = persona_client(manager).get(URL, {"from": "March"})
    assert response.status_code == 400
    assert "from" in response.json()


def test_endpoint_is_in_the_openapi_schema(persona_client, manager):
    schema = persona_client(manager).get("/api/schema/", {"format": "json"}).json()
    operation = schema["paths"]["/api/v1/metrics/monthly/"]["get"]
    assert {p["name"] for p in operation["parameters"]} >= {
        "practice",
        "payer",
        "from",
        "to",
    }
    fields = schema["components"]["schemas"]["MonthlyMetrics"]["properties"]
    assert REQUIRED <= set(fields)
