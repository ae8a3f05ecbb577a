"""Reads of the denials app, always scoped to the requesting user's practices."""

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from core.tenancy import user_practice_ids

from .models import Denial


def denials_for_user(*, user, practice_ids: list[int] | None = None) -> QuerySet[Denial]:
    """Denials of the user's practices (optionally narrowed to some of them)."""
    allowed = set(user_practice_ids(user))
    if practice_ids is not None:
        allowed &= set(practice_ids)
    return Denial.objects.filter(practice_id__in=allowed)


def denial_get(*, user, pk: int) -> Denial:
    """One denial of the user's practices, or 404 (never another practice's)."""
    return get_object_or_404(
        denials_for_user(user=user).select_related(
            "practice", "payer", "category", "root_cause", "assignee",
            "claim__remittance__remit_file",
        ),
        pk=pk,
    )
