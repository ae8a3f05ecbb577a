"""Writes of the remits app: store a received file, post a transaction set's rows."""

import hashlib
import json
import os
import shutil
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import BinaryIO

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.db.models import Q
from django.utils import timezone

from core.bulk import insert_rows, reserve_ids
from core.errors import ApplicationError
from core.models import Practice

from . import x12
from .models import (
    Adjustment,
    ClaimPayment,
    Payer,
    ProviderAdjustment,
    RemitFile,
    Remittance,
    ServiceLine,
)

CHUNK = 1 << 20


def remit_storage_path(sha256: str) -> Path:
    return Path(settings.MEDIA_ROOT) / "remits" / sha256[:2] / f"{sha256}.835"


def remit_file_store(
    *,
    stream: BinaryIO,
    name: str,
    source: str,
    user=None,
    practice_hint: Practice | None = None,
) -> tuple[RemitFile, bool]:
    """Keep the received bytes and their SHA-256 before anything else happens.

    Returns the file row and whether it is new; the same bytes received again (or at
    the same moment by another upload) return the existing row and `False`.
    """
    limit = settings.ERA_MAX_UPLOAD_BYTES
    digest = hashlib.sha256()
    size = 0
    tmp_dir = Path(settings.MEDIA_ROOT) / "remits" / "incoming"
    tmp_dir.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(dir=tmp_dir)
    try:
        with os.fdopen(fd, "wb") as out:
            while chunk := stream.read(CHUNK):
                size += len(chunk)
                if size > limit:
                    raise ApplicationError(
                        f"{name}: larger than the {limit // (1024 * 1024)} MB limit "
                        "for one remit file",
                        field="file",
                    )
                digest.update(chunk)
                out.write(chunk)
        if size == 0:
            raise ApplicationError(f"{name}: the file is empty", field="file")
        sha = digest.hexdigest()
        existing = RemitFile.objects.filter(sha256=sha).first()
        if existing is not None:
            return existing, False
        target = remit_storage_path(sha)
        target.parent.mkdir(parents=True, exist_ok=True)
        if not target.exists():
            shutil.move(tmp_name, target)
        try:
            with transaction.atomic():
                remit_file = RemitFile.objects.create(
                    sha256=sha,
                    original_name=Path(name).name[:255] or "remit.835",
                    size=size,
                    stored_path=str(target.relative_to(settings.MEDIA_ROOT)),
                    source=source,
                    uploaded_by=user
                    if getattr(user, "is_authenticated", False)
                    else None,
                    practice_hint=practice_hint,
                )
        except IntegrityError:
            # A concurrent upload of the same bytes won the race: it posts, we don't.
            return RemitFile.objects.get(sha256=sha), False
        return remit_file, True
    finally:
        if os.path.exists(tmp_name):
            os.unlink(tmp_name)


def remit_file_path(remit_file: RemitFile) -> Path:
    return Path(settings.MEDIA_ROOT) / remit_file.stored_path


def practice_for_payee(*, npi: str | None, tin: str | None) -> Practice | None:
    """The practice whose NPIs or TIN match a remittance's payee (NPI first)."""
    practices = list(Practice.objects.all())
    if npi:
        for p in practices:
            if npi in (p.npis or []):
                return p
    if tin:
        digits = tin.replace("-", "")
        for p in practices:
            if p.tin and p.tin.replace("-", "") == digits:
                return p
    return None


def payer_for(*, header: x12.RemittanceHeader) -> Payer | None:
    """Find or create the payer named by a remittance header (canonical if merged)."""
    identifier = (
        header.payer_id or header.trace_payer_id or header.payer_name or ""
    ).strip()
    if not identifier:
        return None
    payer, _ = Payer.objects.get_or_create(
        identifier=identifier[:80],
        defaults={"name": (header.payer_name or identifier)[:200]},
    )
    return payer.canonical or payer


