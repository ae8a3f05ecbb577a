"""Immutable records read from an 835: adjustments, service lines, claims, headers.

Money is always ``decimal.Decimal``; dates are ``datetime.date`` or ``None``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from .errors import Issue

ZERO = Decimal("0")


@dataclass(frozen=True, slots=True)
class Adjustment:
    """One CAS triplet: group code, reason code (CARC), amount, optional quantity."""

    group: str
    reason: str
    amount: Decimal
    quantity: Decimal | None = None


@dataclass(frozen=True, slots=True)
class ServiceLine:
    """Loop 2110: one SVC with its dates, adjustments and remarks."""

    line_number: int
    procedure_qualifier: str
    procedure_code: str
    modifiers: tuple[str, ...]
    charge: Decimal
    paid: Decimal
    revenue_code: str
    units: Decimal | None
    original_procedure: str
    service_date: date | None
    service_date_end: date | None
    control_number: str
    allowed: Decimal | None
    adjustments: tuple[Adjustment, ...]
    remarks: tuple[str, ...]
    position: int


@dataclass(frozen=True, slots=True)
class Claim:
    """Loop 2100: one CLP with patient, provider, dates, adjustments and lines."""

    account_number: str
    status: str
    charge: Decimal
    paid: Decimal
    patient_responsibility: Decimal | None
    filing_indicator: str
    payer_claim_number: str
    facility_code: str
    frequency: str
    patient_last: str
    patient_first: str
    patient_id: str
    insured_id: str
    rendering_npi: str
    rendering_name: str
    statement_from: date | None
    statement_to: date | None
    received_date: date | None
    remarks: tuple[str, ...]
    adjustments: tuple[Adjustment, ...]
    lines: tuple[ServiceLine, ...]
    position: int

    @property
    def is_reversal(self) -> bool:
        return self.status == "22"


@dataclass(frozen=True, slots=True)
class ProviderAdjustment:
    """One reason/amount pair of a PLB (provider-level adjustment)."""

    provider_id: str
    fiscal_period_date: date | None
    reason: str
    reference: str
    amount: Decimal


@dataclass(frozen=True, slots=True)
class RemittanceHeader:
    """Envelope and header of one 835 transaction set (one payment)."""

    interchange_control_number: str | None
    interchange_sender: str | None
    interchange_receiver: str | None
    group_control_number: str | None
    version: str | None
    transaction_control_number: str | None
    payment_amount: Decimal | None
    credit_debit: str | None
    payment_method: str | None
    payment_date: date | None
    trace_number: str | None
    trace_payer_id: str | None
    production_date: date | None
    payer_name: str | None
    payer_id: str | None
    payee_name: str | None
    payee_npi: str | None
    payee_tin: str | None
    position: int | None


@dataclass(slots=True)
class Transaction:
    """One ST..SE transaction set once read to its end.

    In the streaming reader ``claims`` stays empty (claims were yielded one by one);
    ``parse_835`` fills it.
    """

    header: RemittanceHeader
    claims: list[Claim] = field(default_factory=list)
    provider_adjustments: list[ProviderAdjustment] = field(default_factory=list)
    issues: list[Issue] = field(default_factory=list)
    claim_count: int = 0
    paid_total: Decimal = ZERO
    charge_total: Decimal = ZERO
    provider_adjustment_total: Decimal = ZERO
    segment_count: int = 0
    position_start: int | None = None
    position_end: int | None = None

    @property
    def rejected(self) -> bool:
        return any(i.severity == "error" for i in self.issues)

    @property
    def errors(self) -> list[Issue]:
        return [i for i in self.issues if i.severity == "error"]

    @property
    def warnings(self) -> list[Issue]:
        return [i for i in self.issues if i.severity == "warning"]


ParsedTransaction = Transaction


@dataclass(frozen=True, slots=True)
class TransactionStart:
    """Emitted once the header of a transaction set is read (before its claims)."""

    header: RemittanceHeader


@dataclass(frozen=True, slots=True)
class TransactionEnd:
    """Emitted at SE (or where SE should have been) with totals and issues."""

    transaction: Transaction


@dataclass(frozen=True, slots=True)
class FileIssue:
    """A file-level issue not tied to one transaction set (BOM, envelope counts…)."""

    issue: Issue


Event = TransactionStart | Claim | TransactionEnd | FileIssue
