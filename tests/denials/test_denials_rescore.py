"""Scoring, rescoring after rule changes, commands and the nightly beat entry."""

import csv
import io
from datetime import date
from decimal import Decimal

import pytest
import time_machine
from django.conf import settings
from django.core.management import call_command

from denials.api.serializers import LIST_FIELDS
from denials.models import AppealRule, Denial, QueueSettings
from denials.services import denials_rescore, denials_score
from tests.denials.factories_denials import denial_make, payer_make

pytestmark = pytest.mark.django_db
FROZEN = "2026-11-27 14:00Z"


def test_scoring_sets_deadline_and_explanation_and_a_rerun_changes_nothing(practice):
    payer = payer_make(payer_class="commercial")
    denial = denial_make(
        practice=practice, payer=payer, amount="1000.00", remit_date=date(2026, 11, 1)
    )
    with time_machine.travel(FROZEN, tick=False):
        first = denials_score(denial_ids=[denial.pk])
        second = denials_score(denial_ids=[denial.pk])

    denial.refresh_from_db()
    assert (first, second) == (1, 0)
    assert denial.appeal_deadline == date(2027, 4, 30)
    assert denial.priority_explanation.startswith("$1,000.00 denied × 60% overturn")
    assert "days left" not in denial.priority_explanation
    assert denial.explanation_on(date(2026, 11, 27)) == (
        "$1,000.00 denied × 60% overturn − $25.00 rework = $575.00 expected;"
        " 154 days left → urgency ×1.00"
    )


def test_next_day_rescore_rewrites_only_denials_whose_urgency_moved(practice):
    # Given one denial far from its deadline and one near it, scored today
    payer = payer_make(payer_class="commercial")
    far = denial_make(practice=practice, payer=payer, remit_date=date(2026, 11, 1))
    near = denial_make(practice=practice, payer=payer, remit_date=date(2026, 6, 12))
    with time_machine.travel(FROZEN, tick=False):
        denials_rescore()
    far.refresh_from_db()
    near.refresh_from_db()
    far_scored = far.scored_at

    # When the nightly rescore runs the next day
    changed = denials_rescore(today=date(2026, 11, 28))

    # Then only the near one (urgency moves daily there) is rewritten, and both show
    # the days left of the day they are read
    far.refresh_from_db()
    near_after = Denial.objects.get(pk=near.pk)
    assert changed == 1
    assert far.scored_at == far_scored
    assert near_after.priority > near.priority
    assert "153 days left" in far.explanation_on(date(2026, 11, 28))
    assert "days left → urgency ×" in near_after.explanation_on(date(2026, 11, 28))


def test_resolved_appeals_teach_the_overturn_chance(practice):
    payer = payer_make()
    for _ in range(10):
        lost = denial_make(practice=practice, payer=payer, status="written_off")
        Denial.objects.filter(pk=lost.pk).update(was_appealed=True)
    open_one = denial_make(practice=practice, payer=payer)
    with time_machine.travel(FROZEN, tick=False):
        denials_score(denial_ids=[open_one.pk])

    open_one.refresh_from_db()
    assert open_one.priority_parts["overturn_chance"] == "0.3000"
    assert open_one.priority_parts["outcomes"] == 10


def test_payer_rule_change_recomputes_its_deadlines(practice):
    payer = payer_make(payer_class="commercial")
    other = payer_make(payer_class="commercial")
    mine = denial_make(practice=practice, payer=payer, remit_date=date(2026, 11, 1))
    theirs = denial_make(practice=practice, payer=other, remit_date=date(2026, 11, 1))
    with time_machine.travel(FROZEN, tick=False):
        denials_rescore()
        AppealRule.objects.create(payer=payer, levels=[{"name": "Appeal", "days": 30}])
        changed = denials_rescore(payer_ids=[payer.pk])

    mine.refresh_from_db()
    theirs.refresh_from_db()
    assert changed == 1
    assert mine.appeal_deadline == date(2026, 12, 1)
    assert theirs.appeal_deadline == date(2027, 4, 30)


