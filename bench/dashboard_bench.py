# ruff: noqa: E501  (SQL text reads better unwrapped)
"""Measure the prevention dashboard at scale: server time p95 and a rollup refresh.

    createdb -h 127.0.0.1 -U postgres overturn_bench_dash
    python bench/dashboard_bench.py \
        --database-url postgres://postgres@127.0.0.1:5432/overturn_bench_dash \
        --claims 10000000

Loads `--claims` claims over 24 months (12% denied, one CAS per claim, denials with a
mix of work states) straight into PostgreSQL with INSERT ... SELECT generate_series,
builds every rollup, then measures:
  * the dashboard (GET /prevention/, server time in-process through the full middleware
    stack) for a manager of every practice, over several filter sets; p50/p95, and
    the range of each filter set;
  * a rollup refresh after a 10,000-claim ingest into one practice's current month
    (the refresh the ingest triggers: that practice-month, recomputed from raw rows).
The database must be a throwaway one: the script migrates it and deletes its claims.
`--skip-load` reuses data loaded by an earlier run; `--skip-rebuild` also reuses its
rollups (only after a run of the same code has rebuilt them).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PER_REMITTANCE = 250
PAYERS = 20


def setup_django(database_url: str) -> None:
    os.environ["DATABASE_URL"] = database_url
    os.environ.setdefault("ALLOWED_HOSTS", "testserver,127.0.0.1,localhost")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    sys.path.insert(0, str(ROOT))
    import django
    from django.conf import settings

    django.setup()
    # No collectstatic manifest in a bench run: plain static URLs.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {
            "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        },
    }


def timed(label: str, fn):
    start = time.perf_counter()
    result = fn()
    elapsed = time.perf_counter() - start
    print(f"{label}: {elapsed:.2f} s", flush=True)
    return result, elapsed


CLAIMS_SQL = """
INSERT INTO remits_claimpayment (
    practice_id, remittance_id, payer_id, position, account_number, status_code, charge,
    paid, patient_responsibility, filing_indicator, payer_claim_number, facility_code,
    frequency, patient_last, patient_first, patient_id, insured_id, rendering_npi,
    rendering_name, remarks)
SELECT r.practice_id, r.id, r.payer_id, g.i, 'B' || g.i,
       CASE WHEN (g.i::bigint * 7919) %% 100 < 12 THEN '4' ELSE '1' END,
       100 + g.i %% 900,
       CASE WHEN (g.i::bigint * 7919) %% 100 < 12 THEN 0 ELSE ((100 + g.i %% 900) * 0.7)::numeric(12,2) END,
       0, 'CI', 'ICN' || g.i, '11', CASE WHEN g.i %% 100 = 0 THEN '7' ELSE '1' END,
       'Bench', 'Pat', '', '', '15' || lpad(r.practice_id::text, 7, '0') || (g.i %% 3), '', '[]'
FROM generate_series(%(start)s, %(stop)s - 1) AS g(i)
JOIN remits_remittance r ON r.sequence = g.i / {per} AND r.remit_file_id = %(file)s
"""

ADJUSTMENTS_SQL = """
INSERT INTO remits_adjustment (claim_id, line_id, "group", reason, amount)
SELECT c.id, NULL, 'CO',
       CASE WHEN c.status_code = '4'
            THEN (ARRAY['27','16','197','97','50','29','18','B7','119','204'])[1 + c.position %% 10]
            ELSE '45' END,
       c.charge - c.paid
FROM remits_claimpayment c WHERE c.id > %(after)s
"""

DENIALS_SQL = """
INSERT INTO denials_denial (
    practice_id, payer_id, claim_id, account_number, payer_claim_number, patient_name,
    rendering_npi, service_date, remit_date, posted_at, kind, billed_amount, denied_amount,
    recovered_amount, written_off_amount, codes, group_code, carc, rarc, denied_lines, reason,
    category_id, root_cause_id, root_cause_confirmed, is_initial, excluded_from_rates, status,
    first_worked_at, appealed_at, resolved_at, resolution_note, no_appeal_rights,
    deadline_note, was_appealed)
