"""X12 835 (ERA) reading and generation. Pure Python: no Django here."""

from .errors import Issue, X12Error
from .generator import GenerationSummary, Payee, Payer, generate_835
from .reader import parse_835, read_835
from .records import (
    Adjustment,
    Claim,
    Event,
    FileIssue,
    ParsedTransaction,
    ProviderAdjustment,
    RemittanceHeader,
    ServiceLine,
    Transaction,
    TransactionEnd,
    TransactionStart,
)

__all__ = [
    "Adjustment",
    "Claim",
    "Event",
    "FileIssue",
    "GenerationSummary",
    "Issue",
    "ParsedTransaction",
    "Payee",
    "Payer",
    "ProviderAdjustment",
    "RemittanceHeader",
    "ServiceLine",
    "Transaction",
    "TransactionEnd",
    "TransactionStart",
    "X12Error",
    "generate_835",
    "parse_835",
    "read_835",
]
