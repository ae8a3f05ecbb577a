"""Resolved appeals teach the queue's overturn chance; commands run the beat work."""

from datetime import date
from decimal import Decimal
from io import StringIO

import pytest
import time_machine
from django.core.management import call_command

from appeals import services
from appeals.models import Notification
from denials.services import overturn_stats
from tests.appeals.factories_appeals import commercial_denial, payer_make

pytestmark = pytest.mark.django_db


def decided(denial, biller, outcome, amount=None):
    appeal = services.appeal_start(denials=[denial], action="appeal", by=biller)
    services.appeal_letter_finalize(appeal=appeal, by=biller)
    services.appeal_submit(appeal=appeal, by=biller, method="mail")
    services.appeal_record_outcome(
        appeal=appeal, outcome=outcome, by=biller, amount=amount
    )
    return appeal


@time_machine.travel("2026-11-27 15:00Z", tick=False)
def test_won_and_lost_appeals_feed_the_overturn_statistics(practice, biller):
    payer = payer_make()
    won = commercial_denial(practice, payer=payer)
    lost = commercial_denial(practice, payer=payer)
    decided(won, biller, "overturned", Decimal("500.00"))
    upheld = decided(lost, biller, "upheld")
    services.appeal_write_off(appeal=upheld, by=biller, note="Upheld")
    stats = overturn_stats([practice.pk])
    assert stats[(practice.pk, payer.pk, won.category_id)] == (1, 2)


def test_commands_run_the_sync_and_the_reminders(practice, biller):
    with time_machine.travel("2026-11-27 15:00Z", tick=False):
        services.appeal_start(
            denials=[commercial_denial(practice)], action="appeal", by=biller
        )
    out = StringIO()
    call_command("appeals_sync_recoveries", stdout=out)
    assert "0 appeal(s)" in out.getvalue()
    call_command("appeals_reminders", "--date", "2027-05-12", stdout=out)
    assert "1 reminder(s) created." in out.getvalue()
    assert Notification.objects.get().due_date == date(2027, 5, 19)
