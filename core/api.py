"""What every DRF endpoint shares: role checks, practice scoping, audit, errors."""

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404
from rest_framework import permissions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from .access import AccessRule
from .audit import Action, audit_log
from .errors import ApplicationError
from .tenancy import ROLE_RANK, user_practice_roles


def api_role(request) -> str | None:
    """The user's highest role; object-level checks use the object's practice."""
    roles = user_practice_roles(request.user)
    if not roles:
        return "admin" if request.user.is_superuser else None
    return max(roles.values(), key=lambda r: ROLE_RANK[r])


class RolePermission(permissions.BasePermission):
    message = "Your role does not allow this action."

    def has_permission(self, request, view) -> bool:
        rule: AccessRule | None = getattr(view, "access_rule", None)
        if rule is None:
            return False
        if rule.public:
            return True
        if not (request.user and request.user.is_authenticated):
            return False
        return not rule.roles or api_role(request) in rule.roles


class AuditedAPIMixin:
    """Audit each successful GET of a view whose rule says it shows patient data."""

    permission_classes = [RolePermission]

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        rule: AccessRule | None = getattr(self, "access_rule", None)
        if (
            rule is not None
            and rule.phi
            and request.method == "GET"
            and response.status_code == 200
        ):
            audit_log(
                action=Action.READ,
                request=request,
                object_type=rule.object_type,
                object_id=kwargs.get("pk", ""),
                detail={"api": True},
            )
        return response


def exception_handler(exc, context):
    """Turn application errors into 400 naming the field; DRF's handler for the rest."""
    if isinstance(exc, ApplicationError):
        body = {"detail": exc.message}
        if exc.field:
            body[exc.field] = [exc.message]
        return Response(body, status=status.HTTP_400_BAD_REQUEST)
    if isinstance(exc, DjangoPermissionDenied):
        return Response({"detail": str(exc) or "Forbidden."}, status=403)
    if isinstance(exc, Http404):
        return Response({"detail": "Not found."}, status=404)
    return drf_exception_handler(exc, context)
