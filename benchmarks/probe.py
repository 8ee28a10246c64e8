"""The harness's work inside Django, each in a process of its own (benchmarks/run.py starts them).

    python -m benchmarks.probe prepare --coalitions 200 --per 500 [--reuse]
    python -m benchmarks.probe sweep --now 2026-11-25T23:00:00+00:00
    python -m benchmarks.probe pdf --meeting 1

DATABASE_URL names the database, DJANGO_SETTINGS_MODULE is config.settings.benchmark. Each prints
one line of JSON last, which the harness reads.
"""

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import time
from datetime import datetime
from pathlib import Path
from urllib.parse import urlparse

SHAPE_VERSION = 1  # bump when data.py makes different data, so --reuse makes it again


def _admin_url(database_url: str) -> tuple[str, str]:
    url = urlparse(database_url)
    return url._replace(path="/postgres").geturl(), url.path.lstrip("/")


def stored_shape(database_url: str) -> dict | None:
    """The shape the database was made with (kept as its comment), or None."""
    import psycopg

    admin, name = _admin_url(database_url)
    with psycopg.connect(admin, autocommit=True) as conn:
        row = conn.execute(
            "SELECT shobj_description(oid, 'pg_database') FROM pg_database WHERE datname = %s",
            [name],
        ).fetchone()
    if not row or not row[0]:
        return None
    try:
        return json.loads(row[0])
    except ValueError:
        return None


def recreate_database(database_url: str, template: str | None = None) -> None:
    import psycopg

    admin, name = _admin_url(database_url)
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"' + (f' TEMPLATE "{template}"' if template else ""))


