"""Query count and page time of the obligations dashboard, needs board and home page on the demo data.

    DATABASE_URL=postgres://... .venv/bin/python benchmarks/obligations_dashboard.py [--runs 50]

Runs `seed_demo` first (idempotent), signs in as the Lebanon national authority through Django's
test client (the whole request: middleware, permissions, selectors, forecast, SVG, template) and
reports the query count and the median and 95th-percentile server time of each page.
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")


def main() -> None:
    import django

    django.setup()
    from io import StringIO

    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse

    from obligations.models import Obligation

    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=50)
    runs = parser.parse_args().runs

    call_command("seed_demo", stdout=StringIO())
    client = Client(HTTP_HOST="localhost")
    client.force_login(get_user_model().objects.get(email="authority@example.org"))
    pages = {
        "obligations dashboard": reverse("obligations:dashboard", args=["lebanon"]),
        "obligation detail": reverse(
            "obligations:detail",
            args=["lebanon", Obligation.objects.get(coalition__slug="lebanon", article=4).pk],
        ),
        "needs board": reverse("obligations:needs", args=["lebanon"]),
        "coalition home (panel)": reverse("coalitions:detail", args=["lebanon"]),
    }
    print(f"{'page':<26} {'queries':>7} {'median ms':>10} {'p95 ms':>8} {'bytes':>8}")
    for name, url in pages.items():
        client.get(url)  # warm-up: per-process caches (content types, templates)
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(url)
        queries = len(ctx.captured_queries)  # read now: the next request clears the log
        assert response.status_code == 200, (url, response.status_code)
        timings = []
        for _ in range(runs):
            start = time.perf_counter()
            client.get(url)
            timings.append((time.perf_counter() - start) * 1000)
        timings.sort()
        p95 = timings[max(0, int(len(timings) * 0.95) - 1)]
        print(
            f"{name:<26} {queries:>7} {statistics.median(timings):>10.1f} "
            f"{p95:>8.1f} {len(response.content):>8}"
        )


if __name__ == "__main__":
    main()
