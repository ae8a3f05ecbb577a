"""Reads of the appeals app, always scoped to the user's practices."""

from datetime import date, timedelta

from django.db.models import Prefetch, Q, QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone

from core.tenancy import user_practice_ids
from denials.models import Denial

from .models import Appeal, Evidence, LetterTemplate, Notification

SOON_DAYS = 14
DUE_FILTERS = {
    "soon": "Deadline within 14 days",
    "expired": "Deadline passed (draft)",
    "overdue": "Follow-up overdue",
}


def appeals_for_user(
    *, user, practice_ids: list[int] | None = None
) -> QuerySet[Appeal]:
    allowed = set(user_practice_ids(user))
    if practice_ids is not None:
        allowed &= set(practice_ids)
    return Appeal.objects.filter(practice_id__in=allowed)


def appeal_list(
    *,
    user,
    practice_ids: list[int] | None = None,
    status: str = "",
    due: str = "",
    mine: bool = False,
    today: date | None = None,
) -> QuerySet[Appeal]:
    """Appeals for the list page, with filters by status and by what is due."""
    today = today or timezone.localdate()
    qs = appeals_for_user(user=user, practice_ids=practice_ids).select_related(
        "payer", "practice", "assignee"
    )
    if status in Appeal.Status.values:
        qs = qs.filter(status=status)
    elif status == "open":
        qs = qs.filter(status__in=Appeal.OPEN_STATUSES)
    if due == "soon":
        qs = qs.filter(
            status=Appeal.Status.DRAFT,
            deadline__gte=today,
            deadline__lte=today + timedelta(days=SOON_DAYS),
        )
    elif due == "expired":
        qs = qs.filter(status=Appeal.Status.DRAFT, deadline__lt=today)
    elif due == "overdue":
        qs = qs.filter(status__in=Appeal.WAITING_STATUSES, follow_up_date__lt=today)
    if mine:
        qs = qs.filter(Q(assignee=user) | Q(assignee__isnull=True, created_by=user))
    return qs.prefetch_related(
        Prefetch(
            "denials",
            queryset=Denial.objects.only(
                "pk", "account_number", "denied_amount", "status", "carc", "group_code"
            ),
        )
    ).order_by("deadline", "-id")


def appeal_get(*, user, pk: int) -> Appeal:
    """One appeal of the user's practices, or 404."""
    return get_object_or_404(
        appeals_for_user(user=user)
        .select_related(
            "practice", "payer", "assignee", "created_by", "template", "previous"
        )
        .prefetch_related(
            Prefetch(
                "denials",
                queryset=Denial.objects.select_related("category", "payer").order_by(
                    "pk"
                ),
            ),
            Prefetch(
                "evidence",
                queryset=Evidence.objects.select_related("uploaded_by").order_by(
                    "uploaded_at", "id"
                ),
            ),
            "letters",
            "escalations",
        ),
        pk=pk,
    )


def evidence_get(*, user, appeal_pk: int, pk: int) -> Evidence:
    """One evidence file of an appeal of the user's practices, or 404."""
    return get_object_or_404(
        Evidence.objects.select_related("appeal").filter(
            appeal__practice_id__in=user_practice_ids(user)
        ),
        appeal_id=appeal_pk,
        pk=pk,
    )


def templates_for(*, action: str = "") -> QuerySet[LetterTemplate]:
    qs = LetterTemplate.objects.filter(active=True).select_related("category")
    if action:
        qs = qs.filter(action=action)
    return qs


def siblings_for(*, denial: Denial, user, limit: int = 25) -> QuerySet[Denial]:
    """Open denials of the same payer that could join one appeal."""
    return (
        Denial.objects.filter(
            practice_id=denial.practice_id,
            payer_id=denial.payer_id,
            status__in=Denial.OPEN_STATUSES,
            practice_id__in=user_practice_ids(user),
        )
        .exclude(pk=denial.pk)
        .exclude(appeals__status__in=Appeal.OPEN_STATUSES)
        .filter(
            Q(account_number=denial.account_number) | Q(category_id=denial.category_id)
        )
        .select_related("category", "score")
        .order_by("-score__priority", "id")[:limit]
    )


def appeals_home_panel(
    user, *, practice_ids: list[int] | None = None, today: date | None = None
) -> dict:
    """What the home page shows: expired drafts, deadlines soon, follow-ups overdue."""
    today = today or timezone.localdate()
    base = appeals_for_user(user=user, practice_ids=practice_ids).select_related(
        "payer"
    )
    expired = base.filter(status=Appeal.Status.DRAFT, deadline__lt=today)
    soon = base.filter(
        status=Appeal.Status.DRAFT,
        deadline__gte=today,
        deadline__lte=today + timedelta(days=SOON_DAYS),
    )
    overdue = base.filter(status__in=Appeal.WAITING_STATUSES, follow_up_date__lt=today)
    unread = Notification.objects.filter(
        user=user, read_at__isnull=True, practice_id__in=user_practice_ids(user)
    )
    return {
        "expired": list(expired.order_by("deadline")[:10]),
        "expired_count": expired.count(),
        "soon": list(soon.order_by("deadline")[:10]),
        "soon_count": soon.count(),
        "overdue": list(overdue.order_by("follow_up_date")[:10]),
        "overdue_count": overdue.count(),
        "unread": list(unread.select_related("appeal")[:10]),
        "unread_count": unread.count(),
        "today": today,
    }


def notifications_for(*, user) -> QuerySet[Notification]:
    return Notification.objects.filter(
        user=user, practice_id__in=user_practice_ids(user)
    ).select_related("appeal")
