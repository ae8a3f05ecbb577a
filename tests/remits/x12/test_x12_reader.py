"""Unit tests of the 835 reader: delimiters, envelope, segments and validation."""

import io
from datetime import date
from decimal import Decimal

import pytest

from remits.x12 import (
    Claim,
    FileIssue,
    Issue,
    TransactionEnd,
    TransactionStart,
    X12Error,
    parse_835,
    read_835,
)

ISA = (
    "ISA*00*          *00*          *ZZ*PAYERSENDER    *ZZ*PRACTICERCV    "
    "*260110*1200*^*00501*000000123*0*P*:"
)

BODY = [
    "GS*HP*PAYERSENDER*PRACTICERCV*20260110*1200*77*X*005010X221A1",
    "ST*835*0001*005010X221A1",
    "BPR*I*140*C*ACH*CCP*01*999999999*DA*123456*1512345678**01*888888888*DA*654321*20260112",
    "TRN*1*EFT0001*1512345678",
    "DTM*405*20260110",
    "N1*PR*ACME HEALTH PLAN",
    "REF*2U*ACME01",
    "N1*PE*RIVER CLINIC*XX*1234567893",
    "REF*TJ*123456789",
    "LX*1",
    "CLP*A1001*1*200*140*20*12*PCN0001*11*1",
    "NM1*QC*1*DOE*JANE****MI*M123",
    "NM1*IL*1*DOE*JOHN****MI*INS999",
    "NM1*82*1*SMITH*ANN****XX*1999999992",
    "MOA***N130*M51",
    "DTM*232*20260101",
    "DTM*233*20260102",
    "DTM*050*20260103",
    "SVC*HC:99213:25:GT*200*140**1",
    "DTM*472*20260101",
    "CAS*CO*45*40",
    "CAS*PR*2*20",
    "REF*6R*LINE1",
    "AMT*B6*160",
    "LQ*HE*N290",
    "SE*25*0001",
    "GE*1*77",
    "IEA*1*000000123",
]


def build(body=BODY, isa=ISA, sep="*", term="~", nl="\n", comp=":"):
    if "^" in (sep, comp):
        isa = isa.replace("*^*", "*!*")
    isa_text = isa.replace("*", sep)
    if comp != ":":
        isa_text = isa_text[:-1] + comp
    segs = [isa_text] + [s.replace("*", sep).replace(":", comp) for s in body]
    return (term + nl).join(segs) + term + nl


def only(text, **kw):
    txs = parse_835(text.encode("utf-8") if isinstance(text, str) else text, **kw)
    assert len(txs) == 1
    return txs[0]


