"""A biller posts two files in the browser and reads a result for each."""

import pytest

from denials.models import Denial
from tests.denials.era_text import claim, era


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_biller_uploads_several_files_and_sees_each_result(login_as, biller, tmp_path):
    good = tmp_path / "october.835"
    good.write_text(
        era(
            [
                claim(
                    "ACC1",
                    "4",
                    "410.00",
                    "0",
                    lines=[("99213", "410.00", "0", [("CO", "197", "410.00")])],
                ),
                claim(
                    "ACC2",
                    "1",
                    "80.00",
                    "80.00",
                    lines=[("99211", "80.00", "80.00", [])],
                ),
            ]
        )
    )
    junk = tmp_path / "notes.txt"
    junk.write_text("Meeting notes, not a remittance")
    page = login_as(biller)

    page.goto("/intake/upload/")
    page.get_by_label("835 files").set_input_files([str(good), str(junk)])
    page.get_by_role("button", name="Post files").click()

    results = page.locator("#results article.result")
    results.nth(1).wait_for()
    text = page.inner_text("#results")
    assert "october.835" in text and "2 claim(s) posted, 1 denial(s) queued" in text
    assert "notes.txt" in text and "not an X12 835 file" in text
    assert Denial.objects.get().account_number == "ACC1"
    results.filter(has_text="october.835").get_by_role("link", name="Details").click()
    page.wait_for_url("**/remits/files/*/")
    assert "october.835" in page.inner_text("h1")
