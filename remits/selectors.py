"""Reads of the remits app, scoped to the user's practices."""

from django.db.models import Q, QuerySet
from django.shortcuts import get_object_or_404

from core.adminsite import is_site_admin
from core.tenancy import user_practice_ids

from .models import ClaimPayment, RemitFile, Remittance


def remit_files_for_user(
    *, user, practice_ids: list[int] | None = None
) -> QuerySet[RemitFile]:
    """Files paying the user's practices, that they sent, or (admins) held ones."""
    allowed = set(user_practice_ids(user))
    if practice_ids is not None:
        allowed &= set(practice_ids)
    scope = (
        Q(remittances__practice_id__in=allowed)
        | Q(practice_hint_id__in=allowed)
        | Q(uploaded_by=user)
    )
    if is_site_admin(user):
        # Files nobody can place yet wait for an admin.
        scope |= Q(remittances__practice__isnull=True)
    return RemitFile.objects.filter(scope).distinct()


def remit_file_get(*, user, pk: int) -> RemitFile:
    return get_object_or_404(remit_files_for_user(user=user), pk=pk)


def remittance_get(*, user, pk: int) -> Remittance:
    """A remittance of the user's practices (admins also see unassigned held ones)."""
    allowed = user_practice_ids(user)
    scope = Q(practice_id__in=allowed)
    if is_site_admin(user):
        scope |= Q(practice__isnull=True)
    return get_object_or_404(
        Remittance.objects.filter(scope).select_related(
            "remit_file", "practice", "payer"
        ),
        pk=pk,
    )


def remittance_claims(*, remittance: Remittance) -> QuerySet[ClaimPayment]:
    return (
        ClaimPayment.objects.filter(remittance=remittance)
        .prefetch_related("lines__adjustments", "adjustments")
        .order_by("position")
    )
