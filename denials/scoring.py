"""The queue's priority score. Pure: no database, no clock of its own.

priority = expected net recovery × urgency, where
  expected net recovery = denied dollars × chance of overturn − rework cost, and
  urgency = 1 + 2 × 0.5^(days left / half-life), from ×1 far out to ×3 at the deadline.
A denial past its deadline, without appeal rights, or whose expected recovery does not
cover the rework is not worked first: it is flagged for a write-off decision.
"""

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

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
    explanation: str

    def parts(self) -> dict:
        return {
            "expected_recovery": str(self.expected_recovery),
            "overturn_chance": str(self.overturn_chance),
            "urgency": str(self.urgency),
            "days_left": self.days_left,
            "write_off_review": self.write_off_review,
        }


def overturn_chance(*, wins: int, outcomes: int, prior: Decimal, weight: int) -> Decimal:
    """Chance of overturn from the site's outcomes, shrunk toward the prior."""
    prior = Decimal(str(prior))
    chance = (prior * weight + wins) / Decimal(weight + outcomes) if weight + outcomes else prior
    return chance.quantize(RATIO, rounding=ROUND_HALF_UP)


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
    """Score one denial and explain the parts in one line a biller can check."""
    expected = (denied_amount * chance - rework_cost).quantize(CENT, rounding=ROUND_HALF_UP)
    factor = urgency(days_left, half_life_days=half_life_days)
    expired = days_left is not None and days_left < 0
    write_off = expired or no_appeal_rights or expected <= 0
    percent = (chance * 100).quantize(Decimal("1"), rounding=ROUND_HALF_UP)
    head = f"${denied_amount:,.2f} denied × {percent}% overturn − ${rework_cost:,.2f} rework"
    if no_appeal_rights:
        tail = "no appeal rights → write-off review"
    elif expired:
        tail = f"deadline passed {-days_left} days ago → write-off review"
    elif days_left is None:
        tail = "no deadline known → urgency ×1.00"
    else:
        tail = f"{days_left} days left → urgency ×{factor}"
    if expected <= 0 and not (expired or no_appeal_rights):
        tail += "; below rework cost → write-off review"
    if write_off:
        # Keep the order among write-off candidates by dollars, below every workable item.
        priority = min(expected, Decimal(0)) - Decimal(1) + denied_amount / Decimal(10**9)
    else:
        priority = expected * factor
    return Score(
        priority=priority.quantize(RATIO, rounding=ROUND_HALF_UP),
        expected_recovery=expected,
        overturn_chance=chance,
        urgency=factor,
        days_left=days_left,
        write_off_review=write_off,
        explanation=f"{head} = ${expected:,.2f} expected; {tail}",
    )
