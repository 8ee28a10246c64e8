"""Benchmark: the extension-request pack of the demo's Lebanon article 4 obligation.

    DATABASE_URL=... .venv/bin/python manage.py seed_demo
    DATABASE_URL=... .venv/bin/python benchmarks/extension_pack.py [runs]

Builds the pack (the queries) and renders it with WeasyPrint, in English and in French, several
times, and reports the median time, the number of queries and the number of pages. Reads the
database named by DATABASE_URL (the demo data must be there); writes nothing.
"""

import io
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import translation  # noqa: E402
from pypdf import PdfReader  # noqa: E402

from coalitions.models import Coalition  # noqa: E402
from obligations.pack import pack_build, render_pack_pdf  # noqa: E402


def main(runs: int) -> None:
    coalition = Coalition.objects.get(slug="lebanon")
    obligation = coalition.obligations.get(convention="ccm", article=4)
    for language in ("en", "fr"):
        times, queries, pdf = [], 0, b""
        for _run in range(runs):
            start = time.perf_counter()
            with translation.override(language), CaptureQueriesContext(connection) as captured:
                pack = pack_build(coalition=coalition, pk=obligation.pk)
                pdf = render_pack_pdf(pack)
            times.append(time.perf_counter() - start)
            queries = len(captured)
        pages = len(PdfReader(io.BytesIO(pdf)).pages)
        print(
            f"{language}: median {statistics.median(times) * 1000:.0f} ms over {runs} runs "
            f"(min {min(times) * 1000:.0f} ms), {queries} queries, {pages} pages, "
            f"{len(pdf) // 1024} KiB"
        )


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 5)