SELECT c.practice_id, c.payer_id, c.id, c.account_number, c.payer_claim_number, 'Bench, Pat',
       c.rendering_npi, r.payment_date, r.payment_date, r.payment_date + interval '1 day 9 hours',
       'full', c.charge, c.charge,
       CASE WHEN c.position %% 7 = 0 THEN c.charge ELSE 0 END,
       CASE WHEN c.position %% 7 = 1 THEN c.charge ELSE 0 END,
       '[]', 'CO', a.reason, '', '[]', 'bench',
       cat.id, cat.id, false, c.position %% 13 <> 0, a.reason = '18',
       CASE c.position %% 7 WHEN 0 THEN 'recovered' WHEN 1 THEN 'written_off'
            WHEN 2 THEN 'appealed' ELSE 'new' END,
       CASE WHEN c.position %% 7 < 3 THEN r.payment_date + (1 + c.position %% 11) * interval '1 day' END,
       CASE WHEN c.position %% 7 IN (0, 2) THEN r.payment_date + interval '12 days' END,
       CASE WHEN c.position %% 7 < 2 THEN r.payment_date + interval '40 days' END,
       '', false, '', c.position %% 7 IN (0, 2)
FROM remits_claimpayment c
JOIN remits_remittance r ON r.id = c.remittance_id
JOIN remits_adjustment a ON a.claim_id = c.id
JOIN denials_codemapping m ON m.carc = a.reason AND m."group" = '' AND m.rarc = ''
JOIN denials_category cat ON cat.id = m.category_id
WHERE c.status_code = '4' AND c.id > %(after)s
"""


def insert_claims(cursor, *, remit_file_id: int, start: int, stop: int) -> None:
    cursor.execute("SELECT coalesce(max(id), 0) FROM remits_claimpayment")
    after = cursor.fetchone()[0]
    step = 1_000_000
    for lo in range(start, stop, step):
        hi = min(stop, lo + step)
        cursor.execute(
            CLAIMS_SQL.format(per=PER_REMITTANCE),
            {"start": lo, "stop": hi, "file": remit_file_id},
        )
        print(f"  claims {hi:,}", flush=True)
    cursor.execute(ADJUSTMENTS_SQL, {"after": after})
    cursor.execute(DENIALS_SQL, {"after": after})


def load(*, claims: int, practices: int) -> None:
    from django.db import connection, transaction

    from core.services import membership_set, practice_upsert, user_upsert
    from remits.models import Payer, RemitFile

    with connection.cursor() as cursor:
        cursor.execute(
            "TRUNCATE prevention_monthlyrollup, prevention_monthlysummary,"
            " denials_denialevent, denials_denial,"
            " remits_adjustment, remits_serviceline, remits_claimpayment,"
            " remits_remittance, remits_remitfile CASCADE"
        )
    ps = [
        practice_upsert(name=f"Bench practice {i}", tin=f"9{i:08d}")
        for i in range(practices)
    ]
    payers = [
        Payer.objects.get_or_create(
            identifier=f"BENCH{i}",
            defaults={"name": f"Bench payer {i}", "payer_class": "commercial"},
        )[0]
        for i in range(PAYERS)
    ]
    manager = user_upsert(username="bench_manager", password="bench-password-123")
    for p in ps:
        membership_set(user=manager, practice=p, role="manager")
    remit_file = RemitFile.objects.create(
        sha256="b" * 64,
        original_name="bench",
        size=0,
        stored_path="-",
        source="command",
        status="posted",
    )
    remittances = (claims + PER_REMITTANCE - 1) // PER_REMITTANCE
    practice_ids = "ARRAY[" + ",".join(str(p.pk) for p in ps) + "]::bigint[]"
    payer_ids = "ARRAY[" + ",".join(str(p.pk) for p in payers) + "]::bigint[]"
    with transaction.atomic(), connection.cursor() as cursor:
        # Remittance r: month r % 24, practice (r / 24) % P, payer (r / 24 / P) % 20.
        cursor.execute(
            f"""
            INSERT INTO remits_remittance (remit_file_id, sequence, practice_id, payer_id,
                status, content_hash, trace_number, interchange_control_number,
                transaction_control_number, version, payment_amount, credit_debit,
                payment_method, payment_date, payer_name, payer_identifier, payee_name,
                payee_npi, payee_tin, claim_count, paid_total, issues, posted_at)
            SELECT %s, r, ({practice_ids})[1 + (r / 24) %% {practices}],
                   ({payer_ids})[1 + (r / 24 / {practices}) %% {PAYERS}], 'posted', r::text,
                   'BT' || r, '', '', '005010X221A1', 0, 'C', 'ACH',
                   (date_trunc('month', now()) - interval '23 months'
                    + (r %% 24) * interval '1 month'
                    + (r %% 27) * interval '1 day')::date,
                   'Bench payer', 'BENCH' || ((r / 24 / {practices}) %% {PAYERS}), '', '', '',
                   {PER_REMITTANCE}, 0, '[]', now()
            FROM generate_series(0, {remittances - 1}) AS r
        """,
            [remit_file.pk],
        )
        timed(
            "load claims, adjustments, denials",
            lambda: insert_claims(
                cursor, remit_file_id=remit_file.pk, start=0, stop=claims
            ),
        )
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p * (len(ordered) - 1))))]


def measure_dashboard(*, rounds: int) -> dict:
    from django.test import Client

    from core.models import Practice, User
    from remits.models import Payer

    client = Client()
    client.force_login(User.objects.get(username="bench_manager"))
    practice = Practice.objects.filter(name__startswith="Bench").order_by("pk").first()
    payer = Payer.objects.filter(identifier="BENCH3").first()
    from datetime import date

    today = date.today()
    start = date(today.year - 2, today.month, 1)
    queries = [
        ("default: last 12 months", {}),
        ("empty month fields (12 months)", {"month_from": "", "month_to": ""}),
        ("one practice, 12 months", {"practice": practice.pk}),
        ("one payer, 12 months", {"payer": payer.pk}),
        ("one practice and payer", {"practice": practice.pk, "payer": payer.pk}),
        (
            "24 months, all practices",
            {"month_from": f"{start:%Y-%m}", "month_to": f"{today:%Y-%m}"},
        ),
        (
            "24 months, one payer",
            {
                "month_from": f"{start:%Y-%m}",
                "month_to": f"{today:%Y-%m}",
                "payer": payer.pk,
            },
        ),
    ]
    client.get("/prevention/")  # warm caches and connections
    times = []
    per_query: dict[str, list[float]] = {label: [] for label, _ in queries}
    for _ in range(rounds):
        for label, q in queries:
            t0 = time.perf_counter()
            response = client.get("/prevention/", q)
            elapsed = (time.perf_counter() - t0) * 1000
            times.append(elapsed)
            per_query[label].append(elapsed)
            assert response.status_code == 200, response.status_code
    for label, values in per_query.items():
        print(f"  {label}: {min(values):.0f}–{max(values):.0f} ms", flush=True)
    return {
        "n": len(times),
        "p50": statistics.median(times),
        "p95": percentile(times, 0.95),
        "max": max(times),
    }


def ingest_and_refresh(*, claims: int, added: int) -> float:
    """Add `added` claims to the first practice's current month, then refresh that month."""
    from django.db import connection, transaction
    from django.utils import timezone

    from core.models import Practice
    from prevention.services import rollups_refresh
    from remits.models import Payer, RemitFile

    practice = Practice.objects.filter(name__startswith="Bench").order_by("pk").first()
    payer = Payer.objects.get(identifier="BENCH0")
    remit_file = RemitFile.objects.create(
        sha256=f"{time.time_ns():064d}"[-64:],
        original_name="bench-ingest",
        size=0,
        stored_path="-",
        source="command",
        status="posted",
    )
    today = timezone.localdate()
    with transaction.atomic(), connection.cursor() as cursor:
        # Positions continue after the loaded claims so account numbers stay unique.
        first = claims + 1_000_000
        count = (added + PER_REMITTANCE - 1) // PER_REMITTANCE
        cursor.execute(
            f"""
            INSERT INTO remits_remittance (remit_file_id, sequence, practice_id, payer_id,
                status, content_hash, trace_number, interchange_control_number,
                transaction_control_number, version, payment_amount, credit_debit,
                payment_method, payment_date, payer_name, payer_identifier, payee_name,
                payee_npi, payee_tin, claim_count, paid_total, issues, posted_at)
            SELECT %s, r, %s, %s, 'posted', 'i' || r, 'BI' || %s || '-' || r, '', '',
                   '', 0, 'C', 'ACH', %s, 'Bench payer', 'BENCH0', '', '', '', 250, 0, '[]',
                   now()
            FROM generate_series({first // PER_REMITTANCE},
                                 {first // PER_REMITTANCE + count - 1}) AS r
        """,
            [remit_file.pk, practice.pk, payer.pk, remit_file.pk, today],
        )
        insert_claims(
            cursor,
            remit_file_id=remit_file.pk,
            start=(first // PER_REMITTANCE) * PER_REMITTANCE,
            stop=(first // PER_REMITTANCE) * PER_REMITTANCE + added,
        )
    _, elapsed = timed(
        f"rollup refresh after a {added:,}-claim ingest",
        lambda: rollups_refresh(practice_ids=[practice.pk], months=[today]),
    )
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--claims", type=int, default=10_000_000)
    parser.add_argument("--practices", type=int, default=10)
    parser.add_argument("--rounds", type=int, default=10)
    parser.add_argument("--ingest", type=int, default=10_000)
    parser.add_argument("--skip-load", action="store_true")
    parser.add_argument("--skip-rebuild", action="store_true")
    args = parser.parse_args()
    setup_django(args.database_url)
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", verbosity=0, skip_checks=True)
    if not args.skip_load:
        timed(
            f"load {args.claims:,} claims",
            lambda: load(claims=args.claims, practices=args.practices),
        )
    from prevention.services import rollups_refresh

    if args.skip_rebuild:
        months, full = 0, 0.0
    else:
        months, full = timed("full rollup rebuild", lambda: rollups_refresh())
        with connection.cursor() as cursor:
            # What autovacuum does soon after a rebuild; fresh statistics for the planner.
            cursor.execute(
                "ANALYZE prevention_monthlyrollup, prevention_monthlysummary"
            )
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM remits_claimpayment")
        n_claims = cursor.fetchone()[0]
        cursor.execute("SELECT count(*) FROM denials_denial")
        n_denials = cursor.fetchone()[0]
        cursor.execute("SELECT count(*) FROM prevention_monthlyrollup")
        n_rollups = cursor.fetchone()[0]
        cursor.execute("SELECT count(*) FROM prevention_monthlysummary")
        n_summary = cursor.fetchone()[0]
    print(
        f"claims {n_claims:,}, denials {n_denials:,}, rollup rows {n_rollups:,}, "
        f"summary rows {n_summary:,}, "
        f"practice-months {months}, full rebuild {full:.1f} s"
    )
    d = measure_dashboard(rounds=args.rounds)
    print(
        f"dashboard server time over {d['n']} requests: p50 {d['p50']:.0f} ms, "
        f"p95 {d['p95']:.0f} ms, max {d['max']:.0f} ms (target p95 < 300 ms)"
    )
    refresh = ingest_and_refresh(claims=n_claims, added=args.ingest)
    print(f"refresh after {args.ingest:,}-claim ingest: {refresh:.2f} s (target < 5 s)")


if __name__ == "__main__":
    main()