def test_reads_a_clean_835_with_all_header_and_claim_fields():
    tx = only(build())
    assert tx.issues == []
    h = tx.header
    assert h.interchange_control_number == "000000123"
    assert h.interchange_sender == "PAYERSENDER"
    assert h.interchange_receiver == "PRACTICERCV"
    assert h.group_control_number == "77"
    assert h.version == "005010X221A1"
    assert h.transaction_control_number == "0001"
    assert h.payment_amount == Decimal("140")
    assert (h.credit_debit, h.payment_method) == ("C", "ACH")
    assert h.payment_date == date(2026, 1, 12)
    assert (h.trace_number, h.trace_payer_id) == ("EFT0001", "1512345678")
    assert h.production_date == date(2026, 1, 10)
    assert (h.payer_name, h.payer_id) == ("ACME HEALTH PLAN", "ACME01")
    assert (h.payee_name, h.payee_npi, h.payee_tin) == (
        "RIVER CLINIC",
        "1234567893",
        "123456789",
    )
    (c,) = tx.claims
    assert (c.account_number, c.status, c.charge, c.paid) == (
        "A1001",
        "1",
        Decimal("200"),
        Decimal("140"),
    )
    assert c.patient_responsibility == Decimal("20")
    assert (c.filing_indicator, c.payer_claim_number) == ("12", "PCN0001")
    assert (c.facility_code, c.frequency) == ("11", "1")
    assert (c.patient_last, c.patient_first, c.patient_id) == ("DOE", "JANE", "M123")
    assert c.insured_id == "INS999"
    assert (c.rendering_npi, c.rendering_name) == ("1999999992", "SMITH, ANN")
    assert c.remarks == ("N130", "M51")
    assert (c.statement_from, c.statement_to, c.received_date) == (
        date(2026, 1, 1),
        date(2026, 1, 2),
        date(2026, 1, 3),
    )
    (ln,) = c.lines
    assert ln.line_number == 1
    assert (ln.procedure_qualifier, ln.procedure_code, ln.modifiers) == (
        "HC",
        "99213",
        ("25", "GT"),
    )
    assert (ln.charge, ln.paid, ln.units) == (
        Decimal("200"),
        Decimal("140"),
        Decimal("1"),
    )
    assert ln.service_date == date(2026, 1, 1)
    assert ln.control_number == "LINE1"
    assert ln.allowed == Decimal("160")
    assert ln.remarks == ("N290",)
    assert [(a.group, a.reason, a.amount) for a in ln.adjustments] == [
        ("CO", "45", Decimal("40")),
        ("PR", "2", Decimal("20")),
    ]
    assert tx.claim_count == 1 and tx.paid_total == Decimal("140")
    assert not tx.rejected


def test_event_order_is_start_claims_end():
    events = list(read_835(build().encode()))
    kinds = [type(e) for e in events]
    assert kinds == [TransactionStart, Claim, TransactionEnd]
    assert events[2].transaction.claims == []  # streaming: claims are not kept


@pytest.mark.parametrize(
    "sep,comp,term,nl",
    [
        ("*", ":", "~", ""),  # no newline at all
        ("*", ":", "~", "\n"),
        ("*", ":", "~", "\r\n"),
        ("|", "^", "~", ""),
        ("/", "^", "~", ""),
        ("^", ">", "~", "\n"),
        ("+", ">", "'", "\n"),
    ],
)
def test_delimiters_come_from_the_isa(sep, comp, term, nl):
    tx = only(build(sep=sep, comp=comp, term=term, nl=nl))
    assert tx.issues == []
    assert tx.claims[0].lines[0].modifiers == ("25", "GT")


@pytest.mark.parametrize("nl", ["\n", "\r\n"])
def test_newline_as_segment_terminator(nl):
    text = nl.join([ISA] + BODY) + nl
    tx = only(text)
    assert tx.issues == []
    assert tx.claims[0].lines[0].control_number == "LINE1"


def test_segments_wrapped_over_lines_are_joined():
    text = build(nl="")
    wrapped = "\n".join(text[i : i + 80] for i in range(0, len(text), 80))
    tx = only(wrapped)
    assert tx.issues == []
    assert tx.paid_total == Decimal("140")


def test_bom_and_prose_before_isa_are_warnings():
    data = (
        b"\xef\xbb\xbfScenario 1 \x92s text with ISA in it\r\n\r\n" + build().encode()
    )
    events = list(read_835(data, filename="era.835"))
    file_msgs = [e.issue.message for e in events if isinstance(e, FileIssue)]
    assert any("byte order mark" in m for m in file_msgs)
    assert any("before the ISA" in m for m in file_msgs)
    tx = [e for e in events if isinstance(e, TransactionEnd)][0].transaction
    assert not tx.rejected


def test_cp1252_bytes_do_not_crash_and_are_decoded():
    body = [s.replace("RIVER CLINIC", "RIVER CLINIC\x92S") for s in BODY]
    data = build(body=body).encode("utf-8").replace("\x92".encode(), b"\x92")
    tx = only(data)
    assert tx.header.payee_name == "RIVER CLINIC\u2019S"


