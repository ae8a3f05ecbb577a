"""Load the CARC/RARC lists and look descriptions up."""

import csv
import io
from datetime import date
from pathlib import Path

from django.db import transaction

from core.errors import ApplicationError

from .models import ReasonCode

BUNDLED_CODES = Path(__file__).parent / "data" / "carc_rarc_2024-06-18.csv"
REQUIRED_COLUMNS = {"code", "type", "description", "start_date", "stop_date"}


def _date(value: str, *, row: int, column: str) -> date | None:
    value = (value or "").strip()
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise ApplicationError(
            f"row {row}, column {column}: {value!r} is not a date (YYYY-MM-DD)",
            field=column,
        ) from None


@transaction.atomic
def reason_codes_load(*, text: str, source: str) -> dict[str, int]:
    """Upsert codes from a CSV (code,type,description,...,start_date,stop_date).

    The whole file is checked before anything is written; one bad row changes nothing.
    """
    reader = csv.DictReader(io.StringIO(text))
    missing = REQUIRED_COLUMNS - set(reader.fieldnames or [])
    if missing:
        raise ApplicationError(
            f"{source}: missing column(s) {', '.join(sorted(missing))}; expected "
            "code,type,description,usage,notes,start_date,last_modified,stop_date"
        )
    rows = []
    for number, raw in enumerate(reader, start=2):
        kind = (raw.get("type") or "").strip()
        code = (raw.get("code") or "").strip()
        if kind not in ReasonCode.Kind.values:
            raise ApplicationError(f"{source} row {number}: unknown type {kind!r}")
        if not code:
            raise ApplicationError(f"{source} row {number}: empty code")
        rows.append(
            ReasonCode(
                kind=kind,
                code=code,
                description=(raw.get("description") or "").strip(),
                usage=(raw.get("usage") or "").strip(),
                notes=(raw.get("notes") or "").strip(),
                start_date=_date(
                    raw.get("start_date", ""), row=number, column="start_date"
                ),
                last_modified=_date(
                    raw.get("last_modified", ""), row=number, column="last_modified"
                ),
                stop_date=_date(
                    raw.get("stop_date", ""), row=number, column="stop_date"
                ),
                source=source[:200],
            )
        )
    before = ReasonCode.objects.count()
    ReasonCode.objects.bulk_create(
        rows,
        update_conflicts=True,
        unique_fields=["kind", "code"],
        update_fields=[
            "description",
            "usage",
            "notes",
            "start_date",
            "last_modified",
            "stop_date",
            "source",
        ],
        batch_size=500,
    )
    after = ReasonCode.objects.count()
    return {
        "read": len(rows),
        "added": after - before,
        "updated": len(rows) - (after - before),
    }


def code_descriptions(codes_by_kind: dict[str, set[str]]) -> dict[tuple[str, str], str]:
    """Descriptions for many codes in one query: {(kind, code): description}."""
    from django.db.models import Q

    query = Q(pk__in=[])
    for kind, codes in codes_by_kind.items():
        if codes:
            query |= Q(kind=kind, code__in=codes)
    return {
        (kind, code): description
        for kind, code, description in ReasonCode.objects.filter(query).values_list(
            "kind", "code", "description"
        )
    }
