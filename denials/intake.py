"""The one place that orchestrates an ERA from file to queue.

remits stores the file and posts payments; this module then asks denials to queue what
was denied and to score it. Every way in (upload, API, command, drop folder, worker)
calls `era_ingest` or `era_file_post`.
"""

import hashlib
import logging
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import BinaryIO

from django.db import IntegrityError, transaction
from django.utils import timezone

from core.models import Practice
from remits import services as remit_services
from remits import x12
from remits.models import RemitFile, Remittance

from . import hooks
from .services import IntakeContext, denials_from_claims

logger = logging.getLogger(__name__)
CHUNK_CLAIMS = 1000
ZERO = Decimal("0")
SCORE_BATCH = 5000


@dataclass
class IngestReport:
    """What one file's ingest did; the JSON line of `ingest_era --json`."""

    file: str
    status: str
    transactions: int = 0
    claims: int = 0
    denials: int = 0
    recovered: int = 0
    paid_total: Decimal = ZERO
    warnings: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    remit_file_id: int | None = None
    held: int = 0

    @property
    def label(self) -> str:
        return STATUS_LABELS.get(self.status, self.status)

    def as_json(self) -> dict:
        data = asdict(self)
        data["paid_total"] = str(self.paid_total)
        return data


STATUS_LABELS = {
    **dict(RemitFile.Status.choices),
    "duplicate": "Already received: nothing posted again",
}


class _Rejected(Exception):
    """Roll back a transaction set whose content is ambiguous or not postable."""

    def __init__(
        self, status: str, transaction_: x12.Transaction | None, note: str = ""
    ):
        self.status = status
        self.transaction = transaction_
        self.note = note


def era_ingest(
    *,
    stream: BinaryIO,
    name: str,
    source: str,
    user=None,
    practice_hint: Practice | None = None,
    run_async: bool = False,
) -> IngestReport:
    """Store a received 835 and post it (now, or in the worker when `run_async`)."""
    remit_file, created = remit_services.remit_file_store(
        stream=stream, name=name, source=source, user=user, practice_hint=practice_hint
    )
    if not created:
        return IngestReport(
            file=name,
            status="duplicate",
            remit_file_id=remit_file.pk,
            transactions=remit_file.transactions,
            warnings=[
                f"{name}: identical to {remit_file.original_name}, received "
                f"{remit_file.received_at:%Y-%m-%d %H:%M}; nothing posted again"
            ],
        )
    if run_async:
        from .tasks import era_file_post_task

        file_id = remit_file.pk
        transaction.on_commit(lambda: era_file_post_task.delay(file_id))
        return IngestReport(file=name, status="received", remit_file_id=remit_file.pk)
    return era_file_post(remit_file=remit_file)


def _events(remit_file: RemitFile) -> Iterator:
    path = remit_services.remit_file_path(remit_file)
    yield from x12.read_835(path, filename=remit_file.original_name)


