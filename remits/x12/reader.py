"""Streaming reader for X12 835 (005010X221A1) remittance files.

``read_835(source)`` yields events in file order:

* ``FileIssue(issue)`` -- a file-level warning as soon as it is seen: UTF-8 BOM, text
  before the ISA, missing ISA/GS envelope, GE01/IEA01 counts or control numbers that
  do not match, segments outside any transaction set. File issues never reject a
  transaction; they are *not* repeated inside transactions.
* ``TransactionStart(header)`` -- once per ST..SE, after the header loops (at the
  first LX/CLP, at PLB, or at SE for a transaction set without claims).
* ``Claim`` -- each claim as soon as it is complete (next CLP/LX/PLB/SE).
* ``TransactionEnd(transaction)`` -- at SE (or where SE should have been) with
  provider adjustments, totals and the transaction's issues. ``transaction.rejected``
  is true when any issue has severity "error"; the consumer rolls that set back.

Only running totals are kept per transaction, so memory stays flat however many
claims a transaction set holds. ``parse_835`` materialises everything for small files;
there each file-level issue is appended to the issues of the transaction that ends
next (or the last one, for issues found after it).

``X12Error`` is raised only when the input as a whole is unreadable: no ISA and no
ST*835 segment near its start, delimiters that cannot be told apart, or an ST01 other
than 835.
"""

from __future__ import annotations

import codecs
import io
import os
import re
from collections.abc import Iterator
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import BinaryIO

from .errors import Issue, X12Error
from .records import (
    Adjustment,
    Claim,
    Event,
    FileIssue,
    ProviderAdjustment,
    RemittanceHeader,
    ServiceLine,
    Transaction,
    TransactionEnd,
    TransactionStart,
)

__all__ = ["read_835", "parse_835"]

ZERO = Decimal("0")
SNIFF_BYTES = 65536
CAS_GROUPS = frozenset({"CO", "PR", "OA", "PI", "CR"})
_ISA_RE = re.compile(r"ISA([^A-Za-z0-9\s])")
_ST_RE = re.compile(r"ST([^A-Za-z0-9\s])835")
_CP1252_UNDEFINED = frozenset({0x81, 0x8D, 0x8F, 0x90, 0x9D})


def _cp1252_fallback(exc: UnicodeError) -> tuple[str, int]:
    """Decode bytes that are not UTF-8 as cp1252 (latin-1 where cp1252 has a hole)."""
    if not isinstance(exc, UnicodeDecodeError):
        raise exc
    bad = exc.object[exc.start : exc.end]
    out = "".join(
        chr(b) if b in _CP1252_UNDEFINED else bytes([b]).decode("cp1252") for b in bad
    )
    return out, exc.end


codecs.register_error("x12-cp1252", _cp1252_fallback)

# --- small value parsers (cached: remits repeat the same amounts and dates) -------

_money_cache: dict[str, Decimal] = {}
_date_cache: dict[str, date] = {}


def _money_slow(s: str) -> Decimal | None:
    """Parse an X12 decimal ("-12.5", "100"); None when it is not one."""
    t = s.strip()
    body = t[1:] if t[:1] == "-" else t
    if not body or not body.isascii() or not body.replace(".", "", 1).isdigit():
        return None
    try:
        value = Decimal(t)
    except InvalidOperation:  # pragma: no cover - guarded above
        return None
    if len(_money_cache) > 200_000:
        _money_cache.clear()
    _money_cache[s] = value
    return value


def _date_slow(s: str) -> date | None:
    """Parse CCYYMMDD; None when it is not a real date."""
    if len(s) != 8 or not s.isascii() or not s.isdigit():
        return None
    try:
        value = date(int(s[:4]), int(s[4:6]), int(s[6:8]))
    except ValueError:
        return None
    if len(_date_cache) > 50_000:
        _date_cache.clear()
    _date_cache[s] = value
    return value


def _same_control(a: str, b: str) -> bool:
    """Control numbers match when equal as text or, both numeric, as numbers."""
    a, b = a.strip(), b.strip()
    return a == b or (a.isdigit() and b.isdigit() and int(a) == int(b))


# --- per-transaction builder --------------------------------------------------------


