""" "Next denial" under real concurrency: every item is handed out exactly once."""

import threading
from collections import Counter

import pytest
from django.db import connection

from denials.models import Denial
from denials.services import denial_next
from tests.denials.factories_denials import denial_make

THREADS = 8
CALLS = 20


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_eight_billers_pressing_next_never_get_the_same_denial(practice):
    from core.services import membership_set, user_upsert

    # Given fewer denials than presses, so billers also race for the last ones
    denials = [denial_make(practice=practice, priority=str(i % 13)) for i in range(120)]
    billers = []
    for i in range(THREADS):
        user = user_upsert(username=f"racer{i}", password="x" * 16)
        membership_set(user=user, practice=practice, role="biller")
        billers.append(user)
    taken: list[tuple[int, int]] = []
    errors: list[BaseException] = []
    lock = threading.Lock()
    start = threading.Barrier(THREADS)

    def work(user):
        try:
            start.wait()
            for _ in range(CALLS):
                got = denial_next(user=user, practice_ids=[practice.pk])
                if got is not None:
                    with lock:
                        taken.append((got.pk, user.pk))
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            connection.close()

    # When eight threads, each with its own connection, press "next" 20 times
    threads = [threading.Thread(target=work, args=(u,)) for u in billers]
    for t in threads:
        t.start()
    for t in threads:
        t.join()

    # Then each denial went to exactly one biller, and the database agrees
    assert errors == []
    counts = Counter(pk for pk, _ in taken)
    assert len(taken) == len(denials) == len(counts)
    assert max(counts.values()) == 1
    owners = dict(Denial.objects.values_list("pk", "assignee_id"))
    assert all(owners[pk] == user_pk for pk, user_pk in taken)
    assert not Denial.objects.filter(status="new").exists()
