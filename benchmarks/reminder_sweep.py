"""Benchmark: the reminder sweep over 100,000 action points in 200 coalitions, and the "mine" list
with 10,000 action points, on PostgreSQL in a database of its own (dropped and made afresh).

    BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/cc_actions_bench (default) \
        .venv/bin/python benchmarks/reminder_sweep.py [--coalitions 200 --per-coalition 500]

From another script: `run(coalitions=..., per_coalition=...)` builds the data in that database and
returns the figures as a dict; with Django set up on data of its own, `measure()` returns them
for that data, and `run_sweep(now)` the figures of one run. The mail tasks the sweep queues are counted, not sent, so the figures are the
sweep's own work: finding what is due, recording it, and queueing one mail per person and kind.
"""

import os
import resource
import sys
import time
import tracemalloc
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
BENCH_URL = os.environ.get(
    "BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/cc_actions_bench"
)
# Importing this module chooses its settings (benchmarks/probe.py relies on it).
os.environ["DATABASE_URL"] = BENCH_URL
os.environ.pop("REDIS_URL", None)
os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings.test"

COALITIONS = 200
PER_COALITION = 500  # 100,000 action points
MINE_ROWS = 10_000


def recreate_database() -> None:
    import psycopg

    url = urlparse(BENCH_URL)
    name = url.path.lstrip("/")
    admin = url._replace(path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}"')


class QueryCounter:
    def __init__(self):
        self.count = 0

    def __call__(self, execute, sql, params, many, context):
        self.count += 1
        return execute(sql, params, many, context)


def build_sweep_data(now, *, coalitions: int = COALITIONS, per_coalition: int = PER_COALITION):
    from django.contrib.auth import get_user_model

    from actions.models import ActionPoint
    from coalitions.models import Coalition, Membership, Organisation
    from meetings.models import Meeting

    User = get_user_model()
    count = coalitions
    shared = Organisation.objects.bulk_create(
        [Organisation(name=f"Shared organisation {i}", kind="operator") for i in range(4)]
    )
    authorities = Organisation.objects.bulk_create(
        [Organisation(name=f"Authority {c}", kind="state_authority") for c in range(count)]
    )
    zones = ["Asia/Beirut", "Europe/Podgorica", "Africa/Gaborone", "America/Bogota", "Asia/Kabul"]
    coalitions = Coalition.objects.bulk_create(
        [
            Coalition(
                name=f"Bench coalition {c}",
                slug=f"bench-{c}",
                state_party="LB",
                national_authority=authorities[c],
                timezone=zones[c % len(zones)],
            )
            for c in range(count)
        ]
    )
    users = User.objects.bulk_create(
        [
            User(email=f"bench{c}-{k}@example.net", name=f"Bench {c}-{k}", password="!")
            for c in range(count)
            for k in range(5)
        ]
    )
    memberships = []
    for c, coalition in enumerate(coalitions):
        organisations = [authorities[c], *shared]
        for k in range(5):
            memberships.append(
                Membership(
                    coalition=coalition,
                    user=users[c * 5 + k],
                    organisation=organisations[k],
                    role="national_authority" if k == 0 else "operator",
                )
            )
    Membership.objects.bulk_create(memberships)
    meetings = []
    for coalition in coalitions:
        held = now - timedelta(days=70)
        meetings.append(
            Meeting(
                coalition=coalition,
                title="Held",
                starts_at=held,
                ends_at=held + timedelta(hours=3),
                status=Meeting.Status.HELD,
            )
        )
        nxt = now + timedelta(days=50)
        meetings.append(
            Meeting(
                coalition=coalition,
                title="Next",
                starts_at=nxt,
                ends_at=nxt + timedelta(hours=3),
                status=Meeting.Status.PLANNED,
            )
        )
    Meeting.objects.bulk_create(meetings)
    today = now.date()
    rows = []
    for c, coalition in enumerate(coalitions):
        organisations = [authorities[c], *shared]
        for i in range(per_coalition):
            k = i % 5
            rows.append(
                ActionPoint(
                    coalition=coalition,
                    title=f"Action point {c}-{i}",
                    owner_organisation=organisations[k],
                    owner=users[c * 5 + k] if i % 2 else None,
                    due_date=today + timedelta(days=(i % 120) - 40),
                    status=["open", "in_progress", "done", "open", "dropped"][i % 5],
                )
            )
    ActionPoint.objects.bulk_create(rows, batch_size=5000)