def test_unpadded_isa():
    isa = "ISA*00**00**ZZ*PAYER*ZZ*PRACT*260110*1200*^*00501*123*0*P*:"
    tx = only(build(isa=isa, nl=""))
    assert tx.header.interchange_sender == "PAYER"
    assert tx.header.interchange_control_number == "123"
    assert tx.issues == []


def test_several_interchanges_and_transactions():
    one = build(nl="")
    two = (
        build()
        .replace("ST*835*0001", "ST*835*0002")
        .replace("SE*25*0001", "SE*25*0002")
    )
    txs = parse_835((one + "\n" + two + one).encode())
    assert [t.header.transaction_control_number for t in txs] == [
        "0001",
        "0002",
        "0001",
    ]
    assert all(t.issues == [] for t in txs)


def test_two_transactions_in_one_group():
    body = BODY[:-2] + BODY[1:-2] + ["GE*2*77", "IEA*1*000000123"]
    txs = parse_835(build(body=body).encode())
    assert len(txs) == 2 and all(not t.issues for t in txs)


def test_cas_with_six_triplets_and_quantities():
    body = list(BODY)
    i = body.index("CAS*CO*45*40")
    body[i] = "CAS*CO*45*10*1*97*5**253*5**59*5**94*5**16*10*2"
    tx = only(build(body=body))
    adjs = tx.claims[0].lines[0].adjustments
    assert [a.reason for a in adjs] == ["45", "97", "253", "59", "94", "16", "2"]
    assert adjs[0].quantity == Decimal("1")
    assert adjs[5].quantity == Decimal("2")
    assert tx.issues == []


def test_reversal_with_negative_amounts_balances():
    body = list(BODY)
    body[
        body.index(
            "BPR*I*140*C*ACH*CCP*01*999999999*DA*123456*1512345678**01*888888888*DA*654321*20260112"
        )
    ] = "BPR*I*0*C*NON************20260112"
    rev = [
        "CLP*A1001*22*-200*-140*-20*12*PCN0001*11*1",
        "SVC*HC:99213*-200*-140**-1",
        "CAS*CO*45*-40",
        "CAS*PR*2*-20",
    ]
    i = body.index("SE*25*0001")
    body[i:i] = rev
    body[i + len(rev)] = f"SE*{25 + len(rev)}*0001"
    tx = only(build(body=body))
    assert tx.issues == []
    assert [c.status for c in tx.claims] == ["1", "22"]
    assert tx.claims[1].paid == Decimal("-140")
    assert tx.claims[1].is_reversal
    assert tx.paid_total == 0


def test_plb_pairs_with_composite_reasons_balance_the_payment():
    body = list(BODY)
    body[2] = body[2].replace("BPR*I*140*", "BPR*I*117.5*")
    i = body.index("SE*25*0001")
    body[i] = "PLB*1234567893*20261231*WO:PCN0099*30*L6*-7.50"
    body.insert(i + 1, "SE*26*0001")
    tx = only(build(body=body))
    assert tx.issues == []
    assert [(p.reason, p.reference, p.amount) for p in tx.provider_adjustments] == [
        ("WO", "PCN0099", Decimal("30")),
        ("L6", "", Decimal("-7.50")),
    ]
    assert tx.provider_adjustments[0].fiscal_period_date == date(2026, 12, 31)
    assert tx.provider_adjustment_total == Decimal("22.50")


def test_mia_remarks_and_institutional_claim_without_lines():
    body = (
        BODY[:10]
        + [
            "CLP*B7*1*1000*800**MA*ICN77*11*1",
            "CAS*CO*45*200",
            "MIA*0***0*MA01" + "*" * 15 + "MA02*MA03",
        ]
        + ["SE*13*0001", "GE*1*77", "IEA*1*000000123"]
    )
    body[2] = body[2].replace("BPR*I*140*", "BPR*I*800*")
    tx = only(build(body=body))
    assert tx.issues == []
    assert tx.claims[0].remarks == ("MA01", "MA02", "MA03")
    assert tx.claims[0].adjustments[0].amount == Decimal("200")
    assert tx.claims[0].lines == ()