def interchange_clash(
    *, remit_file: RemitFile, sender: str, control_number: str, content_hash: str
) -> Remittance | None:
    """A posted remittance of another file under the same sender's interchange number
    whose content differs from this one (none that matches it)."""
    if not (sender and control_number):
        return None
    same_interchange = Remittance.objects.filter(
        interchange_sender=sender,
        interchange_control_number=control_number,
        status__in=[Remittance.Status.POSTED, Remittance.Status.POSTED_WITH_WARNINGS],
    ).exclude(remit_file=remit_file)
    if same_interchange.filter(content_hash=content_hash).exists():
        return None
    return same_interchange.first()


def posted_twin(*, payer_identifier: str, trace_number: str) -> Remittance | None:
    if not trace_number:
        return None
    return Remittance.objects.filter(
        payer_identifier=payer_identifier,
        trace_number=trace_number,
        status__in=[Remittance.Status.POSTED, Remittance.Status.POSTED_WITH_WARNINGS],
    ).first()


# What the money and quantity columns hold (DecimalField 12,2 and 10,3).
MONEY_LIMIT = Decimal("10000000000")
QUANTITY_LIMIT = Decimal("10000000")
HEADER_MONEY_LIMIT = Decimal("1000000000000")


def claim_range_problems(record: x12.Claim) -> list[str]:
    """Values too large to store: a damaged file, rejected rather than truncated."""
    problems = []

    def check(label: str, value, limit: Decimal) -> None:
        if value is not None and abs(value) >= limit:
            problems.append(
                f"claim {record.account_number!r} (segment {record.position}): {label} "
                f"{value} is out of range (must be under {limit:,})"
            )

    for label, value in (
        ("CLP03 charge", record.charge),
        ("CLP04 paid", record.paid),
        ("CLP05 patient share", record.patient_responsibility),
    ):
        check(label, value, MONEY_LIMIT)
    for a in record.adjustments:
        check(f"CAS {a.group}-{a.reason} amount", a.amount, MONEY_LIMIT)
        check(f"CAS {a.group}-{a.reason} quantity", a.quantity, QUANTITY_LIMIT)
    for ln in record.lines:
        check(f"line {ln.line_number} SVC02 charge", ln.charge, MONEY_LIMIT)
        check(f"line {ln.line_number} SVC03 paid", ln.paid, MONEY_LIMIT)
        check(f"line {ln.line_number} AMT*B6 allowed", ln.allowed, MONEY_LIMIT)
        check(f"line {ln.line_number} SVC05 units", ln.units, QUANTITY_LIMIT)
        for a in ln.adjustments:
            check(
                f"line {ln.line_number} CAS {a.group}-{a.reason} amount",
                a.amount,
                MONEY_LIMIT,
            )
            check(
                f"line {ln.line_number} CAS {a.group}-{a.reason} quantity",
                a.quantity,
                QUANTITY_LIMIT,
            )
    return problems


class PostedClaim:
    """What the intake reads back of a claim just written (without model overhead)."""

    __slots__ = (
        "pk",
        "practice_id",
        "payer_id",
        "account_number",
        "status_code",
        "charge",
        "paid",
        "payer_claim_number",
        "patient_last",
        "patient_first",
        "rendering_npi",
    )

    def __init__(self, pk, practice_id, payer_id, record: x12.Claim) -> None:
        self.pk = pk
        self.practice_id = practice_id
        self.payer_id = payer_id
        self.account_number = record.account_number[:50]
        self.status_code = record.status[:3]
        self.charge = record.charge
        self.paid = record.paid
        self.payer_claim_number = record.payer_claim_number[:50]
        self.patient_last = record.patient_last[:80]
        self.patient_first = record.patient_first[:80]
        self.rendering_npi = record.rendering_npi[:20]

    @property
    def patient_name(self) -> str:
        return ", ".join(p for p in (self.patient_last, self.patient_first) if p)


