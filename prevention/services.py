"""Writes of the prevention app: rollup refreshes and action items."""

import logging
from collections.abc import Iterable
from datetime import date

from django.db import transaction

from core.errors import ApplicationError
from core.models import Practice
from denials.models import Category

from . import rollups
from .models import ActionItem, MonthlyRollup, MonthlySummary

logger = logging.getLogger(__name__)


def rollups_refresh(
    *,
    practice_ids: Iterable[int] | None = None,
    months: Iterable[date | str] | None = None,
) -> int:
    """Recompute the rollups of the given practices and months from raw rows.

    None means every practice / every month on record. Each practice-month is deleted
    and re-inserted in its own transaction, its fine rows and their summary together,
    so readers see either the old or the new numbers of a month, never a half, and
    the summary always equals the fine rows. Returns how many practice-months were
    refreshed.
    """
    practice_ids = None if practice_ids is None else sorted(set(practice_ids))
    wanted = None if months is None else {rollups.month_start(m) for m in months}
    by_month = rollups.remittance_months(practice_ids)
    existing = MonthlyRollup.objects.all()
    if practice_ids is not None:
        existing = existing.filter(practice_id__in=practice_ids)
    if wanted is not None:
        existing = existing.filter(month__in=wanted)
    keys = {k for k in by_month if wanted is None or k[1] in wanted}
    keys |= set(existing.values_list("practice_id", "month").distinct())
    summarized = MonthlySummary.objects.all()
    if practice_ids is not None:
        summarized = summarized.filter(practice_id__in=practice_ids)
    if wanted is not None:
        summarized = summarized.filter(month__in=wanted)
    keys |= set(summarized.values_list("practice_id", "month").distinct())
    if wanted is not None and practice_ids is not None:
        keys |= {(p, m) for p in practice_ids for m in wanted}
    for practice_id, month in sorted(keys):
        _refresh_one(
            practice_id=practice_id,
            month=month,
            remittance_ids=by_month.get((practice_id, month), []),
        )
    return len(keys)


@transaction.atomic
def _refresh_one(*, practice_id: int, month: date, remittance_ids: list[int]) -> None:
    rows = rollups.compute_rows(
        practice_id=practice_id, month=month, remittance_ids=remittance_ids
    )
    # The summary is rewritten with the fine rows, in the same transaction.
    MonthlyRollup.objects.filter(practice_id=practice_id, month=month).delete()
    MonthlySummary.objects.filter(practice_id=practice_id, month=month).delete()
    MonthlyRollup.objects.bulk_create(rows, batch_size=2000)
    MonthlySummary.objects.bulk_create(rollups.summarize(rows), batch_size=2000)


# Action items -----------------------------------------------------------------------


def _check_owner(owner, practice: Practice) -> None:
    if owner is not None and not owner.memberships.filter(practice=practice).exists():
        raise ApplicationError(
            "The owner must be a member of the practice.", field="owner"
        )


@transaction.atomic
def action_item_create(
    *,
    practice: Practice,
    root_cause: Category,
    change: str,
    started_on: date,
    by,
    owner=None,
    due_date: date | None = None,
) -> ActionItem:
    """Record what a department will change so a root cause stops recurring."""
    change = (change or "").strip()
    if not change:
        raise ApplicationError("Say what will change.", field="change")
    if due_date is not None and due_date < started_on:
        raise ApplicationError(
            "The due date cannot come before the start.", field="due_date"
        )
    _check_owner(owner, practice)
    return ActionItem.objects.create(
        practice=practice,
        root_cause=root_cause,
        change=change[:4000],
        owner=owner,
        started_on=started_on,
        due_date=due_date,
        created_by=by,
    )


@transaction.atomic
def action_item_set_status(*, item: ActionItem, status: str, by) -> ActionItem:
    """Mark an action item open, done or dropped."""
    item = ActionItem.objects.select_for_update().get(pk=item.pk)
    if status not in ActionItem.Status.values:
        raise ApplicationError(f"Unknown status {status!r}.", field="status")
    if status == item.status:
        raise ApplicationError(
            f"The action is already {item.get_status_display()}.", field="status"
        )
    item.status = status
    item.save(update_fields=["status", "updated_at"])
    logger.info(
        "action item %s set to %s by user %s", item.pk, status, getattr(by, "pk", None)
    )
    return item
