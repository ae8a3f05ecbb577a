"""Measure the denial queue at a million open denials on PostgreSQL.

    createdb -h 127.0.0.1 -U postgres overturn_bench
    .venv/bin/python bench/queue_bench.py \
        --database-url postgres://postgres@127.0.0.1:5432/overturn_bench --rows 1000000

Loads the rows set-based (INSERT ... SELECT over generate_series: claims, then the
denials that reference them and their score rows), then measures:
  * a full rescore of every open denial (denials.services.denials_rescore) where every
    score changes, a same-day rerun (nothing changes), and the nightly runs of the next
    two days (only denials whose urgency or priority moved); VACUUM ANALYZE runs after
    the load and after the rescores, as autovacuum would (this server has it off);
  * the queue page's server time (query + render through Django's test client, with
    its middleware and PHI audit) at page 1 and at deep keyset pages;
  * the count-and-dollars summary of the filter (uncached);
  * "next denial" latency with 20 concurrent billers, each a process of its own with
    its own connection (as gunicorn workers serve them); --next-threads adds the same
    with 20 threads in one process.
With --skip-load the loaded rows are reused ("next" hand-outs are put back first);
add --rescore to time the rescores on them too (the rework cost moves by $1 so every
score changes). Use a database of its own: the script empties the denial tables.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def percentile(values: list[float], pct: float) -> float:
    ordered = sorted(values)
    k = max(0, min(len(ordered) - 1, round(pct / 100 * (len(ordered) - 1))))
    return ordered[k]


def ms(values: list[float]) -> str:
    return (
        f"p50 {percentile(values, 50) * 1000:.1f} ms, "
        f"p95 {percentile(values, 95) * 1000:.1f} ms (n={len(values)})"
    )


def setup_django(database_url: str) -> None:
    os.environ["DATABASE_URL"] = database_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ.setdefault("CELERY_TASK_ALWAYS_EAGER", "1")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def load(rows: int) -> tuple:
    """Practice, payers, billers and `rows` open denials with their claims."""
    from django.core.management import call_command
    from django.db import connection

    from core.services import membership_set, practice_upsert, user_upsert
    from denials.models import Category
    from remits.models import Payer, RemitFile, Remittance

    call_command("migrate", verbosity=0)
    if (
        not connection.cursor()
        .execute("select 1 from remits_reasoncode limit 1")
        .fetchone()
    ):
        call_command("load_codes", verbosity=0)
    practice = practice_upsert(
        name="Bench Practice", tin="699999999", npis=["1999999999"]
    )
    billers = []
    for i in range(20):
        user = user_upsert(username=f"bench{i}", password="bench-password-123")
        membership_set(user=user, practice=practice, role="biller")
        billers.append(user)
    with connection.cursor() as cur:
        cur.execute(
            "TRUNCATE denials_denialevent, denials_denialscore, denials_denial,"
            " remits_adjustment,"
            " remits_serviceline, remits_claimpayment CASCADE"
        )
    classes = [
        "medicare",
        "medicaid",
        "commercial",
        "unitedhealthcare",
        "medicare_advantage",
        "commercial",
        "commercial",
        "unknown",
    ]
    payers = [
        Payer.objects.get_or_create(
            identifier=f"BENCH{i}",
            defaults={"name": f"Bench Payer {i}", "payer_class": cls},
        )[0]
        for i, cls in enumerate(classes)
    ]
    remittances = []
    for i, payer in enumerate(payers):
        remit_file, _ = RemitFile.objects.get_or_create(
            sha256=f"{i:064d}",
            defaults={
                "original_name": f"bench{i}.835",
                "size": 1,
                "stored_path": "x",
                "source": "command",
            },
        )
        remittance, _ = Remittance.objects.get_or_create(
            remit_file=remit_file,
            sequence=1,
            defaults={
                "practice": practice,
                "payer": payer,
                "status": "posted",
                "content_hash": f"{i:064d}",
                "trace_number": f"BENCH{i}",
            },
        )
        remittances.append(remittance)
    categories = list(Category.objects.values_list("pk", flat=True))
    n_pay = len(payers)
    payer_ids = "ARRAY[" + ",".join(str(p.pk) for p in payers) + "]"
    remit_ids = "ARRAY[" + ",".join(str(r.pk) for r in remittances) + "]"
    cat_ids = "ARRAY[" + ",".join(str(c) for c in categories) + "]"
    carcs = "ARRAY['197','16','50','27','29','18','4','96','22','109']"
    started = time.perf_counter()
    with connection.cursor() as cur:
        cur.execute(
            f"""
            INSERT INTO remits_claimpayment (
              id, practice_id, remittance_id, payer_id, position, account_number,
              status_code, charge, paid, filing_indicator, payer_claim_number,
              facility_code, frequency, patient_last, patient_first, patient_id,
              insured_id, rendering_npi, rendering_name, remarks)
            SELECT i, %s, ({remit_ids})[1 + i %% {n_pay}],
              ({payer_ids})[1 + i %% {n_pay}], i, 'B' || lpad(i::text, 9, '0'), '4',
              50 + (i::bigint * 7919) %% 5000, 0, 'CI',
              'ICN' || i, '11', '1',
              (ARRAY['Okafor','Rivera','Haddad','Osei','Tanaka','Novak'])[1 + i %% 6],
              (ARRAY['Kira','Nico','Jonah','Farid','Elena','Ruth'])[1 + (i / 6) %% 6],
              '', '', '', '', '[]'
            FROM generate_series(1, %s) AS i
            """,
            [practice.pk, rows],
        )
        cur.execute(
            f"""
            INSERT INTO denials_denial (
              id, practice_id, payer_id, claim_id, account_number, payer_claim_number,
              patient_name, rendering_npi, service_date, remit_date, posted_at, kind,
              billed_amount, denied_amount, recovered_amount, written_off_amount, codes,
              group_code, carc, rarc, denied_lines, reason, category_id, root_cause_id,
              root_cause_confirmed, is_initial, excluded_from_rates, status,
              resolution_note, no_appeal_rights, deadline_note, was_appealed)
            SELECT c.id, c.practice_id, c.payer_id, c.id, c.account_number,
              c.payer_claim_number, c.patient_last || ', ' || c.patient_first, '',
              DATE '2026-06-01' + (c.id %% 150)::int,
              DATE '2026-07-01' + (c.id %% 150)::int,
              now() - ((c.id %% 60) || ' days')::interval, 'full', c.charge, c.charge,
              0, 0, jsonb_build_array('CO-' || ({carcs})[1 + c.id %% 10]), 'CO',
              ({carcs})[1 + c.id %% 10], '', '[]', 'bench denial',
              ({cat_ids})[1 + c.id %% {len(categories)}],
              ({cat_ids})[1 + c.id %% {len(categories)}],
              false, true, false, 'new', '', false, '', false
            FROM remits_claimpayment AS c
            """,
            [],
        )
        # Each denial's score row (not scored yet), as the intake creates them.
        cur.execute(
            """
            INSERT INTO denials_denialscore (
              denial_id, practice_id, priority, priority_parts, priority_explanation,
              write_off_review, open, unclaimed)
            SELECT id, practice_id, 0, '{}', '', false, true, true FROM denials_denial
            """
        )
        for table in ("remits_claimpayment", "denials_denial"):
            cur.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'),"
                f" (SELECT max(id) FROM {table}))"
            )
    connection.close()
    loaded = time.perf_counter() - started
    with connection.cursor() as cur:
        cur.execute("VACUUM ANALYZE denials_denial")
        cur.execute("VACUUM ANALYZE denials_denialscore")
        cur.execute("VACUUM ANALYZE remits_claimpayment")
    return practice, billers, loaded


def vacuum_analyze() -> float:
    """VACUUM ANALYZE the denial tables, as autovacuum would after a mass update."""
    from django.db import connection

    started = time.perf_counter()
    with connection.cursor() as cur:
        cur.execute("VACUUM ANALYZE denials_denial")
        cur.execute("VACUUM ANALYZE denials_denialscore")
    return time.perf_counter() - started


def bench_rescore(*, bump_rework: bool) -> list[str]:
    """Full rescore (every row changes), rerun (none), next day (what really moves).

    On freshly loaded rows every score changes. On rows already scored, the rework
    cost moves by $1 first, which changes every expected recovery: the same all-rows
    rewrite as an admin changing the queue settings.
    """
    from datetime import timedelta

    from django.utils import timezone

    from denials.models import QueueSettings
    from denials.services import denials_rescore

    lines = []
    today = timezone.localdate()
    if bump_rework:
        row = QueueSettings.objects.first() or QueueSettings()
        row.rework_cost += 1 if row.rework_cost <= 25 else -1
        row.save()
        lines.append(f"rework cost set to ${row.rework_cost} (every score changes)")

    def run(label: str, day) -> None:
        started = time.perf_counter()
        changed = denials_rescore(today=day)
        took = time.perf_counter() - started
        lines.append(f"{label}: {changed:,} changed in {took:.1f} s")

    run("full rescore, all changed", today)
    lines.append(f"  VACUUM ANALYZE after it: {vacuum_analyze():.1f} s")
    run("rescore rerun, same day", today)
    run("nightly rescore, next day", today + timedelta(days=1))
    run("nightly rescore, the day after", today + timedelta(days=2))
    lines.append(f"  VACUUM ANALYZE after them: {vacuum_analyze():.1f} s")
    # Leave the rows scored for today, as the pages and "next" expect.
    run("rescore back to today", today)
    lines.append(f"  VACUUM ANALYZE: {vacuum_analyze():.1f} s")
    return lines


def bench_pages(biller, requests: int) -> dict:
    from django.db import connection
    from django.test import Client

    from denials.filters import ORDERINGS, cursor_for
    from denials.models import Denial

    client = Client()
    client.force_login(biller)
    results: dict[str, list[float]] = {}

    def timed(label: str, url: str, n: int) -> None:
        client.get(url)  # warm the connection and templates
        times = []
        for _ in range(n):
            started = time.perf_counter()
            response = client.get(url)
            times.append(time.perf_counter() - started)
            assert response.status_code == 200, (url, response.status_code)
        results[label] = times

    timed("queue page 1 (priority)", "/denials/", requests)
    open_rows = (
        Denial.objects.filter(status__in=Denial.OPEN_STATUSES)
        .select_related("score")
        .order_by("-score__priority", "-id")
    )
    total = open_rows.count()
    for depth in (total // 2, total - 100):
        row = open_rows.only("id", "score__priority")[depth]
        after = cursor_for(row, ORDERINGS["priority"])
        timed(f"queue deep page at row {depth:,}", f"/denials/?after={after}", requests)
    other = max(20, requests // 4)
    timed(
        "queue page 1, payer filter",
        "/denials/?payer="
        + str(Denial.objects.values_list("payer_id", flat=True).first()),
        other,
    )
    timed("queue page 1, by deadline", "/denials/?ordering=deadline", other)
    timed("queue page 1, by amount", "/denials/?ordering=amount", other)
    row = (
        Denial.objects.filter(appeal_deadline__isnull=False)
        .order_by("appeal_deadline", "id")
        .only("id", "appeal_deadline")[total // 2]
    )
    timed(
        "queue deep page by deadline",
        "/denials/?ordering=deadline&after=" + cursor_for(row, ORDERINGS["deadline"]),
        other,
    )
    from django.core.cache import cache

    summary_times = []
    for _ in range(max(5, requests // 20)):
        cache.clear()
        started = time.perf_counter()
        client.get("/denials/summary/")
        summary_times.append(time.perf_counter() - started)
    results["summary (count + dollars), uncached"] = summary_times
    connection.close()
    return results


def bench_next_threads(billers, calls: int) -> list[float]:
    """20 threads in this one process, each on its own connection (shares one GIL)."""
    from django.db import connection

    from denials.services import denial_next

    practice_ids = [billers[0].memberships.first().practice_id]
    times: list[float] = []
    lock = threading.Lock()
    barrier = threading.Barrier(len(billers))
    taken: list[int] = []

    def work(user):
        mine = []
        got_ids = []
        denial_next(user=user, practice_ids=practice_ids)  # open the connection
        barrier.wait()
        for _ in range(calls):
            started = time.perf_counter()
            got = denial_next(user=user, practice_ids=practice_ids)
            mine.append(time.perf_counter() - started)
            got_ids.append(got.pk)
        with lock:
            times.extend(mine)
            taken.extend(got_ids)
        connection.close()

    threads = [threading.Thread(target=work, args=(u,)) for u in billers]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(taken) == len(set(taken)), "a denial was handed out twice"
    return times


def _next_worker(database_url, user_pk, practice_ids, calls, barrier, results):
    """One biller as its own process (like a gunicorn worker), with its connection."""
    setup_django(database_url)
    from core.models import User
    from denials.services import denial_next

    user = User.objects.get(pk=user_pk)
    got_ids, times = [], []
    denial_next(user=user, practice_ids=practice_ids)  # open the connection
    barrier.wait()
    for _ in range(calls):
        started = time.perf_counter()
        got = denial_next(user=user, practice_ids=practice_ids)
        times.append(time.perf_counter() - started)
        got_ids.append(got.pk)
    results.put((times, got_ids))


def bench_next_processes(database_url: str, billers, calls: int) -> list[float]:
    """20 billers as 20 processes pressing "next" at the same moment."""
    import multiprocessing

    ctx = multiprocessing.get_context("spawn")
    practice_ids = [billers[0].memberships.first().practice_id]
    barrier = ctx.Barrier(len(billers))
    results = ctx.Queue()
    procs = [
        ctx.Process(
            target=_next_worker,
            args=(database_url, u.pk, practice_ids, calls, barrier, results),
        )
        for u in billers
    ]
    for p in procs:
        p.start()
    times: list[float] = []
    taken: list[int] = []
    for _ in procs:
        mine, got_ids = results.get(timeout=600)
        times.extend(mine)
        taken.extend(got_ids)
    for p in procs:
        p.join()
    assert len(taken) == len(set(taken)), "a denial was handed out twice"
    return times


def release_taken() -> None:
    """Put the denials "next" handed out back on the queue, so runs compare."""
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute(
            "UPDATE denials_denial SET status = 'new', assignee_id = NULL,"
            " assigned_at = NULL, first_worked_at = NULL"
            " WHERE status = 'in_progress' AND assignee_id IN"
            " (SELECT id FROM core_user WHERE username LIKE 'bench%%')"
        )
        cur.execute(
            "UPDATE denials_denialscore SET unclaimed = true WHERE NOT unclaimed"
            " AND denial_id IN (SELECT id FROM denials_denial WHERE status = 'new'"
            " AND assignee_id IS NULL)"
        )
        cur.execute("DELETE FROM denials_denialevent")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--next-calls", type=int, default=25)
    parser.add_argument("--skip-load", action="store_true")
    parser.add_argument(
        "--rescore",
        action="store_true",
        help="with --skip-load: time the rescores too (moves the rework cost by $1)",
    )
    parser.add_argument(
        "--next-threads",
        action="store_true",
        help='also time "next" from 20 threads in one process (the GIL bound)',
    )
    args = parser.parse_args()
    if not args.database_url.startswith("postgres"):
        sys.exit("This benchmark measures PostgreSQL: pass a postgres:// URL.")
    setup_django(args.database_url)
    from django.test.utils import override_settings

    with override_settings(
        ALLOWED_HOSTS=["testserver"],
        STORAGES={
            "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
            "staticfiles": {
                "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
            },
        },
    ):
        from core.models import User

        if args.skip_load:
            billers = list(
                User.objects.filter(username__startswith="bench").order_by("pk")
            )
            release_taken()
            print(f"VACUUM ANALYZE before timing: {vacuum_analyze():.1f} s")
        else:
            _, billers, loaded = load(args.rows)
            print(f"loaded {args.rows:,} claims + denials in {loaded:.1f} s")
        if args.rescore or not args.skip_load:
            for line in bench_rescore(bump_rework=args.skip_load):
                print(line, flush=True)
        for label, times in bench_pages(billers[0], args.requests).items():
            print(f"{label}: {ms(times)}", flush=True)
        next_times = bench_next_processes(args.database_url, billers, args.next_calls)
        print(
            f"next denial, {len(billers)} billers as processes: {ms(next_times)},"
            f" mean {statistics.mean(next_times) * 1000:.1f} ms"
        )
        if args.next_threads:
            next_times = bench_next_threads(billers, args.next_calls)
            print(
                f"next denial, {len(billers)} threads in one process: {ms(next_times)},"
                f" mean {statistics.mean(next_times) * 1000:.1f} ms"
            )


if __name__ == "__main__":
    main()
