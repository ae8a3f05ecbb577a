"""Request ids, session timeouts, the selected practice, login, refused-access audit."""

import re
import time
import uuid

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpResponse
from django.shortcuts import redirect
from django.urls import reverse

from .access import rule_of
from .audit import Action, Outcome, audit_log
from .models import Practice
from .tenancy import ROLE_RANK, user_practice_roles

_REQUEST_ID = re.compile(r"^[A-Za-z0-9-]{8,36}$")
SESSION_PRACTICE_KEY = "practice_id"
ALL_PRACTICES = "all"


class RequestIdMiddleware:
    """Tag each request with an id that appears in its audit events and response."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        incoming = request.headers.get("X-Request-ID", "")
        request.request_id = (
            incoming if _REQUEST_ID.match(incoming) else str(uuid.uuid4())
        )
        response = self.get_response(request)
        response["X-Request-ID"] = request.request_id
        return response


class SessionTimeoutMiddleware:
    """End a session after SESSION_IDLE_TIMEOUT idle seconds or at its lifetime."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated and hasattr(request, "session"):
            now = int(time.time())
            session = request.session
            started = session.setdefault("_started", now)
            last = session.get("_last_activity", now)
            idle = now - last > settings.SESSION_IDLE_TIMEOUT
            too_old = now - started > settings.SESSION_ABSOLUTE_LIFETIME
            if idle or too_old:
                logout(request)
                reason = (
                    "You were signed out after a period of inactivity."
                    if idle
                    else "Your session reached its maximum length. Please sign in."
                )
                messages.info(request, reason)
                if request.path.startswith("/api/"):
                    return HttpResponse(reason, status=401, content_type="text/plain")
                login_url = reverse(settings.LOGIN_URL)
                if getattr(request, "htmx", False):
                    response = HttpResponse(status=204)
                    response["HX-Redirect"] = login_url
                    return response
                return redirect(login_url)
            session["_last_activity"] = now
        return self.get_response(request)


class PracticeMiddleware:
    """Resolve the practice the user is working in and their role there."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.practice = None
        request.role = None
        if request.user.is_authenticated:
            roles = user_practice_roles(request.user)
            selected = request.session.get(SESSION_PRACTICE_KEY)
            if selected == ALL_PRACTICES or (selected is None and len(roles) > 1):
                if roles:
                    request.role = max(roles.values(), key=lambda r: ROLE_RANK[r])
            elif roles:
                practice_id = selected if selected in roles else next(iter(roles))
                request.practice = Practice.objects.filter(pk=practice_id).first()
                request.role = roles.get(practice_id)
            if request.user.is_superuser and request.role is None:
                request.role = "admin"
        return self.get_response(request)


class LoginRequiredMiddleware:
    """Send anonymous visitors to the login page, except for public views and the API.

    DRF authenticates API requests itself (session or token) and answers 401/403.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if request.user.is_authenticated or request.path.startswith("/api/"):
            return None
        if request.path.startswith(settings.STATIC_URL):
            return None
        rule = rule_of(view_func)
        if rule is not None and rule.public:
            return None
        return redirect(f"{reverse(settings.LOGIN_URL)}?next={request.path}")


class AuditDeniedMiddleware:
    """Record every refused request (403) and every 404 on a known route."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if response.status_code in (401, 403) or (
            response.status_code == 404 and getattr(request, "resolver_match", None)
        ):
            match = getattr(request, "resolver_match", None)
            audit_log(
                action=Action.DENIED,
                request=request,
                object_type=match.view_name if match else "",
                object_id=(match.kwargs.get("pk", "") if match else ""),
                outcome=Outcome.DENIED,
                detail={"status": response.status_code, "method": request.method},
            )
        return response


class AuditChangesMiddleware:
    """Record every request that changes data (any method but GET/HEAD/OPTIONS).

    One place, so no view can forget it: the actor, the route, the object id from the
    URL, the method and whether the change was accepted. Never the submitted values.
    """

    SAFE = {"GET", "HEAD", "OPTIONS", "TRACE"}
    # Session bookkeeping, audited by their own views (login/logout) or holding no PHI.
    SKIP = {"login", "logout", "practice-switch"}

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        match = getattr(request, "resolver_match", None)
        if (
            request.method in self.SAFE
            or match is None
            or match.url_name in self.SKIP
            or response.status_code in (401, 403, 404)  # AuditDeniedMiddleware's
            or not getattr(request, "user", None)
            or not request.user.is_authenticated
        ):
            return response
        pk = match.kwargs.get("pk", "")
        if request.method == "DELETE":
            action = Action.DELETE
        else:
            action = Action.UPDATE if pk else Action.CREATE
        audit_log(
            action=action,
            request=request,
            object_type=match.view_name,
            object_id=pk,
            outcome=(
                Outcome.FAILED
                if response.status_code >= 400
                or getattr(request, "audit_outcome", "") == "failed"
                else Outcome.SUCCESS
            ),
            detail={"method": request.method, "status": response.status_code},
        )
        return response
