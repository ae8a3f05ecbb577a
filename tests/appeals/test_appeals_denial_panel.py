"""The denial page shows its appeals and the way to start one."""

import pytest

from appeals.models import Appeal
from tests.denials.factories_denials import denial_make

pytestmark = pytest.mark.django_db


def test_denial_page_offers_an_appeal_and_lists_existing_ones(
    persona_client, biller, practice
):
    denial = denial_make(practice=practice)
    client = persona_client(biller)
    page = client.get(f"/denials/{denial.pk}/").content.decode()
    assert f'href="/appeals/start/{denial.pk}/"' in page
    assert "No appeal, reopening or corrected claim yet." in page

    appeal = Appeal.objects.create(
        practice=practice,
        action="appeal",
        level_name="Level 1 appeal",
        created_by=biller,
    )
    appeal.denials.add(denial)
    page = client.get(f"/denials/{denial.pk}/").content.decode()
    assert f'href="/appeals/{appeal.pk}/"' in page
    assert "Level 1 appeal" in page
