"""A biller appeals in the browser: template draft, evidence, PDF, submit."""

from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone

from appeals.models import Appeal
from tests.appeals.factories_appeals import TINY_PDF, commercial_denial


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_biller_drafts_an_appeal_attaches_evidence_downloads_and_submits(
    login_as, biller, practice, tmp_path
):
    # Given a fresh authorization denial
    denial = commercial_denial(
        practice, amount="410.00", remit_date=timezone.localdate() - timedelta(days=7)
    )
    notes = tmp_path / "clinical-notes.pdf"
    notes.write_bytes(TINY_PDF)
    page = login_as(biller)

    # When the biller opens the denial's appeal page and drafts an appeal
    page.goto(f"/appeals/start/{denial.pk}/")
    assert "Recommended: Appeal" in page.inner_text("main")
    page.get_by_role("button", name="Create draft").click()
    page.wait_for_url("**/appeals/*/")
    appeal = Appeal.objects.get()

    # And drafts the letter from the generic template
    page.get_by_label("Template").select_option(label="Generic appeal")
    page.get_by_role("button", name="Draft from template").click()
    assert "Letter drafted from" in page.inner_text("main")
    assert "DOE, JANE" in page.get_by_label("Letter text", exact=False).input_value()

    # And attaches evidence, then finalizes
    page.get_by_label("Attach files", exact=False).set_input_files(str(notes))
    page.get_by_role("button", name="Upload").click()
    assert "Attached clinical-notes.pdf." in page.inner_text("main")
    page.get_by_role("button", name="Finalize letter").click()
    assert "Letter finalized" in page.inner_text("main")

    # Then the letter PDF downloads
    with page.expect_download() as info:
        page.get_by_role("link", name="Download letter PDF").click()
    data = Path(info.value.path()).read_bytes()
    assert data.startswith(b"%PDF")

    # And marking it submitted moves the denial to appealed
    page.get_by_label("Sent by").select_option(label="Fax")
    page.get_by_role("button", name="Mark submitted").click()
    assert "Marked as submitted" in page.inner_text("main")
    appeal.refresh_from_db()
    denial.refresh_from_db()
    assert appeal.status == "submitted" and appeal.method == "fax"
    assert denial.status == "appealed"