def run_sweep(now, queued: dict | None = None, *, trace_every: int | None = 10) -> dict:
    """One whole run, round by round as the task chain runs them, on the data in the database.

    Python's allocations are traced in rounds 1, 2 and every `trace_every`th (tracing slows Python
    down, so those rounds are timed too but are few; None traces none); each round should hold at
    most one batch."""
    from django.db import connection

    from actions.reminders.recording import SWEEP_BATCH_SIZE, reminder_sweep

    counter = QueryCounter()
    if queued is None:  # a caller that counts the mail tasks itself passes its counter
        queued = _count_mail_tasks()
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    started = time.perf_counter()
    rounds, totals, cursor, peaks = 0, {}, None, []
    with connection.execute_wrapper(counter):
        while True:
            rounds += 1
            traced = trace_every is not None and (rounds <= 2 or rounds % trace_every == 0)
            if traced:
                tracemalloc.start()
            result = reminder_sweep(now=now, cursor=cursor)
            if traced:
                peaks.append(tracemalloc.get_traced_memory()[1])
                tracemalloc.stop()
            cursor = result.cursor
            for key, value in result.found.items():
                totals[str(key)] = totals.get(str(key), 0) + value
            if not result.more:
                break
    return {
        "batch_size": SWEEP_BATCH_SIZE,
        "rounds": rounds,
        "seconds": time.perf_counter() - started,
        "queries": counter.count,
        "peak_python_mib": max(peaks, default=0) / 2**20,
        "peak_python_mib_by_traced_round": [round(peak / 2**20, 2) for peak in peaks],
        "rss_growth_mib": (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - rss_before) / 1024,
        "found": totals,
        "mails_queued": queued.pop("n", 0),
    }


def _count_mail_tasks() -> dict:
    """Counts the mail tasks the sweep queues instead of sending them: the sweep is measured."""
    from actions import tasks

    queued = {}

    def count_task(*args, **kwargs):
        queued["n"] = queued.get("n", 0) + 1

    tasks.send_reminders_task.delay = count_task
    tasks.send_digest_task.delay = count_task
    return queued


