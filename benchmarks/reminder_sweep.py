"""Benchmark: the reminder sweep over 100,000 action points in 200 coalitions, and the "mine" list
with 10,000 action points, on PostgreSQL in a database of its own (dropped and made afresh).

    .venv/bin/python benchmarks/reminder_sweep.py
    BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/cc_actions_bench (default)

Mail tasks are queued to an in-memory broker (not sent), so the figures are the sweep's own work:
finding what is due, recording it, and queueing one mail per person and kind.
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


def build_sweep_data(now):
    from django.contrib.auth import get_user_model

    from actions.models import ActionPoint
    from coalitions.models import Coalition, Membership, Organisation
    from meetings.models import Meeting

    User = get_user_model()
    shared = Organisation.objects.bulk_create(
        [Organisation(name=f"Shared organisation {i}", kind="operator") for i in range(4)]
    )
    authorities = Organisation.objects.bulk_create(
        [Organisation(name=f"Authority {c}", kind="state_authority") for c in range(COALITIONS)]
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
            for c in range(COALITIONS)
        ]
    )
    users = User.objects.bulk_create(
        [
            User(email=f"bench{c}-{k}@example.net", name=f"Bench {c}-{k}", password="!")
            for c in range(COALITIONS)
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
                status="held",
            )
        )
        nxt = now + timedelta(days=50)
        meetings.append(
            Meeting(
                coalition=coalition,
                title="Next",
                starts_at=nxt,
                ends_at=nxt + timedelta(hours=3),
                status="planned",
            )
        )
    Meeting.objects.bulk_create(meetings)
    today = now.date()
    rows = []
    for c, coalition in enumerate(coalitions):
        organisations = [authorities[c], *shared]
        for i in range(PER_COALITION):
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


def run_sweep(now, queued):
    """Rounds as the task chain runs them. Python's allocations are traced in the first two
    rounds only (tracing slows Python down); every round holds at most one batch of rows."""
    from django.db import connection

    from actions.reminders.recording import SWEEP_BATCH_SIZE, reminder_sweep

    counter = QueryCounter()
    started = time.perf_counter()
    rounds, totals, cursor, peak = 0, {}, None, 0
    with connection.execute_wrapper(counter):
        while True:
            rounds += 1
            if rounds <= 2:
                tracemalloc.start()
            result = reminder_sweep(now=now, cursor=cursor)
            if rounds <= 2:
                peak = max(peak, tracemalloc.get_traced_memory()[1])
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
        "peak_python_mib": peak / 2**20,
        "found": totals,
        "mails_queued": queued.pop("n", 0),
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


def main() -> None:
    recreate_database()
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from actions import tasks

    # Count the mail tasks the sweep queues instead of sending them: the sweep is what is measured.
    queued = {}

    def count_task(*args, **kwargs):
        queued["n"] = queued.get("n", 0) + 1

    tasks.send_reminders_task.delay = count_task
    tasks.send_digest_task.delay = count_task
    call_command("migrate", verbosity=0)
    now = datetime.now(UTC).replace(microsecond=0)
    started = time.perf_counter()
    build_sweep_data(now)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    print(
        f"Built {COALITIONS * PER_COALITION:,} action points in {COALITIONS} coalitions "
        f"in {time.perf_counter() - started:.1f} s"
    )
    first = run_sweep(now, queued)
    print(
        f"Sweep, first run: {first['seconds']:.1f} s, {first['rounds']} rounds of "
        f"{first['batch_size']}, {first['queries']} queries, peak Python memory "
        f"{first['peak_python_mib']:.1f} MiB; recorded {first['found']}, "
        f"{first['mails_queued']} mail tasks queued"
    )
    again = run_sweep(now + timedelta(minutes=15), queued)
    print(
        f"Sweep, next run (nothing new): {again['seconds'] * 1000:.0f} ms, {again['queries']} "
        f"queries, peak Python memory {again['peak_python_mib']:.1f} MiB"
    )
    print(f"Process peak RSS: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MiB")
    for label, (ms, queries) in run_mine_page().items():
        print(
            f'"Mine" list with {MINE_ROWS:,} action points, {label}: {ms:.0f} ms (median of 10), {queries} queries'
        )


if __name__ == "__main__":
    main()
