"""Every published sample 835 in samples/ reads to the totals worked out by hand.

Claim counts and paid totals were taken from the files themselves (count of CLP
segments, sum of CLP04); the expected issues were checked one by one against the raw
segments (e.g. CHS test.835 really charges 2000 with 999 adjusted and 1500.50 paid).
"""

from decimal import Decimal
from pathlib import Path

import pytest

from remits.x12 import Claim, TransactionEnd, parse_835, read_835

SAMPLES = Path(__file__).parent / "samples"

# file: (transactions, claims, paid total, rejected transactions, expected issue texts)
# An empty tuple of issue texts means the file must read with no issue at all.
EXPECTED = {
    "CHS-CDS-AIML__edi-835-parser__test.835": (
        1,
        1,
        "1500.50",
        0,
        ("claim 'PATIENTACCOUNT01' does not balance", "segment count '17'"),
    ),
    "LinuxForHealth__x12__cob-contractural-adjustment.835": (1, 1, "34.00", 0, ()),
    "LinuxForHealth__x12__managed-care.835": (
        1,
        2,
        "945.00",
        0,
        ("'20002316' is not a valid date",),
    ),
    "LinuxForHealth__x12__medicare-part-a.835": (1, 2, "149998.73", 0, ()),
    "LinuxForHealth__x12__secondary-payment.835": (1, 2, "1222.00", 0, ()),
    # SVC01 lost its ':' upstream (SVC*HC*24599.00*...), so the line cannot balance
    "LinuxForHealth__x12__tertiary-payment.835": (
        1,
        1,
        "187.50",
        0,
        ("service line 1 of claim '0001000054' does not balance",),
    ),
    "affect-therapeutics__edi-835-parser__exhaustive_sample.txt": (
        1,
        1,
        "0",
        0,
        ("no ISA/GS envelope",),
    ),
    "affect-therapeutics__edi-835-parser__nevada_medicaid.txt": (
        3,
        3,
        "0",
        0,
        ("control number '100000301' does not match ISA13",),
    ),
    # placeholder CAS*grp_code*reason_code*amount in the first set, PLB with no amount
    # ("resnCode>adjID>5") in the second: both sets rejected
    "affect-therapeutics__edi-835-parser__sample_835.txt": (
        2,
        6,
        "142.91",
        2,
        (
            "'grp_code' is not a claim adjustment group code",
            "'amount' is not a number",
            "adjustment 'resnCode>adjID>5' has no amount",
        ),
    ),
    "affect-therapeutics__edi-835-parser__sample_835_with_interests.txt": (
        2,
        6,
        "142.91",
        1,
        ("'grp_code' is not a claim adjustment group code", "segment count '96'"),
    ),
    "azoner__pyx12__835_mult_loops.txt": (1, 1, "0", 0, ()),
    "azoner__pyx12__835_simple.txt": (
        1,
        3,
        "-510.25",
        0,
        ("version 004010X091A1: read as 4010", "transaction does not balance"),
    ),
    "diasks2__era_835_parser__example_1.835": (
        1,
        1,
        "5451.04",
        0,
        ("no ISA/GS envelope", "segment count '21'"),
    ),
    "diasks2__era_835_parser__example_2.835": (
        1,
        1,
        "1922.86",
        0,
        ("no ISA/GS envelope",),
    ),
    "diasks2__era_835_parser__example_3.835": (
        1,
        1,
        "1922.86",
        0,
        ("no ISA/GS envelope",),
    ),
    "diasks2__era_835_parser__example_4.835": (
        1,
        1,
        "1922.86",
        0,
        ("no ISA/GS envelope", "segment count '33'"),
    ),
    "diasks2__era_835_parser__example_5.835": (
        1,
        1,
        "1922.86",
        0,
        ("no ISA/GS envelope", "segment count '33'"),
    ),
    # BPR*H zero-pay notice that lists a paid claim, then the real payment of 300
    "diasks2__era_835_parser__example_6.835": (
        2,
        2,
        "300",
        0,
        ("no ISA/GS envelope", "but BPR02 is 0"),
    ),
    "irobayna__stupidedi__4010_X091A1_case1.edi": (
        1,
        1,
        "20.61",
        0,
        ("version 004010X091A1",),
    ),
    "irobayna__stupidedi__X221A1_dollars-and-data-sent-separate.edi": (
        1,
        2,
        "945",
        0,
        (),
    ),
    "irobayna__stupidedi__X221A1_dollars-and-data-sent-together.edi": (
        1,
        2,
        "149998.73",
        0,
        (),
    ),
    "irobayna__stupidedi__X221A1_era-sample.edi": (1, 1, "132", 0, ()),
    "irobayna__stupidedi__X221A1_multiple-claims-single-check.edi": (
        1,
        9,
        "810.80",
        0,
        (),
    ),
    "irobayna__stupidedi__X221A1_secondary-payment-with-higher-fee-schedule.edi": (
        1,
        1,
        "34",
        0,
        (),
    ),
    "irobayna__stupidedi__X221A1_secondary-payments.edi": (1, 2, "1222", 0, ()),
    "irobayna__stupidedi__X221A1_tertiary-payments.edi": (1, 1, "187.50", 0, ()),
    "irobayna__stupidedi__X221_case1.edi": (
        1,
        2,
        "149998.73",
        0,
        ("text before the ISA", "before the A1 addenda"),
    ),
    "irobayna__stupidedi__X221_case2.edi": (
        1,
        2,
        "945",
        0,
        ("text before the ISA", "before the A1 addenda"),
    ),
    "irobayna__stupidedi__X221_case3a.edi": (
        1,
        2,
        "1222",
        0,
        ("text before the ISA", "segment count '39'", "transaction does not balance"),
    ),
    "keironstoddart__edi-835-parser__PR8_input_sample_835.txt": (2, 6, "142.91", 0, ()),
    # SVC*HC:59426******742*742: charge and paid are missing
    "keironstoddart__edi-835-parser__blue_cross_nc_sample.txt": (
        1,
        1,
        "1922.86",
        1,
        ("SVC02: required amount is missing", "no ISA/GS envelope"),
    ),
    "keironstoddart__edi-835-parser__emedny_sample.txt": (1, 3, "45.75", 0, ()),
    "keironstoddart__edi-835-parser__united_healthcare_legacy_sample.txt": (
        1,
        2,
        "349.99",
        0,
        (),
    ),
    "tastypackets__x12-parser__multi-line-not-delimited.edi": (1, 3, "45.75", 0, ()),
    "tastypackets__x12-parser__profee-multiple.edi": (156, 468, "7137.00", 0, ()),
    "tastypackets__x12-parser__profee.edi": (1, 3, "45.75", 0, ()),
}