@dataclass
class ClaimRows:
    claim: PostedClaim
    record: x12.Claim


CLAIM_COLUMNS = [
    "id",
    "practice_id",
    "remittance_id",
    "payer_id",
    "position",
    "account_number",
    "status_code",
    "charge",
    "paid",
    "patient_responsibility",
    "filing_indicator",
    "payer_claim_number",
    "facility_code",
    "frequency",
    "patient_last",
    "patient_first",
    "patient_id",
    "insured_id",
    "rendering_npi",
    "rendering_name",
    "statement_from",
    "statement_to",
    "received_date",
    "remarks",
]
LINE_COLUMNS = [
    "id",
    "claim_id",
    "line_number",
    "procedure_qualifier",
    "procedure_code",
    "modifiers",
    "charge",
    "paid",
    "revenue_code",
    "units",
    "service_date",
    "service_date_end",
    "control_number",
    "allowed",
    "remarks",
]
ADJUSTMENT_COLUMNS = ["claim_id", "line_id", "group", "reason", "amount", "quantity"]
NO_REMARKS = "[]"


def _json_list(values) -> str:
    return json.dumps(list(values)) if values else NO_REMARKS


def claims_write(
    *, remittance: Remittance, records: Sequence[x12.Claim]
) -> list[ClaimRows]:
    """Insert claims, their lines and adjustments as rows, in three set-based writes.

    Rows are plain tuples rather than model instances: a remittance brings ten-odd rows
    per claim, and building model objects for them cost more than writing them.
    """
    practice_id, payer_id = remittance.practice_id, remittance.payer_id
    line_total = sum(len(r.lines) for r in records)
    with connection.cursor() as cursor:
        claim_ids = reserve_ids(cursor, ClaimPayment._meta.db_table, len(records))
        line_ids = iter(reserve_ids(cursor, ServiceLine._meta.db_table, line_total))
        posted, claim_rows, line_rows, adjustment_rows = [], [], [], []
        for r, claim_id in zip(records, claim_ids, strict=True):
            claim = PostedClaim(claim_id, practice_id, payer_id, r)
            posted.append(ClaimRows(claim=claim, record=r))
            claim_rows.append(
                (
                    claim_id,
                    practice_id,
                    remittance.pk,
                    payer_id,
                    r.position,
                    claim.account_number,
                    claim.status_code,
                    r.charge,
                    r.paid,
                    r.patient_responsibility,
                    r.filing_indicator[:3],
                    claim.payer_claim_number,
                    r.facility_code[:5],
                    r.frequency[:2],
                    claim.patient_last,
                    claim.patient_first,
                    r.patient_id[:80],
                    r.insured_id[:80],
                    claim.rendering_npi,
                    r.rendering_name[:150],
                    r.statement_from,
                    r.statement_to,
                    r.received_date,
                    _json_list(r.remarks),
                )
            )
            for a in r.adjustments:
                adjustment_rows.append(
                    (claim_id, None, a.group, a.reason[:5], a.amount, a.quantity)
                )
            for ln in r.lines:
                line_id = next(line_ids)
                line_rows.append(
                    (
                        line_id,
                        claim_id,
                        ln.line_number,
                        ln.procedure_qualifier[:3],
                        ln.procedure_code[:48],
                        ":".join(ln.modifiers)[:20],
                        ln.charge,
                        ln.paid,
                        ln.revenue_code[:10],
                        ln.units,
                        ln.service_date,
                        ln.service_date_end,
                        ln.control_number[:50],
                        ln.allowed,
                        _json_list(ln.remarks),
                    )
                )
                for a in ln.adjustments:
                    adjustment_rows.append(
                        (claim_id, line_id, a.group, a.reason[:5], a.amount, a.quantity)
                    )
        insert_rows(cursor, ClaimPayment._meta.db_table, CLAIM_COLUMNS, claim_rows)
        insert_rows(cursor, ServiceLine._meta.db_table, LINE_COLUMNS, line_rows)
        insert_rows(
            cursor, Adjustment._meta.db_table, ADJUSTMENT_COLUMNS, adjustment_rows
        )
    return posted


