"""Rows for denial tests: a remittance, its claims and the denials they posted."""

import itertools
from datetime import date, timedelta
from decimal import Decimal

from django.utils import timezone

from denials.models import Category, Denial, DenialScore
from remits.models import ClaimPayment, Payer, RemitFile, Remittance

_seq = itertools.count(1)


def payer_make(
    *, name="Acme Health", payer_class="commercial", identifier=None
) -> Payer:
    return Payer.objects.create(
        identifier=identifier or f"P{next(_seq):05d}",
        name=name,
        payer_class=payer_class,
    )


def remittance_make(*, practice, payer, remit_date=date(2026, 11, 20)) -> Remittance:
    n = next(_seq)
    remit_file = RemitFile.objects.create(
        sha256=f"{n:064d}",
        original_name=f"file{n}.835",
        size=1,
        stored_path="x",
        source="command",
    )
    return Remittance.objects.create(
        remit_file=remit_file,
        sequence=1,
        practice=practice,
        payer=payer,
        status="posted",
        content_hash=f"{n:064d}",
        trace_number=f"TRN{n}",
        payment_date=remit_date,
        payer_name=payer.name,
        payer_identifier=payer.identifier,
    )


def denial_make(
    *,
    practice,
    payer=None,
    remittance=None,
    amount="500.00",
    patient="DOE, JANE",
    account=None,
    icn=None,
    codes=("CO-197",),
    category_slug="authorization",
    status="new",
    priority="100",
    deadline=None,
    posted_days_ago=1,
    assignee=None,
    remit_date=date(2026, 11, 20),
) -> Denial:
    payer = payer or (remittance.payer if remittance else payer_make())
    remittance = remittance or remittance_make(
        practice=practice, payer=payer, remit_date=remit_date
    )
    n = next(_seq)
    claim = ClaimPayment.objects.create(
        practice=practice,
        remittance=remittance,
        payer=payer,
        position=n,
        account_number=account or f"ACC{n:06d}",
        status_code="4",
        charge=Decimal(amount),
        paid=Decimal("0"),
        payer_claim_number=icn or f"ICN{n:08d}",
        patient_last=patient.split(", ")[0],
        patient_first=patient.split(", ")[-1],
    )
    category = Category.objects.filter(slug=category_slug).first()
    group, _, carc = codes[0].partition("-")
    denial = Denial.objects.create(
        practice=practice,
        payer=payer,
        claim=claim,
        account_number=claim.account_number,
        payer_claim_number=claim.payer_claim_number,
        patient_name=patient,
        service_date=remit_date - timedelta(days=30),
        remit_date=remit_date,
        posted_at=timezone.now() - timedelta(days=posted_days_ago),
        kind="full",
        billed_amount=Decimal(amount),
        denied_amount=Decimal(amount),
        codes=list(codes),
        group_code=group,
        carc=carc,
        reason=f"{codes[0]} on the claim",
        category=category,
        root_cause=category,
        status=status,
        appeal_deadline=deadline,
        assignee=assignee,
    )
    DenialScore.objects.create(
        denial=denial,
        practice=practice,
        priority=Decimal(priority),
        priority_explanation=f"${amount} denied × 60% overturn",
        open=denial.is_open,
        unclaimed=denial.is_unclaimed,
    )
    return denial
