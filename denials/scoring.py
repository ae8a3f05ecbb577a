"""The queue's priority score. Pure: no database, no clock of its own.

priority = expected net recovery × urgency, where
  expected net recovery = denied dollars × chance of overturn − rework cost, and
  urgency = 1 + 2 × 0.5^(days left / half-life), from ×1 far out to ×3 at the deadline.
A denial past its deadline, without appeal rights, or whose expected recovery does not
cover the rework is not worked first: it is flagged for a write-off decision.

What is stored holds nothing that changes by itself from one day to the next: the parts
and a summary without the days left. The days left are rendered from the deadline and
today (`explain`), so a nightly rescore rewrites only the denials whose urgency or
priority actually moved.
"""

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from functools import lru_cache

CENT = Decimal("0.01")
RATIO = Decimal("0.0001")


@dataclass(frozen=True)
class Score:
    priority: Decimal
    expected_recovery: Decimal
    overturn_chance: Decimal
    urgency: Decimal
    days_left: int | None
    write_off_review: bool
    denied_amount: Decimal
    rework_cost: Decimal
    no_appeal_rights: bool = False

    def parts(self) -> dict:
        """What is stored: every part but the days left, which change daily."""
        return {
            "expected_recovery": str(self.expected_recovery),
            "overturn_chance": str(self.overturn_chance),
            "rework_cost": str(self.rework_cost),
            "urgency": str(self.urgency),
            "write_off_review": self.write_off_review,
        }

    @property
    def explanation(self) -> str:
        """The line a biller reads, with the days left on the day of scoring."""
        return explain(
            denied_amount=self.denied_amount, parts=self.parts(),
            days_left=self.days_left, no_appeal_rights=self.no_appeal_rights,
        )

    @property
    def summary(self) -> str:
        """The stored line: the explanation without the days left."""
        return explain(
            denied_amount=self.denied_amount, parts=self.parts(),
            days_left=self.days_left, no_appeal_rights=self.no_appeal_rights,
            with_days=False,
        )


def overturn_chance(*, wins: int, outcomes: int, prior: Decimal, weight: int) -> Decimal:
    """Chance of overturn from the site's outcomes, shrunk toward the prior."""
    prior = Decimal(str(prior))
    chance = (prior * weight + wins) / Decimal(weight + outcomes) if weight + outcomes else prior
    return chance.quantize(RATIO, rounding=ROUND_HALF_UP)


@lru_cache(maxsize=4096)
def urgency(days_left: int | None, *, half_life_days: int) -> Decimal:
    if days_left is None:
        return Decimal("1.00")
    days = max(days_left, 0)
    value = 1 + 2 * 0.5 ** (days / half_life_days)
    return Decimal(str(value)).quantize(CENT, rounding=ROUND_HALF_UP)


def score_denial(
    *,
    denied_amount: Decimal,
    chance: Decimal,
    rework_cost: Decimal,
    days_left: int | None,
    no_appeal_rights: bool = False,
    half_life_days: int = 14,
) -> Score:
    """Score one denial; the Score explains its parts in one line a biller can check."""
    expected = (denied_amount * chance - rework_cost).quantize(CENT, rounding=ROUND_HALF_UP)
    factor = urgency(days_left, half_life_days=half_life_days)
    expired = days_left is not None and days_left < 0
    write_off = expired or no_appeal_rights or expected <= 0
    if write_off:
        # Keep the order among write-off candidates by dollars, below every workable item.
        priority = min(expected, ZERO) - ONE + denied_amount / BILLION
    else:
        priority = expected * factor
    return Score(
        priority=priority.quantize(RATIO, rounding=ROUND_HALF_UP),
        expected_recovery=expected,
        overturn_chance=chance,
        urgency=factor,
        days_left=days_left,
        write_off_review=write_off,
        denied_amount=denied_amount,
        rework_cost=rework_cost,
        no_appeal_rights=no_appeal_rights,
    )


ZERO, ONE, BILLION = Decimal(0), Decimal(1), Decimal(10**9)


def explain(
    *, denied_amount: Decimal, parts: dict, days_left: int | None,
    no_appeal_rights: bool = False, with_days: bool = True,
) -> str:
    """One line from stored parts: "$1,240.00 denied × 62% overturn − $25.00 rework …".

    With `with_days`, the days left (from the deadline and today) are spelled out;
    without, the line holds nothing that changes from day to day (what is stored).
    """
    chance = Decimal(parts.get("overturn_chance") or 0)
    rework = Decimal(parts.get("rework_cost") or 0)
    expected = Decimal(parts.get("expected_recovery") or 0)
    factor = parts.get("urgency") or "1.00"
    percent = (chance * 100).quantize(Decimal("1"), rounding=ROUND_HALF_UP)
    expired = days_left is not None and days_left < 0
    head = f"${denied_amount:,.2f} denied × {percent}% overturn − ${rework:,.2f} rework"
    if no_appeal_rights:
        tail = "no appeal rights → write-off review"
    elif expired:
        ago = f" {-days_left} days ago" if with_days else ""
        tail = f"deadline passed{ago} → write-off review"
    elif days_left is None:
        tail = "no deadline known → urgency ×1.00"
    elif with_days:
        tail = f"{days_left} days left → urgency ×{factor}"
    else:
        tail = f"urgency ×{factor}"
    if expected <= 0 and not (expired or no_appeal_rights):
        tail += "; below rework cost → write-off review"
    return f"{head} = ${expected:,.2f} expected; {tail}"
