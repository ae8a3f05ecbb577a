import pytest
from django.db import DatabaseError, connection, transaction

from core.audit import audit_log
from core.models import AuditEvent


@pytest.mark.django_db
def test_audit_rows_cannot_be_changed_or_deleted_through_the_orm(biller):
    event = audit_log(action="read", actor=biller, object_type="denial", object_id=7)
    with pytest.raises(PermissionError):
        AuditEvent.objects.filter(pk=event.pk).update(action="delete")
    with pytest.raises(PermissionError):
        AuditEvent.objects.filter(pk=event.pk).delete()
    with pytest.raises(PermissionError):
        event.save()
    with pytest.raises(PermissionError):
        event.delete()
    assert AuditEvent.objects.get(pk=event.pk).action == "read"


@pytest.mark.postgres
@pytest.mark.django_db
def test_postgres_trigger_refuses_raw_update_and_delete(biller):
    event = audit_log(action="read", actor=biller, object_type="denial", object_id=7)
    for sql in (
        "UPDATE core_auditevent SET action = 'delete' WHERE id = %s",
        "DELETE FROM core_auditevent WHERE id = %s",
    ):
        with pytest.raises(DatabaseError, match="append-only"):
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.execute(sql, [event.pk])
    assert AuditEvent.objects.filter(pk=event.pk, action="read").exists()


@pytest.mark.django_db
def test_refused_access_is_audited_with_request_id_and_ip(client, biller):
    client.force_login(biller)
    response = client.get("/system/", HTTP_X_REQUEST_ID="req-12345678")
    assert response.status_code == 403
    event = AuditEvent.objects.get(action="denied")
    assert event.actor_id == biller.pk
    assert event.outcome == "denied"
    assert event.request_id == "req-12345678"
    assert event.client_ip == "127.0.0.1"
    assert response["X-Request-ID"] == "req-12345678"


@pytest.mark.django_db
def test_every_change_is_audited_with_route_object_and_outcome(
    client, biller, practice
):
    from tests.denials.factories_denials import denial_make

    denial = denial_make(practice=practice)
    client.force_login(biller)
    client.post(f"/denials/{denial.pk}/notes/", {"text": "Called the payer"})
    client.post(f"/denials/{denial.pk}/notes/", {"text": ""}, HTTP_HX_REQUEST="true")
    client.post(f"/denials/{denial.pk}/notes/", {"text": ""})  # refused, redirected
    events = list(AuditEvent.objects.filter(object_type="denials:note").order_by("id"))
    assert [(e.action, e.object_id, e.outcome) for e in events] == [
        ("update", str(denial.pk), "success"),
        ("update", str(denial.pk), "failed"),
        ("update", str(denial.pk), "failed"),
    ]
    assert "Called the payer" not in str(events[0].detail)


@pytest.mark.django_db
def test_api_and_upload_changes_are_audited_as_creations(client, biller):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(biller)
    client.post("/api/v1/remits/", {"files": [SimpleUploadedFile("a.835", b"junk")]})
    event = AuditEvent.objects.get(object_type="api-remit-upload")
    assert (event.action, event.actor_id, event.outcome) == (
        "create",
        biller.pk,
        "success",
    )
