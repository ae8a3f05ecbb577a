"""Queue filters, search and keyset pagination (never OFFSET: deep pages stay fast)."""

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal, InvalidOperation

from django.db.models import F, Q, QuerySet
from django.utils import timezone

from .models import Denial

WORK_WITHIN_DAYS = 7


@dataclass(frozen=True)
class Ordering:
    field: str
    descending: bool
    nullable: bool = False
    # The attribute of a row holding the value, when not the field's own name.
    attr: str = ""
    # The tie-breaking id, spelled on the table of the sort index so that the keyset
    # condition on it is part of that index's range (the denial's id, copied there).
    id_field: str = "id"

    def order_by(self) -> list:
        if self.descending:
            return [F(self.field).desc(), F(self.id_field).desc()]
        return [
            F(self.field).asc(nulls_last=self.nullable or None),
            F(self.id_field).asc(),
        ]


ORDERINGS = {
    # The score row carries the sort index: (practice, priority, id) of open denials.
    "priority": Ordering(
        "score__priority", descending=True, attr="priority", id_field="score__denial_id"
    ),
    "amount": Ordering("denied_amount", descending=True),
    "deadline": Ordering("appeal_deadline", descending=False, nullable=True),
    "age": Ordering("posted_at", descending=False),
}


def denials_filter(
    qs: QuerySet[Denial],
    *,
    data: dict,
    user,
    today: date | None = None,
    sorted_by_score: bool = True,
) -> QuerySet[Denial]:
    """Narrow a (user-scoped) queryset by the cleaned DenialFilterForm data.

    `sorted_by_score=False` (counts, totals) leaves out the conditions that only
    serve the score table's sort index.
    """
    today = today or timezone.localdate()
    if data.get("practice"):
        qs = qs.filter(practice_id=data["practice"])
    if data.get("payer") is not None:
        from remits.models import Payer

        payer_id = data["payer"]
        aliases = Payer.objects.filter(canonical_id=payer_id).values_list(
            "pk", flat=True
        )
        qs = qs.filter(payer_id__in=[payer_id, *aliases])
    if data.get("category") is not None:
        qs = qs.filter(category_id=data["category"])
    status = data.get("status") or "open"
    if status == "open":
        qs = qs.filter(status__in=Denial.OPEN_STATUSES)
        if sorted_by_score:
            # The score's mirror of "open" lets the queue read its partial index.
            qs = qs.filter(score__open=True)
    elif status == "resolved":
        qs = qs.filter(status__in=Denial.RESOLVED_STATUSES)
    elif status != "all":
        qs = qs.filter(status=status)
    assignee = data.get("assignee") or ""
    if assignee == "me":
        qs = qs.filter(assignee=user)
    elif assignee == "none":
        qs = qs.filter(assignee__isnull=True)
    elif assignee:
        qs = qs.filter(assignee_id=int(assignee))
    if data.get("amount_min") is not None:
        qs = qs.filter(denied_amount__gte=data["amount_min"])
    if data.get("amount_max") is not None:
        qs = qs.filter(denied_amount__lte=data["amount_max"])
    deadline = data.get("deadline") or ""
    if deadline == "expired":
        qs = qs.filter(appeal_deadline__lt=today)
    elif deadline == "none":
        qs = qs.filter(appeal_deadline__isnull=True)
    elif deadline:
        qs = qs.filter(
            appeal_deadline__gte=today,
            appeal_deadline__lte=today + timedelta(days=int(deadline)),
        )
    age = data.get("age") or ""
    now = timezone.now()
    if age == "fresh":
        qs = qs.filter(posted_at__gte=now - timedelta(days=WORK_WITHIN_DAYS))
    elif age == "overdue":
        qs = qs.filter(
            posted_at__lt=now - timedelta(days=WORK_WITHIN_DAYS),
            first_worked_at__isnull=True,
        )
    elif age:
        qs = qs.filter(posted_at__lt=now - timedelta(days=int(age)))
    write_off = data.get("write_off") or ""
    if write_off:
        qs = qs.filter(score__write_off_review=write_off == "yes")
    # The dashboard's "denials behind this number" links use these.
    if data.get("root_cause") is not None:
        qs = qs.filter(root_cause_id=data["root_cause"])
    if data.get("department") is not None:
        qs = qs.filter(root_cause__department_id=data["department"])
    if data.get("rendering_npi"):
        qs = qs.filter(rendering_npi=data["rendering_npi"])
    if data.get("remit_from"):
        qs = qs.filter(remit_date__gte=data["remit_from"])
    if data.get("remit_to"):
        qs = qs.filter(remit_date__lte=data["remit_to"])
    return qs