def reversals_link(*, rows: Sequence[ClaimRows]) -> int:
    """Link reversals (CLP02 = 22) and the payments they take back, in either order."""
    linked = 0
    reversals = [r.claim for r in rows if r.claim.status_code == "22"]
    originals = [r.claim for r in rows if r.claim.status_code != "22"]
    if reversals:
        keys = {
            (c.payer_id, c.payer_claim_number)
            for c in reversals
            if c.payer_claim_number
        }
        candidates = (
            ClaimPayment.objects.filter(
                payer_id__in={k[0] for k in keys},
                payer_claim_number__in={k[1] for k in keys},
                reversed_by__isnull=True,
            )
            .exclude(status_code="22")
            .order_by("-remittance_id", "-position")
        )
        pool: dict[tuple, list[ClaimPayment]] = {}
        for c in candidates:
            pool.setdefault(
                (c.payer_id, c.payer_claim_number, c.account_number), []
            ).append(c)
        for rev in reversals:
            match = pool.get((rev.payer_id, rev.payer_claim_number, rev.account_number))
            match = [
                c for c in (match or []) if c.pk != rev.pk and c.charge == -rev.charge
            ]
            if match:
                pool[(rev.payer_id, rev.payer_claim_number, rev.account_number)].remove(
                    match[0]
                )
                ClaimPayment.objects.filter(pk=rev.pk).update(reverses_id=match[0].pk)
                linked += 1
    # Reversals that arrived before their payment: usually none, so ask that first.
    waiting_reversals = ClaimPayment.objects.filter(
        status_code="22",
        reverses__isnull=True,
        payer_id__in={c.payer_id for c in originals},
    )
    if originals and waiting_reversals.exists():
        icns = {c.payer_claim_number for c in originals if c.payer_claim_number}
        waiting = waiting_reversals.filter(payer_claim_number__in=icns).exclude(
            pk__in=[r.claim.pk for r in rows]
        )
        by_key = {
            (w.payer_id, w.payer_claim_number, w.account_number, -w.charge): w
            for w in waiting
        }
        for c in originals:
            rev = by_key.pop(
                (c.payer_id, c.payer_claim_number, c.account_number, c.charge), None
            )
            if rev is not None:
                ClaimPayment.objects.filter(pk=rev.pk).update(reverses_id=c.pk)
                linked += 1
    return linked


def provider_adjustments_write(
    *, remittance: Remittance, records: Sequence[x12.ProviderAdjustment]
) -> None:
    ProviderAdjustment.objects.bulk_create(
        [
            ProviderAdjustment(
                remittance=remittance,
                provider_id=p.provider_id[:50],
                fiscal_period_date=p.fiscal_period_date,
                reason=p.reason[:5],
                reference=p.reference[:80],
                amount=p.amount,
            )
            for p in records
        ]
    )


def issues_as_data(issues) -> list[dict]:
    return [
        {
            "severity": i.severity,
            "position": i.position,
            "segment": i.segment_id,
            "element": i.element,
            "message": str(i),
        }
        for i in issues
    ]


def remit_file_finish(
    *,
    remit_file: RemitFile,
    status: str,
    issues: list[dict],
    transactions: int,
    claims: int,
    denials: int,
    paid_total,
) -> None:
    RemitFile.objects.filter(pk=remit_file.pk).update(
        status=status,
        issues=issues,
        transactions=transactions,
        claims=claims,
        denials=denials,
        paid_total=paid_total,
        posted_at=timezone.now(),
    )


def held_remittances(*, remit_file: RemitFile):
    return remit_file.remittances.filter(
        Q(status=Remittance.Status.HELD_PAYEE)
        | Q(status=Remittance.Status.HELD_CONFLICT)
    )
