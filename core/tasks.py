import socket

from celery import shared_task

from .services import worker_heartbeat_record


@shared_task(acks_late=True, reject_on_worker_lost=True, ignore_result=True)
def worker_heartbeat_task() -> None:
    """Record that a worker is alive (idempotent: it overwrites one row per host)."""
    worker_heartbeat_record(hostname=socket.gethostname())
