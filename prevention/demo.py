"""Demo action items and rollups, after denials and appeals seeded 24 months.

Action items are dated where the generated history supports them: for each demo
practice, the root cause whose denials fell most after a month 6-10 months ago gets an
action taking effect that month (its review then shows the fall), and eligibility gets
an action 2 months ago whose effect is still to be seen. The rollups are rebuilt last.
"""

from datetime import date
from decimal import Decimal

from django.db.models import Sum
from django.utils import timezone

from core.models import Membership, Role
from denials.models import Category

from .models import ActionItem, MonthlyRollup
from .rollups import month_start
from .selectors import add_months
from .services import action_item_create, rollups_refresh

CHANGES = {
    "eligibility": "Verify eligibility in real time at scheduling and at check-in.",
    "authorization": "Scheduling checks the payer's authorization list before booking.",
    "coding": "Monthly coding huddle with providers on the top edits.",
    "missing-information": "Claim scrubber rule: block claims without a rendering NPI.",
    "medical-necessity": "Providers document necessity with the payer's LCD checklist.",
    "timely-filing": "Daily aging report; claims unbilled after 14 days escalate.",
}


def _best_fall(practice_id: int, today: date) -> tuple[int, date] | None:
    """(root cause, month) with the largest fall across a month 6-10 months ago."""
    counts: dict[tuple[int, date], int] = {
        (r["root_cause_id"], r["month"]): r["n"]
        for r in MonthlyRollup.objects.filter(
            practice_id=practice_id, root_cause__isnull=False
        )
        .values("root_cause_id", "month")
        .annotate(n=Sum("denials"))
    }
    causes = {c for c, _ in counts}
    best, best_score = None, Decimal("0")
    this_month = month_start(today)
    for cause in causes:
        for back in range(6, 11):
            pivot = add_months(this_month, -back)
            before = sum(
                counts.get((cause, add_months(pivot, -i)), 0) for i in (1, 2, 3)
            )
            after = sum(counts.get((cause, add_months(pivot, i)), 0) for i in (1, 2, 3))
            if before >= 6 and after < before:
                score = Decimal(before - after) / Decimal(before)
                if score > best_score:
                    best, best_score = (cause, pivot), score
    return best


def seed(*, context, options, stdout) -> None:
    today = timezone.localdate()
    rollups_refresh()
    categories = {c.slug: c for c in Category.objects.all()}
    created = 0
    for practice in context["practices"]:
        if ActionItem.objects.filter(practice=practice).exists():
            continue
        owner = (
            Membership.objects.filter(practice=practice, role=Role.MANAGER)
            .select_related("user")
            .first()
        )
        owner = owner.user if owner else None
        found = _best_fall(practice.pk, today)
        if found is not None:
            cause = Category.objects.get(pk=found[0])
            action_item_create(
                practice=practice,
                root_cause=cause,
                by=owner,
                owner=owner,
                change=CHANGES.get(
                    cause.slug, f"Fix the front-end cause of {cause.name}."
                ),
                started_on=found[1],
                due_date=add_months(found[1], 1),
            )
            ActionItem.objects.filter(practice=practice, root_cause=cause).update(
                status=ActionItem.Status.DONE
            )
            created += 1
        if "eligibility" in categories:
            start = add_months(month_start(today), -2)
            action_item_create(
                practice=practice,
                root_cause=categories["eligibility"],
                by=owner,
                owner=owner,
                change=CHANGES["eligibility"],
                started_on=start,
                due_date=add_months(start, 2),
            )
            created += 1
    stdout.write(
        f"Prevention: {created} action items, "
        f"{MonthlyRollup.objects.count()} rollup rows."
    )
