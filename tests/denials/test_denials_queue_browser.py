"""A biller works the queue in the browser: filter, open, back, next, status, note."""

import pytest

from denials.models import Denial
from tests.denials.factories_denials import denial_make, payer_make


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_biller_filters_opens_takes_next_changes_status_and_adds_a_note(
    login_as, biller, practice
):
    aetna = payer_make(name="Aetna Better Health")
    cigna = payer_make(name="Cigna")
    wanted = denial_make(
        practice=practice, payer=aetna, patient="HADDAD, KIRA", priority="300"
    )
    best = denial_make(
        practice=practice, payer=cigna, patient="OSEI, JONAH", priority="900"
    )
    page = login_as(biller)

    # Filter the queue to one payer
    page.goto("/denials/")
    page.get_by_text("Filters").click()
    page.get_by_label("Payer").select_option(label="Aetna Better Health")
    page.get_by_role("button", name="Apply").click()
    page.wait_for_url("**/denials/?*")
    rows = page.locator("#queue-table tbody tr[data-href]")
    assert rows.count() == 1
    assert "HADDAD, KIRA" in rows.first.inner_text()

    # Open it by keyboard, then go back
    page.keyboard.press("j")
    page.keyboard.press("Enter")
    page.wait_for_url(f"**/denials/{wanted.pk}/")
    assert "HADDAD, KIRA" in page.inner_text("main")
    page.get_by_role("link", name="« Back to the queue").click()
    page.wait_for_url("**/denials/")

    # Take the next denial: the highest priority one
    page.get_by_role("button", name="Next denial").click()
    page.wait_for_url(f"**/denials/{best.pk}/")
    assert "OSEI, JONAH" in page.inner_text("main")

    # Change its status and add a note (htmx, in place)
    page.get_by_label("Change status to").select_option(label="Pending payer")
    page.get_by_role("button", name="Change status").click()
    page.get_by_text("Status changed.").wait_for()
    page.get_by_label("Add a note").fill("Payer asked for the operative report")
    page.get_by_role("button", name="Add note").click()
    page.get_by_text("Note added.").wait_for()
    timeline = page.locator(".timeline")
    assert "Payer asked for the operative report" in timeline.inner_text()

    best.refresh_from_db()
    assert (best.status, best.assignee_id) == (Denial.Status.PENDING_PAYER, biller.pk)
