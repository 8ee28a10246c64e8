"""HTML size and render time of every coalition page at 10 and at 10,000 rows of each kind.

    DATABASE_URL=postgres://... DEBUG=0 .venv/bin/python benchmarks/bounded_pages.py [--sizes 10 10000]

For each size, builds a coalition with that many members, organisations, meetings, agenda items,
participants, decisions, action points, updates, invitations, progress figures, needs, offers and
concerns (tests/bulk_data.py: the acting people through the services, the rows by bulk inserts),
then requests each page as the person who sees the most of it and prints its HTML size and the
best of three render times; last, the largest page and the slowest render for each size. The
extension pack is a PDF: only its time counts. The coalitions it builds are deleted at the end.
"""

import argparse
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.contrib.auth import get_user_model  # noqa: E402
from django.db import transaction  # noqa: E402
from django.test import Client  # noqa: E402

from coalitions.models import Coalition, Organisation  # noqa: E402
from tests.bulk_data import bulk_coalition, coalition_pages  # noqa: E402

LIMIT_BYTES = 200 * 1024
LIMIT_SECONDS = 1.0


def measure(client: Client, path: str) -> tuple[int, int, float]:
    """(status, bytes, best of three seconds; of one when the first is already over 5 s)."""
    timings, response = [], None
    for _ in range(3):
        start = time.perf_counter()
        response = client.get(path)
        timings.append(time.perf_counter() - start)
        if timings[0] > 5:
            break
    return response.status_code, len(response.content), min(timings)


def run(size: int) -> tuple[tuple[str, int], tuple[str, float]]:
    slug = f"bench-{size}-{int(time.time())}"
    start = time.perf_counter()
    with transaction.atomic():
        data = bulk_coalition(rows=size, slug=slug)
    print(f"\n{size} rows of each kind (built in {time.perf_counter() - start:.0f} s)")
    print(f"{'page':<26} {'status':>6} {'KiB':>9} {'seconds':>8}")
    clients = {}
    largest, slowest = ("", 0), ("", 0.0)
    try:
        for name, role, path in coalition_pages(data):
            if role not in clients:
                clients[role] = Client(HTTP_HOST="127.0.0.1", raise_request_exception=False)
                clients[role].force_login(data.people[role])
            status, size_bytes, seconds = measure(clients[role], path)
            is_pdf = path.endswith(".pdf")
            flags = ""
            if not is_pdf and size_bytes > LIMIT_BYTES:
                flags += " over 200 KB"
            if seconds > LIMIT_SECONDS:
                flags += " over 1 s"
            print(f"{name:<26} {status:>6} {size_bytes / 1024:>9.1f} {seconds:>8.3f}{flags}")
            if not is_pdf and size_bytes > largest[1]:
                largest = (name, size_bytes)
            if seconds > slowest[1]:
                slowest = (name, seconds)
    finally:
        cleanup(data)
    print(f"largest page: {largest[0]}, {largest[1] / 1024:.1f} KiB")
    print(f"slowest render: {slowest[0]}, {slowest[1]:.3f} s")
    return largest, slowest


def cleanup(data) -> None:
    User = get_user_model()
    slug = data.coalition.slug
    with transaction.atomic():
        Coalition.objects.filter(pk=data.coalition.pk).delete()
        User.objects.filter(email__endswith=f"@{slug}.example.net").delete()
        Organisation.objects.filter(name__startswith=f"{slug} ").delete()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", type=int, nargs="+", default=[10, 10_000])
    args = parser.parse_args()
    print(f"database: {settings.DATABASES['default']['ENGINE']}, DEBUG={settings.DEBUG}")
    results = {size: run(size) for size in args.sizes}
    print("\nsummary")
    for size, (largest, slowest) in results.items():
        print(
            f"{size:>6} rows: largest page {largest[0]} {largest[1] / 1024:.1f} KiB; "
            f"slowest render {slowest[0]} {slowest[1]:.3f} s"
        )


if __name__ == "__main__":
    main()
