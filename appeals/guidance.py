"""Which action a denial calls for, and why. Pure: no database.

The rules follow the payer manuals' split between an appeal (the payer judged wrongly),
a reopening (a clerical error or a duplicate denial) and a corrected claim (the practice
billed wrongly); resubmitting a wrong claim as new only earns a duplicate denial (18).
"""

from dataclasses import dataclass, field
from datetime import date

APPEAL = "appeal"
RECONSIDERATION = "reconsideration"
CORRECTED_CLAIM = "corrected_claim"
REOPENING = "reopening"
WRITE_OFF = "write_off"

MEDICARE_CLASSES = {"medicare"}
TIMELY_FILING_CARCS = {"29"}
DUPLICATE_CARCS = {"18"}
# The practice coded the claim wrongly: fix the claim, do not argue with the payer.
CODING_CARCS = {
    "4",
    "5",
    "6",
    "7",
    "11",
    "97",
    "146",
    "181",
    "182",
    "189",
    "199",
    "231",
    "234",
    "236",
    "B15",
}
# CARC 16 (claim lacks information) with a remark naming a coding element.
CODING_RARCS = {"M51", "M76", "M77", "M20", "M67", "M81", "N657", "MA130", "N56"}
# The payer asks for records: send them with a reconsideration or appeal.
DOCUMENTATION_CARCS = {"226", "250", "251", "252", "163"}


@dataclass(frozen=True)
class Guidance:
    """The recommended action, the reason in words, and what else is allowed."""

    action: str
    reason: str
    alternatives: tuple[str, ...] = field(default_factory=tuple)
    expired: bool = False
    no_appeal_rights: bool = False

    @property
    def allowed(self) -> tuple[str, ...]:
        return (self.action, *[a for a in self.alternatives if a != self.action])


def level_action(level_name: str) -> str:
    return RECONSIDERATION if "reconsideration" in level_name.lower() else APPEAL


def recommend(
    *,
    payer_class: str,
    carc: str,
    group: str = "",
    rarc: str = "",
    category: str = "",
    deadline: date | None = None,
    today: date,
    level_index: int = 0,
    level_name: str = "",
    levels: int = 1,
    payer_claim_number: str = "",
) -> Guidance:
    """Recommend appeal, reconsideration, corrected claim, reopening or write-off."""
    carc = (carc or "").strip().upper()
    rarc = (rarc or "").strip().upper()
    icn = payer_claim_number or "the payer's claim number"

    if payer_class in MEDICARE_CLASSES and carc in TIMELY_FILING_CARCS:
        return Guidance(
            WRITE_OFF,
            f"Medicare timely-filing denial ({group or 'CO'}-29): there are no "
            "appeal rights. "
            "Write it off, unless you hold proof the claim was filed on time; then "
            "ask for a "
            "reopening and enclose that proof.",
            alternatives=(REOPENING,),
            no_appeal_rights=True,
        )
    if carc in DUPLICATE_CARCS:
        return Guidance(
            REOPENING,
            "Duplicate-claim denial (18): a clerical matter, so request a "
            "reopening, not an "
            "appeal. If the claim really was billed twice, write this one off; "
            "resubmitting "
            "it as a new claim only earns another 18.",
            alternatives=(WRITE_OFF,),
        )
    coding = (
        category == "coding"
        or carc in CODING_CARCS
        or (carc == "16" and rarc in CODING_RARCS)
    )
    if coding:
        return Guidance(
            CORRECTED_CLAIM,
            f"Coding denial ({group + '-' if group else ''}{carc}"
            f"{' ' + rarc if rarc else ''}): the claim as billed was wrong, so send "
            "a corrected "
            f"claim (frequency 7, replacing {icn}), not an appeal. Use frequency 8 "
            "to void it "
            "if it should not have been billed.",
            alternatives=(APPEAL, WRITE_OFF),
        )
    if carc == "16":
        return Guidance(
            CORRECTED_CLAIM,
            "Claim lacks information (16): add what the remark code names and send a "
            f"corrected claim (frequency 7, replacing {icn}).",
            alternatives=(REOPENING, APPEAL, WRITE_OFF),
        )
    if deadline is not None and deadline < today:
        return Guidance(
            WRITE_OFF,
            f"The appeal deadline passed on {deadline:%b %d, %Y}: an appeal would "
            "be refused "
            "as late. Decide on a write-off (or a reopening if you can show good "
            "cause).",
            alternatives=(REOPENING,),
            expired=True,
        )
    if level_index >= levels:
        return Guidance(
            WRITE_OFF,
            "Every appeal level configured for this payer has been used. Write it "
            "off, or ask "
            "an admin to add the payer's next level.",
            alternatives=(),
        )
    action = level_action(level_name)
    level = level_name or "the next level"
    if carc in DOCUMENTATION_CARCS or category == "missing-information":
        reason = (
            f"The payer asks for documentation ({carc}): send the records the "
            "remark code "
            f"names with a {level} request."
        )
    elif category == "authorization":
        reason = (
            f"Authorization denial ({carc}): appeal at {level} with the "
            "authorization number "
            "and the approval record."
        )
    elif category == "medical-necessity":
        reason = (
            f"Medical necessity denial ({carc}): appeal at {level} with the "
            "clinical notes "
            "and the payer policy the service meets."
        )
    elif category == "eligibility":
        reason = (
            f"Eligibility denial ({carc}): appeal at {level} with the eligibility "
            "verification from the date of service (correct the member id first if "
            "it was "
            "wrong: that is a corrected claim)."
        )
    else:
        reason = f"Appeal at {level} with the evidence the checklist names."
    alternatives = [a for a in (APPEAL, RECONSIDERATION) if a != action]
    alternatives += [CORRECTED_CLAIM, REOPENING, WRITE_OFF]
    return Guidance(action, reason, alternatives=tuple(alternatives))
