"""Corrupted 835 input never crashes the reader: events or X12Error, nothing else."""

import io

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from remits.x12 import Claim, TransactionEnd, X12Error, generate_835, read_835

_buf = io.StringIO()
generate_835(_buf, claims=6, seed=5, claims_per_transaction=3, line_breaks=False)
VALID = _buf.getvalue().encode()
SAMPLE_EDIT = st.integers(min_value=0, max_value=len(VALID))


def read_all(data: bytes, chunk_size: int = 1 << 20) -> list:
    try:
        return list(
            read_835(io.BytesIO(data), filename="fuzz.835", chunk_size=chunk_size)
        )
    except X12Error as exc:
        assert str(exc).startswith("fuzz.835")
        return []


@st.composite
def corrupted(draw):
    data = bytearray(VALID)
    for _ in range(draw(st.integers(1, 6))):
        op = draw(
            st.sampled_from(["delete", "duplicate", "mutate", "insert", "truncate"])
        )
        if not data:
            break
        i = draw(st.integers(0, len(data) - 1))
        if op == "delete":
            j = min(len(data), i + draw(st.integers(1, 40)))
            del data[i:j]
        elif op == "duplicate":
            j = min(len(data), i + draw(st.integers(1, 80)))
            data[i:i] = data[i:j]
        elif op == "mutate":
            data[i] = draw(st.sampled_from(list(b"*:~^>\n\r0A-.9 \x00\xff\x92")))
        elif op == "insert":
            data[i:i] = draw(st.binary(min_size=1, max_size=8))
        else:
            del data[i:]
    return bytes(data)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(corrupted(), st.sampled_from([1024, 4096, 1 << 20]))
def test_corrupted_generated_file_gives_events_or_x12error(data, chunk_size):
    events = read_all(data, chunk_size)
    # every transaction set that started also ended, in order
    ends = [e for e in events if isinstance(e, TransactionEnd)]
    for end in ends:
        assert end.transaction.header is not None


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=300))
def test_random_bytes_give_events_or_x12error(data):
    read_all(data)


def _set_spans(data: bytes) -> list[tuple[int, int]]:
    """Byte offsets (start of ST, start of SE) of each transaction set."""
    spans, i = [], 0
    while (st_at := data.find(b"~ST*835*", i)) >= 0:
        se_at = data.find(b"~SE*", st_at)
        spans.append((st_at + 1, se_at + 1))
        i = se_at + 1
    return spans


SPANS = _set_spans(VALID)


@settings(max_examples=100, deadline=None)
@given(SAMPLE_EDIT)
def test_truncation_never_loses_claims_silently(cut):
    events = read_all(VALID[:cut])
    ends = [e.transaction for e in events if isinstance(e, TransactionEnd)]
    claims = sum(isinstance(e, Claim) for e in events)
    assert claims == sum(t.claim_count for t in ends)
    for k, (st_at, se_at) in enumerate(SPANS):
        if st_at + 8 < cut <= se_at:
            # cut inside transaction set k: it is reported and rejected
            assert len(ends) == k + 1
            assert ends[k].rejected
        elif cut > se_at + 12:
            assert not ends[k].rejected