class _Tx:
    __slots__ = (
        "st_pos", "st02", "version", "bpr", "payment_amount", "credit_debit",
        "payment_method", "payment_date", "trace_number", "trace_payer_id",
        "production_date", "payer_name", "payer_id_n1", "payer_id_ref", "payee_name",
        "payee_npi", "payee_tin", "n1", "issues", "claim_count", "paid_total",
        "charge_total", "plb", "plb_total", "started", "header", "isa13", "isa06",
        "isa08", "gs06", "bpr_pos",
    )  # fmt: skip

    def __init__(self, st_pos: int, st02: str, version: str | None) -> None:
        self.st_pos = st_pos
        self.st02 = st02
        self.version = version
        self.bpr = False
        self.bpr_pos: int | None = None
        self.payment_amount: Decimal | None = None
        self.credit_debit = self.payment_method = None
        self.payment_date = self.production_date = None
        self.trace_number = self.trace_payer_id = None
        self.payer_name = self.payer_id_n1 = self.payer_id_ref = None
        self.payee_name = self.payee_npi = self.payee_tin = None
        self.n1 = ""
        self.issues: list[Issue] = []
        self.claim_count = 0
        self.paid_total = ZERO
        self.charge_total = ZERO
        self.plb: list[ProviderAdjustment] = []
        self.plb_total = ZERO
        self.started = False
        self.header: RemittanceHeader | None = None
        self.isa13 = self.isa06 = self.isa08 = self.gs06 = None


class _Line:
    __slots__ = (
        "qual", "code", "mods", "charge", "paid", "rev", "units", "orig", "d1", "d2",
        "ctrl", "allowed", "adjs", "remarks", "pos", "cas_total",
    )  # fmt: skip


class _Claim:
    __slots__ = (
        "e", "charge", "paid", "resp", "pat_last", "pat_first", "pat_id", "ins_id",
        "rnpi", "rname", "sfrom", "sto", "recv", "remarks", "adjs", "lines", "pos",
        "cas_total", "line",
    )  # fmt: skip


# --- source handling -----------------------------------------------------------------


def _open(source, filename):
    if isinstance(source, bytes | bytearray | memoryview):
        return io.BytesIO(bytes(source)), filename or "<bytes>", True
    if isinstance(source, str | os.PathLike):
        path = os.fspath(source)
        return open(path, "rb"), filename or os.path.basename(path), True
    name = filename or getattr(source, "name", None)
    if not isinstance(name, str):
        name = "<stream>"
    else:
        name = os.path.basename(name)
    return source, name, False


class _Delims:
    __slots__ = ("element", "component", "segment", "repetition", "start", "envelope")

    def __init__(self, element, component, segment, repetition, start, envelope):
        self.element = element
        self.component = component
        self.segment = segment
        self.repetition = repetition
        self.start = start
        self.envelope = envelope


def _sniff(text: str, filename: str) -> _Delims:
    """Find the ISA (or a bare ST*835) and the delimiters it declares."""
    for m in _ISA_RE.finditer(text):
        sep = m.group(1)
        i = m.start()
        parts = text[i : i + 1024].split(sep, 16)
        if len(parts) < 17:
            continue
        if not (parts[9].strip().isdigit() and len(parts[9].strip()) == 6):
            continue  # ISA09 interchange date must be YYMMDD
        tail = parts[16]
        if len(tail) < 2:
            raise X12Error(
                "unreadable delimiters: ISA16 is not followed by a segment terminator",
                filename=filename,
                segment_id="ISA",
                element="ISA16",
            )
        comp, term = tail[0], tail[1]
        rep = parts[11].strip()
        rep = rep if len(rep) == 1 and not rep.isalnum() else ""
        if term == "\r" or term == "\n":
            term = "\n"
        if len({sep, comp, term}) < 3 or term.isalnum() or comp.isalnum():
            raise X12Error(
                f"unreadable delimiters: element {sep!r}, component {comp!r}, "
                f"segment terminator {term!r} are not distinct punctuation",
                filename=filename,
                segment_id="ISA",
            )
        return _Delims(sep, comp, term, rep, i, True)
    m = _ST_RE.search(text)
    if m is not None:
        sep = m.group(1)
        i = m.start()
        after = text[m.end() :]
        cands = [p for p in (after.find("~"), after.find("\n")) if p >= 0]
        if not cands:
            raise X12Error(
                "unreadable delimiters: no segment terminator after ST*835",
                filename=filename,
                segment_id="ST",
            )
        term = after[min(cands)]
        comp = ":"
        svc = text.find(f"SVC{sep}")
        if svc >= 0:
            code = text[svc + 4 : svc + 8]
            if len(code) >= 3 and code[2] in "><^":
                comp = code[2]
        return _Delims(sep, comp, term, "", i, False)
    raise X12Error(
        f"not an X12 835 file: no ISA or ST*835 segment found in the first "
        f"{len(text)} characters",
        filename=filename,
    )