def era_file_post(
    *,
    remit_file: RemitFile,
    only_sequence: int | None = None,
    practice: Practice | None = None,
    accept_conflict: bool = False,
) -> IngestReport:
    """Post each transaction set of a stored file in its own database transaction.

    `only_sequence` with `practice` or `accept_conflict` re-posts one held transaction.
    """
    report = IngestReport(
        file=remit_file.original_name, status="posted", remit_file_id=remit_file.pk
    )
    context = IntakeContext()
    file_issues: list[x12.Issue] = []
    new_denial_ids: list[int] = []
    sequence = 0
    events = _events(remit_file)
    try:
        for event in events:
            if isinstance(event, x12.FileIssue):
                file_issues.append(event.issue)
                continue
            if not isinstance(event, x12.TransactionStart):
                continue
            sequence += 1
            if only_sequence is not None and sequence != only_sequence:
                _skip_transaction(events)
                continue
            outcome = _post_one(
                remit_file=remit_file,
                sequence=sequence,
                header=event.header,
                events=events,
                context=context,
                practice=practice,
                accept_conflict=accept_conflict,
            )
            report.transactions += 1
            report.claims += outcome["claims"]
            report.denials += len(outcome["denials"])
            report.recovered += outcome["recovered"]
            report.paid_total += outcome["paid"]
            report.held += outcome["held"]
            report.warnings += outcome["warnings"]
            report.errors += outcome["errors"]
            new_denial_ids += outcome["denials"]
    except x12.X12Error as exc:
        report.errors.append(str(exc))
        if sequence:
            # Damage after some payments: those stand, the rest of the file did not
            # read; the status below says "partly posted".
            file_issues.append(
                x12.Issue(
                    "error",
                    remit_file.original_name,
                    exc.position,
                    exc.segment_id,
                    exc.element,
                    exc.message,
                )
            )
        else:
            return _rejected_whole(remit_file, report, exc)

    broken = any(i.severity == "error" for i in file_issues)
    report.warnings = [
        str(i) for i in file_issues if i.severity == "warning"
    ] + report.warnings
    remittances = list(remit_file.remittances.values_list("status", flat=True))
    posted = sum(s in ("posted", "posted_with_warnings") for s in remittances)
    held = sum(s in ("held_payee", "held_conflict") for s in remittances)
    rejected = sum(s == "rejected" for s in remittances)
    if not remittances:
        report.status = "rejected"
        report.errors.append(
            f"{remit_file.original_name}: no 835 transaction set found"
        )
    elif (
        posted == len(remittances) - sum(s == "duplicate" for s in remittances)
        and posted
    ):
        report.status = "posted_with_warnings" if report.warnings else "posted"
    elif posted:
        report.status = "partial"
    elif held:
        report.status = "held"
    elif rejected:
        report.status = "rejected"
    else:
        report.status = "duplicate"
    if broken and report.status in ("posted", "posted_with_warnings"):
        report.status = "partial"
    if only_sequence is None:
        totals = remit_file.remittances.filter(
            status__in=["posted", "posted_with_warnings"]
        )
        remit_services.remit_file_finish(
            remit_file=remit_file,
            status=report.status,
            issues=remit_services.issues_as_data(file_issues),
            transactions=len(remittances),
            claims=report.claims,
            denials=report.denials,
            paid_total=sum((r.paid_total for r in totals), ZERO),
        )
    else:
        _refresh_file_status(remit_file)
    _enqueue_scoring(new_denial_ids)
    posted = remit_file.remittances.filter(
        status__in=["posted", "posted_with_warnings"], practice__isnull=False
    ).values_list("practice_id", "payment_date", "production_date")
    hooks.remits_posted(
        practice_ids={p for p, _, _ in posted},
        dates={pay or prod for _, pay, prod in posted if pay or prod},
        recovered=report.recovered,
    )
    return report


def _rejected_whole(remit_file: RemitFile, report: IngestReport, exc) -> IngestReport:
    """Nothing in the file could be read as an 835."""
    report.status = "rejected"
    remit_services.remit_file_finish(
        remit_file=remit_file,
        status=RemitFile.Status.REJECTED,
        issues=[
            {
                "severity": "error",
                "message": str(exc),
                "position": exc.position,
                "segment": exc.segment_id,
                "element": exc.element,
            }
        ],
        transactions=0,
        claims=0,
        denials=0,
        paid_total=ZERO,
    )
    return report


def _refresh_file_status(remit_file: RemitFile) -> None:
    statuses = list(remit_file.remittances.values_list("status", flat=True))
    posted = [s for s in statuses if s in ("posted", "posted_with_warnings")]
    waiting = [s for s in statuses if s in ("held_payee", "held_conflict")]
    status = (
        RemitFile.Status.HELD
        if waiting and not posted
        else RemitFile.Status.PARTIAL
        if waiting or "rejected" in statuses
        else RemitFile.Status.POSTED
    )
    RemitFile.objects.filter(pk=remit_file.pk).update(status=status)


def _skip_transaction(events: Iterator) -> x12.Transaction | None:
    for ev in events:
        if isinstance(ev, x12.TransactionEnd):
            return ev.transaction
    return None


