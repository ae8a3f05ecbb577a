"""Reads of the denials app, always scoped to the requesting user's practices."""

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from core.tenancy import user_practice_ids

from .models import Denial


def denials_for_user(
    *, user, practice_ids: list[int] | None = None
) -> QuerySet[Denial]:
    """Denials of the user's practices (optionally narrowed to some of them)."""
    allowed = set(user_practice_ids(user))
    if practice_ids is not None:
        allowed &= set(practice_ids)
    return Denial.objects.filter(practice_id__in=allowed)


def denial_get(*, user, pk: int) -> Denial:
    """One denial of the user's practices, or 404 (never another practice's)."""
    return get_object_or_404(
        denials_for_user(user=user).select_related(
            "practice",
            "payer",
            "category",
            "root_cause",
            "assignee",
            "score",
            "claim__remittance__remit_file",
        ),
        pk=pk,
    )


# The queue ----------------------------------------------------------------------------

QUEUE_FIELDS = (
    "id",
    "practice_id",
    "payer_id",
    "category_id",
    "assignee_id",
    "account_number",
    "payer_claim_number",
    "patient_name",
    "denied_amount",
    "recovered_amount",
    "codes",
    "appeal_deadline",
    "no_appeal_rights",
    "score__priority",
    "score__priority_explanation",
    "score__priority_parts",
    "score__write_off_review",
    "status",
    "posted_at",
    "first_worked_at",
    "remit_date",
    "practice__name",
    "payer__name",
    "category__name",
    "assignee__username",
)


def denials_queue(
    *, user, practice_ids: list[int] | None = None, sorted_by_score: bool = True
) -> QuerySet[Denial]:
    """Queue rows with what each row shows loaded in the same query.

    For pages sorted by score, the practice condition is repeated on the score row:
    the queue's sort index (practice, priority, id) lives there. Counts and totals
    (`sorted_by_score=False`) leave the score table out of the query.
    """
    allowed = set(user_practice_ids(user))
    if practice_ids is not None:
        allowed &= set(practice_ids)
    qs = Denial.objects.filter(practice_id__in=allowed)
    if sorted_by_score:
        qs = qs.filter(score__practice_id__in=allowed)
    return qs.select_related("practice", "payer", "category", "assignee", "score").only(
        *QUEUE_FIELDS
    )


def denials_summary(qs: QuerySet[Denial]) -> dict:
    """Count and dollars of a filtered queue."""
    from django.db.models import Count, Sum

    totals = qs.order_by().aggregate(count=Count("id"), denied=Sum("denied_amount"))
    return {"count": totals["count"] or 0, "denied": totals["denied"] or 0}


_DESCRIPTIONS: dict[tuple[str, str], str] = {}


def cached_code_descriptions(wanted: dict[str, set[str]]) -> dict[tuple[str, str], str]:
    """Code descriptions (reference data), asking the database only for unseen codes."""
    from remits.codes import code_descriptions

    missing = {
        kind: {c for c in codes if (kind, c) not in _DESCRIPTIONS}
        for kind, codes in wanted.items()
    }
    if any(missing.values()):
        found = code_descriptions(missing)
        for kind, codes in missing.items():
            for code in codes:
                _DESCRIPTIONS[(kind, code)] = found.get((kind, code), "")
        if len(_DESCRIPTIONS) > 20000:
            _DESCRIPTIONS.clear()
            _DESCRIPTIONS.update(found)
    return {
        (kind, c): _DESCRIPTIONS.get((kind, c), "")
        for kind, codes in wanted.items()
        for c in codes
    }


def code_descriptions_for(denials) -> dict[str, str]:
    """ "CO-197" / "N54" → description for every code on these denials, in one query."""
    carcs, rarcs, groups = set(), set(), set()
    for d in denials:
        for code in d.codes or []:
            group, sep, carc = code.partition("-")
            if sep:
                groups.add(group)
                carcs.add(carc)
            else:
                rarcs.add(code)
    found = cached_code_descriptions({"CARC": carcs, "RARC": rarcs, "Group": groups})
    result = {}
    for d in denials:
        for code in d.codes or []:
            group, sep, carc = code.partition("-")
            if sep:
                parts = [found.get(("Group", group), ""), found.get(("CARC", carc), "")]
                result[code] = (
                    " — ".join(p for p in parts if p) or "No description on file"
                )
            else:
                result[code] = found.get(("RARC", code)) or "No description on file"
    return result


def assignable_users(*, practice_ids: list[int]):
    """People who can be handed denials in these practices."""
    from core.models import User

    return (
        User.objects.filter(memberships__practice_id__in=practice_ids, is_active=True)
        .distinct()
        .order_by("username")
    )


def denial_detail(*, user, pk: int) -> Denial:
    """A denial with its claim, lines, adjustments and timeline, or 404."""
    from django.db.models import Prefetch

    from remits.models import ServiceLine

    from .models import DenialEvent

    return get_object_or_404(
        denials_for_user(user=user)
        .select_related(
            "practice",
            "payer",
            "payer__canonical",
            "category",
            "category__department",
            "root_cause",
            "assignee",
            "score",
            "claim__remittance__remit_file",
        )
        .prefetch_related(
            "claim__adjustments",
            Prefetch(
                "claim__lines", queryset=ServiceLine.objects.order_by("line_number")
            ),
            Prefetch("events", queryset=DenialEvent.objects.select_related("actor")),
        ),
        pk=pk,
    )


def uncategorized_codes(*, practice_ids: list[int]) -> list[dict]:
    """Codes of "uncategorized" denials, with how many denials carry each."""
    from django.db.models import Count

    from .models import UNCATEGORIZED

    return list(
        Denial.objects.filter(
            category__slug=UNCATEGORIZED, practice_id__in=practice_ids
        )
        .values("group_code", "carc", "rarc")
        .annotate(denials=Count("id"))
        .order_by("-denials", "carc")
    )
