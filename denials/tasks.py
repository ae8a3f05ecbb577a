import logging

from celery import shared_task

logger = logging.getLogger(__name__)


@shared_task(acks_late=True, reject_on_worker_lost=True, ignore_result=True,
             autoretry_for=(ConnectionError,), retry_backoff=True, max_retries=5)
def denials_score_task(denial_ids: list[int]) -> int:
    """Score a batch of denials (idempotent: scoring overwrites)."""
    from .services import denials_score

    return denials_score(denial_ids=denial_ids)


@shared_task(ignore_result=True)
def era_file_post_task(remit_file_id: int) -> None:
    """Post a stored remit file (large uploads post here, not in the request)."""
    from remits.models import RemitFile

    from .intake import era_file_post

    remit_file = RemitFile.objects.filter(pk=remit_file_id, status="received").first()
    if remit_file is None:
        logger.info("remit file %s is gone or already posted; skipping", remit_file_id)
        return
    era_file_post(remit_file=remit_file)


@shared_task(acks_late=True, reject_on_worker_lost=True, ignore_result=True,
             autoretry_for=(ConnectionError,), retry_backoff=True, max_retries=5)
def denials_rescore_all_task() -> int:
    """Rescore every open denial in bounded batches (nightly; after rule changes)."""
    from .services import denials_rescore

    return denials_rescore()


@shared_task(acks_late=True, reject_on_worker_lost=True, ignore_result=True,
             autoretry_for=(ConnectionError,), retry_backoff=True, max_retries=5)
def denials_rescore_payers_task(payer_ids: list[int]) -> int:
    """Rescore the open denials of some payers after their rules or class changed."""
    from .services import denials_rescore

    return denials_rescore(payer_ids=payer_ids)


@shared_task(ignore_result=True)
def era_drop_folder_poll_task() -> int:
    """Post files a clearinghouse left in ERA_DROP_DIR (no-op when it is not set)."""
    from pathlib import Path

    from django.conf import settings

    from .intake import drop_folder_poll

    if not settings.ERA_DROP_DIR:
        return 0
    return len(drop_folder_poll(directory=Path(settings.ERA_DROP_DIR)))
