"""`{% appeals_home_panel %}` for the home page; `denial_url` for optional links."""

from django import template
from django.urls import NoReverseMatch, reverse

from core.tenancy import request_practice_ids

from ..selectors import appeals_for_user
from ..selectors import appeals_home_panel as panel_data

register = template.Library()


@register.inclusion_tag("appeals/_home_panel.html", takes_context=True)
def appeals_home_panel(context):
    """The overdue and expired appeal items of the signed-in user's practices."""
    request = context["request"]
    return {
        "panel": panel_data(request.user, practice_ids=request_practice_ids(request)),
        "request": request,
    }


@register.filter
def denial_url(pk) -> str:
    """The denial page of `pk`, or "" when the denials app has no such page."""
    try:
        return reverse("denials:detail", args=[pk])
    except NoReverseMatch:
        return ""


@register.filter
def days_left(value) -> int | None:
    """Days from today to a date (negative once it has passed)."""
    from django.utils import timezone

    if not value:
        return None
    return (value - timezone.localdate()).days


@register.inclusion_tag("appeals/_denial_panel.html", takes_context=True)
def denial_appeals_panel(context, denial):
    """On the denial page: its appeals and the way to start one."""
    request = context["request"]
    appeals = (
        appeals_for_user(user=request.user)
        .filter(denials=denial)
        .order_by("-created_at")
    )
    return {"denial": denial, "appeals": list(appeals), "request": request}
