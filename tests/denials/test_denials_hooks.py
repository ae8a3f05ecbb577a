import io

import pytest

from denials import hooks
from denials.intake import era_ingest
from tests.denials.era_text import claim, era


@pytest.mark.django_db
def test_listeners_hear_practices_and_months_after_the_commit(
    practice, django_capture_on_commit_callbacks
):
    heard = []
    hooks.on_remits_posted(heard.append)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            era_ingest(
                stream=io.BytesIO(
                    era([claim("A", "1", "10", "10")], pay_date="20261020").encode()
                ),
                name="a.835",
                source="api",
            )
    finally:
        hooks._callbacks.remove(heard.append)
    assert [(h.practice_ids, h.months) for h in heard] == [
        ((practice.pk,), ("2026-10",))
    ]


@pytest.mark.django_db
def test_a_failing_listener_does_not_undo_the_posting(
    practice, django_capture_on_commit_callbacks
):
    def broken(summary):
        raise RuntimeError("boom")

    hooks.on_remits_posted(broken)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            report = era_ingest(
                stream=io.BytesIO(era([claim("A", "1", "10", "10")]).encode()),
                name="a.835",
                source="api",
            )
    finally:
        hooks._callbacks.remove(broken)
    assert report.status == "posted"
