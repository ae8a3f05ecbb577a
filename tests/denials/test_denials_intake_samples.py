"""Every published sample 835 goes through the real intake with the expected result."""

from decimal import Decimal
from pathlib import Path

import pytest

from denials.intake import path_ingest
from denials.models import Denial
from remits.models import ClaimPayment, RemitFile, Remittance

SAMPLES = Path(__file__).resolve().parents[1] / "remits" / "x12" / "samples"

# file: (status, transaction sets, claims posted, denials, paid total, denial kinds)
# Claim counts and paid totals are those of the CLP segments of the posted sets (the
# reader's sample tests check them against the raw text); denials were read off the
# CAS segments by hand: CO-29/CO-251/CO-210, CLP02=4 claims, OA-176 on a zero-pay claim.
EXPECTED = {
    "CHS-CDS-AIML__edi-835-parser__test.835": (
        "posted_with_warnings",
        1,
        1,
        0,
        "1500.50",
        [],
    ),
    "LinuxForHealth__x12__cob-contractural-adjustment.835": (
        "posted",
        1,
        1,
        0,
        "34.00",
        [],
    ),
    "LinuxForHealth__x12__managed-care.835": (
        "posted_with_warnings",
        1,
        2,
        0,
        "945.00",
        [],
    ),
    "LinuxForHealth__x12__medicare-part-a.835": ("posted", 1, 2, 0, "149998.73", []),
    "LinuxForHealth__x12__secondary-payment.835": ("posted", 1, 2, 0, "1222.00", []),
    "LinuxForHealth__x12__tertiary-payment.835": (
        "posted_with_warnings",
        1,
        1,
        0,
        "187.50",
        [],
    ),
    "affect-therapeutics__edi-835-parser__exhaustive_sample.txt": (
        "posted_with_warnings",
        1,
        1,
        0,
        "0",
        [],
    ),
    "affect-therapeutics__edi-835-parser__nevada_medicaid.txt": (
        "posted_with_warnings",
        3,
        3,
        3,
        "0",
        ["full", "full", "zero_pay"],
    ),
    "affect-therapeutics__edi-835-parser__sample_835.txt": (
        "rejected",
        2,
        0,
        0,
        "0",
        [],
    ),
    "affect-therapeutics__edi-835-parser__sample_835_with_interests.txt": (
        "partial",
        2,
        4,
        0,
        "141.13",
        [],
    ),
    "azoner__pyx12__835_mult_loops.txt": ("posted", 1, 1, 1, "0", ["full"]),
    "azoner__pyx12__835_simple.txt": ("posted_with_warnings", 1, 3, 0, "-510.25", []),
    "diasks2__era_835_parser__example_1.835": (
        "posted_with_warnings",
        1,
        1,
        0,
        "5451.04",
        [],
    ),
    "diasks2__era_835_parser__example_2.835": (
        "posted_with_warnings",
        1,
        1,
        0,
        "1922.86",
        [],
    ),
    "diasks2__era_835_parser__example_3.835": (
        "posted_with_warnings",
        1,
        1,
        0,
        "1922.86",
        [],
    ),
    "diasks2__era_835_parser__example_4.835": (
        "posted_with_warnings",
        1,
        1,
        0,
        "1922.86",
        [],
    ),
    "diasks2__era_835_parser__example_5.835": (
        "posted_with_warnings",
        1,
        1,
        0,
        "1922.86",
        [],
    ),
    "diasks2__era_835_parser__example_6.835": (
        "posted_with_warnings",
        2,
        2,
        0,
        "300",
        [],
    ),
    "irobayna__stupidedi__4010_X091A1_case1.edi": (
        "posted_with_warnings",
        1,
        1,
        0,
        "20.61",
        [],
    ),
    "irobayna__stupidedi__X221A1_dollars-and-data-sent-separate.edi": (
        "posted",
        1,
        2,
        0,
        "945",
        [],
    ),
    "irobayna__stupidedi__X221A1_dollars-and-data-sent-together.edi": (
        "posted",
        1,
        2,
        0,
        "149998.73",
        [],
    ),
    "irobayna__stupidedi__X221A1_era-sample.edi": ("posted", 1, 1, 0, "132", []),
    "irobayna__stupidedi__X221A1_multiple-claims-single-check.edi": (
        "posted",
        1,
        9,
        0,
        "810.8",
        [],
    ),
    "irobayna__stupidedi__X221A1_secondary-payment-with-higher-fee-schedule.edi": (
        "posted",
        1,
        1,
        0,
        "34",
        [],
    ),
    "irobayna__stupidedi__X221A1_secondary-payments.edi": (
        "posted",
        1,
        2,
        0,
        "1222",
        [],
    ),
    "irobayna__stupidedi__X221A1_tertiary-payments.edi": (
        "posted",
        1,
        1,
        0,
        "187.50",
        [],
    ),
    "irobayna__stupidedi__X221_case1.edi": (
        "posted_with_warnings",
        1,
        2,
        0,
        "149998.73",
        [],
    ),
    "irobayna__stupidedi__X221_case2.edi": (
        "posted_with_warnings",
        1,
        2,
        1,
        "945",
        ["partial"],
    ),
    "irobayna__stupidedi__X221_case3a.edi": (
        "posted_with_warnings",
        1,
        2,
        0,
        "1222",
        [],
    ),
    "keironstoddart__edi-835-parser__PR8_input_sample_835.txt": (
        "posted",
        2,
        6,
        0,
        "142.91",
        [],
    ),
    "keironstoddart__edi-835-parser__blue_cross_nc_sample.txt": (
        "rejected",
        1,
        0,
        0,
        "0",
        [],
    ),
    "keironstoddart__edi-835-parser__emedny_sample.txt": (
        "posted",
        1,
        3,
        2,
        "45.75",
        ["line", "zero_pay"],
    ),
    "keironstoddart__edi-835-parser__united_healthcare_legacy_sample.txt": (
        "posted",
        1,
        2,
        0,
        "349.99",
        [],
    ),
    "tastypackets__x12-parser__multi-line-not-delimited.edi": (
        "posted",
        1,
        3,
        2,
        "45.75",
        ["line", "zero_pay"],
    ),
    # 156 resent copies of one remittance: it posts once, the copies are duplicates.
    "tastypackets__x12-parser__profee-multiple.edi": (
        "posted_with_warnings",
        156,
        3,
        2,
        "45.75",
        ["line", "zero_pay"],
    ),
    "tastypackets__x12-parser__profee.edi": (
        "posted",
        1,
        3,
        2,
        "45.75",
        ["line", "zero_pay"],
    ),
}


def test_every_sample_file_has_an_expectation():
    files = {p.name for p in SAMPLES.iterdir() if p.name != "SOURCES.md"}
    assert files == set(EXPECTED)


@pytest.mark.django_db
@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_sample_file_posts_with_the_expected_result(name, practice):
    status, transactions, claims, denials, paid, kinds = EXPECTED[name]
    report = path_ingest(path=SAMPLES / name, source="command", practice_hint=practice)
    assert report.status == status
    assert report.transactions == transactions
    assert report.claims == claims
    assert report.denials == denials
    assert report.paid_total == Decimal(paid)
    assert sorted(Denial.objects.values_list("kind", flat=True)) == kinds
    # Nothing half-written: rows exist exactly for the posted transaction sets.
    for remittance in Remittance.objects.all():
        rows = ClaimPayment.objects.filter(remittance=remittance).count()
        if remittance.status in ("posted", "posted_with_warnings"):
            assert rows == remittance.claim_count
        else:
            assert rows == 0
    if status == "rejected":
        assert report.errors
        assert all(name in e for e in report.errors)
    stored = RemitFile.objects.get()
    assert stored.sha256 and stored.size == (SAMPLES / name).stat().st_size
