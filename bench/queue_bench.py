"""Measure the denial queue at a million open denials on PostgreSQL.

    createdb -h 127.0.0.1 -U postgres overturn_bench
    .venv/bin/python bench/queue_bench.py \
        --database-url postgres://postgres@127.0.0.1:5432/overturn_bench --rows 1000000

Loads the rows set-based (INSERT ... SELECT over generate_series: claims, then the
denials that reference them), then measures:
  * a full rescore of every open denial (denials.services.denials_rescore) and a rerun;
  * the queue page's server time (query + render through Django's test client, with
    its middleware and PHI audit) at page 1 and at deep keyset pages;
  * the count-and-dollars summary of the filter (uncached);
  * "next denial" latency with 20 concurrent billers, each thread on its own connection.
Use a database of its own: the script empties the denial tables it fills.
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
            "TRUNCATE denials_denialevent, denials_denial, remits_adjustment,"
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
              resolution_note, no_appeal_rights, deadline_note, priority,
              priority_parts,
              priority_explanation, write_off_review, was_appealed)
            SELECT c.id, c.practice_id, c.payer_id, c.id, c.account_number,
              c.payer_claim_number, c.patient_last || ', ' || c.patient_first, '',
              DATE '2026-06-01' + (c.id %% 150)::int,
              DATE '2026-07-01' + (c.id %% 150)::int,
              now() - ((c.id %% 60) || ' days')::interval, 'full', c.charge, c.charge,
              0, 0, jsonb_build_array('CO-' || ({carcs})[1 + c.id %% 10]), 'CO',
              ({carcs})[1 + c.id %% 10], '', '[]', 'bench denial',
              ({cat_ids})[1 + c.id %% {len(categories)}],
              ({cat_ids})[1 + c.id %% {len(categories)}],
              false, true, false, 'new', '', false, '', 0, '{{}}', '', false, false
            FROM remits_claimpayment AS c
            """,
            [],
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
        cur.execute("VACUUM ANALYZE remits_claimpayment")
    return practice, billers, loaded


def bench_rescore() -> tuple[float, int, float, int]:
    from django.db import connection

    from denials.services import denials_rescore

    started = time.perf_counter()
    changed = denials_rescore()
    first = time.perf_counter() - started
    with connection.cursor() as cur:
        cur.execute("VACUUM ANALYZE denials_denial")
    started = time.perf_counter()
    again = denials_rescore()
    second = time.perf_counter() - started
    return first, changed, second, again


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
    open_rows = Denial.objects.filter(status__in=Denial.OPEN_STATUSES).order_by(
        "-priority", "-id"
    )
    total = open_rows.count()
    for depth in (total // 2, total - 100):
        row = open_rows.only("id", "priority")[depth]
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


def bench_next(billers, calls: int) -> list[float]:
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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--next-calls", type=int, default=25)
    parser.add_argument("--skip-load", action="store_true")
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
        else:
            _, billers, loaded = load(args.rows)
            print(f"loaded {args.rows:,} claims + denials in {loaded:.1f} s")
            first, changed, second, again = bench_rescore()
            print(
                f"full rescore: {changed:,} changed in {first:.1f} s;"
                f" rerun: {again:,} changed in {second:.1f} s"
            )
        for label, times in bench_pages(billers[0], args.requests).items():
            print(f"{label}: {ms(times)}")
        next_times = bench_next(billers, args.next_calls)
        print(
            f"next denial, {len(billers)} concurrent billers: {ms(next_times)},"
            f" mean {statistics.mean(next_times) * 1000:.1f} ms"
        )


if __name__ == "__main__":
    main()
