"""Letter templates: a strict set of {{ merge_fields }}, nothing else. Pure.

Templates are written by admins, so they are not Django templates: no tags, no filters,
no attribute access; an unknown field is an error naming the field and its line.
"""

import re
from collections.abc import Mapping
from dataclasses import dataclass

FIELD = re.compile(r"\{\{\s*([^{}]*?)\s*\}\}")
TAG = re.compile(r"\{%|%\}")

# name → what it is, for the admin's help text and the preview.
MERGE_FIELDS: dict[str, str] = {
    "today": "Today's date",
    "practice_name": "Practice name",
    "practice_tin": "Practice TIN",
    "practice_npi": "Practice (group) NPI",
    "payer_name": "Payer name",
    "payer_id": "Payer id",
    "patient_name": "Patient name",
    "account_number": "Patient account number (CLP01)",
    "payer_claim_number": "Payer claim number / ICN (CLP07)",
    "rendering_npi": "Rendering provider NPI",
    "service_date": "Date of service",
    "remit_date": "Date of the remit that denied the claim",
    "billed_amount": "Amount billed",
    "denied_amount": "Amount denied",
    "codes": "Denial codes with their descriptions, one a line",
    "lines": "Denied service lines, one a line",
    "claims": "Every claim in the appeal, one a line (for appeals of several claims)",
    "category": "Denial category",
    "level_name": "Appeal level (e.g. Redetermination)",
    "deadline": "Appeal deadline",
    "appeal_id": "Overturn's appeal number",
    "biller_name": "Name of the person preparing the appeal",
}

SAMPLE_CONTEXT: dict[str, str] = {
    "today": "November 27, 2026",
    "practice_name": "Riverside Family Medicine",
    "practice_tin": "611234567",
    "practice_npi": "1619000000",
    "payer_name": "Acme Health Plan",
    "payer_id": "ACME1",
    "patient_name": "DOE, JANE",
    "account_number": "ACCT-1001",
    "payer_claim_number": "2026123456789",
    "rendering_npi": "1619000001",
    "service_date": "October 02, 2026",
    "remit_date": "October 20, 2026",
    "billed_amount": "$410.00",
    "denied_amount": "$410.00",
    "codes": "CO-197: Precertification/authorization/notification absent.",
    "lines": "Line 1: 99214 on October 02, 2026: denied $410.00 (CO-197)",
    "claims": "ACCT-1001 / 2026123456789: denied $410.00",
    "category": "Authorization / referral",
    "level_name": "Level 1 appeal",
    "deadline": "April 18, 2027",
    "appeal_id": "42",
    "biller_name": "Blake Biller",
}


class LetterTemplateError(ValueError):
    """A template that cannot be rendered; the message names problem and line."""


@dataclass(frozen=True)
class Problem:
    line: int
    text: str


def problems(body: str) -> list[Problem]:
    """Every unknown field or template tag in `body`, with its line number."""
    found: list[Problem] = []
    for number, line in enumerate(body.splitlines(), start=1):
        for match in FIELD.finditer(line):
            name = match.group(1)
            if name not in MERGE_FIELDS:
                found.append(Problem(number, f"unknown merge field {{{{ {name} }}}}"))
        if TAG.search(line):
            found.append(Problem(number, "template tags ({% … %}) are not allowed"))
        stripped = FIELD.sub("", line)
        if "{{" in stripped or "}}" in stripped:
            found.append(Problem(number, "an unclosed {{ or a stray }}"))
    return found


def validate(body: str) -> None:
    """Raise LetterTemplateError listing every problem, or return quietly."""
    found = problems(body)
    if found:
        listed = "; ".join(f"line {p.line}: {p.text}" for p in found[:10])
        known = ", ".join(sorted(MERGE_FIELDS))
        raise LetterTemplateError(f"{listed}. Known merge fields: {known}.")


def render(body: str, context: Mapping[str, str]) -> str:
    """Fill the merge fields of `body` from `context` (which must cover every field)."""
    validate(body)

    def fill(match: re.Match) -> str:
        return str(context.get(match.group(1), ""))

    return FIELD.sub(fill, body)


def preview(body: str) -> str:
    """Render with made-up sample data, for the admin's preview."""
    return render(body, SAMPLE_CONTEXT)
