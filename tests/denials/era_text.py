"""Build small, balanced 835 texts for intake tests (hand-checkable)."""

import itertools
from decimal import Decimal

# Each interchange a sender sends has its own control number.
_controls = itertools.count(1)


def claim(
    account,
    status,
    charge,
    paid,
    *,
    icn="",
    lines=(),
    cas=(),
    patient=("Doe", "Jane"),
    resp="0",
):
    """lines: (procedure, charge, paid, [(group, reason, amount)]); cas: claim level."""
    segs = [
        f"CLP*{account}*{status}*{charge}*{paid}*{resp}*CI*{icn}*11*1",
        f"NM1*QC*1*{patient[0]}*{patient[1]}****MI*M123",
    ]
    if cas:
        segs.append("CAS*" + "*".join(f"{g}*{r}*{a}" for g, r, a in cas))
    for proc, ch, pd, adjs in lines:
        segs.append(f"SVC*HC:{proc}*{ch}*{pd}**1")
        segs.append("DTM*472*20261001")
        for g, r, a in adjs:
            segs.append(f"CAS*{g}*{r}*{a}")
    return segs


def era(
    claims,
    *,
    trace="T100",
    payer=("Acme Health Plan", "ACME1"),
    npi="1619000000",
    pay_date="20261020",
    plb=(),
    control=None,
):
    control = control or f"{next(_controls):09d}"
    body = []
    paid = Decimal("0")
    for c in claims:
        body.extend(c)
        paid += Decimal(c[0].split("*")[4])
    plb_total = sum((Decimal(a) for _, a in plb), Decimal("0"))
    tx = [
        "ST*835*0001*005010X221A1",
        f"BPR*I*{paid - plb_total}*C*ACH*CCP*01*011000015*DA*1*1**01*021000021*DA*1*"
        f"{pay_date}",
        f"TRN*1*{trace}*1{payer[1]}",
        f"DTM*405*{pay_date}",
        f"N1*PR*{payer[0]}",
        f"REF*2U*{payer[1]}",
        f"N1*PE*Riverside Family Medicine*XX*{npi}",
        "LX*1",
        *body,
    ]
    if plb:
        tx.append(f"PLB*{npi}*20261231*" + "*".join(f"{r}*{a}" for r, a in plb))
    tx.append(f"SE*{len(tx) + 1}*0001")
    isa = (
        f"ISA*00*          *00*          *ZZ*{'SENDER':<15}*ZZ*{'RECEIVER':<15}*"
        "261020*1200*^*"
        f"00501*{control}*0*P*:"
    )
    segments = [
        isa,
        "GS*HP*SENDER*RECEIVER*20261020*1200*1*X*005010X221A1",
        *tx,
        "GE*1*1",
        f"IEA*1*{control}",
    ]
    return "~\n".join(segments) + "~\n"
