"""Writes of the remits app: store a received file, post a transaction set's rows."""

import hashlib
import os
import shutil
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from django.conf import settings
import json

from django.db import IntegrityError, connection, transaction
from django.db.models import Q
from django.utils import timezone

from core.bulk import copy_rows, reserve_ids
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
                        f"{name}: larger than the {limit // (1024 * 1024)} MB limit for one "
                        "remit file", field="file",
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
                    uploaded_by=user if getattr(user, "is_authenticated", False) else None,
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
    identifier = (header.payer_id or header.trace_payer_id or header.payer_name or "").strip()
    if not identifier:
        return None
    payer, _ = Payer.objects.get_or_create(
        identifier=identifier[:80],
        defaults={"name": (header.payer_name or identifier)[:200]},
    )
    return payer.canonical or payer


def posted_twin(*, payer_identifier: str, trace_number: str) -> Remittance | None:
    if not trace_number:
        return None
    return Remittance.objects.filter(
        payer_identifier=payer_identifier,
        trace_number=trace_number,
        status__in=[Remittance.Status.POSTED, Remittance.Status.POSTED_WITH_WARNINGS],
    ).first()


@dataclass
class ClaimRows:
    claim: ClaimPayment
    record: x12.Claim
    lines: list[ServiceLine]


def claims_write(
    *, remittance: Remittance, records: Sequence[x12.Claim]
) -> list[ClaimRows]:
    """Insert claims, their lines and adjustments in a few set-based statements."""
    practice_id = remittance.practice_id
    claims = [
        ClaimPayment(
            practice_id=practice_id,
            remittance=remittance,
            payer_id=remittance.payer_id,
            position=r.position,
            account_number=r.account_number[:50],
            status_code=r.status[:3],
            charge=r.charge,
            paid=r.paid,
            patient_responsibility=r.patient_responsibility,
            filing_indicator=r.filing_indicator[:3],
            payer_claim_number=r.payer_claim_number[:50],
            facility_code=r.facility_code[:5],
            frequency=r.frequency[:2],
            patient_last=r.patient_last[:80],
            patient_first=r.patient_first[:80],
            patient_id=r.patient_id[:80],
            insured_id=r.insured_id[:80],
            rendering_npi=r.rendering_npi[:20],
            rendering_name=r.rendering_name[:150],
            statement_from=r.statement_from,
            statement_to=r.statement_to,
            received_date=r.received_date,
            remarks=list(r.remarks),
        )
        for r in records
    ]
    if connection.vendor == "postgresql":
        return _claims_copy(claims=claims, records=records)
    ClaimPayment.objects.bulk_create(claims, batch_size=2000)
    lines: list[ServiceLine] = []
    per_claim: list[list[ServiceLine]] = []
    for claim, record in zip(claims, records, strict=True):
        mine = [
            ServiceLine(
                claim=claim,
                line_number=ln.line_number,
                procedure_qualifier=ln.procedure_qualifier[:3],
                procedure_code=ln.procedure_code[:48],
                modifiers=":".join(ln.modifiers)[:20],
                charge=ln.charge,
                paid=ln.paid,
                revenue_code=ln.revenue_code[:10],
                units=ln.units,
                service_date=ln.service_date,
                service_date_end=ln.service_date_end,
                control_number=ln.control_number[:50],
                allowed=ln.allowed,
                remarks=list(ln.remarks),
            )
            for ln in record.lines
        ]
        per_claim.append(mine)
        lines.extend(mine)
    ServiceLine.objects.bulk_create(lines, batch_size=2000)
    adjustments = []
    for claim, record, mine in zip(claims, records, per_claim, strict=True):
        for a in record.adjustments:
            adjustments.append(
                Adjustment(claim=claim, group=a.group, reason=a.reason[:5], amount=a.amount,
                           quantity=a.quantity)
            )
        for line_row, ln in zip(mine, record.lines, strict=True):
            for a in ln.adjustments:
                adjustments.append(
                    Adjustment(claim=claim, line=line_row, group=a.group, reason=a.reason[:5],
                               amount=a.amount, quantity=a.quantity)
                )
    Adjustment.objects.bulk_create(adjustments, batch_size=2000)
    return [
        ClaimRows(claim=c, record=r, lines=m)
        for c, r, m in zip(claims, records, per_claim, strict=True)
    ]


CLAIM_COLUMNS = [
    "id", "practice_id", "remittance_id", "payer_id", "position", "account_number",
    "status_code", "charge", "paid", "patient_responsibility", "filing_indicator",
    "payer_claim_number", "facility_code", "frequency", "patient_last", "patient_first",
    "patient_id", "insured_id", "rendering_npi", "rendering_name", "statement_from",
    "statement_to", "received_date", "remarks",
]
LINE_COLUMNS = [
    "id", "claim_id", "line_number", "procedure_qualifier", "procedure_code", "modifiers",
    "charge", "paid", "revenue_code", "units", "service_date", "service_date_end",
    "control_number", "allowed", "remarks",
]
ADJUSTMENT_COLUMNS = ["claim_id", "line_id", "group", "reason", "amount", "quantity"]


