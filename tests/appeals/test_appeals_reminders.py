"""Deadline and follow-up reminders: 30, 14 and 7 days; once each; mail without PHI."""

from datetime import date

import pytest
import time_machine
from django.core import mail

from appeals import services
from appeals.models import Notification
from appeals.tasks import appeals_deadline_reminders_task
from tests.appeals.factories_appeals import commercial_denial

pytestmark = pytest.mark.django_db


@pytest.fixture
def draft(practice, biller):
    # Remitted Nov 20, 2026: the commercial level 1 deadline is May 19, 2027.
    with time_machine.travel("2026-11-27 15:00Z", tick=False):
        denial = commercial_denial(practice, patient="ROE, RICHARD")
        return services.appeal_start(denials=[denial], action="appeal", by=biller)


def run_on(day: str) -> int:
    with time_machine.travel(f"{day} 11:00Z", tick=False):
        return appeals_deadline_reminders_task()


def kinds():
    return list(
        Notification.objects.order_by("sent_at", "id").values_list("kind", flat=True)
    )


def test_reminders_come_at_30_14_and_7_days_once_each(draft, biller):
    assert draft.deadline == date(2027, 5, 19)
    assert run_on("2027-04-18") == 0  # 31 days left
    assert run_on("2027-04-19") == 1  # 30 days left
    assert run_on("2027-04-19") == 0  # beat ran twice: nothing new
    assert run_on("2027-04-20") == 0
    assert run_on("2027-05-05") == 1  # 14 days
    assert run_on("2027-05-12") == 1  # 7 days
    assert run_on("2027-05-13") == 0
    assert kinds() == ["deadline_30", "deadline_14", "deadline_7"]
    assert set(Notification.objects.values_list("user", flat=True)) == {biller.pk}
    assert "deadline in 7 days" in Notification.objects.get(kind="deadline_7").message


def test_a_missed_beat_sends_only_the_most_urgent_reminder(draft):
    assert run_on("2027-05-14") == 1  # 5 days left, nothing sent before
    assert kinds() == ["deadline_7"]


def test_no_deadline_reminders_once_submitted_but_a_follow_up_when_due(draft, biller):
    with time_machine.travel("2026-11-28 15:00Z", tick=False):
        services.appeal_letter_finalize(appeal=draft, by=biller)
        services.appeal_submit(
            appeal=draft, by=biller, method="mail", follow_up_date=date(2027, 1, 10)
        )
    assert run_on("2027-01-09") == 0
    assert run_on("2027-01-10") == 1
    assert run_on("2027-01-11") == 0
    assert run_on("2027-05-12") == 0
    assert kinds() == ["follow_up"]


def test_mail_goes_out_only_when_configured_and_carries_no_patient_data(
    draft, biller, settings
):
    biller.email = "blake@example.test"
    biller.save()
    settings.EMAIL_HOST = "localhost"  # Django's default: not configured
    run_on("2027-04-19")
    assert mail.outbox == []
    settings.EMAIL_HOST = "smtp.example.test"
    run_on("2027-05-05")
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.subject == "Overturn: An appeal deadline is in 14 days"
    assert f"/appeals/{draft.pk}/" in message.body
    assert "ROE" not in message.body + message.subject
    assert Notification.objects.get(kind="deadline_14").emailed_at is not None


def test_marking_read(draft, biller):
    run_on("2027-05-12")
    assert services.notifications_mark_read(user=biller) == 1
    assert services.notifications_mark_read(user=biller) == 0
