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
def appeals_sync_from_recoveries_task() -> int:
    """Mark waiting appeals overturned when later 835s paid them (idempotent)."""
    from .services import appeals_sync_from_recoveries

    return appeals_sync_from_recoveries()


@shared_task(
    acks_late=True,
    reject_on_worker_lost=True,
    ignore_result=True,
    autoretry_for=(ConnectionError,),
    retry_backoff=True,
    max_retries=5,
)
def appeals_deadline_reminders_task() -> int:
    """Create the day's deadline and follow-up reminders (idempotent)."""
    from .services import appeals_deadline_reminders

    return appeals_deadline_reminders()
