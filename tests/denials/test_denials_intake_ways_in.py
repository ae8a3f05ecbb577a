"""The ways in: browser upload, REST endpoint, drop folder; and the remits pages."""

import io
import os
import time

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from core.models import AuditEvent
from denials.intake import drop_folder_poll
from denials.models import Denial
from remits.models import RemitFile, Remittance
from tests.denials.era_text import claim, era

DENIED = claim(
    "ACC1",
    "4",
    "410.00",
    "0",
    icn="ICN1",
    lines=[("99213", "410.00", "0", [("CO", "197", "410.00")])],
)


def upload(name, text):
    return SimpleUploadedFile(
        name, text.encode(), content_type="application/octet-stream"
    )


@pytest.mark.django_db
def test_browser_upload_of_several_files_shows_a_result_per_file(
    persona_client, biller
):
    client = persona_client(biller)
    response = client.post(
        "/intake/upload/",
        {
            "files": [
                upload("good.835", era([DENIED])),
                upload("notes.txt", "not an era"),
            ]
        },
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "good.835" in html and "1 denial(s) queued" in html
    assert "notes.txt" in html and "not an X12 835 file" in html
    assert Denial.objects.count() == 1


@pytest.mark.django_db
def test_upload_with_no_file_is_a_clear_400(persona_client, biller):
    response = persona_client(biller).post("/intake/upload/", {})
    assert response.status_code == 400
    assert b"Choose at least one 835 file" in response.content


@pytest.mark.django_db
def test_large_upload_posts_in_the_worker_and_the_page_polls(
    persona_client, biller, settings, django_capture_on_commit_callbacks
):
    settings.ERA_ASYNC_THRESHOLD_BYTES = 10
    client = persona_client(biller)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = client.post(
            "/intake/upload/",
            {"files": [upload("big.835", era([DENIED]))]},
            HTTP_X_REQUESTED_WITH="XMLHttpRequest",
        )
    assert b"posting in the background" in response.content
    remit_file = RemitFile.objects.get()
    assert remit_file.status == "received" and not Denial.objects.exists()
    assert f"/intake/files/{remit_file.pk}/status/".encode() in response.content
    for callback in callbacks:  # the worker picks the task up
        callback()
    status = client.get(f"/intake/files/{remit_file.pk}/status/")
    assert b"1 denial(s) queued" in status.content
    assert Denial.objects.count() == 1


@pytest.mark.django_db
def test_api_upload_returns_one_report_per_file(persona_client, biller):
    client = persona_client(biller)
    response = client.post(
        "/api/v1/remits/", {"files": [upload("a.835", era([DENIED]))]}
    )
    assert response.status_code == 201
    (report,) = response.json()
    assert report["status"] == "posted" and report["denials"] == 1
    detail = client.get(f"/api/v1/remits/{report['remit_file_id']}/")
    assert detail.json()["claims"] == 1


@pytest.mark.django_db
def test_api_upload_without_files_names_the_field(persona_client, biller):
    response = persona_client(biller).post("/api/v1/remits/", {})
    assert response.status_code == 400
    assert "files" in response.json()


@pytest.mark.django_db
def test_remit_file_of_another_practice_is_404(
    persona_client, biller, other_practice_biller
):
    persona_client(biller).post(
        "/api/v1/remits/", {"files": [upload("a.835", era([DENIED]))]}
    )
    remit_file = RemitFile.objects.get()
    remittance = Remittance.objects.get()
    client = persona_client(other_practice_biller)
    assert client.get(f"/remits/files/{remit_file.pk}/").status_code == 404
    assert client.get(f"/remits/remittance/{remittance.pk}/").status_code == 404
    assert client.get(f"/api/v1/remits/{remit_file.pk}/").status_code == 404
    assert (
        AuditEvent.objects.filter(
            action="denied", actor_id=other_practice_biller.pk
        ).count()
        == 3
    )


@pytest.mark.django_db
def test_remittance_page_shows_claims_and_is_audited(persona_client, biller):
    client = persona_client(biller)
    client.post("/api/v1/remits/", {"files": [upload("a.835", era([DENIED]))]})
    remittance = Remittance.objects.get()
    page = client.get(f"/remits/remittance/{remittance.pk}/")
    assert (
        page.status_code == 200
        and b"ACC1" in page.content
        and b"Doe, Jane" in page.content
    )
    assert AuditEvent.objects.filter(
        action="read", object_type="remittance", object_id=str(remittance.pk)
    ).exists()


@pytest.mark.django_db
def test_admin_releases_a_held_payment_to_a_practice(
    persona_client, admin_user, practice
):
    client = persona_client(admin_user)
    client.post(
        "/api/v1/remits/", {"files": [upload("a.835", era([DENIED], npi="1000000004"))]}
    )
    held = Remittance.objects.get(status="held_payee")
    page = client.get(f"/remits/files/{held.remit_file_id}/")
    assert b"Post to" in page.content
    response = client.post(f"/intake/release/{held.pk}/", {"practice": practice.pk})
    assert response.status_code == 302
    held.refresh_from_db()
    assert held.status == "posted" and Denial.objects.get().practice == practice


@pytest.mark.django_db
def test_biller_cannot_release_held_payments(persona_client, biller):
    response = persona_client(biller).post("/intake/release/1/", {"practice": 1})
    assert response.status_code == 403


@pytest.mark.django_db
def test_drop_folder_posts_each_file_once_and_moves_it_aside(tmp_path, practice):
    (tmp_path / "one.835").write_text(era([DENIED], trace="A"))
    (tmp_path / "junk.txt").write_text("hello")
    old = time.time() - 60
    for p in tmp_path.iterdir():
        os.utime(p, (old, old))
    reports = drop_folder_poll(directory=tmp_path, settle_seconds=5)
    assert sorted(r.status for r in reports) == ["posted", "rejected"]
    assert (tmp_path / "posted" / "one.835").exists()
    assert (tmp_path / "rejected" / "junk.txt").exists()
    assert not (tmp_path / "one.835").exists()
    assert drop_folder_poll(directory=tmp_path, settle_seconds=5) == []
    assert Denial.objects.count() == 1


@pytest.mark.django_db
def test_drop_folder_waits_for_a_file_still_being_written(tmp_path, practice):
    (tmp_path / "fresh.835").write_text(era([DENIED]))
    assert drop_folder_poll(directory=tmp_path, settle_seconds=30) == []
    assert (tmp_path / "fresh.835").exists()


def test_drop_folder_task_is_on_the_beat_schedule(settings):
    tasks = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert "denials.tasks.era_drop_folder_poll_task" in tasks


@pytest.mark.django_db
def test_remittance_page_explains_each_adjustment_code(persona_client, biller):
    from django.core.management import call_command

    call_command("load_codes", stdout=io.StringIO())
    client = persona_client(biller)
    client.post("/api/v1/remits/", {"files": [upload("a.835", era([DENIED]))]})
    page = client.get(
        f"/remits/remittance/{Remittance.objects.get().pk}/"
    ).content.decode()
    assert 'title="Contractual Obligations — ' in page
    assert "CO-197 $410.00" in page