def test_invalid_date_is_a_warning_and_none():
    body = list(BODY)
    body[2] = body[2].replace("20260112", "20002316")
    tx = only(build(body=body), filename="era.835")
    assert tx.header.payment_date is None
    (w,) = tx.issues
    assert w.severity == "warning" and w.element == "BPR16"
    assert str(w) == (
        "era.835: segment 4 (BPR), element BPR16: '20002316' is not a valid date "
        "(CCYYMMDD); read as empty"
    )


def test_non_numeric_charge_rejects_the_transaction_with_a_precise_issue():
    body = list(BODY)
    body[10] = "CLP*A1001*1*abc*140*20*12*PCN0001*11*1"
    tx = only(build(body=body), filename="era.835")
    assert tx.rejected
    err = tx.errors[0]
    assert str(err) == "era.835: segment 12 (CLP), element CLP03: 'abc' is not a number"
    assert isinstance(err, Issue)


@pytest.mark.parametrize(
    "segment,element",
    [
        ("CLP**1*200*140*20*12*PCN0001*11*1", "CLP01"),
        ("CLP*A1001*1*200", "CLP04"),
    ],
)
def test_claim_missing_required_elements_is_an_error(segment, element):
    body = list(BODY)
    body[10] = segment
    tx = only(build(body=body))
    assert tx.rejected
    assert element in [i.element for i in tx.errors]


@pytest.mark.parametrize(
    "cas,element",
    [("CAS*XX*45*40", "CAS01"), ("CAS*CO*45", "CAS03"), ("CAS*CO*45*4O", "CAS03")],
)
def test_malformed_cas_is_an_error(cas, element):
    body = list(BODY)
    body[body.index("CAS*CO*45*40")] = cas
    tx = only(build(body=body))
    assert tx.rejected
    assert element in [i.element for i in tx.errors]


def test_unbalanced_line_claim_and_payment_are_warnings():
    body = list(BODY)
    body[body.index("CAS*CO*45*40")] = "CAS*CO*45*30"
    tx = only(build(body=body))
    assert not tx.rejected
    msgs = [i.message for i in tx.issues]
    assert any("service line 1" in m and "does not balance" in m for m in msgs)
    assert any("claim 'A1001' does not balance" in m for m in msgs)


def test_payment_not_matching_claims_is_a_warning():
    body = list(BODY)
    body[2] = body[2].replace("BPR*I*140*", "BPR*I*150*")
    tx = only(build(body=body))
    (w,) = tx.issues
    assert w.element == "BPR02" and "does not balance" in w.message


def test_envelope_count_and_control_mismatches_are_warnings():
    body = list(BODY)
    body[-3] = "SE*99*0002"
    body[-2] = "GE*3*78"
    body[-1] = "IEA*2*000000999"
    events = list(read_835(build(body=body).encode()))
    tx = [e for e in events if isinstance(e, TransactionEnd)][0].transaction
    assert {i.element for i in tx.issues} == {"SE01", "SE02"}
    assert not tx.rejected
    file_elements = {e.issue.element for e in events if isinstance(e, FileIssue)}
    assert file_elements == {"GE01", "GE02", "IEA01", "IEA02"}


def test_missing_bpr_rejects_but_still_yields_start_and_end():
    body = [s for s in BODY if not s.startswith("BPR")]
    body[-3] = "SE*24*0001"
    events = list(read_835(build(body=body).encode()))
    start = events[0]
    assert isinstance(start, TransactionStart)
    assert start.header.payment_amount is None
    end = events[-1]
    assert end.transaction.rejected
    assert "no BPR" in end.transaction.errors[0].message


