"""Ten uploads of one file at the same moment post it once (real PostgreSQL)."""

import io
import threading

import pytest
from django.db import connection

from denials.intake import era_ingest
from denials.models import Denial
from remits.models import ClaimPayment, RemitFile
from tests.denials.era_text import claim, era


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_ten_concurrent_uploads_of_the_same_file_post_once(practice):
    text = era(
        [
            claim(
                f"ACC{i}",
                "4",
                "100.00",
                "0",
                icn=f"ICN{i}",
                lines=[("99213", "100.00", "0", [("CO", "197", "100.00")])],
            )
            for i in range(30)
        ]
    ).encode()
    barrier = threading.Barrier(10)
    statuses, failures = [], []

    def upload():
        try:
            barrier.wait()
            report = era_ingest(stream=io.BytesIO(text), name="same.835", source="api")
            statuses.append(report.status)
        except Exception as exc:  # noqa: BLE001 - surfaced by the assertion below
            failures.append(repr(exc))
        finally:
            connection.close()

    threads = [threading.Thread(target=upload) for _ in range(10)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert failures == []
    assert sorted(statuses) == ["duplicate"] * 9 + ["posted"]
    assert RemitFile.objects.count() == 1
    assert ClaimPayment.objects.count() == 30
    assert Denial.objects.count() == 30


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_files_with_one_trace_number_posting_at_once_never_both_post(practice):
    a = era(
        [
            claim(
                "A1",
                "1",
                "10.00",
                "10.00",
                icn="X1",
                lines=[("99211", "10.00", "10.00", [])],
            )
        ],
        trace="SAME",
    ).encode()
    b = era(
        [
            claim(
                "B1",
                "1",
                "20.00",
                "20.00",
                icn="X2",
                lines=[("99211", "20.00", "20.00", [])],
            )
        ],
        trace="SAME",
    ).encode()
    barrier = threading.Barrier(2)
    results = []

    def upload(data, name):
        barrier.wait()
        results.append(
            era_ingest(stream=io.BytesIO(data), name=name, source="api").status
        )
        connection.close()

    threads = [
        threading.Thread(target=upload, args=(a, "a.835")),
        threading.Thread(target=upload, args=(b, "b.835")),
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(results) == ["held", "posted"]
    assert ClaimPayment.objects.count() == 1
