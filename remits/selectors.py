"""Reads of the remits app, scoped to the user's practices."""

from django.db.models import (
    Count,
    DecimalField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce
from django.shortcuts import get_object_or_404

from core.adminsite import admin_practice_ids, is_site_admin
from core.tenancy import user_practice_ids

from .models import ClaimPayment, RemitFile, Remittance


def _unplaced(user, prefix: str = "") -> Q:
    """Remittances no practice owns yet (payee unknown): who may see them.

    Superusers see all; a practice admin sees those uploaded for one of their
    practices; the uploader sees their own. Everyone else sees none.
    """
    field = f"{prefix}practice__isnull"
    if user.is_superuser:
        return Q(**{field: True})
    scope = Q(**{field: True, f"{prefix}remit_file__uploaded_by": user})
    if is_site_admin(user):
        scope |= Q(
            **{
                field: True,
                f"{prefix}remit_file__practice_hint_id__in": admin_practice_ids(user),
            }
        )
    return scope


def remittances_for_user(*, user) -> QuerySet[Remittance]:
    """Payments of the user's practices, and the unplaced ones they may see."""
    return Remittance.objects.filter(
        Q(practice_id__in=user_practice_ids(user)) | _unplaced(user)
    )


def remit_files_for_user(
    *, user, practice_ids: list[int] | None = None
) -> QuerySet[RemitFile]:
    """Files paying the user's practices, sent for them or by them, or held for them."""
    allowed = set(user_practice_ids(user))
    if practice_ids is not None:
        allowed &= set(practice_ids)
    scope = (
        Q(remittances__practice_id__in=allowed)
        | Q(practice_hint_id__in=allowed)
        | Q(uploaded_by=user)
        | _unplaced(user, prefix="remittances__")
    )
    if user.is_superuser:
        scope |= Q(remittances__isnull=True)  # not an 835 at all: site operators
    return RemitFile.objects.filter(scope).distinct()


def remit_files_listed(*, user, practice_ids: list[int] | None = None):
    """Files for the list page, with claims and dollars of the payments the user sees.

    A file can pay several practices: its own totals would show the others' figures.
    """
    visible = remittances_for_user(user=user).filter(
        remit_file=OuterRef("pk"), status__in=["posted", "posted_with_warnings"]
    )

    def total(field: str):
        return Coalesce(
            Subquery(
                visible.values("remit_file")
                .annotate(total=Sum(field))
                .values("total")[:1]
            ),
            Value(0),
            output_field=DecimalField(max_digits=14, decimal_places=2),
        )

    return remit_files_for_user(user=user, practice_ids=practice_ids).annotate(
        visible_claims=total("claim_count"),
        visible_paid=total("paid_total"),
        visible_payments=Coalesce(
            Subquery(
                remittances_for_user(user=user)
                .filter(remit_file=OuterRef("pk"))
                .values("remit_file")
                .annotate(n=Count("pk"))
                .values("n")[:1]
            ),
            Value(0),
        ),
    )


def remit_file_downloadable(*, user, remit_file: RemitFile) -> bool:
    """The raw bytes hold every payment of the file: only for who may see them all."""
    if user.is_superuser:
        return True
    all_of_them = remit_file.remittances.count()
    return all_of_them == (
        remittances_for_user(user=user).filter(remit_file=remit_file).count()
    ) and (all_of_them > 0 or remit_file.uploaded_by_id == user.pk)


def remit_file_get(*, user, pk: int) -> RemitFile:
    return get_object_or_404(remit_files_for_user(user=user), pk=pk)


def remit_file_remittances(*, user, remit_file: RemitFile) -> QuerySet[Remittance]:
    """The payments of a file the user may see (a file can pay several practices)."""
    return (
        remittances_for_user(user=user)
        .filter(remit_file=remit_file)
        .select_related("practice", "payer")
        .order_by("sequence")
    )


def remittance_get(*, user, pk: int) -> Remittance:
    """A payment of the user's practices, or an unplaced one they may see; else 404."""
    return get_object_or_404(
        remittances_for_user(user=user).select_related(
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
