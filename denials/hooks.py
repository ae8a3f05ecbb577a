"""What higher apps want to hear after remits post, without denials importing them.

`prevention` and `appeals` register a callback in their AppConfig.ready(); the intake
calls `remits_posted` once per file, and each callback runs after the commit.
"""

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

from django.db import transaction

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class PostedSummary:
    """Ids and months only: callbacks enqueue tasks, and task messages carry no PHI."""

    practice_ids: tuple[int, ...]
    months: tuple[str, ...]  # "YYYY-MM" of the payments posted
    recovered: int = 0
    denial_ids: tuple[int, ...] = field(default=(), repr=False)


_callbacks: list[Callable[[PostedSummary], None]] = []


def on_remits_posted(callback: Callable[[PostedSummary], None]) -> None:
    """Register a callback (idempotent per callable)."""
    if callback not in _callbacks:
        _callbacks.append(callback)


def remits_posted(
    *, practice_ids: set[int], dates: set[date], recovered: int = 0
) -> None:
    if not practice_ids:
        return
    summary = PostedSummary(
        practice_ids=tuple(sorted(practice_ids)),
        months=tuple(sorted({f"{d:%Y-%m}" for d in dates if d})),
        recovered=recovered,
    )
    for callback in list(_callbacks):
        transaction.on_commit(lambda cb=callback: _run(cb, summary))


def _run(callback, summary: PostedSummary) -> None:
    try:
        callback(summary)
    except Exception:  # a listener's failure must not undo a posted file
        logger.exception(
            "after-posting callback %s failed", getattr(callback, "__name__", callback)
        )