def test_rescore_walks_every_open_denial_in_small_batches(practice):
    made = [denial_make(practice=practice) for _ in range(7)]
    resolved = denial_make(practice=practice, status="recovered")
    with time_machine.travel(FROZEN, tick=False):
        changed = denials_rescore(batch_size=3)

    assert changed == 7
    assert (
        Denial.objects.filter(
            pk__in=[d.pk for d in made], score__scored_at__isnull=False
        ).count()
        == 7
    )
    assert Denial.objects.get(pk=resolved.pk).scored_at is None


def test_admin_saving_a_rule_rescores_on_commit(
    client, admin_user, practice, django_capture_on_commit_callbacks
):
    payer = payer_make(payer_class="commercial")
    denial = denial_make(practice=practice, payer=payer, remit_date=date(2026, 11, 1))
    client.force_login(admin_user)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/admin/denials/appealrule/add/",
            {
                "payer": payer.pk,
                "payer_class": "",
                "levels": '[{"name": "L1", "days": 45}]',
                "clock_start": "remit_date",
                "timely_filing_days": "",
                "submission_method": "",
                "submission_address": "",
                "source_note": "",
            },
        )

    assert response.status_code == 302, response.content.decode()[:2000]
    denial.refresh_from_db()
    assert denial.appeal_deadline == date(2026, 12, 16)


def test_admin_rejects_malformed_levels(client, admin_user):
    client.force_login(admin_user)

    response = client.post(
        "/admin/denials/appealrule/add/",
        {
            "payer_class": "medicaid",
            "levels": '[{"name": "L1"}]',
            "clock_start": "remit_date",
        },
    )

    assert response.status_code == 200
    assert "Levels must look like" in response.content.decode()


def test_changing_queue_settings_rescores_everything(
    client, admin_user, practice, django_capture_on_commit_callbacks
):
    denial = denial_make(practice=practice, amount="100.00")
    row = QueueSettings.objects.first() or QueueSettings.objects.create()
    client.force_login(admin_user)

    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            f"/admin/denials/queuesettings/{row.pk}/change/",
            {
                "overturn_prior": "0.900",
                "prior_weight": "10",
                "rework_cost": "25.00",
                "urgency_half_life_days": "14",
                "work_within_days": "7",
            },
        )

    denial.refresh_from_db()
    assert "90% overturn" in denial.priority_explanation


def test_uncategorized_codes_page_lists_unmapped_codes_for_admins(
    client, admin_user, biller, practice
):
    denial_make(practice=practice, codes=("CO-999",), category_slug="uncategorized")
    denial_make(practice=practice, codes=("CO-999",), category_slug="uncategorized")
    client.force_login(admin_user)

    html = client.get("/denials/uncategorized/").content.decode()

    assert "999" in html and '<td class="num">2</td>' in html
    client.force_login(biller)
    assert client.get("/denials/uncategorized/").status_code == 403


def test_export_command_writes_every_denial_with_api_columns(practice, other_practice):
    denial_make(practice=practice)
    denial_make(practice=practice, status="recovered")
    denial_make(practice=other_practice)
    out = io.StringIO()

    call_command("export_denials", "--practice", practice.name, stdout=out)

    rows = list(csv.reader(io.StringIO(out.getvalue())))
    assert rows[0] == list(LIST_FIELDS)
    assert len(rows) == 3
    assert {r[rows[0].index("practice_name")] for r in rows[1:]} == {practice.name}


def test_rescore_command_reports_changes(practice):
    denial_make(practice=practice)
    out = io.StringIO()

    call_command("rescore_denials", stdout=out)

    assert out.getvalue().strip() == "1 open denial(s) changed."


def test_nightly_rescore_is_scheduled_and_registered():
    from config.celery_app import app

    entry = settings.CELERY_BEAT_SCHEDULE["rescore-open-denials-nightly"]
    assert entry["task"] == "denials.tasks.denials_rescore_all_task"
    assert (entry["schedule"].hour, entry["schedule"].minute) == ({2}, {15})
    app.loader.import_default_modules()
    assert entry["task"] in app.tasks


def test_scores_are_decimal_money(practice):
    denial = denial_make(practice=practice, amount="10.10")
    denials_score(denial_ids=[denial.pk])
    denial.refresh_from_db()
    assert isinstance(denial.priority, Decimal)