def _enqueue_scoring(ids: list[int]) -> None:
    if not ids:
        return
    from .tasks import denials_score_task

    for start in range(0, len(ids), SCORE_BATCH):
        batch = ids[start : start + SCORE_BATCH]
        transaction.on_commit(lambda batch=batch: denials_score_task.delay(batch))


def _header_summary(header: x12.RemittanceHeader) -> dict:
    return {
        "trace_number": (header.trace_number or "")[:80],
        "interchange_sender": (header.interchange_sender or "")[:20],
        "interchange_control_number": (header.interchange_control_number or "")[:20],
        "transaction_control_number": (header.transaction_control_number or "")[:20],
        "version": (header.version or "")[:20],
        "payment_amount": (
            header.payment_amount
            if header.payment_amount is None
            or abs(header.payment_amount) < remit_services.HEADER_MONEY_LIMIT
            else None
        ),
        "credit_debit": (header.credit_debit or "")[:2],
        "payment_method": (header.payment_method or "")[:3],
        "payment_date": header.payment_date,
        "production_date": header.production_date,
        "payer_name": (header.payer_name or "")[:200],
        "payee_name": (header.payee_name or "")[:200],
        "payee_npi": (header.payee_npi or "")[:20],
        "payee_tin": (header.payee_tin or "")[:20],
    }


def _adjustments_text(adjustments) -> str:
    return ",".join(f"{a.group}{a.reason}={a.amount}" for a in adjustments)


def _fingerprint(claim: x12.Claim) -> bytes:
    """What makes a claim's content, without its position in the file."""
    parts = [
        claim.account_number,
        claim.status,
        str(claim.charge),
        str(claim.paid),
        str(claim.patient_responsibility),
        claim.payer_claim_number,
        claim.frequency,
        claim.patient_last,
        claim.patient_first,
        claim.insured_id,
        str(claim.statement_from),
        ",".join(claim.remarks),
        _adjustments_text(claim.adjustments),
    ]
    for ln in claim.lines:
        parts.append(
            f"{ln.procedure_code}:{':'.join(ln.modifiers)}|{ln.charge}|{ln.paid}|"
            f"{ln.units}|{ln.service_date}|{ln.control_number}|{','.join(ln.remarks)}|"
            + _adjustments_text(ln.adjustments)
        )
    return "\x1f".join(parts).encode()


