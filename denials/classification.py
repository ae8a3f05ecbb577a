"""Decide whether an adjudicated claim is a denial, and say why. Pure: no database.

The rules follow the billing office's definitions: a full denial is CLP02 = 4; a
"processed" claim paid nothing with non-contractual, non-patient adjustments is a
zero-pay denial; a service line paid nothing with a denial reason is a line-level
denial; money carried by a denial reason on a paid claim is a partial denial.
Contractual write-downs, patient share, prior-payer impact and reversals are not.
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal

ZERO = Decimal("0")

DENIAL = "denial"
CONTRACTUAL = "contractual"
PATIENT = "patient"
INFORMATIONAL = "informational"

# (group, carc) -> kind; carc "*" is the group's default. Sites edit these in the admin.
DEFAULT_RULES: dict[tuple[str, str], str] = {
    ("PR", "*"): PATIENT,
    ("CO", "*"): DENIAL,
    ("PI", "*"): DENIAL,
    ("OA", "*"): DENIAL,
    ("CR", "*"): INFORMATIONAL,
    ("OA", "23"): INFORMATIONAL,  # impact of prior payer(s) adjudication
    ("CO", "45"): CONTRACTUAL,  # charge exceeds fee schedule
    ("CO", "253"): CONTRACTUAL,  # sequestration
    ("CO", "59"): CONTRACTUAL,  # multiple/concurrent procedure rules
    ("CO", "94"): CONTRACTUAL,  # processed in excess of charges
    ("CO", "42"): CONTRACTUAL,  # charges exceed fee schedule/maximum allowable
    ("CO", "44"): CONTRACTUAL,  # prompt-pay discount
    ("CO", "131"): CONTRACTUAL,  # claim-specific negotiated discount
    ("CO", "144"): CONTRACTUAL,  # incentive adjustment
    ("CO", "237"): CONTRACTUAL,  # legislated/regulatory penalty
    ("CO", "24"): CONTRACTUAL,  # covered by capitation
    ("CO", "223"): CONTRACTUAL,  # mandated federal/state adjustment
    (
        "CO",
        "A2",
    ): CONTRACTUAL,  # contractual adjustment (retired code, still on old remits)
    ("PI", "A2"): CONTRACTUAL,
    ("OA", "A2"): CONTRACTUAL,
    ("CO", "23"): INFORMATIONAL,  # prior payer impact, whatever the group
    ("PI", "23"): INFORMATIONAL,
    ("PI", "45"): CONTRACTUAL,
    ("PI", "253"): CONTRACTUAL,
    ("OA", "45"): CONTRACTUAL,
    ("OA", "94"): CONTRACTUAL,
}

# Claim statuses that are not adjudications of this claim by this payer.
NOT_ADJUDICATED = {"22", "25"}
DUPLICATE_CARC = "18"


@dataclass(frozen=True)
class CasEntry:
    group: str
    reason: str
    amount: Decimal
    line_number: int | None = None  # None: claim level
    procedure: str = ""
    line_paid: Decimal | None = None
    remarks: tuple[str, ...] = ()


@dataclass(frozen=True)
class Finding:
    """What the classifier concluded about one claim."""

    is_denial: bool
    kind: str = ""  # full, zero_pay, line, partial
    denied_amount: Decimal = ZERO
    group: str = ""
    carc: str = ""
    rarc: str = ""
    codes: tuple[str, ...] = ()
    lines: tuple[dict, ...] = ()
    reason: str = ""
    excluded_from_rates: bool = False
    denial_entries: tuple[CasEntry, ...] = field(default=(), repr=False)


def kind_of(group: str, carc: str, rules: Mapping[tuple[str, str], str]) -> str:
    return rules.get((group, carc)) or rules.get((group, "*")) or DENIAL


def money(amount: Decimal) -> str:
    return f"${amount:,.2f}"


def classify_claim(
    *,
    status: str,
    charge: Decimal,
    paid: Decimal,
    entries: Iterable[CasEntry],
    claim_remarks: Iterable[str] = (),
    rules: Mapping[tuple[str, str], str] = DEFAULT_RULES,
) -> Finding:
    """Classify one claim from its status, amounts and CAS entries (claim and lines)."""
    if status in NOT_ADJUDICATED:
        return Finding(
            is_denial=False, reason="Not an adjudication (reversal or pricing)."
        )
    entries = list(entries)
    claim_remarks = tuple(claim_remarks)
    denial_entries = [
        e
        for e in entries
        if e.amount > ZERO and kind_of(e.group, e.reason, rules) == DENIAL
    ]
    if status != "4" and not denial_entries:
        return Finding(is_denial=False)

    denied = sum((e.amount for e in denial_entries), ZERO)
    if status == "4":
        kind = "full"
        if denied == ZERO:
            # A denied claim whose adjustments are all patient/contractual: the unpaid
            # balance still did not get paid and needs a look.
            denied = max(charge - paid, ZERO)
    elif paid == ZERO:
        kind = "zero_pay"
    elif any(e.line_number is not None and e.line_paid == ZERO for e in denial_entries):
        kind = "line"
    else:
        kind = "partial"

    top = max(denial_entries, key=lambda e: e.amount, default=None)
    rarcs = tuple(dict.fromkeys((*(top.remarks if top else ()), *claim_remarks)))
    codes: list[str] = []
    for e in denial_entries:
        codes.append(f"{e.group}-{e.reason}")
        codes.extend(e.remarks)
    codes.extend(claim_remarks)

    by_line: dict[int, dict] = {}
    for e in denial_entries:
        if e.line_number is None:
            continue
        line = by_line.setdefault(
            e.line_number,
            {
                "line": e.line_number,
                "procedure": e.procedure,
                "amount": ZERO,
                "codes": [],
            },
        )
        line["amount"] += e.amount
        line["codes"].append(f"{e.group}-{e.reason}")
    lines = tuple({**v, "amount": str(v["amount"])} for _, v in sorted(by_line.items()))

    parts = []
    for e in sorted(denial_entries, key=lambda e: (-e.amount, e.line_number or 0)):
        where = "on the claim" if e.line_number is None else f"on line {e.line_number}"
        if e.procedure:
            where += f" ({e.procedure})"
        remark = f" [{', '.join(e.remarks)}]" if e.remarks else ""
        parts.append(f"{e.group}-{e.reason}{remark} {where}: {money(e.amount)}")
    if not parts:
        parts.append(f"claim denied (CLP02 = 4), unpaid {money(denied)}")
    elif status == "4":
        parts.insert(0, "claim denied (CLP02 = 4)")

    return Finding(
        is_denial=True,
        kind=kind,
        denied_amount=denied,
        group=top.group if top else "",
        carc=top.reason if top else "",
        rarc=rarcs[0] if rarcs else "",
        codes=tuple(dict.fromkeys(codes)),
        lines=lines,
        reason="; ".join(parts),
        excluded_from_rates=bool(top and top.reason == DUPLICATE_CARC),
        denial_entries=tuple(denial_entries),
    )


def categorize(
    *, carc: str, group: str, rarc: str, mapping: Mapping[tuple[str, str, str], str]
) -> str | None:
    """Category slug for a code: CARC first, then group, then RARC; None if unmapped."""
    for key in (
        (carc, group, rarc),
        (carc, group, ""),
        (carc, "", rarc),
        (carc, "", ""),
    ):
        if key in mapping:
            return mapping[key]
    return None
