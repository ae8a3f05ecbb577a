"""A manager reads the dashboard in a real browser: filter, follow a number, export."""

import pytest

from prevention.services import rollups_refresh
from tests.prevention.test_prevention_rollups import build_fixture_month


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_manager_filters_by_payer_follows_a_number_and_downloads_csv(
    login_as, manager, practice
):
    # Given the fixture month rolled up
    from django.apps import apps

    from denials.reference import load_reference_data

    load_reference_data(apps)  # transactional tests start without migration data
    acme = build_fixture_month(practice)
    rollups_refresh()
    page = login_as(manager)
    # When the manager opens the dashboard on that period and filters by payer
    page.goto("/prevention/?month_from=2026-01&month_to=2026-06")
    page.get_by_label("Payer", exact=True).select_option(str(acme.pk))
    page.get_by_role("button", name="Apply").click()
    page.wait_for_url(lambda url: f"payer={acme.pk}" in url)
    # Then the March row shows the hand-computed initial denial rate
    march = page.locator("#monthly-table tbody tr", has_text="2026-03")
    assert "37.5%" in march.inner_text()
    assert page.locator("canvas#chart-rates").is_visible()
    # When they download the monthly table as CSV
    with page.expect_download() as info:
        page.locator("section", has=page.locator("#monthly-h")).get_by_role(
            "link", name="Download CSV"
        ).click()
    download = info.value
    assert download.suggested_filename.startswith("denial-trends_2026-01_2026-06")
    content = open(download.path(), encoding="utf-8").read()
    assert "0.3750" in content
    # And they follow March's denied dollars to the denials behind it
    march.get_by_role("link", name="$950.00").click()
    page.wait_for_url(lambda url: "/denials/" in url)
    assert f"payer={acme.pk}" in page.url
    assert "remit_from=2026-03-01" in page.url and "remit_to=2026-03-31" in page.url
    assert page.locator("h1").inner_text().startswith("Denial queue")
