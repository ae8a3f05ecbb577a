"""Set-based inserts: COPY on PostgreSQL, bulk_create elsewhere.

Django's bulk_create builds one large INSERT per batch; on PostgreSQL, COPY writes the
same rows several times faster, which the ERA intake needs to post thousands of claims
a second. Ids are taken from the table's sequence first so callers get them back, as
they do from bulk_create.
"""

from collections.abc import Sequence

from django.db import connection, models


def reserve_ids(cursor, table: str, count: int) -> list[int]:
    """Take `count` new ids for `table` in one round trip (Django cursor).

    PostgreSQL: from the identity sequence. SQLite: past the highest id ever given
    out; safe because SQLite has one writer and the intake writes inside a transaction.
    """
    if not count:
        return []
    if connection.vendor == "postgresql":
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, 'id')) "
            "FROM generate_series(1, %s)",
            [table, count],
        )
        return [row[0] for row in cursor.fetchall()]
    cursor.execute(
        f"SELECT MAX(COALESCE((SELECT seq FROM sqlite_sequence WHERE name = %s), 0), "
        f'COALESCE((SELECT MAX(id) FROM "{table}"), 0))',
        [table],
    )
    start = cursor.fetchone()[0] + 1
    return list(range(start, start + count))


def insert_rows(cursor, table: str, columns: Sequence[str], rows: list[tuple]) -> None:
    """Insert tuples: COPY on PostgreSQL, executemany elsewhere (Django cursor)."""
    if not rows:
        return
    quoted = ", ".join(f'"{c}"' for c in columns)
    if connection.vendor == "postgresql":
        with cursor.cursor.copy(f"COPY {table} ({quoted}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
        return
    marks = ", ".join(["%s"] * len(columns))
    cursor.executemany(f'INSERT INTO "{table}" ({quoted}) VALUES ({marks})', rows)


def bulk_insert(
    model: type[models.Model], objs: list[models.Model]
) -> list[models.Model]:
    """Insert new model instances and set their primary keys."""
    if not objs:
        return objs
    if connection.vendor != "postgresql":
        return model.objects.bulk_create(objs, batch_size=2000)
    meta = model._meta
    fields = list(meta.concrete_fields)
    # Plain attribute reads where the stored value is the Python value; full Django
    # preparation only where it differs (JSON, auto timestamps).
    slow = [
        isinstance(f, models.JSONField)
        or getattr(f, "auto_now", False)
        or getattr(f, "auto_now_add", False)
        for f in fields
    ]
    plan = list(zip(fields, slow, strict=True))
    with connection.cursor() as cursor:
        for obj, pk in zip(
            objs, reserve_ids(cursor, meta.db_table, len(objs)), strict=True
        ):
            obj.pk = pk
        rows = (
            tuple(
                f.get_db_prep_save(f.pre_save(obj, True), connection)
                if is_slow
                else getattr(obj, f.attname)
                for f, is_slow in plan
            )
            for obj in objs
        )
        insert_rows(cursor, meta.db_table, [f.column for f in fields], list(rows))
    for obj in objs:
        obj._state.adding = False
        obj._state.db = "default"
    return objs
