"""Synthetic ERAs for demos, tests and benchmarks, paying this site's practices."""

import io
from datetime import date

from core.models import Practice

from . import x12

DEFAULT_TIN = "000000000"


def payees_for(practices) -> list[x12.Payee]:
    return [
        x12.Payee(
            name=p.name[:60],
            npi=(p.npis or ["1999999999"])[0],
            tin=p.tin or DEFAULT_TIN,
        )
        for p in practices
    ]


def era_generate(
    *,
    claims: int,
    seed: int,
    start_date: date,
    account_prefix: str = "",
    practices=None,
    recovered_share: float = 0.05,
    claims_per_transaction: int = 500,
    denial_rate: float = 0.24,
    denial_mix: list[float] | None = None,
) -> tuple[str, x12.GenerationSummary]:
    """An 835 as text; `account_prefix` keeps account numbers unique across batches."""
    practices = list(practices if practices is not None else Practice.objects.all())
    out = io.StringIO()
    summary = x12.generate_835(
        out,
        claims=claims,
        seed=seed,
        payees=payees_for(practices) or None,
        start_date=start_date,
        recovered_share=recovered_share,
        claims_per_transaction=claims_per_transaction,
        denial_rate=denial_rate,
        denial_mix=denial_mix,
    )
    text = out.getvalue()
    if account_prefix:
        text = text.replace("CLP*A", f"CLP*{account_prefix}A").replace(
            "REF*6R*A", f"REF*6R*{account_prefix}A"
        )
    return text, summary
