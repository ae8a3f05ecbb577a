"""Appeal deadline arithmetic. Pure: the 835 never carries a deadline; rules do."""

from dataclasses import dataclass
from datetime import date, timedelta

MEDICARE_CLASSES = {"medicare"}
# Timely-filing denials have no appeal rights with Medicare.
NO_APPEAL_CARCS_MEDICARE = {"29"}
# Clerical errors and duplicate-claim denials go to a reopening, not an appeal.
REOPENING_CARCS = {"18"}


@dataclass(frozen=True)
class Deadline:
    deadline: date | None
    level: str = ""
    days: int | None = None
    clock_date: date | None = None
    no_appeal_rights: bool = False
    note: str = ""


@dataclass(frozen=True)
class RuleView:
    """What the arithmetic needs of an AppealRule."""

    levels: tuple[tuple[str, int], ...]
    clock_start: str
    verified: bool
    payer_class: str


def clock_date(
    rule: RuleView,
    *,
    remit_date: date | None,
    service_date: date | None,
    first_remit_date: date | None = None,
) -> date | None:
    if rule.clock_start == "remit_plus_5":
        return remit_date + timedelta(days=5) if remit_date else None
    if rule.clock_start == "service_date":
        return service_date or remit_date
    if rule.clock_start == "original_eob":
        return first_remit_date or remit_date
    return remit_date


def appeal_deadline(
    rule: RuleView | None,
    *,
    carc: str,
    remit_date: date | None,
    service_date: date | None,
    first_remit_date: date | None = None,
    level_index: int = 0,
) -> Deadline:
    """The deadline of the given appeal level for a denial, with a note saying why."""
    if rule is None or not rule.levels:
        return Deadline(
            None, note="No appeal rule for this payer: ask an admin to add one."
        )
    if rule.payer_class in MEDICARE_CLASSES and carc in NO_APPEAL_CARCS_MEDICARE:
        return Deadline(
            None,
            no_appeal_rights=True,
            note="Medicare timely-filing denial (CO-29): no appeal rights.",
        )
    if level_index >= len(rule.levels):
        return Deadline(
            None, note="No further appeal level is configured for this payer."
        )
    start = clock_date(
        rule,
        remit_date=remit_date,
        service_date=service_date,
        first_remit_date=first_remit_date,
    )
    name, days = rule.levels[level_index]
    if start is None:
        return Deadline(
            None, level=name, days=days, note="No remit date to start the clock."
        )
    notes = [f"{name}: {days} days from {start:%b %d, %Y}"]
    if carc in REOPENING_CARCS:
        notes.append("duplicate/clerical: request a reopening, not an appeal")
    if not rule.verified:
        notes.append("rule unverified")
    return Deadline(
        start + timedelta(days=days),
        level=name,
        days=days,
        clock_date=start,
        note="; ".join(notes),
    )


def days_left(deadline: date | None, today: date) -> int | None:
    return None if deadline is None else (deadline - today).days
