import logging

from celery import shared_task

logger = logging.getLogger(__name__)


@shared_task(
    acks_late=True,
    reject_on_worker_lost=True,
    ignore_result=True,
    autoretry_for=(ConnectionError,),
    retry_backoff=True,
    max_retries=5,
)
def rollups_refresh_task(
    practice_ids: list[int] | None = None, months: list[str] | None = None
) -> int:
    """Recompute rollups of practices and "YYYY-MM" months (idempotent: overwrites).

    Without arguments (the hourly beat) every practice-month is recomputed, so denial
    work done since the last ingest (appeals, recoveries, write-offs) is counted.
    """
    from .services import rollups_refresh

    return rollups_refresh(practice_ids=practice_ids, months=months)
