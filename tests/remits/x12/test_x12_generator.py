"""The 835 generator writes deterministic, balanced files our reader accepts cleanly."""

import io
from collections import Counter
from decimal import Decimal

from remits.x12 import (
    Claim,
    Payee,
    Payer,
    TransactionEnd,
    generate_835,
    parse_835,
    read_835,
)


def generate(**kw):
    buf = io.StringIO()
    kw.setdefault("claims", 600)
    kw.setdefault("seed", 11)
    summary = generate_835(buf, **kw)
    return buf.getvalue(), summary


def test_same_seed_same_bytes_other_seed_other_bytes():
    a, _ = generate(seed=3)
    b, _ = generate(seed=3)
    c, _ = generate(seed=4)
    assert a == b
    assert a != c


def test_generated_file_reads_with_zero_issues_and_matches_the_summary():
    text, summary = generate(
        claims=1500, claims_per_transaction=200, recovered_share=0.2
    )

    txs = parse_835(text.encode(), filename="gen.835")

    assert [str(i) for t in txs for i in t.issues] == []
    assert len(txs) == summary.transactions == 8
    assert sum(t.claim_count for t in txs) == summary.claims == 1500
    payments = sum((t.header.payment_amount for t in txs), Decimal(0))
    assert payments == summary.paid_total
    for t in txs:
        assert t.paid_total - t.provider_adjustment_total == t.header.payment_amount


def test_denial_mix_reversals_plb_and_unique_payer_claim_numbers():
    text, summary = generate(
        claims=5000, claims_per_transaction=250, recovered_share=0.3
    )
    txs = parse_835(text.encode())
    claims = [c for t in txs for c in t.claims]

    statuses = Counter(c.status for c in claims)
    assert 0.08 < statuses["4"] / len(claims) < 0.16
    assert statuses["22"] == summary.reversals > 0
    assert summary.denied_claims == statuses["4"]
    assert summary.recovered > 0
    reasons = Counter(
        a.reason
        for c in claims
        for ln in c.lines
        for a in ln.adjustments
        if a.group in ("CO", "OA") and a.reason != "45"
    )
    for carc in ("16", "197", "27", "50", "29", "18"):
        assert reasons[carc] > 0, carc
    remarks = Counter(r for c in claims for ln in c.lines for r in ln.remarks)
    assert remarks["N290"] + remarks["M51"] + remarks["MA130"] > 0
    assert any(p.reason == "L6" for t in txs for p in t.provider_adjustments)
    assert any(p.reason == "WO" for t in txs for p in t.provider_adjustments)
    # CLP07 is unique except for a reversal sharing its original's number
    # and a recovered denial re-sent with the same CLP01/CLP07
    non_repeat = [c.payer_claim_number for c in claims if c.status in ("1", "2", "4")]
    repeats = [n for n, k in Counter(non_repeat).items() if k > 1]
    assert len(repeats) <= summary.recovered
    reversed_icns = {c.payer_claim_number for c in claims if c.status == "22"}
    assert reversed_icns <= set(non_repeat)


def test_reversal_is_an_exact_negation_of_the_original():
    text, _ = generate(claims=4000, claims_per_transaction=4000)
    (tx,) = parse_835(text.encode())
    by_icn = {}
    for c in tx.claims:
        by_icn.setdefault(c.payer_claim_number, []).append(c)
    pairs = [v for v in by_icn.values() if [c.status for c in v][-1] == "22"]
    assert pairs
    for orig, rev in (p[-2:] for p in pairs if len(p) >= 2):
        assert rev.paid == -orig.paid and rev.charge == -orig.charge
        assert rev.account_number == orig.account_number


def test_custom_payers_payees_and_no_line_breaks():
    payee = Payee("Test Clinic", "1000000004", "990000001")
    payer = Payer("State Medicaid", "SM1", "MC", "medicaid")
    text, summary = generate(
        claims=50, payees=[payee], payers=[payer], line_breaks=False
    )
    assert "\n" not in text
    txs = parse_835(text.encode())
    assert {t.header.payee_npi for t in txs} == {"1000000004"}
    assert {c.filing_indicator for t in txs for c in t.claims} == {"MC"}
    assert summary.claims == 50


def test_streaming_a_generated_file_yields_every_claim():
    text, summary = generate(claims=700, claims_per_transaction=100)
    events = list(read_835(io.BytesIO(text.encode()), chunk_size=4096))
    assert sum(isinstance(e, Claim) for e in events) == 700
    assert sum(isinstance(e, TransactionEnd) for e in events) == summary.transactions


def test_denial_rate_and_mix_shape_what_is_denied():
    import io
    from collections import Counter

    from remits.x12 import parse_835
    from remits.x12.generator import DENIALS, generate_835

    def denied_carcs(**options):
        out = io.StringIO()
        generate_835(out, claims=2000, seed=4, **options)
        counts = Counter()
        for tx in parse_835(out.getvalue().encode()):
            for c in tx.claims:
                for a in [
                    *c.adjustments,
                    *(x for ln in c.lines for x in ln.adjustments),
                ]:
                    counts[a.reason] += 1
        return counts

    eligibility = set(DENIALS[0][2])
    plain = denied_carcs()
    fewer = denied_carcs(denial_mix=[0.1] + [1.0] * (len(DENIALS) - 1))
    assert sum(fewer[c] for c in eligibility) < sum(plain[c] for c in eligibility) / 3
    low = denied_carcs(denial_rate=0.05)
    assert sum(low[c] for c in ("197", "15")) < sum(plain[c] for c in ("197", "15")) / 2