def _post_one(
    *, remit_file, sequence, header, events, context, practice, accept_conflict
) -> dict:
    """Post one transaction set atomically, or record why it was not posted."""
    outcome = {
        "claims": 0,
        "denials": [],
        "recovered": 0,
        "paid": ZERO,
        "held": 0,
        "warnings": [],
        "errors": [],
    }
    target = (
        practice
        or remit_services.practice_for_payee(npi=header.payee_npi, tin=header.payee_tin)
        or remit_file.practice_hint
    )
    payer = remit_services.payer_for(header=header)
    payer_identifier = payer.identifier if payer else ""
    # Envelope control numbers change when a clearinghouse resends; content does not.
    hashed = {
        k: v
        for k, v in _header_summary(header).items()
        if k
        not in (
            "interchange_sender",
            "interchange_control_number",
            "transaction_control_number",
        )
    }
    digest = hashlib.sha256(repr(hashed | {"payer": payer_identifier}).encode())
    try:
        with transaction.atomic():
            # A held transaction set being released keeps its row (and id).
            remittance, _ = Remittance.objects.update_or_create(
                remit_file=remit_file,
                sequence=sequence,
                defaults={
                    "practice": target,
                    "payer": payer,
                    "status": Remittance.Status.POSTING,
                    "content_hash": "",
                    "payer_identifier": payer_identifier,
                    **_header_summary(header),
                },
            )
            buffer: list[x12.Claim] = []
            end: x12.Transaction | None = None
            new_ids: list[int] = []
            recovered = 0

            def flush() -> None:
                nonlocal recovered
                if not buffer or target is None:
                    buffer.clear()
                    return
                rows = remit_services.claims_write(
                    remittance=remittance, records=buffer
                )
                remit_services.reversals_link(rows=rows)
                created, resolved = denials_from_claims(
                    remittance=remittance, rows=rows, context=context
                )
                new_ids.extend(d.pk for d in created)
                recovered += resolved
                buffer.clear()

            out_of_range: list[str] = []
            for ev in events:
                if isinstance(ev, x12.Claim):
                    digest.update(_fingerprint(ev))
                    problems = remit_services.claim_range_problems(ev)
                    if problems or out_of_range:
                        # Stop writing: this transaction set is going to be rejected.
                        out_of_range.extend(problems)
                        continue
                    buffer.append(ev)
                    if len(buffer) >= CHUNK_CLAIMS:
                        flush()
                elif isinstance(ev, x12.TransactionEnd):
                    end = ev.transaction
                    break
            if end is None:
                raise _Rejected(
                    "rejected", None, "the file ended inside a transaction set"
                )
            if end.rejected:
                raise _Rejected("rejected", end)
            if out_of_range:
                raise _Rejected("rejected", end, "; ".join(out_of_range[:5]))
            for p in end.provider_adjustments:
                digest.update(repr(p).encode())
            content_hash = digest.hexdigest()
            twin = remit_services.posted_twin(
                payer_identifier=payer_identifier,
                trace_number=header.trace_number or "",
            )
            if twin is not None and twin.pk != remittance.pk:
                if twin.content_hash == content_hash:
                    raise _Rejected(
                        "duplicate", end, f"already posted as remittance {twin.pk}"
                    )
                if not accept_conflict:
                    raise _Rejected(
                        "held_conflict",
                        end,
                        f"trace number {header.trace_number} was posted with "
                        f"other content (remittance {twin.pk})",
                    )
            clash = (
                None
                if accept_conflict
                else remit_services.interchange_clash(
                    remit_file=remit_file,
                    sender=(header.interchange_sender or "")[:20],
                    control_number=(header.interchange_control_number or "")[:20],
                    content_hash=content_hash,
                )
            )
            if clash is not None:
                raise _Rejected(
                    "held_conflict",
                    end,
                    f"interchange control number {header.interchange_control_number} "
                    f"from {header.interchange_sender} was posted by another file with "
                    f"other content ({clash.remit_file.original_name})",
                )
            if target is None:
                raise _Rejected("held_payee", end, "payee matches no practice")
            flush()
            remit_services.provider_adjustments_write(
                remittance=remittance, records=end.provider_adjustments
            )
            warnings = end.warnings
            remittance.status = (
                Remittance.Status.POSTED_WITH_WARNINGS
                if warnings
                else Remittance.Status.POSTED
            )
            if accept_conflict and twin is not None:
                # Posted alongside its twin on an admin's say-so: keep the key unique.
                remittance.trace_number = f"{remittance.trace_number}#{remittance.pk}"[
                    :80
                ]
            remittance.content_hash = content_hash
            remittance.claim_count = end.claim_count
            remittance.paid_total = end.paid_total
            remittance.issues = remit_services.issues_as_data(end.issues)
            remittance.posted_at = timezone.now()
            try:
                with transaction.atomic():
                    remittance.save()
            except IntegrityError:
                # Another upload posted the same payer + trace number a moment ago.
                raise _Rejected(
                    "held_conflict",
                    end,
                    f"trace number {header.trace_number} was posted at the "
                    "same time by another file",
                ) from None
            outcome.update(
                claims=end.claim_count,
                denials=new_ids,
                recovered=recovered,
                paid=end.paid_total,
                warnings=[str(i) for i in warnings],
            )
    except _Rejected as rejected:
        end = rejected.transaction
        note = rejected.note
        issues = remit_services.issues_as_data(end.issues) if end else []
        if note:
            issues.append(
                {
                    "severity": "error" if rejected.status == "rejected" else "warning",
                    "message": f"{remit_file.original_name}: transaction {sequence}: "
                    f"{note}",
                }
            )
        with transaction.atomic():
            Remittance.objects.update_or_create(
                remit_file=remit_file,
                sequence=sequence,
                defaults={
                    "practice": target,
                    "payer": payer,
                    "status": rejected.status,
                    "content_hash": digest.hexdigest(),
                    "payer_identifier": payer_identifier,
                    "claim_count": end.claim_count if end else 0,
                    "paid_total": end.paid_total if end else ZERO,
                    "issues": issues,
                    **_header_summary(header),
                },
            )
        if rejected.status == "rejected":
            outcome["errors"] = [
                i["message"] for i in issues if i["severity"] == "error"
            ]
            outcome["warnings"] = [
                i["message"] for i in issues if i["severity"] == "warning"
            ]
        elif rejected.status in ("held_payee", "held_conflict"):
            outcome["held"] = 1
            outcome["warnings"] = [
                f"{remit_file.original_name}: transaction {sequence} held "
                f"for review: {note}"
            ]
        else:
            outcome["warnings"] = [
                f"{remit_file.original_name}: transaction {sequence}: {note}"
            ]
    return outcome


