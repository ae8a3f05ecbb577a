"""Raw remits and denials built directly (no 835 parsing) for prevention tests."""

import itertools
from datetime import date, datetime, timedelta
from decimal import Decimal

from django.utils import timezone

from denials.models import Category, Denial
from remits.models import (
    Adjustment,
    ClaimPayment,
    Payer,
    RemitFile,
    Remittance,
    ServiceLine,
)

_seq = itertools.count(1)


def payer(name: str = "Acme Health", payer_class: str = "commercial") -> Payer:
    return Payer.objects.get_or_create(
        identifier=name.upper().replace(" ", "")[:20],
        defaults={"name": name, "payer_class": payer_class},
    )[0]


def category(slug: str) -> Category:
    return Category.objects.get(slug=slug)


def remittance(*, practice, payer: Payer, paid_on: date) -> Remittance:
    n = next(_seq)
    remit_file = RemitFile.objects.create(
        sha256=f"{n:064d}",
        original_name=f"era-{n}.835",
        size=1,
        stored_path="x",
        source=RemitFile.Source.COMMAND,
        status=RemitFile.Status.POSTED,
    )
    return Remittance.objects.create(
        remit_file=remit_file,
        sequence=1,
        practice=practice,
        payer=payer,
        status=Remittance.Status.POSTED,
        content_hash=str(n),
        trace_number=f"T{n}",
        payer_identifier=payer.identifier,
        payment_date=paid_on,
        posted_at=aware(paid_on),
    )


def aware(day: date, hour: int = 9) -> datetime:
    return timezone.make_aware(datetime(day.year, day.month, day.day, hour))


def claim(
    *,
    remittance: Remittance,
    charge: str,
    paid: str,
    status: str = "1",
    npi: str = "1111111111",
    account: str | None = None,
    frequency: str = "1",
    adjustments: tuple = (),
    procedure: str = "99213",
) -> ClaimPayment:
    """A claim with one service line; `adjustments` are (group, reason, amount)."""
    n = next(_seq)
    c = ClaimPayment.objects.create(
        practice=remittance.practice,
        remittance=remittance,
        payer=remittance.payer,
        position=n,
        account_number=account or f"ACC{n}",
        status_code=status,
        charge=Decimal(charge),
        paid=Decimal(paid),
        frequency=frequency,
        rendering_npi=npi,
        payer_claim_number=f"ICN{n}",
        patient_last="Doe",
        patient_first="Jan",
    )
    line = ServiceLine.objects.create(
        claim=c,
        line_number=1,
        procedure_qualifier="HC",
        procedure_code=procedure,
        charge=Decimal(charge),
        paid=Decimal(paid),
    )
    for group, reason, amount in adjustments:
        Adjustment.objects.create(
            claim=c, line=line, group=group, reason=reason, amount=Decimal(amount)
        )
    return c


def denial(
    *,
    claim: ClaimPayment,
    slug: str,
    denied: str,
    carc: str = "197",
    posted: datetime | None = None,
    is_initial: bool = True,
    excluded: bool = False,
    status: str = Denial.Status.NEW,
    recovered: str = "0",
    written_off: str = "0",
    first_worked_days: float | None = None,
    appealed_days: float | None = None,
    resolved_days: float | None = None,
    root_cause_slug: str | None = None,
) -> Denial:
    """A denial of `claim`; *_days are offsets from its posting time."""
    remit = claim.remittance
    posted = posted or aware(remit.payment_date)

    def at(days):
        return None if days is None else posted + timedelta(days=days)

    cat = category(slug)
    return Denial.objects.create(
        practice=claim.practice,
        payer=claim.payer,
        claim=claim,
        account_number=claim.account_number,
        payer_claim_number=claim.payer_claim_number,
        patient_name="Doe, Jan",
        rendering_npi=claim.rendering_npi,
        service_date=remit.payment_date,
        remit_date=remit.payment_date,
        posted_at=posted,
        kind=Denial.Kind.FULL,
        billed_amount=claim.charge,
        denied_amount=Decimal(denied),
        recovered_amount=Decimal(recovered),
        written_off_amount=Decimal(written_off),
        codes=[f"CO-{carc}"],
        group_code="CO",
        carc=carc,
        denied_lines=[{"line": 1, "procedure": "99213", "amount": denied}],
        reason=f"CO-{carc} carries ${denied}",
        category=cat,
        root_cause=category(root_cause_slug) if root_cause_slug else cat,
        is_initial=is_initial,
        excluded_from_rates=excluded,
        status=status,
        first_worked_at=at(first_worked_days),
        appealed_at=at(appealed_days),
        was_appealed=appealed_days is not None,
        resolved_at=at(resolved_days),
    )