# --- the reader ---------------------------------------------------------------


def read_835(
    source: BinaryIO | str | os.PathLike | bytes,
    *,
    filename: str | None = None,
    chunk_size: int = 1 << 20,
) -> Iterator[Event]:
    """Read an 835 and yield FileIssue, TransactionStart, Claim and TransactionEnd."""
    stream, fname, owned = _open(source, filename)
    try:
        yield from _Reader(stream, fname, max(chunk_size, 1024)).run()
    finally:
        if owned:
            stream.close()


def parse_835(
    source: BinaryIO | str | os.PathLike | bytes, *, filename: str | None = None
) -> list[Transaction]:
    """Read a whole 835 into memory: transactions with their claims as lists."""
    out: list[Transaction] = []
    claims: list[Claim] = []
    pending: list[Issue] = []
    for ev in read_835(source, filename=filename):
        if type(ev) is Claim:
            claims.append(ev)
        elif type(ev) is TransactionStart:
            claims = []
        elif type(ev) is TransactionEnd:
            tx = ev.transaction
            tx.claims = claims
            if pending:
                tx.issues[:0] = pending
                pending = []
            out.append(tx)
            claims = []
        elif type(ev) is FileIssue:
            pending.append(ev.issue)
    if pending and out:
        out[-1].issues.extend(pending)
    return out


