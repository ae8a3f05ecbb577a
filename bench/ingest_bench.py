"""End-to-end ingest speed: parse, post, detect denials, queue them, into PostgreSQL.

    python bench/ingest_bench.py --claims 50000 \
        --database-url postgres://postgres@127.0.0.1:5432/overturn_bench_ingest

Creates (or reuses) the database, migrates it, generates a balanced 835 with the
project's generator, posts it through the real intake (`denials.intake.era_ingest`)
and prints claims/s. Scoring is included (tasks run in-process here).
"""

import argparse
import io
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--claims", type=int, default=50000)
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("--profile", action="store_true")
    args = parser.parse_args()

    os.environ["DATABASE_URL"] = args.database_url
    os.environ["REDIS_URL"] = ""
    # As in production, scoring runs in the worker: here it is queued (in memory) and
    # timed separately below, so both figures are visible.
    os.environ["CELERY_TASK_ALWAYS_EAGER"] = "0"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import psycopg

    name = args.database_url.rsplit("/", 1)[1]
    admin_url = args.database_url.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin_url, autocommit=True) as conn:
        exists = conn.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", [name]
        ).fetchone()
        if not exists:
            conn.execute(f'CREATE DATABASE "{name}"')

    import django

    django.setup()
    from datetime import date

    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from core.services import practice_upsert
    from denials.intake import era_ingest
    from denials.models import Denial
    from remits.generation import era_generate

    practice = practice_upsert(
        name="Bench Practice", tin="699999999", npis=["1699999999"]
    )
    run = int(time.time())
    text, summary = era_generate(
        claims=args.claims,
        seed=args.seed + run % 1000,
        start_date=date(2026, 3, 2),
        account_prefix=f"B{run}",
        practices=[practice],
        claims_per_transaction=1000,
    )
    data = text.encode("ascii")
    # Fresh planner statistics, as autovacuum keeps them on a running server (this
    # machine's PostgreSQL has autovacuum off, and the database grows every run).
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    before = Denial.objects.count()
    started = time.perf_counter()
    if args.profile:
        import cProfile
        import pstats

        profiler = cProfile.Profile()
        profiler.enable()
    report = era_ingest(
        stream=io.BytesIO(data), name=f"bench-{run}.835", source="command"
    )
    if args.profile:
        profiler.disable()
        pstats.Stats(profiler).sort_stats(
            os.environ.get("SORT", "cumulative")
        ).print_stats(30)
    elapsed = time.perf_counter() - started
    new_ids = list(
        Denial.objects.order_by("-id").values_list("id", flat=True)[
            : Denial.objects.count() - before
        ]
    )
    from denials.services import denials_score

    started = time.perf_counter()
    for start in range(0, len(new_ids), 5000):
        denials_score(denial_ids=new_ids[start : start + 5000])
    scoring = time.perf_counter() - started
    print(
        "| claims | transactions | denials queued | post s | claims/s | scoring s | "
        "claims/s incl. scoring |"
    )
    print("|---:|---:|---:|---:|---:|---:|---:|")
    print(
        f"| {report.claims:,} | {report.transactions} | {len(new_ids):,} "
        f"| {elapsed:.1f} | "
        f"{report.claims / elapsed:,.0f} | {scoring:.1f} | "
        f"{report.claims / (elapsed + scoring):,.0f} |"
    )
    assert report.status == "posted", report.status


if __name__ == "__main__":
    main()
