"""The dashboard links to "the denials behind this number" with these queue filters."""

import re
from datetime import date

import pytest

from denials.models import Category, Denial
from tests.denials.factories_denials import denial_make

pytestmark = pytest.mark.django_db


def row_ids(response) -> set[int]:
    return {
        int(x) for x in re.findall(r'<tr id="row-(\d+)"', response.content.decode())
    }


def test_root_cause_department_npi_and_remit_dates_narrow_the_queue(
    persona_client, biller, practice
):
    march = denial_make(practice=practice, remit_date=date(2026, 3, 10))
    april = denial_make(
        practice=practice, remit_date=date(2026, 4, 10), category_slug="eligibility"
    )
    Denial.objects.filter(pk=april.pk).update(rendering_npi="1234567893")
    client = persona_client(biller)
    eligibility = Category.objects.get(slug="eligibility")

    by_dates = client.get(
        "/denials/?status=all&remit_from=2026-03-01&remit_to=2026-03-31"
    )
    by_cause = client.get(f"/denials/?status=all&root_cause={eligibility.pk}")
    by_dept = client.get(f"/denials/?status=all&department={eligibility.department_id}")
    by_npi = client.get("/denials/?status=all&rendering_npi=1234567893")

    assert row_ids(by_dates) == {march.pk}
    assert row_ids(by_cause) == {april.pk}
    assert row_ids(by_dept) == {april.pk}
    assert row_ids(by_npi) == {april.pk}


def test_bad_dashboard_filters_answer_400_naming_the_field(persona_client, biller):
    client = persona_client(biller)
    bad_npi = client.get("/denials/?rendering_npi=12")
    backwards = client.get("/denials/?remit_from=2026-04-01&remit_to=2026-03-01")
    assert bad_npi.status_code == 400 and b"An NPI is 10 digits" in bad_npi.content
    assert backwards.status_code == 400
    assert b"Must not be before the start date" in backwards.content