def remittance_release(
    *,
    remittance: Remittance,
    practice: Practice | None = None,
    accept_conflict: bool = False,
) -> IngestReport:
    """Post a held transaction set: to an admin's practice, or despite a conflict."""
    from core.errors import ApplicationError

    if remittance.status == Remittance.Status.HELD_PAYEE and practice is None:
        raise ApplicationError(
            "Choose the practice this payment belongs to.", field="practice"
        )
    if remittance.status not in (
        Remittance.Status.HELD_PAYEE,
        Remittance.Status.HELD_CONFLICT,
    ):
        raise ApplicationError(
            f"This remittance is {remittance.get_status_display()}; "
            "only held remittances can be released."
        )
    return era_file_post(
        remit_file=remittance.remit_file,
        only_sequence=remittance.sequence,
        practice=practice,
        accept_conflict=accept_conflict,
    )


def path_ingest(
    *, path: Path, source: str, practice_hint: Practice | None = None, user=None
) -> IngestReport:
    """Ingest a file from disk (command line, drop folder)."""
    try:
        with open(path, "rb") as stream:
            return era_ingest(
                stream=stream,
                name=path.name,
                source=source,
                user=user,
                practice_hint=practice_hint,
            )
    except OSError as exc:
        return IngestReport(
            file=str(path),
            status="rejected",
            errors=[f"{path}: cannot read ({exc.strerror})"],
        )


def drop_folder_poll(
    *, directory: Path, settle_seconds: float = 5.0
) -> list[IngestReport]:
    """Post each file a clearinghouse left in `directory` once, then move it aside.

    A file is claimed by renaming it into `processing/` (atomic on one file system), so
    two pollers never post the same file; then it moves to `posted/` or `rejected/`.
    Files changed within `settle_seconds` may still be being written and wait a round.
    """
    import os
    import time

    reports: list[IngestReport] = []
    if not directory.is_dir():
        logger.warning("drop folder %s does not exist", directory)
        return reports
    processing, posted, rejected = (
        directory / n for n in ("processing", "posted", "rejected")
    )
    for folder in (processing, posted, rejected):
        folder.mkdir(exist_ok=True)
    now = time.time()
    for entry in sorted(directory.iterdir()):
        if not entry.is_file() or entry.name.startswith("."):
            continue
        if now - entry.stat().st_mtime < settle_seconds:
            continue
        claimed = processing / entry.name
        try:
            os.rename(entry, claimed)
        except OSError:
            continue  # another poller took it
        report = path_ingest(path=claimed, source="drop")
        target = rejected if report.status == "rejected" else posted
        destination = target / claimed.name
        if destination.exists():
            destination = target / f"{int(now)}-{claimed.name}"
        os.rename(claimed, destination)
        logger.info(
            "drop folder: remit file %s %s", report.remit_file_id, report.status
        )
        reports.append(report)
    return reports