def _claims_copy(*, claims: list[ClaimPayment], records: Sequence[x12.Claim]) -> list[ClaimRows]:
    """PostgreSQL path: ids from the sequences, rows through COPY (several times faster
    than INSERT for the ten-odd rows each claim brings)."""
    line_total = sum(len(r.lines) for r in records)
    with connection.cursor() as wrapper:
        cursor = wrapper.cursor  # psycopg's own cursor, for COPY
        claim_ids = reserve_ids(cursor, "remits_claimpayment", len(claims))
        line_ids = iter(reserve_ids(cursor, "remits_serviceline", line_total))
        claim_rows, line_rows, adjustment_rows = [], [], []
        for claim, record, claim_id in zip(claims, records, claim_ids, strict=True):
            claim.pk = claim_id
            claim._state.adding = False
            claim_rows.append((
                claim_id, claim.practice_id, claim.remittance_id, claim.payer_id,
                claim.position, claim.account_number, claim.status_code, claim.charge,
                claim.paid, claim.patient_responsibility, claim.filing_indicator,
                claim.payer_claim_number, claim.facility_code, claim.frequency,
                claim.patient_last, claim.patient_first, claim.patient_id, claim.insured_id,
                claim.rendering_npi, claim.rendering_name, claim.statement_from,
                claim.statement_to, claim.received_date, json.dumps(claim.remarks),
            ))
            for a in record.adjustments:
                adjustment_rows.append(
                    (claim_id, None, a.group, a.reason[:5], a.amount, a.quantity))
            for ln in record.lines:
                line_id = next(line_ids)
                line_rows.append((
                    line_id, claim_id, ln.line_number, ln.procedure_qualifier[:3],
                    ln.procedure_code[:48], ":".join(ln.modifiers)[:20], ln.charge, ln.paid,
                    ln.revenue_code[:10], ln.units, ln.service_date, ln.service_date_end,
                    ln.control_number[:50], ln.allowed, json.dumps(list(ln.remarks)),
                ))
                for a in ln.adjustments:
                    adjustment_rows.append(
                        (claim_id, line_id, a.group, a.reason[:5], a.amount, a.quantity))
        copy_rows(cursor, "remits_claimpayment", CLAIM_COLUMNS, claim_rows)
        copy_rows(cursor, "remits_serviceline", LINE_COLUMNS, line_rows)
        copy_rows(cursor, "remits_adjustment", ADJUSTMENT_COLUMNS, adjustment_rows)
    return [ClaimRows(claim=c, record=r, lines=[]) for c, r in zip(claims, records, strict=True)]


def reversals_link(*, rows: Sequence[ClaimRows]) -> int:
    """Link reversals (CLP02 = 22) and the payments they take back, in either order."""
    linked = 0
    reversals = [r.claim for r in rows if r.claim.status_code == "22"]
    originals = [r.claim for r in rows if r.claim.status_code != "22"]
    if reversals:
        keys = {(c.payer_id, c.payer_claim_number) for c in reversals if c.payer_claim_number}
        candidates = ClaimPayment.objects.filter(
            payer_id__in={k[0] for k in keys},
            payer_claim_number__in={k[1] for k in keys},
            reversed_by__isnull=True,
        ).exclude(status_code="22").order_by("-remittance_id", "-position")
        pool: dict[tuple, list[ClaimPayment]] = {}
        for c in candidates:
            pool.setdefault((c.payer_id, c.payer_claim_number, c.account_number), []).append(c)
        for rev in reversals:
            match = pool.get((rev.payer_id, rev.payer_claim_number, rev.account_number))
            match = [c for c in (match or []) if c.pk != rev.pk and c.charge == -rev.charge]
            if match:
                rev.reverses = match[0]
                pool[(rev.payer_id, rev.payer_claim_number, rev.account_number)].remove(match[0])
                ClaimPayment.objects.filter(pk=rev.pk).update(reverses=match[0])
                linked += 1
    if originals:
        icns = {c.payer_claim_number for c in originals if c.payer_claim_number}
        waiting = ClaimPayment.objects.filter(
            status_code="22", reverses__isnull=True, payer_claim_number__in=icns,
            payer_id__in={c.payer_id for c in originals},
        ).exclude(pk__in=[r.claim.pk for r in rows])
        by_key = {(w.payer_id, w.payer_claim_number, w.account_number, -w.charge): w
                  for w in waiting}
        for c in originals:
            rev = by_key.pop((c.payer_id, c.payer_claim_number, c.account_number, c.charge), None)
            if rev is not None:
                ClaimPayment.objects.filter(pk=rev.pk).update(reverses=c)
                linked += 1
    return linked


def provider_adjustments_write(
    *, remittance: Remittance, records: Sequence[x12.ProviderAdjustment]
) -> None:
    ProviderAdjustment.objects.bulk_create(
        [
            ProviderAdjustment(
                remittance=remittance, provider_id=p.provider_id[:50],
                fiscal_period_date=p.fiscal_period_date, reason=p.reason[:5],
                reference=p.reference[:80], amount=p.amount,
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


def remit_file_finish(*, remit_file: RemitFile, status: str, issues: list[dict],
                      transactions: int, claims: int, denials: int, paid_total) -> None:
    RemitFile.objects.filter(pk=remit_file.pk).update(
        status=status, issues=issues, transactions=transactions, claims=claims,
        denials=denials, paid_total=paid_total, posted_at=timezone.now(),
    )


def held_remittances(*, remit_file: RemitFile):
    return remit_file.remittances.filter(
        Q(status=Remittance.Status.HELD_PAYEE) | Q(status=Remittance.Status.HELD_CONFLICT)
    )