def test_every_sample_file_has_an_expectation():
    files = {p.name for p in SAMPLES.iterdir() if p.name != "SOURCES.md"}
    assert files == set(EXPECTED)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_sample_file_reads_to_expected_totals(name):
    n_tx, n_claims, paid, n_rejected, issue_texts = EXPECTED[name]

    txs = parse_835(SAMPLES / name)

    assert len(txs) == n_tx
    assert sum(len(t.claims) for t in txs) == n_claims
    assert sum(t.claim_count for t in txs) == n_claims
    assert sum((t.paid_total for t in txs), Decimal(0)) == Decimal(paid)
    assert sum(t.rejected for t in txs) == n_rejected
    all_issues = "\n".join(str(i) for t in txs for i in t.issues)
    if not issue_texts:
        assert all_issues == ""
    for text in issue_texts:
        assert text in all_issues
    for t in txs:
        for i in t.issues:
            assert str(i).startswith(name)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_streaming_and_tiny_chunks_agree_with_parse(name):
    with open(SAMPLES / name, "rb") as fh:
        events = list(read_835(fh, chunk_size=1024))
    claims = [e for e in events if isinstance(e, Claim)]
    ends = [e for e in events if isinstance(e, TransactionEnd)]
    assert len(claims) == EXPECTED[name][1]
    assert len(ends) == EXPECTED[name][0]


def test_cp1252_prose_header_is_decoded_not_fatal():
    txs = parse_835(SAMPLES / "irobayna__stupidedi__X221_case2.edi")
    assert txs[0].header.payee_name == "ACME MEDICAL CENTER"


def test_non_standard_delimiters_file():
    (tx,) = parse_835(SAMPLES / "irobayna__stupidedi__4010_X091A1_case1.edi")
    (plb,) = tx.provider_adjustments
    assert (plb.reason, plb.reference, plb.amount) == (
        "L6",
        "74122910359",
        Decimal("0"),
    )
    assert tx.claims[0].adjustments[0].group == "PI"


def test_reversal_and_correction_pair_in_pyx12_sample():
    (tx,) = parse_835(SAMPLES / "azoner__pyx12__835_simple.txt")
    assert [c.status for c in tx.claims] == ["22", "1", "22"]
    rev, corr = tx.claims[0], tx.claims[1]
    assert rev.payer_claim_number == corr.payer_claim_number == "6363451"
    assert rev.paid == Decimal("-210") and rev.lines[0].adjustments[0].group == "CR"


def test_medicare_part_a_claim_level_remarks():
    (tx,) = parse_835(SAMPLES / "LinuxForHealth__x12__medicare-part-a.835")
    assert any(c.remarks for c in tx.claims)
    assert tx.provider_adjustments[0].reason == "CV"


def test_prose_plus_crlf_plus_plus_separator_file():
    (tx,) = parse_835(SAMPLES / "irobayna__stupidedi__X221_case1.edi")
    assert tx.header.payment_amount == Decimal("150000")
    assert tx.header.interchange_sender == "SUBMITTERS.ID.."


def test_denial_sample_has_line_remarks():
    (tx,) = parse_835(SAMPLES / "azoner__pyx12__835_mult_loops.txt")
    (c,) = tx.claims
    assert c.status == "4"
    assert sum(len(ln.remarks) for ln in c.lines) == 3