def drop_database(database_url: str) -> None:
    import psycopg

    admin, name = _admin_url(database_url)
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _migrations_fingerprint() -> str:
    """Changes with any migration file or pinned dependency: when the migrated template is stale."""
    import hashlib

    root = Path(__file__).resolve().parent.parent
    digest = hashlib.sha256((root / "pyproject.toml").read_bytes())
    for path in sorted(root.glob("*/migrations/*.py")):
        digest.update(str(path.relative_to(root)).encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def migrated_database(database_url: str) -> None:
    """Makes the database afresh from a migrated template, migrating the template first when the
    migrations changed since it was made (migrating takes most of a small run's time)."""
    template_url = os.environ.get("BENCH_TEMPLATE_URL") or database_url + "_migrated"
    fingerprint = _migrations_fingerprint()
    stored = stored_shape(template_url)
    if not stored or stored.get("migrations") != fingerprint:
        recreate_database(template_url)
        subprocess.run(
            [sys.executable, "manage.py", "migrate", "--noinput", "-v0"],
            check=True,
            cwd=Path(__file__).resolve().parent.parent,
            env={**os.environ, "DATABASE_URL": template_url},
        )
        _comment(template_url, {"migrations": fingerprint})
    recreate_database(database_url, template=urlparse(template_url).path.lstrip("/"))


def _comment(database_url: str, note: dict) -> None:
    import psycopg

    admin, name = _admin_url(database_url)
    with psycopg.connect(admin, autocommit=True) as conn:
        text = json.dumps(note).replace("'", "''")
        conn.execute(f"COMMENT ON DATABASE \"{name}\" IS '{text}'")


class QueryCounter:
    def __init__(self):
        self.count = 0

    def __call__(self, execute, sql, params, many, context):
        self.count += 1
        return execute(sql, params, many, context)


def prepare(*, coalitions: int, per: int, reuse: bool) -> dict:
    """Makes the data (or keeps it, with --reuse, when its shape matches), signs the readers in,
    and counts each page's queries on its second request (caches warm, as in a running server)."""
    database_url = os.environ["DATABASE_URL"]
    shape = stored_shape(database_url) if reuse else None
    if not (
        shape
        and shape.get("version") == SHAPE_VERSION
        and (shape["coalitions"], shape["per"]) == (coalitions, per)
        and shape.get("migrations") == _migrations_fingerprint()
    ):
        started = time.perf_counter()
        migrated_database(database_url)
        import django

        django.setup()
        migrated = time.perf_counter()
        from benchmarks.data import generate

        shape = generate(coalitions=coalitions, per=per).as_dict()
        shape["seconds"] = {
            "migrate": round(migrated - started, 1),
            "generate": round(time.perf_counter() - migrated, 1),
        }
        shape.update(version=SHAPE_VERSION, migrations=_migrations_fingerprint())
        _comment(database_url, shape)
    else:
        import django

        django.setup()
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client

    from benchmarks.data import pages
    from benchmarks.urls import FLOOR_PATH

    User = get_user_model()
    clients, sessions = {}, {}
    for reader in ("authority", "operator"):
        client = Client(HTTP_HOST="127.0.0.1", HTTP_X_FORWARDED_PROTO="https")
        client.force_login(User.objects.get(pk=shape[reader]))
        clients[reader] = client
        sessions[reader] = client.cookies[settings.SESSION_COOKIE_NAME].value
    found = []
    for key, reader, path in pages(shape):
        client = clients[reader]
        first = client.get(path)
        counter = QueryCounter()
        with connection.execute_wrapper(counter):
            second = client.get(path)
        if first.status_code != 200 or second.status_code != 200:
            raise SystemExit(f"{path} answered {second.status_code} to {reader}")
        found.append({"key": key, "reader": reader, "path": path, "queries": counter.count})
    return {
        "shape": shape,
        "conn_max_age": settings.DATABASES["default"]["CONN_MAX_AGE"],
        "cookie": settings.SESSION_COOKIE_NAME,
        "sessions": sessions,
        "floor": FLOOR_PATH,
        "pages": found,
    }


def sweep_figures(*, now: datetime) -> dict:
    """benchmarks/reminder_sweep.py's `measure`: the sweep over every action point of the
    database, then the runs 15 minutes later that find nothing new (its settings, its counting of
    the mail tasks); and the process's peak memory."""
    os.environ["BENCH_DATABASE_URL"] = os.environ["DATABASE_URL"]
    import django

    from benchmarks import reminder_sweep as script  # chooses its settings on import

    django.setup()
    figures = script.measure(now=now)
    figures["peak_rss_mib"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return figures


def pdf_figures(*, meeting_id: int, repeats: int = 3) -> dict:
    """The summary PDF of a meeting with 40 agenda items and 100 action points: first render in
    this fresh process (fonts and caches cold), then warm, wall and CPU seconds.

    benchmarks/summary_pdf.py's `measure` when it has one (its meeting, made through the services
    in this database); otherwise the full copy of `meeting_id` from the data, as publishing
    renders it."""
    import django

    django.setup()
    from benchmarks import summary_pdf as script

    if hasattr(script, "measure"):
        return {"by": "benchmarks/summary_pdf.py", **script.measure(repeats=repeats)}
    import io

    from pypdf import PdfReader

    from meetings.models import Meeting
    from meetings.summary import FULL_COPY, render_summary_pdf

    meeting = Meeting.objects.select_related("coalition", "chair", "facilitator").get(pk=meeting_id)

    def timed() -> tuple[bytes, float, float]:
        wall, cpu = time.perf_counter(), time.process_time()
        pdf = render_summary_pdf(meeting, FULL_COPY)
        return pdf, time.perf_counter() - wall, time.process_time() - cpu

    pdf, first_wall, first_cpu = timed()
    warm = [timed() for _ in range(repeats)]
    return {
        "by": "benchmarks/probe.py",
        "agenda_items": meeting.agenda_items.count(),
        "action_points": meeting.action_points.count(),
        "pages": len(PdfReader(io.BytesIO(pdf)).pages),
        "kib": round(len(pdf) / 1024),
        "first_render": {"wall_s": first_wall, "cpu_s": first_cpu},
        "one_copy": {
            "wall_s": statistics.median(w for _pdf, w, _c in warm),
            "cpu_s": statistics.median(c for _pdf, _w, c in warm),
        },
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser()
    commands = parser.add_subparsers(dest="command", required=True)
    prepare_args = commands.add_parser("prepare")
    prepare_args.add_argument("--coalitions", type=int, required=True)
    prepare_args.add_argument("--per", type=int, required=True)
    prepare_args.add_argument("--reuse", action="store_true")
    sweep_args = commands.add_parser("sweep")
    sweep_args.add_argument("--now", required=True)
    pdf_args = commands.add_parser("pdf")
    pdf_args.add_argument("--meeting", type=int, required=True)
    args = parser.parse_args(argv)
    if args.command == "prepare":
        result = prepare(coalitions=args.coalitions, per=args.per, reuse=args.reuse)
    elif args.command == "sweep":
        result = sweep_figures(now=datetime.fromisoformat(args.now))
    else:
        result = pdf_figures(meeting_id=args.meeting)
    sys.stdout.write(json.dumps(result, default=str) + "\n")


if __name__ == "__main__":
    main()
