import time

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from .access import ADMINS, AccessRule, access
from .audit import Action, Outcome, audit_log
from .middleware import ALL_PRACTICES, SESSION_PRACTICE_KEY
from .models import WorkerHeartbeat
from .tenancy import user_practice_roles


class LoginView(auth_views.LoginView):
    access_rule = AccessRule(public=True)
    redirect_authenticated_user = True

    def form_valid(self, form):
        response = super().form_valid(form)
        now = int(time.time())
        self.request.session["_started"] = now
        self.request.session["_last_activity"] = now
        audit_log(action=Action.LOGIN, request=self.request, actor=form.get_user())
        return response

    def form_invalid(self, form):
        audit_log(
            action=Action.LOGIN_FAILED,
            request=self.request,
            outcome=Outcome.FAILED,
            detail={"username": self.request.POST.get("username", "")[:150]},
        )
        return super().form_invalid(form)


class LogoutView(auth_views.LogoutView):
    access_rule = AccessRule(public=True)

    def post(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            audit_log(action=Action.LOGOUT, request=request)
        return super().post(request, *args, **kwargs)


@access()
def home(request: HttpRequest) -> HttpResponse:
    """Each role's start page: what needs doing today."""
    links = []
    for name, label, roles in (
        ("denials:queue", "Work the denial queue", {"biller", "manager", "admin"}),
        ("intake:upload", "Post remittance files", {"biller", "manager", "admin"}),
        ("prevention:dashboard", "Monthly trends", {"manager", "admin"}),
        ("admin:index", "Payers, rules, users", {"admin"}),
    ):
        if request.role in roles:
            try:
                links.append((reverse(name), label))
            except NoReverseMatch:
                continue
    return render(request, "core/home.html", {"links": links})


@require_POST
@access()
def practice_switch(request: HttpRequest) -> HttpResponse:
    """Select the practice the pages are scoped to (or all of the user's practices)."""
    value = request.POST.get("practice", "")
    roles = user_practice_roles(request.user)
    if value == ALL_PRACTICES:
        request.session[SESSION_PRACTICE_KEY] = ALL_PRACTICES
    elif value.isdigit() and int(value) in roles:
        request.session[SESSION_PRACTICE_KEY] = int(value)
    else:
        messages.error(request, "That practice is not one of yours.")
    target = request.POST.get("next") or "/"
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        target = "/"
    return redirect(target)


@access(roles=ADMINS)
def system_status(request: HttpRequest) -> HttpResponse:
    """Show admins whether Celery workers are alive."""
    beats = WorkerHeartbeat.objects.order_by("-last_seen")
    return render(request, "core/system_status.html", {"beats": beats})


class SchemaView(SpectacularAPIView):
    access_rule = AccessRule()


class SchemaDocsView(SpectacularSwaggerView):
    access_rule = AccessRule()
