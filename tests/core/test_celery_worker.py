"""A real worker process, on the real broker and database, runs a task end to end."""

import pytest

from core.models import WorkerHeartbeat
from core.tasks import worker_heartbeat_task
from tests.conftest import wait_for


@pytest.mark.postgres
@pytest.mark.redis
@pytest.mark.worker
def test_task_sent_through_redis_is_run_by_the_worker_and_changes_the_database(
    celery_worker_process,
):
    assert not WorkerHeartbeat.objects.exists()
    worker_heartbeat_task.delay()
    beat = wait_for(lambda: WorkerHeartbeat.objects.first())
    assert beat.beats == 1
    worker_heartbeat_task.delay()
    wait_for(lambda: WorkerHeartbeat.objects.filter(beats=2).exists())


def test_celery_is_configured_for_json_time_limits_and_one_prefetched_task():
    from config.celery_app import app

    assert app.conf.accept_content == ["json"]
    assert app.conf.task_serializer == "json"
    assert app.conf.task_time_limit > app.conf.task_soft_time_limit > 0
    assert app.conf.worker_prefetch_multiplier == 1
    assert worker_heartbeat_task.acks_late is True
    assert worker_heartbeat_task.reject_on_worker_lost is True
