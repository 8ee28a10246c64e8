"""Query count and server time of pages, as a signed-in demo person sees them.

    .venv/bin/python benchmarks/pages.py [--runs 20] EMAIL PATH [PATH ...]

Runs against the database of the current settings (demo data loaded with `manage.py seed_demo`).
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")

import django  # noqa: E402

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.core.signals import request_finished  # noqa: E402
from django.db import close_old_connections, connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("email")
    parser.add_argument("paths", nargs="+")
    args = parser.parse_args()

    # Keep one connection across requests, as a pooled server would, so its queries can be counted.
    request_finished.disconnect(close_old_connections)
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(get_user_model().objects.get(email=args.email))
    print(f"{'path':<50} {'status':>6} {'queries':>7} {'median ms':>9} {'max ms':>7} {'KiB':>6}")
    for path in args.paths:
        response = client.get(path)  # warm up
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(path)
        queries = len(ctx.captured_queries)  # read now: every request start clears the log
        timings = []
        for _ in range(args.runs):
            start = time.perf_counter()
            client.get(path)
            timings.append((time.perf_counter() - start) * 1000)
        print(
            f"{path:<50} {response.status_code:>6} {queries:>7} "
            f"{statistics.median(timings):>9.1f} {max(timings):>7.1f} {len(response.content) / 1024:>6.1f}"
        )


if __name__ == "__main__":
    main()