def denials_search(qs: QuerySet[Denial], *, term: str) -> QuerySet[Denial]:
    """Match the account number or payer claim number exactly, or the patient name."""
    term = term.strip()
    return qs.filter(
        Q(account_number=term)
        | Q(payer_claim_number=term)
        | Q(patient_name__icontains=term)
    )


# Keyset cursors -------------------------------------------------------------------


class BadCursor(ValueError):
    pass


def _encode_value(value) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.isoformat()
    return str(value)


def _decode_value(ordering: Ordering, raw: str):
    if raw == "":
        if not ordering.nullable:
            raise BadCursor("empty value")
        return None
    try:
        if ordering.field in ("score__priority", "denied_amount"):
            return Decimal(raw)
        if ordering.field == "appeal_deadline":
            return date.fromisoformat(raw)
        if ordering.field == "posted_at":
            return datetime.fromisoformat(raw)
    except (ValueError, InvalidOperation) as exc:
        raise BadCursor(str(exc)) from exc
    raise BadCursor("unknown field")


def cursor_for(denial: Denial, ordering: Ordering) -> str:
    """The `after` value that continues the list after this row: `value~id`."""
    value = getattr(denial, ordering.attr or ordering.field)
    return f"{_encode_value(value)}~{denial.pk}"


def keyset_after(
    qs: QuerySet[Denial], ordering: Ordering, cursor: str
) -> QuerySet[Denial]:
    """Rows after the cursor; the extra bound keeps an index range scan."""
    raw, sep, raw_id = cursor.rpartition("~")
    if not sep or not raw_id.isdigit():
        raise BadCursor("A page cursor looks like value~id.")
    value, pk = _decode_value(ordering, raw), int(raw_id)
    name, key = ordering.field, ordering.id_field
    if value is None:
        # Nulls sort last: only the null tail after this id remains.
        return qs.filter(**{f"{name}__isnull": True, f"{key}__gt": pk})
    if ordering.descending:
        return qs.filter(**{f"{name}__lte": value}).filter(
            Q(**{f"{name}__lt": value}) | Q(**{name: value, f"{key}__lt": pk})
        )
    after = Q(**{f"{name}__gt": value}) | Q(**{name: value, f"{key}__gt": pk})
    if ordering.nullable:
        after |= Q(**{f"{name}__isnull": True})
        return qs.filter(after)
    return qs.filter(**{f"{name}__gte": value}).filter(after)


@dataclass
class Page:
    rows: list
    next_cursor: str | None


def keyset_page(
    qs: QuerySet[Denial], *, ordering_name: str, after: str = "", size: int = 50
) -> Page:
    """One page of rows and the cursor of the next page (None on the last page)."""
    ordering = ORDERINGS.get(ordering_name, ORDERINGS["priority"])
    if after and ordering.nullable:
        rows = _nullable_page(qs, ordering, after, size + 1)
    else:
        if after:
            qs = keyset_after(qs, ordering, after)
        rows = list(qs.order_by(*ordering.order_by())[: size + 1])
    more = len(rows) > size
    rows = rows[:size]
    return Page(rows=rows, next_cursor=cursor_for(rows[-1], ordering) if more else None)


def _nullable_page(
    qs: QuerySet[Denial], ordering: Ordering, cursor: str, limit: int
) -> list:
    """Rows after the cursor when nulls sort last, as two index range scans.

    One OR-ed condition ("later value, or null") would make PostgreSQL scan the index
    from its start on every deep page; the non-null part and the null tail are read
    separately instead.
    """
    raw, sep, raw_id = cursor.rpartition("~")
    if not sep or not raw_id.isdigit():
        raise BadCursor("A page cursor looks like value~id.")
    value, pk = _decode_value(ordering, raw), int(raw_id)
    name = ordering.field
    rows: list = []
    if value is not None:
        rows = list(
            qs.filter(**{f"{name}__gte": value})
            .filter(Q(**{f"{name}__gt": value}) | Q(**{name: value, "id__gt": pk}))
            .order_by(*ordering.order_by())[:limit]
        )
        pk = 0
    if len(rows) < limit:
        rows += list(
            qs.filter(**{f"{name}__isnull": True, "id__gt": pk}).order_by("id")[
                : limit - len(rows)
            ]
        )
    return rows
