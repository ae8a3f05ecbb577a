"""A real Celery worker scores denials sent through Redis."""

import pytest

from denials.models import Denial
from denials.tasks import denials_score_task
from tests.conftest import wait_for
from tests.denials.factories_denials import denial_make


@pytest.mark.postgres
@pytest.mark.redis
@pytest.mark.worker
def test_worker_scores_the_denials_it_is_sent(celery_worker_process, practice):
    denials = [
        denial_make(practice=practice, amount=f"{100 * (i + 1)}.00", priority="0")
        for i in range(3)
    ]
    ids = [d.pk for d in denials]
    scored_ones = Denial.objects.filter(pk__in=ids, score__scored_at__isnull=False)
    assert not scored_ones.exists()

    denials_score_task.delay(ids)

    wait_for(
        lambda: scored_ones.count() == 3
    )
    scored = dict(
        Denial.objects.filter(pk__in=ids).values_list("pk", "score__priority")
    )
    assert scored[ids[2]] > scored[ids[1]] > scored[ids[0]] > 0
