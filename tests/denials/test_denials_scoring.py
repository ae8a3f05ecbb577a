"""The priority score and deadline arithmetic as pure functions."""

from datetime import date
from decimal import Decimal

import time_machine

from denials import deadlines, scoring


def rule(payer_class, levels, clock="remit_date", verified=False):
    return deadlines.RuleView(
        levels=tuple(levels),
        clock_start=clock,
        verified=verified,
        payer_class=payer_class,
    )


def test_score_explains_its_parts_and_grows_as_the_deadline_nears():
    far = scoring.score_denial(
        denied_amount=Decimal("1240.00"),
        chance=Decimal("0.62"),
        rework_cost=Decimal("25"),
        days_left=90,
    )
    near = scoring.score_denial(
        denied_amount=Decimal("1240.00"),
        chance=Decimal("0.62"),
        rework_cost=Decimal("25"),
        days_left=9,
    )

    assert near.priority > far.priority > 0
    assert near.expected_recovery == Decimal("743.80")
    assert near.explanation.startswith(
        "$1,240.00 denied × 62% overturn − $25.00 rework"
    )
    assert "9 days left → urgency ×" in near.explanation
    assert near.urgency == Decimal("2.28")
    assert not near.write_off_review


def test_expired_deadline_or_no_rights_or_tiny_amount_goes_to_write_off_review():
    base = {"chance": Decimal("0.6"), "rework_cost": Decimal("25")}
    expired = scoring.score_denial(denied_amount=Decimal("5000"), days_left=-3, **base)
    no_rights = scoring.score_denial(
        denied_amount=Decimal("5000"), days_left=None, no_appeal_rights=True, **base
    )
    tiny = scoring.score_denial(denied_amount=Decimal("30"), days_left=40, **base)
    workable = scoring.score_denial(denied_amount=Decimal("60"), days_left=40, **base)

    assert (
        expired.write_off_review
        and no_rights.write_off_review
        and tiny.write_off_review
    )
    assert "deadline passed 3 days ago" in expired.explanation
    assert "no appeal rights" in no_rights.explanation
    assert "below rework cost" in tiny.explanation
    assert max(expired.priority, no_rights.priority, tiny.priority) < workable.priority


def test_overturn_chance_starts_at_the_prior_and_learns_from_outcomes():
    prior = scoring.overturn_chance(wins=0, outcomes=0, prior=Decimal("0.6"), weight=10)
    after_losses = scoring.overturn_chance(
        wins=1, outcomes=10, prior=Decimal("0.6"), weight=10
    )
    after_wins = scoring.overturn_chance(
        wins=30, outcomes=30, prior=Decimal("0.6"), weight=10
    )

    assert prior == Decimal("0.6000")
    assert after_losses == Decimal("0.3500")
    assert after_wins == Decimal("0.9000")


def test_scoring_is_deterministic_for_the_same_inputs():
    args = {
        "denied_amount": Decimal("410.00"),
        "chance": Decimal("0.6"),
        "rework_cost": Decimal("25"),
        "days_left": 14,
    }
    assert scoring.score_denial(**args) == scoring.score_denial(**args)


def test_each_payer_class_default_gives_its_deadline():
    remit = date(2026, 11, 2)
    cases = {
        "medicare": (
            rule("medicare", [("Redetermination", 120)], "remit_plus_5"),
            date(2027, 3, 7),
        ),
        "medicare_advantage": (
            rule("medicare_advantage", [("Appeal", 60)]),
            date(2027, 1, 1),
        ),
        "medicaid": (rule("medicaid", [("Appeal", 90)]), date(2027, 1, 31)),
        "commercial": (rule("commercial", [("Level 1", 180)]), date(2027, 5, 1)),
        "unitedhealthcare": (
            rule("unitedhealthcare", [("Reconsideration", 365)], "original_eob"),
            date(2027, 11, 2),
        ),
    }
    for payer_class, (r, expected) in cases.items():
        dl = deadlines.appeal_deadline(
            r, carc="197", remit_date=remit, service_date=None
        )
        assert dl.deadline == expected, payer_class
        assert "rule unverified" in dl.note


def test_medicare_clock_starts_five_days_after_the_remit():
    r = rule("medicare", [("Redetermination", 120)], "remit_plus_5", verified=True)

    dl = deadlines.appeal_deadline(
        r, carc="50", remit_date=date(2026, 1, 1), service_date=None
    )

    assert dl.clock_date == date(2026, 1, 6)
    assert dl.note == "Redetermination: 120 days from Jan 06, 2026"


def test_medicare_timely_filing_denial_has_no_appeal_rights():
    r = rule("medicare", [("Redetermination", 120)], "remit_plus_5")
    commercial = rule("commercial", [("Level 1", 180)])

    dl = deadlines.appeal_deadline(
        r, carc="29", remit_date=date(2026, 1, 1), service_date=None
    )
    other = deadlines.appeal_deadline(
        commercial, carc="29", remit_date=date(2026, 1, 1), service_date=None
    )

    assert dl.no_appeal_rights and dl.deadline is None
    assert "no appeal rights" in dl.note
    assert not other.no_appeal_rights and other.deadline == date(2026, 6, 30)


def test_days_left_with_frozen_time():
    with time_machine.travel("2026-11-27 09:00Z", tick=False):
        from django.utils import timezone

        today = timezone.localdate()
        assert deadlines.days_left(date(2026, 12, 4), today) == 7
        assert deadlines.days_left(date(2026, 11, 20), today) == -7
        assert deadlines.days_left(None, today) is None