def measure(*, now=None, settle: bool = True) -> dict:
    """The sweep's figures on the data in the current database (Django set up): a first run, then
    a run 15 minutes later that finds nothing new (best and median of 5). `settle` lets
    PostgreSQL do between the two what autovacuum does within those minutes (VACUUM ANALYZE)."""
    from django.db import connection

    now = now or datetime.now(UTC).replace(microsecond=0)
    first = run_sweep(now)
    if settle:
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE actions_remindersent, actions_digestsent")
    # Untraced: tracing Python's allocations would slow the one round down.
    repeats = [run_sweep(now + timedelta(minutes=15 + n), trace_every=None) for n in range(5)]
    seconds = sorted(run["seconds"] for run in repeats)
    return {
        "first_run": first,
        "no_op": {
            "best_seconds": seconds[0],
            "median_seconds": seconds[len(seconds) // 2],
            "rounds": repeats[0]["rounds"],
            "queries": repeats[0]["queries"],
            "found": repeats[-1]["found"],
        },
    }


def run_mine_page():
    from django.db import connection
    from django.test import Client
    from django.urls import reverse

    from actions.models import ActionPoint
    from coalitions.models import Organisation, Role
    from coalitions.tests.factories import CoalitionFactory, add_member

    coalition = CoalitionFactory(slug="bench-mine", name="Bench mine")
    organisation = Organisation.objects.create(name="Bench operator", kind="operator")
    person = add_member(coalition, Role.OPERATOR, organisation=organisation)
    today = datetime.now(UTC).date()
    ActionPoint.objects.bulk_create(
        [
            ActionPoint(
                coalition=coalition,
                title=f"Mine {i}",
                owner_organisation=organisation,
                owner=person if i % 3 else None,
                due_date=today + timedelta(days=i % 200 - 100),
                status=["open", "in_progress", "done", "dropped"][i % 4],
            )
            for i in range(MINE_ROWS)
        ],
        batch_size=5000,
    )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    client = Client()
    client.force_login(person)
    figures = {}
    for label, query in [
        ("first page", "?view=mine"),
        ("page 100, sorted by owner", "?view=mine&sort=owner&page=100"),
        ("overdue only", "?view=mine&overdue=on"),
    ]:
        url = reverse("actions:list", args=[coalition.slug]) + query
        client.get(url)
        timings = []
        counter = QueryCounter()
        for _ in range(10):
            started = time.perf_counter()
            with connection.execute_wrapper(counter):
                assert client.get(url).status_code == 200
            timings.append(time.perf_counter() - started)
        timings.sort()
        figures[label] = (timings[len(timings) // 2] * 1000, counter.count // 10)
    return figures


def run(*, coalitions: int = COALITIONS, per_coalition: int = PER_COALITION) -> dict:
    """Builds `coalitions` x `per_coalition` action points in a fresh database (BENCH_DATABASE_URL)
    and returns the sweep's figures (see `measure`). For a harness that brings its own data, set
    Django up on it and call `measure()` instead."""
    recreate_database()
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", verbosity=0)
    now = datetime.now(UTC).replace(microsecond=0)
    started = time.perf_counter()
    build_sweep_data(now, coalitions=coalitions, per_coalition=per_coalition)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    figures = measure(now=now)
    figures["action_points"] = coalitions * per_coalition
    figures["build_seconds"] = time.perf_counter() - started
    return figures


def main() -> None:
    import argparse

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--coalitions", type=int, default=COALITIONS)
    parser.add_argument("--per-coalition", type=int, default=PER_COALITION)
    parser.add_argument("--sweep-only", action="store_true", help="Leave out the 'mine' list.")
    args = parser.parse_args()
    figures = run(coalitions=args.coalitions, per_coalition=args.per_coalition)
    first, no_op = figures["first_run"], figures["no_op"]
    print(
        f"Built {figures['action_points']:,} action points in {args.coalitions} coalitions "
        f"in {figures['build_seconds']:.1f} s"
    )
    print(
        f"Sweep, first run: {first['seconds']:.1f} s, {first['rounds']} rounds of "
        f"{first['batch_size']}, {first['queries']} queries, peak Python memory "
        f"{first['peak_python_mib']:.1f} MiB (traced rounds: "
        f"{first['peak_python_mib_by_traced_round']}), RSS growth {first['rss_growth_mib']:.0f} "
        f"MiB; recorded {first['found']}, {first['mails_queued']} mail tasks queued"
    )
    print(
        f"Sweep, next run (nothing new): {no_op['median_seconds'] * 1000:.0f} ms median, "
        f"{no_op['best_seconds'] * 1000:.0f} ms best of 5, {no_op['rounds']} round(s), "
        f"{no_op['queries']} queries; recorded {no_op['found']}"
    )
    print(f"Process peak RSS: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MiB")
    if args.sweep_only:
        return
    for label, (ms, queries) in run_mine_page().items():
        print(
            f'"Mine" list with {MINE_ROWS:,} action points, {label}: {ms:.0f} ms (median of 10), '
            f"{queries} queries"
        )


if __name__ == "__main__":
    main()
