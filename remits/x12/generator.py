"""Generate valid, balanced 005010X221A1 835 files for demos, tests and benchmarks.

The output is deterministic for a seed. All names, identifiers and payers are made
up; they imply no real contract. Amounts are kept in integer cents while generating.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from typing import TextIO

__all__ = ["Payee", "Payer", "GenerationSummary", "generate_835"]


@dataclass(frozen=True, slots=True)
class Payee:
    """The practice being paid (loop 1000B)."""

    name: str = "River Valley Family Medicine"
    npi: str = "1234567893"
    tin: str = "811234567"


@dataclass(frozen=True, slots=True)
class Payer:
    """The paying health plan (loop 1000A)."""

    name: str = "Acme Health Plan"
    payer_id: str = "ACME1"
    filing_indicator: str = "CI"
    payer_class: str = "commercial"


DEFAULT_PAYEES: tuple[Payee, ...] = (
    Payee("River Valley Family Medicine", "1234567893", "811234567"),
    Payee("Northside Orthopedics Group", "1437258694", "812345678"),
    Payee("Lakeshore Pediatrics", "1679545812", "813456789"),
)

DEFAULT_PAYERS: tuple[Payer, ...] = (
    Payer("Medicare Part B", "MCRB1", "MB", "medicare"),
    Payer("State Medicaid", "MCAID1", "MC", "medicaid"),
    Payer("Acme Health Plan", "ACME1", "CI", "commercial"),
    Payer("Summit Mutual Insurance", "SMMT2", "CI", "commercial"),
    Payer("Blue Harbor Health", "BHH03", "CI", "commercial"),
    Payer("Unity Care HMO", "UCHMO4", "HM", "commercial"),
)


@dataclass(slots=True)
class GenerationSummary:
    """What was written: counts and the total paid (Σ BPR02)."""

    claims: int = 0
    transactions: int = 0
    denied_claims: int = 0
    paid_total: Decimal = field(default_factory=lambda: Decimal("0"))
    reversals: int = 0
    recovered: int = 0
    line_denials: int = 0


# (code, modifiers to pick from, unit price in cents)
PROCEDURES = (
    ("99213", ("", "", "25"), 13500),
    ("99214", ("", "", "25"), 19500),
    ("99203", ("",), 17000),
    ("99396", ("",), 21000),
    ("36415", ("",), 1800),
    ("85025", ("",), 2600),
    ("80053", ("",), 3900),
    ("93000", ("",), 6200),
    ("71046", ("", "26"), 9800),
    ("73030", ("", "RT", "LT"), 8700),
    ("20610", ("", "RT", "LT"), 24000),
    ("97110", ("", "GP"), 5200),
    ("90471", ("",), 3100),
    ("90686", ("",), 4400),
    ("J1100", ("",), 1200),
    ("G0439", ("",), 17500),
    ("29881", ("", "RT", "LT"), 310000),
    ("11721", ("",), 9000),
)

# (weight, group, reasons, remark codes or ())
DENIALS = (
    (25, "CO", ("27", "31", "109", "22"), ("N30",)),
    (18, "CO", ("16",), ("N290", "M51", "MA130")),
    (15, "CO", ("197", "15"), ("N54",)),
    (12, "CO", ("4", "11", "97", "B15", "236"), ("M15", "N20")),
    (10, "CO", ("50", "96"), ("N130",)),
    (5, "CO", ("29",), ()),
    (5, "OA", ("18",), ()),
    (3, "CO", ("B7", "170"), ()),
    (2, "CO", ("119",), ("N130",)),
    (5, "CO", ("204", "252"), ("N706",)),
)
_DENIAL_WEIGHTS = [d[0] for d in DENIALS]

LAST_NAMES = (
    "Rivera",
    "Chen",
    "Okafor",
    "Novak",
    "Lindqvist",
    "Haddad",
    "Moreau",
    "Tanaka",
    "Kowalski",
    "Brennan",
    "Osei",
    "Varga",
    "Quinn",
    "Delacroix",
)
FIRST_NAMES = (
    "Ada",
    "Ben",
    "Chloe",
    "Dev",
    "Elena",
    "Farid",
    "Grace",
    "Hugo",
    "Iris",
    "Jonah",
    "Kira",
    "Leo",
    "Mina",
    "Nico",
)
RENDERING = (
    ("Marlow", "Ruth", "1548273960"),
    ("Abara", "Tomas", "1891234563"),
    ("Whitfield", "June", "1306849214"),
)


def _money(cents: int) -> str:
    sign = "-" if cents < 0 else ""
    cents = abs(cents)
    return f"{sign}{cents // 100}.{cents % 100:02d}"


def _d8(d: date) -> str:
    return f"{d.year:04d}{d.month:02d}{d.day:02d}"


class _ClaimData:
    __slots__ = ("acct", "icn", "lines", "first", "last", "member", "dos", "render")

    def __init__(self, acct, icn, lines, first, last, member, dos, render):
        self.acct = acct
        self.icn = icn
        # lines: (code, mod, units, charge, paid, [(group, reason, amount)], remarks)
        self.lines = lines
        self.first = first
        self.last = last
        self.member = member
        self.dos = dos
        self.render = render


def generate_835(
    out: TextIO,
    *,
    claims: int,
    seed: int,
    payees: Sequence[Payee] | None = None,
    payers: Sequence[Payer] | None = None,
    claims_per_transaction: int = 500,
    start_date: date = date(2026, 1, 5),
    line_breaks: bool = True,
    recovered_share: float = 0.0,
    denial_rate: float = 0.24,
    denial_mix: Sequence[float] | None = None,
) -> GenerationSummary:
    """Write one interchange of balanced 835 transaction sets with ``claims`` claims.

    ``denial_rate`` is the share of claims denied in full or in part; ``denial_mix``
    multiplies the weight of each entry of ``DENIALS`` (a demo can make one root cause
    fall after its fix).
    """
    rng = random.Random(seed)
    if denial_mix is not None and len(denial_mix) != len(DENIALS):
        raise ValueError(f"denial_mix needs {len(DENIALS)} multipliers")
    weights = (
        _DENIAL_WEIGHTS
        if denial_mix is None
        else [w * m for w, m in zip(_DENIAL_WEIGHTS, denial_mix, strict=True)]
    )
    paid_below = 1 - denial_rate
    denied_below = 1 - denial_rate / 2
    payees = tuple(payees or DEFAULT_PAYEES)
    payers = tuple(payers or DEFAULT_PAYERS)
    per_tx = max(1, claims_per_transaction)
    term = "~\n" if line_breaks else "~"
    summary = GenerationSummary()
    total_paid_cents = 0

    icn = f"{rng.randrange(1, 10**9):09d}"
    now = start_date
    out.write(
        f"ISA*00*          *00*          *ZZ*{'OVERTURNGEN':<15}*ZZ*{'PRACTICE':<15}*"
        f"{now.year % 100:02d}{now.month:02d}{now.day:02d}*1200*^*00501*{icn}*0*P*:"
        f"{term}"
    )
    out.write(f"GS*HP*OVERTURNGEN*PRACTICE*{_d8(now)}*1200*1*X*005010X221A1{term}")

    seq = 0  # account/claim number sequence
    paid_pool: dict[int, list[_ClaimData]] = {}  # payer index -> recent paid claims
    recover_queue: dict[
        int, list[_ClaimData]
    ] = {}  # payer index -> denied, to pay later
    written = 0
    tx_index = 0

    def new_lines(kind: str, dos: date):
        """Lines for a claim; kind is 'paid', 'denied' or 'partial'."""
        n = rng.choice((1, 1, 2, 2, 2, 3, 3, 4))
        deny_at = rng.randrange(n) if kind == "partial" else -1
        denial = DENIALS[rng.choices(range(len(DENIALS)), weights)[0]]
        lines = []
        for i in range(n):
            code, mods, price = PROCEDURES[rng.randrange(len(PROCEDURES))]
            mod = rng.choice(mods)
            units = 1 if price > 5000 else rng.choice((1, 1, 2, 3))
            charge = price * units
            if kind == "denied" or i == deny_at:
                reason = rng.choice(denial[2])
                remarks = (rng.choice(denial[3]),) if denial[3] else ()
                cas = [(denial[1], reason, charge)]
                lines.append((code, mod, units, charge, 0, cas, remarks))
                continue
            allowed = charge * rng.randrange(45, 86) // 100
            cas = [("CO", "45", charge - allowed)]
            pr = 0
            r = rng.random()
            if r < 0.30:
                pr = min(allowed, rng.choice((2000, 2500, 3000, 4000)))
                cas.append(("PR", "3", pr))
            elif r < 0.55:
                pr = allowed * 20 // 100
                cas.append(("PR", "2", pr))
            elif r < 0.65:
                pr = allowed
                cas.append(("PR", "1", pr))
            lines.append((code, mod, units, charge, allowed - pr, cas, ()))
        return lines

    def claim_segments(
        segs: list[str],
        c: _ClaimData,
        status: str,
        filing: str,
        sign: int,
        received: date,
    ) -> tuple[int, int]:
        charge = sum(ln[3] for ln in c.lines) * sign
        paid = sum(ln[4] for ln in c.lines) * sign
        resp = sum(a[2] for ln in c.lines for a in ln[5] if a[0] == "PR") * sign
        segs.append(
            f"CLP*{c.acct}*{status}*{_money(charge)}*{_money(paid)}*{_money(resp)}*"
            f"{filing}*{c.icn}*11*1"
        )
        segs.append(f"NM1*QC*1*{c.last}*{c.first}****MI*{c.member}")
        if c.render is not None:
            segs.append(f"NM1*82*1*{c.render[0]}*{c.render[1]}****XX*{c.render[2]}")
        segs.append(f"DTM*050*{_d8(received)}")
        for n, (code, mod, units, lcharge, lpaid, cas, remarks) in enumerate(
            c.lines, 1
        ):
            proc = f"HC:{code}:{mod}" if mod else f"HC:{code}"
            segs.append(
                f"SVC*{proc}*{_money(lcharge * sign)}*{_money(lpaid * sign)}"
                f"**{units * sign}"
            )
            segs.append(f"DTM*472*{_d8(c.dos)}")
            by_group: dict[str, list[str]] = {}
            for grp, reason, amt in cas:
                if amt:
                    by_group.setdefault(grp, []).append(
                        f"{reason}*{_money(amt * sign)}"
                    )
            for grp, parts in by_group.items():
                segs.append(f"CAS*{grp}*" + "**".join(parts))
            segs.append(f"REF*6R*{c.acct}L{n}")
            if lpaid:
                allowed = lcharge - sum(a[2] for a in cas if a[0] == "CO")
                segs.append(f"AMT*B6*{_money(allowed * sign)}")
            for rm in remarks:
                segs.append(f"LQ*HE*{rm}")
        return charge, paid

    while written < claims:
        tx_index += 1
        p_i = rng.randrange(len(payers))
        payer = payers[p_i]
        payee = payees[rng.randrange(len(payees))]
        pay_date = start_date + timedelta(days=(tx_index - 1) // max(1, len(payers)))
        want = min(per_tx, claims - written)
        segs: list[str] = []
        tx_paid = 0
        n_claims = 0
        pool = paid_pool.setdefault(p_i, [])
        queue = recover_queue.setdefault(p_i, [])
        # recovered denials (re-adjudicated and paid in a later transaction)
        while queue and n_claims < want:
            c = queue.pop()
            c.lines = [
                (
                    code,
                    mod,
                    units,
                    charge,
                    charge * 7 // 10,
                    [("CO", "45", charge - charge * 7 // 10)],
                    (),
                )
                for code, mod, units, charge, _p, _cas, _r in c.lines
            ]
            _ch, paid = claim_segments(
                segs, c, "1", payer.filing_indicator, 1, pay_date - timedelta(days=3)
            )
            tx_paid += paid
            n_claims += 1
            summary.recovered += 1
        while n_claims < want:
            r = rng.random()
            if r < 0.01 and pool and want - n_claims >= 2:
                # reversal of an earlier payment, then the corrected claim
                orig = pool.pop(rng.randrange(len(pool)))
                _ch, paid = claim_segments(
                    segs,
                    orig,
                    "22",
                    payer.filing_indicator,
                    -1,
                    pay_date - timedelta(days=2),
                )
                tx_paid += paid
                seq += 1
                corrected = _ClaimData(
                    orig.acct,
                    f"{seed % 1000:03d}{seq:010d}",
                    new_lines("paid", orig.dos),
                    orig.first,
                    orig.last,
                    orig.member,
                    orig.dos,
                    orig.render,
                )
                _ch, paid = claim_segments(
                    segs,
                    corrected,
                    "1",
                    payer.filing_indicator,
                    1,
                    pay_date - timedelta(days=2),
                )
                tx_paid += paid
                n_claims += 2
                summary.reversals += 1
                continue
            kind = (
                "paid"
                if r < paid_below
                else ("denied" if r < denied_below else "partial")
            )
            seq += 1
            dos = pay_date - timedelta(days=rng.randrange(14, 60))
            c = _ClaimData(
                f"A{seq:08d}",
                f"{seed % 1000:03d}{seq:010d}",
                new_lines(kind, dos),
                rng.choice(FIRST_NAMES),
                rng.choice(LAST_NAMES),
                f"M{rng.randrange(10**8, 10**9)}",
                dos,
                RENDERING[rng.randrange(len(RENDERING))]
                if rng.random() < 0.6
                else None,
            )
            status = (
                "4"
                if kind == "denied"
                else (
                    "2"
                    if payer.payer_class == "medicaid" and rng.random() < 0.1
                    else "1"
                )
            )
            _ch, paid = claim_segments(
                segs,
                c,
                status,
                payer.filing_indicator,
                1,
                dos + timedelta(days=rng.randrange(2, 10)),
            )
            tx_paid += paid
            n_claims += 1
            if kind == "denied":
                summary.denied_claims += 1
                if recovered_share and rng.random() < recovered_share:
                    queue.append(c)
            elif kind == "partial":
                summary.line_denials += 1
            if kind == "paid":
                pool.append(c)
                if len(pool) > 200:
                    pool.pop(0)
        # provider-level adjustments in about one transaction in five
        plb_total = 0
        if rng.random() < 0.2:
            parts = []
            interest = rng.randrange(100, 2500)
            parts.append(f"L6*{_money(-interest)}")
            plb_total -= interest
            if tx_paid > 10000 and rng.random() < 0.5:
                wo = rng.randrange(1000, min(tx_paid // 2, 50000))
                parts.append(
                    f"WO:{seed % 1000:03d}{rng.randrange(10**9):010d}*{_money(wo)}"
                )
                plb_total += wo
            segs.append(f"PLB*{payee.npi}*{pay_date.year}1231*" + "*".join(parts))
        bpr = tx_paid - plb_total
        st02 = f"{tx_index:04d}"
        header = [
            f"ST*835*{st02}*005010X221A1",
            (
                f"BPR*I*{_money(bpr)}*C*ACH*CCP*01*011000015*DA*{payer.payer_id}0042*"
                f"1{payee.tin}**01*021000021*DA*{payee.tin}01*{_d8(pay_date)}"
            )
            if bpr > 0
            else f"BPR*H*{_money(bpr)}*C*NON************{_d8(pay_date)}",
            f"TRN*1*{seed % 1000:03d}{tx_index:09d}*1{payee.tin}",
            f"DTM*405*{_d8(pay_date - timedelta(days=1))}",
            f"N1*PR*{payer.name}",
            "N3*100 Plan Way",
            "N4*Springfield*IL*62701",
            f"REF*2U*{payer.payer_id}",
            f"N1*PE*{payee.name}*XX*{payee.npi}",
            f"REF*TJ*{payee.tin}",
            "LX*1",
        ]
        count = len(header) + len(segs) + 1
        out.write(term.join(header))
        out.write(term)
        out.write(term.join(segs))
        out.write(term)
        out.write(f"SE*{count}*{st02}{term}")
        written += n_claims
        total_paid_cents += bpr
        summary.transactions += 1
        summary.claims += n_claims

    out.write(f"GE*{summary.transactions}*1{term}")
    out.write(f"IEA*1*{icn}{term}")
    summary.paid_total = Decimal(total_paid_cents) / 100
    return summary
