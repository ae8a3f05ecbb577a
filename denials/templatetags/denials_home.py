"""`{% denials_home_panel %}`: the day's work at a glance on the home page."""

from datetime import timedelta

from django import template
from django.db.models import Count, Q, Sum
from django.utils import timezone

from core.tenancy import request_practice_ids

from ..models import Denial
from ..selectors import denials_for_user

register = template.Library()


@register.inclusion_tag("denials/_home_panel.html", takes_context=True)
def denials_home_panel(context):
    """Counts: open, mine, unworked after 7 days, deadlines soon, write-off review."""
    request = context["request"]
    today = timezone.localdate()
    week_ago = timezone.now() - timedelta(days=7)
    open_items = denials_for_user(
        user=request.user, practice_ids=request_practice_ids(request)
    ).filter(status__in=Denial.OPEN_STATUSES)
    figures = open_items.aggregate(
        open=Count("id"),
        dollars=Sum("denied_amount"),
        mine=Count("id", filter=Q(assignee=request.user)),
        unworked_late=Count(
            "id", filter=Q(first_worked_at__isnull=True, posted_at__lt=week_ago)
        ),
        due_week=Count(
            "id",
            filter=Q(
                appeal_deadline__gte=today,
                appeal_deadline__lte=today + timedelta(days=7),
            ),
        ),
        write_off=Count("id", filter=Q(score__write_off_review=True)),
    )
    return {"figures": figures, "request": request}
