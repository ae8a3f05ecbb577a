"""Appeal API: create, letter, evidence, submit, outcome; scoping and templates."""

import pytest
import time_machine
from rest_framework.test import APIClient

from appeals.models import LetterTemplate
from core.models import AuditEvent
from tests.appeals.factories_appeals import TINY_PDF, commercial_denial

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel("2026-11-27 15:00Z", tick=False):
        yield


@pytest.fixture
def api():
    def signed_in(user):
        client = APIClient()
        client.force_authenticate(user)
        return client

    return signed_in


def test_the_whole_flow_through_the_api(api, biller, practice):
    denial = commercial_denial(practice, amount="410.00")
    client = api(biller)
    created = client.post(
        "/api/v1/appeals/",
        {"denial_ids": [denial.pk], "action": "appeal"},
        format="json",
    )
    assert created.status_code == 201, created.content
    pk = created.json()["id"]
    assert created.json()["deadline"] == "2027-05-19"
    letter = client.put(
        f"/api/v1/appeals/{pk}/letter/",
        {"body": "Re {{ account_number }}: pay {{ denied_amount }}."},
        format="json",
    )
    assert letter.json()["preview"] == f"Re {denial.account_number}: pay $410.00."
    upload = client.post(
        f"/api/v1/appeals/{pk}/evidence/",
        {"files": [_file("notes.pdf", TINY_PDF), _file("evil.pdf", b"<html></html>")]},
        format="multipart",
    )
    assert upload.status_code == 201
    assert [e["original_name"] for e in upload.json()["saved"]] == ["notes.pdf"]
    assert "evil.pdf was refused" in upload.json()["refused"][0]
    final = client.post(f"/api/v1/appeals/{pk}/letter/finalize/")
    assert final.status_code == 201 and final.json()["enclosures"] == ["notes.pdf"]
    pdf = client.get(f"/api/v1/appeals/{pk}/letter.pdf?packet=1")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    assert AuditEvent.objects.filter(
        action="download", object_type="appeal_packet"
    ).exists()
    submitted = client.post(
        f"/api/v1/appeals/{pk}/submit/", {"method": "fax"}, format="json"
    )
    assert submitted.json()["status"] == "submitted"
    decided = client.post(
        f"/api/v1/appeals/{pk}/outcome/",
        {"outcome": "overturned", "amount": "410.00"},
        format="json",
    )
    assert decided.json()["status"] == "overturned"
    assert decided.json()["amount_recovered"] == "410.00"
    assert (
        client.get("/api/v1/appeals/?status=overturned").json()["results"][0]["id"]
        == pk
    )


def _file(name, data):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, data)


def test_illegal_change_answers_400_with_the_message(api, biller, practice):
    denial = commercial_denial(practice)
    client = api(biller)
    pk = client.post(
        "/api/v1/appeals/",
        {"denial_ids": [denial.pk], "action": "appeal"},
        format="json",
    ).json()["id"]
    response = client.post(
        f"/api/v1/appeals/{pk}/outcome/", {"outcome": "upheld"}, format="json"
    )
    assert response.status_code == 400
    assert "Only a submitted or in-review appeal" in response.json()["detail"]


def test_other_practice_cannot_see_or_appeal(
    api, other_practice_biller, biller, practice
):
    denial = commercial_denial(practice)
    pk = (
        api(biller)
        .post(
            "/api/v1/appeals/",
            {"denial_ids": [denial.pk], "action": "appeal"},
            format="json",
        )
        .json()["id"]
    )
    other = api(other_practice_biller)
    assert other.get(f"/api/v1/appeals/{pk}/").status_code == 404
    assert other.get("/api/v1/appeals/").json()["results"] == []
    assert (
        other.post(
            "/api/v1/appeals/",
            {"denial_ids": [denial.pk], "action": "appeal"},
            format="json",
        ).status_code
        == 404
    )


def test_templates_are_for_admins_and_unknown_fields_are_refused(
    api, biller, admin_user
):
    assert api(biller).get("/api/v1/appeal-templates/").status_code == 403
    client = api(admin_user)
    bad = client.post(
        "/api/v1/appeal-templates/",
        {"name": "X", "action": "appeal", "body": "Hi {{ patient }}"},
        format="json",
    )
    assert bad.status_code == 400 and "patient" in str(bad.json()["body"])
    good = client.post(
        "/api/v1/appeal-templates/",
        {"name": "X", "action": "appeal", "body": "Hi {{ patient_name }}"},
        format="json",
    )
    assert good.status_code == 201
    assert LetterTemplate.objects.filter(name="X").exists()
    preview = client.post(
        "/api/v1/appeal-templates/preview/",
        {"body": "Hi {{ patient_name }}"},
        format="json",
    )
    assert preview.json()["preview"] == "Hi DOE, JANE"


def test_schema_documents_the_appeal_endpoints(api, biller):
    schema = api(biller).get("/api/schema/").content.decode()
    for path in (
        "/api/v1/appeals/",
        "/api/v1/appeals/{id}/submit/",
        "/api/v1/appeals/{id}/outcome/",
        "/api/v1/appeals/{id}/evidence/",
        "/api/v1/appeal-templates/",
    ):
        assert path in schema
