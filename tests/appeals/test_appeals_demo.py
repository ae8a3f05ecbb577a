"""Demo appeals: every state, with letters and evidence; nothing without denials."""

import io

import pytest
import time_machine

from appeals import demo
from appeals.models import Appeal, Evidence, Letter
from tests.appeals.factories_appeals import commercial_denial

pytestmark = pytest.mark.django_db


def test_no_denials_means_no_demo_appeals(practice, biller):
    demo.seed(context={"practices": [practice]}, options={}, stdout=io.StringIO())
    assert not Appeal.objects.exists()


@time_machine.travel("2026-11-27 15:00Z", tick=False)
def test_demo_adds_appeals_in_every_state_with_letters_and_evidence(practice, biller):
    for n in range(10):
        commercial_denial(practice, amount=f"{100 + n}.00")
    commercial_denial(practice, codes=("CO-4",), category_slug="coding")
    out = io.StringIO()
    demo.seed(context={"practices": [practice]}, options={}, stdout=out)
    states = set(Appeal.objects.values_list("status", flat=True))
    assert set(Appeal.Status.values) <= states
    assert Appeal.objects.filter(action="corrected_claim", status="submitted").exists()
    assert Appeal.objects.filter(previous__isnull=False).exists()  # an escalation
    assert Letter.objects.exists() and Evidence.objects.count() >= 16
    # Running the seed again adds nothing
    before = Appeal.objects.count()
    demo.seed(context={"practices": [practice]}, options={}, stdout=io.StringIO())
    assert Appeal.objects.count() == before
