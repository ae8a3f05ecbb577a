"""Demo remits and denials: 24 months of generated ERAs posted through the real intake,
then the older denials worked the way a billing office would have worked them."""

import io
import random
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from core.models import Membership, Role
from remits import x12
from remits.generation import era_generate
from remits.models import Payer

from .intake import era_ingest
from .models import Denial, DenialEvent
from .services import denial_scores_mirror, denials_score

MONTHS = 24


def _months_back(today: date, count: int) -> list[date]:
    first = today.replace(day=1)
    months = []
    for back in range(count - 1, -1, -1):
        year, month = first.year, first.month - back
        while month <= 0:
            month += 12
            year -= 1
        months.append(date(year, month, 5))
    return months


def seed(*, context, options, stdout) -> None:
    claims = options.get("claims", 0)
    if not claims:
        return
    practices = context["practices"]
    today = timezone.localdate()
    per_month = max(1, claims // MONTHS)
    base_seed = options.get("seed", 7)
    for index, month in enumerate(_months_back(today, MONTHS)):
        text, _ = era_generate(
            claims=per_month,
            seed=base_seed * 100 + index,
            start_date=month,
            account_prefix=f"{month:%y%m}",
            practices=practices,
            recovered_share=0.08,
            claims_per_transaction=120,
            **_history_shape(index),
        )
        era_ingest(
            stream=io.BytesIO(text.encode("ascii")),
            name=f"demo-era-{month:%Y-%m}.835",
            source="command",
        )
    _classify_payers()
    _work_history(today=today, rng=random.Random(base_seed))
    ids = list(
        Denial.objects.filter(status__in=Denial.OPEN_STATUSES).values_list(
            "pk", flat=True
        )
    )
    for start in range(0, len(ids), 5000):
        denials_score(denial_ids=ids[start : start + 5000], today=today)
    stdout.write(
        f"Posted {MONTHS} months of demo remits: {Denial.objects.count()} denials."
    )


# Registration started verifying eligibility before visits this many months into the
# history; eligibility denials fall over the following quarter, and prevention work
# slowly lowers the overall denial rate.
ELIGIBILITY_FIX_MONTH = 14


def _history_shape(index: int) -> dict:
    """Generator options for month `index` of the demo history (0 = oldest)."""
    after = max(0, index - ELIGIBILITY_FIX_MONTH)
    eligibility = max(0.35, 1 - 0.22 * after)
    mix = [eligibility] + [1.0] * (len(x12.generator.DENIALS) - 1)
    return {"denial_rate": 0.27 - 0.003 * index, "denial_mix": mix}


def _classify_payers() -> None:
    for known in x12.generator.DEFAULT_PAYERS:
        Payer.objects.filter(identifier=known.payer_id).update(
            payer_class=known.payer_class
        )


@transaction.atomic
def _work_history(*, today: date, rng: random.Random) -> None:
    """Back-date postings to their remit dates and resolve what is old enough."""
    billers = {
        m.practice_id: m.user
        for m in Membership.objects.filter(role=Role.BILLER).select_related("user")
    }
    tz = timezone.get_current_timezone()
    changed = []
    events = []
    for d in Denial.objects.filter(status=Denial.Status.NEW).select_related("practice"):
        posted = datetime.combine(
            (d.remit_date or today) + timedelta(days=1), time(9), tz
        )
        d.posted_at = posted
        age = (today - posted.date()).days
        worker = billers.get(d.practice_id)
        roll = rng.random()
        if age <= 7 or (age <= 60 and roll < 0.5):
            changed.append(d)  # still on the queue, untouched
            continue
        # Earlier months were worked more slowly: the 7-day standard improves.
        worked_after = rng.randint(1, 14 if age > 365 else 8)
        d.first_worked_at = posted + timedelta(days=min(worked_after, age))
        d.assignee = worker
        roll = rng.random()
        if age <= 180 and roll < 0.45:
            d.status = rng.choice(
                [
                    Denial.Status.IN_PROGRESS,
                    Denial.Status.APPEALED,
                    Denial.Status.PENDING_PAYER,
                    Denial.Status.APPEALED,
                ]
            )
            if d.status == Denial.Status.APPEALED:
                d.was_appealed = True
                d.appealed_at = d.first_worked_at + timedelta(days=rng.randint(1, 5))
        elif roll < 0.55:
            d.was_appealed = True
            d.appealed_at = d.first_worked_at + timedelta(days=rng.randint(1, 10))
            d.status = Denial.Status.RECOVERED
            share = Decimal(rng.choice(["1", "1", "1", "0.6"]))
            d.recovered_amount = (d.denied_amount * share).quantize(Decimal("0.01"))
            d.resolved_at = d.appealed_at + timedelta(days=rng.randint(14, 45))
            d.resolution_note = "Appeal overturned"
        elif roll < 0.78:
            d.was_appealed = rng.random() < 0.5
            d.status = Denial.Status.WRITTEN_OFF
            d.written_off_amount = d.denied_amount
            d.resolved_at = d.first_worked_at + timedelta(days=rng.randint(5, 60))
            d.resolution_note = (
                "Upheld on appeal" if d.was_appealed else "Below rework cost"
            )
        else:
            d.status = Denial.Status.NO_ACTION
            d.resolved_at = d.first_worked_at + timedelta(days=2)
            d.resolution_note = "Billed to the secondary payer"
        for stamp in ("appealed_at", "resolved_at", "first_worked_at"):
            if getattr(d, stamp) and getattr(d, stamp) > timezone.now():
                setattr(d, stamp, timezone.now())
        events.append(
            DenialEvent(
                denial=d,
                actor=worker,
                kind=DenialEvent.Kind.STATUS,
                from_status="new",
                to_status=d.status,
                text=d.resolution_note,
            )
        )
        changed.append(d)
    Denial.objects.bulk_update(
        changed,
        [
            "posted_at",
            "first_worked_at",
            "assignee",
            "status",
            "was_appealed",
            "appealed_at",
            "recovered_amount",
            "written_off_amount",
            "resolved_at",
            "resolution_note",
        ],
        batch_size=1000,
    )
    DenialEvent.objects.bulk_create(events, batch_size=1000)
    denial_scores_mirror(denial_ids=[d.pk for d in changed])
