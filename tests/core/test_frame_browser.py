"""A person signs in, sees the frame for their role, switches practice, signs out."""

import pytest

from tests.conftest import PASSWORD


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_biller_signs_in_sees_the_frame_and_signs_out(login_as, biller, other_practice):
    from core.services import membership_set

    membership_set(user=biller, practice=other_practice, role="biller")
    page = login_as(biller)
    nav = page.get_by_role("navigation", name="Main")
    assert nav.get_by_role("link", name="Denial queue").is_visible()
    assert nav.get_by_role("link", name="Settings").count() == 0
    assert page.get_by_text("biller · Biller").is_visible()

    page.get_by_label("Practice").select_option(label="Hilltop Pediatrics")
    page.wait_for_load_state()
    assert "Working in Hilltop Pediatrics" in page.inner_text("main")

    # Keyboard: the skip link is the first stop and moves focus to the content.
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.className") == "skip-link"

    page.get_by_role("button", name="Sign out").click()
    page.wait_for_url("**/login/")
    page.goto("/")
    assert "/login/" in page.url


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_admin_sees_settings_in_the_frame(login_as, admin_user):
    page = login_as(admin_user)
    assert page.get_by_role("link", name="Settings").is_visible()


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_wrong_password_in_the_browser_keeps_you_on_the_login_page(
    browser_page, biller
):
    page = browser_page
    page.goto("/login/")
    page.get_by_label("Username").fill("biller")
    page.get_by_label("Password").fill(PASSWORD + "x")
    page.get_by_role("button", name="Sign in").click()
    assert (
        page.get_by_role("alert").inner_text().startswith("Your username and password")
    )