class _Reader:
    def __init__(self, stream, filename: str, chunk_size: int) -> None:
        self.stream = stream
        self.filename = filename
        self.chunk_size = chunk_size
        self.file_issues: list[Issue] = []

    # -- issues
    def _file_issue(self, pos, seg, el, msg, severity="warning") -> FileIssue:
        return FileIssue(Issue(severity, self.filename, pos, seg, el, msg))

    def run(self) -> Iterator[Event]:
        decoder = codecs.getincrementaldecoder("utf-8")(errors="x12-cp1252")
        head = ""
        eof = False
        while len(head) < SNIFF_BYTES:
            data = self.stream.read(self.chunk_size)
            if not data:
                eof = True
                if not isinstance(data, str):
                    head += decoder.decode(b"", final=True)
                break
            head += data if isinstance(data, str) else decoder.decode(data)
        pre: list[FileIssue] = []
        if head.startswith("\ufeff"):
            head = head[1:]
            pre.append(
                self._file_issue(None, None, None, "UTF-8 byte order mark ignored")
            )
        delims = _sniff(head, self.filename)
        if delims.start and head[: delims.start].strip():
            n = len(head[: delims.start].encode("utf-8", "replace"))
            first = "ISA" if delims.envelope else "ST"
            pre.append(
                self._file_issue(
                    None,
                    None,
                    None,
                    f"{n} bytes of text before the {first} segment ignored",
                )
            )
        if not delims.envelope:
            pre.append(
                self._file_issue(
                    None,
                    None,
                    None,
                    "no ISA/GS envelope: read from the ST segment with element "
                    "separator "
                    f"{delims.element!r} and segment terminator {delims.segment!r}",
                )
            )
        yield from pre
        head = head[delims.start :]

        def chunks() -> Iterator[list[str]]:
            term = delims.segment
            text = head
            rem = ""
            done = eof
            while True:
                if term == "\n":
                    if "\r" in text:
                        text = text.replace("\r\n", "\n").replace("\r", "\n")
                else:
                    if "\n" in text:
                        text = text.replace("\n", "")
                    if "\r" in text:
                        text = text.replace("\r", "")
                parts = (rem + text).split(term) if rem else text.split(term)
                rem = parts.pop()
                if parts:
                    yield parts
                if done:
                    break
                data = self.stream.read(self.chunk_size)
                if not data:
                    done = True
                    text = (
                        "" if isinstance(data, str) else decoder.decode(b"", final=True)
                    )
                else:
                    text = data if isinstance(data, str) else decoder.decode(data)
            if rem.strip():
                yield [rem]

        yield from self._parse(chunks(), delims)

    # -- the state machine
    def _parse(self, batches: Iterator[list[str]], d: _Delims) -> Iterator[Event]:  # noqa: C901
        fname = self.filename
        sep = d.element
        comp = d.component
        mc = _money_cache
        dc = _date_cache
        money_slow = _money_slow
        date_slow = _date_slow
        Adj = Adjustment

        pos = 0
        tx: _Tx | None = None
        claim: _Claim | None = None
        line: _Line | None = None
        # envelope state
        isa13 = isa06 = isa08 = None
        gs06 = gs08 = None
        isa_pos = gs_pos = None
        gs_count = 0  # GS in the current ISA
        st_count = 0  # ST in the current GS
        outside_warned = False
        expect_envelope = d.envelope
        seen_835 = False
        body = False  # inside the claims of a started transaction set

        def issue(sev, p, seg, el, msg):
            tx.issues.append(Issue(sev, fname, p, seg, el, msg))

        def bad_date(p, seg, el, raw):
            issue(
                "warning",
                p,
                seg,
                el,
                f"{raw!r} is not a valid date (CCYYMMDD); read as empty",
            )

        def req_money(raw, p, seg, el):
            v = mc.get(raw)
            if v is None:
                v = money_slow(raw)
                if v is None:
                    if raw:
                        issue("error", p, seg, el, f"{raw!r} is not a number")
                    else:
                        issue("error", p, seg, el, "required amount is missing")
                    return ZERO
            return v

        def opt_money(raw, p, seg, el):
            if not raw:
                return None
            v = mc.get(raw)
            if v is None:
                v = money_slow(raw)
                if v is None:
                    issue(
                        "warning", p, seg, el, f"{raw!r} is not a number; read as empty"
                    )
            return v

        def opt_date(raw, p, seg, el):
            if not raw:
                return None
            v = dc.get(raw)
            if v is None:
                v = date_slow(raw)
                if v is None:
                    bad_date(p, seg, el, raw)
            return v

        def header_of(t: _Tx) -> RemittanceHeader:
            return RemittanceHeader(
                interchange_control_number=t.isa13,
                interchange_sender=t.isa06,
                interchange_receiver=t.isa08,
                group_control_number=t.gs06,
                version=t.version,
                transaction_control_number=t.st02,
                payment_amount=t.payment_amount,
                credit_debit=t.credit_debit,
                payment_method=t.payment_method,
                payment_date=t.payment_date,
                trace_number=t.trace_number,
                trace_payer_id=t.trace_payer_id,
                production_date=t.production_date,
                payer_name=t.payer_name,
                payer_id=t.payer_id_n1 or t.payer_id_ref,
                payee_name=t.payee_name,
                payee_npi=t.payee_npi,
                payee_tin=t.payee_tin,
                position=t.st_pos,
            )

        def start_tx() -> TransactionStart:
            tx.started = True
            if not tx.bpr:
                issue(
                    "error",
                    tx.st_pos,
                    "ST",
                    None,
                    f"transaction set {tx.st02!r} has no BPR segment: payment unknown",
                )
            tx.header = header_of(tx)
            return TransactionStart(tx.header)

        def close_line():
            c = claim
            ln = line
            c.cas_total += ln.cas_total
            c.lines.append(
                ServiceLine(
                    len(c.lines) + 1,
                    ln.qual,
                    ln.code,
                    ln.mods,
                    ln.charge,
                    ln.paid,
                    ln.rev,
                    ln.units,
                    ln.orig,
                    ln.d1,
                    ln.d2,
                    ln.ctrl,
                    ln.allowed,
                    tuple(ln.adjs),
                    tuple(ln.remarks),
                    ln.pos,
                )
            )
            if ln.charge - ln.cas_total != ln.paid:
                issue(
                    "warning",
                    ln.pos,
                    "SVC",
                    None,
                    f"service line {len(c.lines)} of claim {c.e[1]!r} does not "
                    f"balance: charge {ln.charge} - adjustments {ln.cas_total} "
                    f"!= paid {ln.paid}",
                )

        def open_claim(e, pos) -> _Claim:
            """Start a claim at its CLP segment (amounts checked, the rest empty)."""
            c = _Claim()
            c.e = e
            n = len(e)
            c.pos = pos
            if n < 2 or not e[1]:
                issue(
                    "error", pos, "CLP", "CLP01", "claim has no patient control number"
                )
            c.charge = req_money(e[3] if n > 3 else "", pos, "CLP", "CLP03")
            c.paid = req_money(e[4] if n > 4 else "", pos, "CLP", "CLP04")
            c.resp = opt_money(e[5], pos, "CLP", "CLP05") if n > 5 else None
            c.pat_last = c.pat_first = c.pat_id = c.ins_id = ""
            c.rnpi = c.rname = ""
            c.sfrom = c.sto = c.recv = None
            c.remarks = []
            c.adjs = []
            c.lines = []
            c.cas_total = ZERO
            return c

        def close_claim() -> Claim:
            c = claim
            e = c.e
            ne = len(e)
            if c.charge - c.cas_total != c.paid:
                issue(
                    "warning",
                    c.pos,
                    "CLP",
                    None,
                    f"claim {e[1] if ne > 1 else ''!r} does not balance: charge "
                    f"{c.charge} - adjustments "
                    f"{c.cas_total} != paid {c.paid}",
                )
            tx.claim_count += 1
            tx.paid_total += c.paid
            tx.charge_total += c.charge
            return Claim(
                e[1] if ne > 1 else "",
                e[2] if ne > 2 else "",
                c.charge,
                c.paid,
                c.resp,
                e[6] if ne > 6 else "",
                e[7] if ne > 7 else "",
                e[8] if ne > 8 else "",
                e[9] if ne > 9 else "",
                c.pat_last,
                c.pat_first,
                c.pat_id,
                c.ins_id,
                c.rnpi,
                c.rname,
                c.sfrom,
                c.sto,
                c.recv,
                tuple(c.remarks),
                tuple(c.adjs),
                tuple(c.lines),
                c.pos,
            )

        def end_tx(end_pos: int, seg_count: int | None) -> TransactionEnd:
            t = tx
            if t.bpr and t.payment_amount is not None:
                expected = t.paid_total - t.plb_total
                if expected != t.payment_amount:
                    issue(
                        "warning",
                        t.bpr_pos,
                        "BPR",
                        "BPR02",
                        f"transaction does not balance: claims paid {t.paid_total} - "
                        f"provider adjustments {t.plb_total} = {expected}, "
                        f"but BPR02 is {t.payment_amount}",
                    )
            return TransactionEnd(
                Transaction(
                    header=t.header,
                    claims=[],
                    provider_adjustments=t.plb,
                    issues=t.issues,
                    claim_count=t.claim_count,
                    paid_total=t.paid_total,
                    charge_total=t.charge_total,
                    provider_adjustment_total=t.plb_total,
                    segment_count=seg_count
                    if seg_count is not None
                    else end_pos - t.st_pos + 1,
                    position_start=t.st_pos,
                    position_end=end_pos,
                )
            )

        def finish_open(at_pos: int, why: str) -> Iterator[Event]:
            """Close a transaction that never reached its SE."""
            nonlocal tx, claim, line, body
            if line is not None:
                close_line()
                line = None
            if not tx.started:
                yield start_tx()
            if claim is not None:
                yield close_claim()
                claim = None
            issue(
                "error",
                at_pos,
                "SE",
                None,
                f"transaction set {tx.st02!r} (segment {tx.st_pos}) has no SE: {why}",
            )
            yield end_tx(at_pos, None)
            tx = None
            body = False

        for batch in batches:
            for raw in batch:
                if not raw:
                    continue
                pos += 1
                e = raw.split(sep)
                tag = e[0]
                if body:
                    # ---- claim body, ordered by frequency
                    if tag == "CAS":
                        if claim is None:
                            issue(
                                "warning",
                                pos,
                                "CAS",
                                None,
                                "CAS outside a claim ignored",
                            )
                            continue
                        group = e[1] if len(e) > 1 else ""
                        if group not in CAS_GROUPS:
                            issue(
                                "error",
                                pos,
                                "CAS",
                                "CAS01",
                                f"{group!r} is not a claim adjustment group code "
                                "(CO, PR, OA, PI, CR)",
                            )
                        target = line if line is not None else claim
                        adjs = target.adjs
                        total = ZERO
                        n = len(e)
                        i = 2
                        while i < n and i < 20:
                            reason = e[i]
                            raw_amt = e[i + 1] if i + 1 < n else ""
                            if reason:
                                amt = mc.get(raw_amt)
                                if amt is None:
                                    amt = money_slow(raw_amt)
                                    if amt is None:
                                        el = f"CAS{i + 1:02d}"
                                        if raw_amt:
                                            issue(
                                                "error",
                                                pos,
                                                "CAS",
                                                el,
                                                f"{raw_amt!r} is not a number",
                                            )
                                        else:
                                            issue(
                                                "error",
                                                pos,
                                                "CAS",
                                                el,
                                                f"reason {reason!r} has no amount",
                                            )
                                        amt = ZERO
                                q = e[i + 2] if i + 2 < n else ""
                                qty = None
                                if q:
                                    qty = mc.get(q) or money_slow(q)
                                    if qty is None:
                                        issue(
                                            "warning",
                                            pos,
                                            "CAS",
                                            f"CAS{i + 2:02d}",
                                            f"{q!r} is not a number; read as empty",
                                        )
                                adjs.append(Adj(group, reason, amt, qty))
                                total += amt
                            elif raw_amt:
                                issue(
                                    "error",
                                    pos,
                                    "CAS",
                                    f"CAS{i:02d}",
                                    f"amount {raw_amt!r} has no reason code",
                                )
                            i += 3
                        target.cas_total += total
                        continue
                    if tag == "SVC":
                        if claim is None:
                            issue(
                                "warning",
                                pos,
                                "SVC",
                                None,
                                "SVC outside a claim ignored",
                            )
                            continue
                        if line is not None:
                            close_line()
                        line = ln = _Line()
                        n = len(e)
                        c1 = (e[1] if n > 1 else "").split(comp)
                        ln.qual = c1[0]
                        ln.code = c1[1] if len(c1) > 1 else ""
                        ln.mods = tuple(m for m in c1[2:6] if m)
                        ln.charge = req_money(
                            e[2] if n > 2 else "", pos, "SVC", "SVC02"
                        )
                        ln.paid = req_money(e[3] if n > 3 else "", pos, "SVC", "SVC03")
                        ln.rev = e[4] if n > 4 else ""
                        ln.units = (
                            opt_money(e[5], pos, "SVC", "SVC05") if n > 5 else None
                        )
                        if n > 6 and e[6]:
                            c6 = e[6].split(comp)
                            ln.orig = c6[1] if len(c6) > 1 else c6[0]
                        else:
                            ln.orig = ""
                        ln.d1 = ln.d2 = None
                        ln.ctrl = ""
                        ln.allowed = None
                        ln.adjs = []
                        ln.remarks = []
                        ln.pos = pos
                        ln.cas_total = ZERO
                        continue
                    if tag == "DTM":
                        q = e[1] if len(e) > 1 else ""
                        v = e[2] if len(e) > 2 else ""
                        if line is not None:
                            if q == "472" or q == "150":
                                if v:
                                    ln.d1 = opt_date(v, pos, "DTM", "DTM02")
                                elif len(e) > 6 and e[5] == "RD8":
                                    a, _, b = e[6].partition("-")
                                    ln.d1 = opt_date(a, pos, "DTM", "DTM06")
                                    ln.d2 = opt_date(b, pos, "DTM", "DTM06")
                            elif q == "151":
                                ln.d2 = opt_date(v, pos, "DTM", "DTM02")
                        elif claim is not None:
                            if q == "232":
                                claim.sfrom = opt_date(v, pos, "DTM", "DTM02")
                            elif q == "233":
                                claim.sto = opt_date(v, pos, "DTM", "DTM02")
                            elif q == "050":
                                claim.recv = opt_date(v, pos, "DTM", "DTM02")
                        continue
                    if tag == "REF":
                        if line is not None and len(e) > 2 and e[1] == "6R":
                            ln.ctrl = e[2]
                        continue
                    if tag == "AMT":
                        if line is not None and len(e) > 2 and e[1] == "B6":
                            ln.allowed = opt_money(e[2], pos, "AMT", "AMT02")
                        continue
                    if tag == "LQ":
                        if line is not None and len(e) > 2 and e[1] == "HE" and e[2]:
                            ln.remarks.append(e[2])
                        continue
                    if tag == "NM1":
                        if claim is not None and line is None and len(e) > 1:
                            q = e[1]
                            n = len(e)
                            if q == "QC":
                                claim.pat_last = e[3] if n > 3 else ""
                                claim.pat_first = e[4] if n > 4 else ""
                                claim.pat_id = e[9] if n > 9 else ""
                            elif q == "IL":
                                claim.ins_id = e[9] if n > 9 else ""
                            elif q == "82":
                                last = e[3] if n > 3 else ""
                                first = e[4] if n > 4 else ""
                                claim.rname = f"{last}, {first}" if first else last
                                if n > 9 and e[8] == "XX":
                                    claim.rnpi = e[9]
                        continue
                    if tag == "CLP" or tag == "LX" or tag == "PLB" or tag == "SE":
                        if line is not None:
                            close_line()
                            line = None
                        if claim is not None:
                            yield close_claim()
                            claim = None
                        if tag == "CLP":
                            claim = open_claim(e, pos)
                            continue
                        if tag == "LX":
                            continue
                        # PLB or SE fall through to the shared handlers below
                    elif tag == "MOA" or tag == "MIA":
                        if claim is not None:
                            idx = (
                                (3, 4, 5, 6, 7)
                                if tag == "MOA"
                                else (5, 20, 21, 22, 23, 24)
                            )
                            n = len(e)
                            claim.remarks.extend(e[i] for i in idx if i < n and e[i])
                        continue
                elif tx is not None and tag in ("LX", "CLP", "PLB", "SE"):
                    # end of the header loops
                    yield start_tx()
                    body = True
                    if tag == "CLP" or tag == "LX":
                        # re-dispatch through the claim body on the next pass
                        if tag == "CLP":
                            claim = open_claim(e, pos)
                        continue
                elif tx is not None:
                    # ---- header loops
                    n = len(e)
                    if tag == "BPR":
                        tx.bpr = True
                        tx.bpr_pos = pos
                        tx.payment_amount = req_money(
                            e[2] if n > 2 else "", pos, "BPR", "BPR02"
                        )
                        tx.credit_debit = e[3] if n > 3 else ""
                        tx.payment_method = e[4] if n > 4 else ""
                        tx.payment_date = (
                            opt_date(e[16], pos, "BPR", "BPR16") if n > 16 else None
                        )
                    elif tag == "TRN":
                        tx.trace_number = e[2] if n > 2 else ""
                        tx.trace_payer_id = e[3] if n > 3 else ""
                    elif tag == "DTM":
                        if n > 2 and e[1] == "405":
                            tx.production_date = opt_date(e[2], pos, "DTM", "DTM02")
                    elif tag == "N1":
                        q = e[1] if n > 1 else ""
                        tx.n1 = q
                        if q == "PR":
                            tx.payer_name = e[2] if n > 2 else ""
                            if n > 4 and e[4]:
                                tx.payer_id_n1 = e[4]
                        elif q == "PE":
                            tx.payee_name = e[2] if n > 2 else ""
                            if n > 4 and e[3] == "XX":
                                tx.payee_npi = e[4]
                            elif n > 4 and e[3] == "FI":
                                tx.payee_tin = e[4]
                    elif tag == "REF":
                        if n > 2:
                            if e[1] == "2U" and tx.n1 == "PR":
                                tx.payer_id_ref = e[2]
                            elif e[1] == "TJ" and tx.n1 == "PE" and not tx.payee_tin:
                                tx.payee_tin = e[2]
                    elif (
                        tag == "ST"
                        or tag == "GE"
                        or tag == "IEA"
                        or tag == "ISA"
                        or tag == "GS"
                    ):
                        pass  # handled below (a missing SE)
                    else:
                        continue
                    if tag not in ("ST", "GE", "IEA", "ISA", "GS"):
                        continue

                # ---- PLB, SE and the envelope (rare segments)
                if tag == "PLB" and tx is not None:
                    n = len(e)
                    prov = e[1] if n > 1 else ""
                    fp = opt_date(e[2], pos, "PLB", "PLB02") if n > 2 else None
                    i = 3
                    while i < n and i < 15:
                        c = e[i]
                        raw_amt = e[i + 1] if i + 1 < n else ""
                        if c or raw_amt:
                            reason, _, ref = c.partition(comp)
                            amt = mc.get(raw_amt)
                            if amt is None:
                                amt = money_slow(raw_amt)
                                if amt is None:
                                    issue(
                                        "error",
                                        pos,
                                        "PLB",
                                        f"PLB{i + 1:02d}",
                                        f"{raw_amt!r} is not a number"
                                        if raw_amt
                                        else f"adjustment {c!r} has no amount",
                                    )
                                    amt = ZERO
                            tx.plb.append(
                                ProviderAdjustment(prov, fp, reason, ref, amt)
                            )
                            tx.plb_total += amt
                        i += 2
                    continue
                if tag == "SE":
                    if tx is None:
                        yield self._file_issue(
                            pos, "SE", None, "SE without a matching ST ignored"
                        )
                        continue
                    n = len(e)
                    count = pos - tx.st_pos + 1
                    se01 = e[1] if n > 1 else ""
                    se02 = e[2] if n > 2 else ""
                    if se01 != str(count) and not (
                        se01.isdigit() and int(se01) == count
                    ):
                        issue(
                            "warning",
                            pos,
                            "SE",
                            "SE01",
                            f"segment count {se01!r} but the transaction set has "
                            f"{count} "
                            "segments",
                        )
                    if not _same_control(se02, tx.st02):
                        issue(
                            "warning",
                            pos,
                            "SE",
                            "SE02",
                            f"control number {se02!r} does not match ST02 {tx.st02!r}",
                        )
                    yield end_tx(pos, count)
                    tx = None
                    body = False
                    continue
                if tag == "ST":
                    if tx is not None:
                        yield from finish_open(pos - 1, "a new ST began")
                    n = len(e)
                    st01 = e[1] if n > 1 else ""
                    if st01 != "835" and not seen_835:
                        raise X12Error(
                            f"not an 835: transaction set identifier {st01!r}",
                            filename=fname,
                            position=pos,
                            segment_id="ST",
                            element="ST01",
                        )
                    st_count += 1
                    version = (e[3] if n > 3 and e[3] else None) or gs08
                    tx = _Tx(pos, e[2] if n > 2 else "", version)
                    body = False
                    if st01 != "835":
                        issue(
                            "error",
                            pos,
                            "ST",
                            "ST01",
                            f"transaction set identifier {st01!r} is not 835",
                        )
                    seen_835 = True
                    tx.isa13, tx.isa06, tx.isa08, tx.gs06 = isa13, isa06, isa08, gs06
                    if version:
                        if version.startswith("004010"):
                            issue(
                                "warning",
                                pos,
                                "ST",
                                None,
                                f"version {version}: read as 4010 with 5010 rules",
                            )
                        elif version == "005010X221":
                            issue(
                                "warning",
                                pos,
                                "ST",
                                None,
                                "version 005010X221 (before the A1 addenda): read with "
                                "005010X221A1 rules",
                            )
                        elif not version.startswith("005010X221"):
                            issue(
                                "warning",
                                pos,
                                "ST",
                                None,
                                f"unexpected version {version!r}: read with "
                                "005010X221A1 rules",
                            )
                    if expect_envelope and gs_pos is None:
                        yield self._file_issue(
                            pos, "ST", None, "ST outside a GS functional group"
                        )
                    continue
                if tag == "GS":
                    if tx is not None:
                        yield from finish_open(pos - 1, "a new GS began")
                    n = len(e)
                    gs06 = e[6] if n > 6 else ""
                    gs08 = e[8] if n > 8 and e[8] else None
                    gs_pos = pos
                    gs_count += 1
                    st_count = 0
                    continue
                if tag == "GE":
                    if tx is not None:
                        yield from finish_open(pos - 1, "GE came first")
                    n = len(e)
                    ge01 = e[1] if n > 1 else ""
                    if not (ge01.isdigit() and int(ge01) == st_count):
                        yield self._file_issue(
                            pos,
                            "GE",
                            "GE01",
                            f"group count {ge01!r} but the group has "
                            f"{st_count} transaction sets",
                        )
                    if n > 2 and gs06 is not None and not _same_control(e[2], gs06):
                        yield self._file_issue(
                            pos,
                            "GE",
                            "GE02",
                            f"control number {e[2]!r} does not match GS06 {gs06!r}",
                        )
                    gs_pos = None
                    gs06 = gs08 = None
                    continue
                if tag == "ISA":
                    if tx is not None:
                        yield from finish_open(pos - 1, "a new ISA began")
                    n = len(e)
                    isa13 = e[13].strip() if n > 13 else ""
                    isa06 = e[6].strip() if n > 6 else ""
                    isa08 = e[8].strip() if n > 8 else ""
                    isa_pos = pos
                    gs_count = 0
                    expect_envelope = True
                    continue
                if tag == "IEA":
                    if tx is not None:
                        yield from finish_open(pos - 1, "IEA came first")
                    n = len(e)
                    iea1 = e[1] if n > 1 else ""
                    if not (iea1.isdigit() and int(iea1) == gs_count):
                        yield self._file_issue(
                            pos,
                            "IEA",
                            "IEA01",
                            f"group count {iea1!r} but the interchange "
                            f"has {gs_count} functional groups",
                        )
                    if n > 2 and isa13 is not None and not _same_control(e[2], isa13):
                        yield self._file_issue(
                            pos,
                            "IEA",
                            "IEA02",
                            f"control number {e[2]!r} does not match ISA13 {isa13!r}",
                        )
                    isa_pos = None
                    isa13 = isa06 = isa08 = None
                    continue
                if tx is None:
                    stripped = raw.strip()
                    if not stripped:
                        pos -= 1
                        continue
                    if not outside_warned:
                        outside_warned = True
                        yield self._file_issue(
                            pos,
                            tag[:3] or None,
                            None,
                            "text outside a transaction set ignored",
                        )
                    continue

        if tx is not None:
            yield from finish_open(pos, "the file ends first (truncated?)")
        if d.envelope and isa_pos is not None:
            yield self._file_issue(pos, None, None, "the file ends without IEA")
