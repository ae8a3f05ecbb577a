"""Appeal pages: roles, other practices, audited downloads, messages for bad input."""

import io

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from pypdf import PdfReader

from appeals import services
from appeals.models import Appeal, Evidence
from core.models import AuditEvent
from tests.appeals.factories_appeals import (
    TINY_PDF,
    commercial_denial,
    png_bytes,
    upload,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel("2026-11-27 15:00Z", tick=False):
        yield


@pytest.fixture
def denial(practice):
    return commercial_denial(practice, amount="410.00")


@pytest.fixture
def appeal(denial, biller):
    return services.appeal_start(denials=[denial], action="appeal", by=biller)


def test_start_page_shows_guidance_and_post_creates_a_draft(
    persona_client, biller, denial
):
    client = persona_client(biller)
    page = client.get(f"/appeals/start/{denial.pk}/")
    assert page.status_code == 200
    text = page.content.decode()
    assert "Recommended: Appeal" in text
    assert "Authorization or referral number" in text  # the checklist
    response = client.post(f"/appeals/start/{denial.pk}/", {"action": "appeal"})
    appeal = Appeal.objects.get()
    assert (
        response.status_code == 302 and response["Location"] == f"/appeals/{appeal.pk}/"
    )
    assert client.get(response["Location"]).status_code == 200


def test_another_practice_gets_404_for_the_denial_and_the_appeal(
    persona_client, other_practice_biller, denial, appeal
):
    client = persona_client(other_practice_biller)
    assert client.get(f"/appeals/start/{denial.pk}/").status_code == 404
    assert client.get(f"/appeals/{appeal.pk}/").status_code == 404
    assert client.get(f"/appeals/{appeal.pk}/letter.pdf").status_code == 404
    assert (
        client.post(f"/appeals/{appeal.pk}/submit/", {"method": "fax"}).status_code
        == 404
    )
    assert client.get("/appeals/").content.decode().count(f"#{appeal.pk}<") == 0


def test_downloads_are_pdfs_and_audited(persona_client, biller, appeal):
    services.evidence_add(
        appeal=appeal,
        files=[upload("notes.pdf", TINY_PDF), upload("card.png", png_bytes())],
        by=biller,
    )
    services.appeal_letter_finalize(appeal=appeal, by=biller)
    client = persona_client(biller)
    letter = client.get(f"/appeals/{appeal.pk}/letter.pdf")
    assert letter.status_code == 200 and letter.content.startswith(b"%PDF")
    assert "appeal-" in letter["Content-Disposition"]
    packet = client.get(f"/appeals/{appeal.pk}/packet.pdf")
    letter_pages = len(PdfReader(io.BytesIO(letter.content)).pages)
    assert len(PdfReader(io.BytesIO(packet.content)).pages) == letter_pages + 2
    item = Evidence.objects.get(original_name="card.png")
    file = client.get(f"/appeals/{appeal.pk}/evidence/{item.pk}/")
    assert file.status_code == 200 and file["Content-Type"] == "image/png"
    assert b"".join(file.streaming_content).startswith(b"\x89PNG")
    downloads = AuditEvent.objects.filter(action="download", actor_id=biller.pk)
    assert sorted(downloads.values_list("object_type", flat=True)) == [
        "appeal_letter",
        "appeal_packet",
        "evidence",
    ]


def test_evidence_of_another_practice_is_404_and_the_refusal_is_audited(
    persona_client, other_practice_biller, biller, appeal
):
    item = services.evidence_add(
        appeal=appeal, files=[upload("n.pdf", TINY_PDF)], by=biller
    ).saved[0]
    client = persona_client(other_practice_biller)
    assert client.get(f"/appeals/{appeal.pk}/evidence/{item.pk}/").status_code == 404
    assert not AuditEvent.objects.filter(action="download").exists()
    assert AuditEvent.objects.filter(
        action="denied", actor_id=other_practice_biller.pk, object_id=str(appeal.pk)
    ).exists()


def test_upload_page_names_the_lying_file_and_keeps_the_good_one(
    persona_client, biller, appeal
):
    client = persona_client(biller)
    response = client.post(
        f"/appeals/{appeal.pk}/evidence/",
        {
            "files": [
                SimpleUploadedFile("report.pdf", b"<html><body>hi</body></html>"),
                SimpleUploadedFile("auth.pdf", TINY_PDF),
            ]
        },
        follow=True,
    )
    text = response.content.decode()
    assert "report.pdf was refused: its content is HTML or XML" in text
    assert "Attached auth.pdf." in text
    assert list(Evidence.objects.values_list("original_name", flat=True)) == [
        "auth.pdf"
    ]


def test_letter_preview_answers_the_filled_letter_or_the_error(
    persona_client, biller, appeal
):
    client = persona_client(biller)
    ok = client.post(
        f"/appeals/{appeal.pk}/letter/",
        {"body": "Claim {{ account_number }}", "preview": "1"},
        HTTP_HX_REQUEST="true",
    )
    assert appeal.denials.get().account_number in ok.content.decode()
    bad = client.post(
        f"/appeals/{appeal.pk}/letter/",
        {"body": "{{ nope }}", "preview": "1"},
        HTTP_HX_REQUEST="true",
    )
    assert "unknown merge field {{ nope }}" in bad.content.decode()


def test_submit_without_a_letter_shows_why(persona_client, biller, appeal):
    client = persona_client(biller)
    response = client.post(
        f"/appeals/{appeal.pk}/submit/",
        {"method": "fax", "submitted_on": "2026-11-27"},
        follow=True,
    )
    assert (
        "Finalize the letter before marking it submitted." in response.content.decode()
    )
    appeal.refresh_from_db()
    assert appeal.status == "draft"


def test_list_filters_expired_drafts_and_home_panel_counts_them(
    persona_client, biller, practice
):
    old = commercial_denial(practice)
    expired = services.appeal_start(denials=[old], action="appeal", by=biller)
    Appeal.objects.filter(pk=expired.pk).update(deadline="2026-11-01")
    client = persona_client(biller)
    page = client.get("/appeals/?status=draft&due=expired").content.decode()
    assert f"#{expired.pk}<" in page and "expired" in page
    from appeals.selectors import appeals_home_panel

    assert appeals_home_panel(biller)["expired_count"] == 1


def test_notifications_page_renders_for_every_role(
    persona_client, biller, manager, admin_user
):
    for user in (biller, manager, admin_user):
        assert persona_client(user).get("/appeals/notifications/").status_code == 200


def test_home_panel_tag_renders_the_counts_for_the_signed_in_user(rf, biller, practice):
    from django.template import Context, Template

    old = commercial_denial(practice)
    expired = services.appeal_start(denials=[old], action="appeal", by=biller)
    Appeal.objects.filter(pk=expired.pk).update(deadline="2026-11-01")
    request = rf.get("/")
    request.user = biller
    request.practice = None
    html = Template("{% load appeals_tags %}{% appeals_home_panel %}").render(
        Context({"request": request})
    )
    assert "Appeals needing attention" in html
    assert f"/appeals/{expired.pk}/" in html and "deadline passed" in html