def test_truncated_file_rejects_the_open_transaction():
    text = build()
    text = text[: text.index("SE*25")]
    tx = only(text)
    assert tx.rejected
    assert tx.claim_count == 1
    assert "has no SE" in tx.errors[0].message


def test_version_4010_and_pre_a1_are_warnings():
    body = [s.replace("005010X221A1", "004010X091A1") for s in BODY]
    body[1] = "ST*835*0001"
    tx = only(build(body=body))
    assert [i.message for i in tx.issues] == [
        "version 004010X091A1: read as 4010 with 5010 rules"
    ]
    body = [s.replace("005010X221A1", "005010X221") for s in BODY]
    tx = only(build(body=body))
    assert "before the A1 addenda" in tx.issues[0].message


def test_bare_st_without_envelope_is_read_with_a_warning():
    text = "Remit\n" + "~".join(BODY[1:-2]) + "~"
    events = list(read_835(text.encode(), filename="frag.835"))
    msgs = [e.issue.message for e in events if isinstance(e, FileIssue)]
    assert any(m.startswith("no ISA/GS envelope") for m in msgs)
    tx = events[-1].transaction
    assert tx.claim_count == 1 and tx.issues == []
    assert tx.header.interchange_control_number is None


def test_bare_st_with_angle_component_separator():
    body = [s.replace("HC:99213:25:GT", "HC>99213>25>GT") for s in BODY[1:-2]]
    tx = only("\n".join(body) + "\n")
    assert tx.claims[0].lines[0].modifiers == ("25", "GT")


@pytest.mark.parametrize(
    "data",
    [
        b"",
        b"hello world\n",
        b"PK\x03\x04\x00\x00binary",
        b"ISA is a word here, not X12",
    ],
)
def test_not_an_835_raises_one_clear_error(data):
    with pytest.raises(X12Error) as exc:
        parse_835(data, filename="upload.bin")
    assert str(exc.value).startswith(
        "upload.bin: not an X12 835 file: no ISA or ST*835"
    )


def test_an_837_raises():
    body = [
        s.replace("ST*835*0001*005010X221A1", "ST*837*0001*005010X222A1") for s in BODY
    ]
    with pytest.raises(X12Error) as exc:
        parse_835(build(body=body).encode(), filename="claim.837")
    assert exc.value.element == "ST01"
    assert "not an 835" in str(exc.value)


def test_small_chunks_give_the_same_result():
    data = (build() * 3).encode()
    big = parse_835(data)
    small = [e for e in read_835(io.BytesIO(data), chunk_size=1024)]
    assert len(big) == 3
    assert sum(isinstance(e, Claim) for e in small) == 3


def test_reads_from_a_path(tmp_path):
    p = tmp_path / "remit.835"
    p.write_text(build())
    (tx,) = parse_835(p)
    assert tx.issues == []
    (tx,) = parse_835(str(p))
    assert tx.claim_count == 1


def test_x12error_attributes():
    err = X12Error(
        "'abc' is not a number",
        filename="era.835",
        position=14,
        segment_id="CLP",
        element="CLP03",
    )
    assert str(err) == "era.835: segment 14 (CLP), element CLP03: 'abc' is not a number"
    assert (err.position, err.segment_id, err.element) == (14, "CLP", "CLP03")


def test_a_clp_with_no_elements_is_an_error_not_a_crash():
    from remits.x12 import parse_835

    text = (
        "ISA*00*          *00*          *ZZ*S              *ZZ*R              *"
        "260101*1200*^*00501*000000001*0*P*:~GS*HP*S*R*20260101*1200*1*X*005010X221A1~"
        "ST*835*0001~BPR*I*0*C*NON************20260101~TRN*1*T*1~LX*1~CLP~"
        "SE*6*0001~GE*1*1~IEA*1*000000001~"
    )
    (tx,) = parse_835(text.encode(), filename="x.835")
    assert tx.rejected
    assert any("CLP01" in str(i) for i in tx.errors)
