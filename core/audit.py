"""Write audit events. The only module that creates AuditEvent rows."""

from django.http import HttpRequest

from .models import AuditEvent

Action = AuditEvent.Action
Outcome = AuditEvent.Outcome


def client_ip(request: HttpRequest | None) -> str | None:
    if request is None:
        return None
    return request.META.get("REMOTE_ADDR") or None


def audit_log(
    *,
    action: str,
    request: HttpRequest | None = None,
    actor=None,
    practice_id: int | None = None,
    object_type: str = "",
    object_id: str | int = "",
    outcome: str = Outcome.SUCCESS,
    detail: dict | None = None,
) -> AuditEvent:
    """Append one audit event. `detail` must never carry patient data."""
    if actor is None and request is not None:
        actor = getattr(request, "user", None)
    authenticated = actor is not None and getattr(actor, "is_authenticated", False)
    if practice_id is None and request is not None:
        practice = getattr(request, "practice", None)
        practice_id = practice.pk if practice is not None else None
    return AuditEvent.objects.create(
        actor_id=actor.pk if authenticated else None,
        actor_username=actor.get_username() if authenticated else "",
        practice_id=practice_id,
        action=action,
        object_type=object_type,
        object_id=str(object_id or ""),
        outcome=outcome,
        request_id=getattr(request, "request_id", "") if request is not None else "",
        client_ip=client_ip(request),
        path=request.path[:300] if request is not None else "",
        detail=detail or {},
    )
