"""Benchmark: the meeting summary PDF and its mailing.

    DJANGO_SETTINGS_MODULE=config.settings.test .venv/bin/python benchmarks/summary_pdf.py

1. Renders the summary of a meeting with 40 agenda items (each with minutes), 60 participants,
   20 decisions and 100 action points, and reports time and peak memory (tracemalloc for Python
   allocations, ru_maxrss for the whole process).
2. Sends it to 60 participants through a local aiosmtpd server over one SMTP connection and
   reports the time per recipient (building the mail from the templates, attaching the PDF, SMTP).

No database is touched: rows are unsaved model instances built in memory, and the action points
are stand-ins with the fields the real selector returns (title, owner organisation, owner, due
date, status), so the figures measure the template and WeasyPrint alone.
"""

import os
import resource
import socket
import statistics
import sys
import time
import tracemalloc
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from types import SimpleNamespace

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.core.mail import get_connection  # noqa: E402

from coalitions.models import Coalition, Organisation  # noqa: E402
from config.mail import build_mail  # noqa: E402
from meetings import timefmt  # noqa: E402
from meetings.models import AgendaItem, Decision, Meeting, Participant  # noqa: E402
from meetings.summary import render_summary_pdf  # noqa: E402
from users.models import User  # noqa: E402

AGENDA_ITEMS = 40
ACTION_POINTS = 100
PARTICIPANTS = 60


def build_context() -> dict:
    coalition = Coalition(
        name="Lebanon Country Coalition (benchmark)", slug="lebanon", timezone="Asia/Beirut"
    )
    starts = datetime(2026, 10, 20, 7, 0, tzinfo=UTC)
    meeting = Meeting(
        pk=1,
        coalition=coalition,
        title="Coalition meeting with a long agenda — réunion, reunión, اجتماع",
        starts_at=starts,
        ends_at=starts + timedelta(hours=8),
        venue="Lebanon Mine Action Centre, Beirut",
        notes="Opening remarks. " * 40,
    )
    organisations = [Organisation(name=f"Organisation {n}", short_name=f"O{n}") for n in range(12)]
    people = [
        User(email=f"person{n}@example.net", name=f"Participant {n}", timezone="Europe/Oslo")
        for n in range(PARTICIPANTS)
    ]
    participants = [
        Participant(
            meeting=meeting, user=u, organisation=organisations[n % 12], attendance="present"
        )
        for n, u in enumerate(people)
    ]
    topics = AgendaItem.Topic.values
    agenda = [
        AgendaItem(
            meeting=meeting,
            position=n,
            title=f"Agenda item {n}: land release in district {n}",
            topic=topics[n % len(topics)],
            presenter=organisations[n % 12].name,
            duration_minutes=15,
            minutes=("Discussion of progress, figures and next steps. " * 12),
        )
        for n in range(AGENDA_ITEMS)
    ]
    decisions = [
        Decision(meeting=meeting, text=f"Decision {n}: the coalition agrees.") for n in range(20)
    ]
    action_points = [
        SimpleNamespace(
            title=f"Action point {n}: follow up on item {n % AGENDA_ITEMS}",
            owner_organisation=organisations[n % 12].name,
            owner=people[n % PARTICIPANTS],
            due_date=date(2027, 1, 1) + timedelta(days=n),
            get_status_display=lambda: "Open",
            visibility="members",
        )
        for n in range(ACTION_POINTS)
    ]
    return {
        "meeting": meeting,
        "coalition": coalition,
        "when": timefmt.format_span(meeting.starts_at, meeting.ends_at, coalition.timezone),
        "meeting_date": "20 October 2026",
        "agenda": agenda,
        "participants": participants,
        "present_count": PARTICIPANTS,
        "apologies_count": 0,
        "absent_count": 0,
        "decisions": decisions,
        "documents": [],
        "action_points": action_points,
        "obligations_status": [],
        "restricted_copy": True,
        "generated_on": "20 October 2026, 18:00 EEST",
        "url": "http://127.0.0.1:8000/coalitions/lebanon/meetings/1/",
        "site_url": "http://127.0.0.1:8000",
        "recipient": people[0],
    }, people


def bench_render(context) -> bytes:
    render_summary_pdf(context["meeting"], frozenset(), context=context)  # warm fonts and caches
    tracemalloc.start()
    started = time.perf_counter()
    pdf = render_summary_pdf(context["meeting"], frozenset(), context=context)
    elapsed = time.perf_counter() - started
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    times = []
    for _ in range(3):
        started = time.perf_counter()
        render_summary_pdf(context["meeting"], frozenset(), context=context)
        times.append(time.perf_counter() - started)
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    import io

    from pypdf import PdfReader

    pages = len(PdfReader(io.BytesIO(pdf)).pages)
    print(
        f"Render: {AGENDA_ITEMS} agenda items, {ACTION_POINTS} action points, {PARTICIPANTS} participants"
    )
    print(f"  PDF: {pages} pages, {len(pdf) / 1024:.0f} KiB")
    print(
        f"  time: {elapsed:.2f} s (traced run); median of 3 more: {statistics.median(times):.2f} s"
    )
    print(f"  peak Python memory (tracemalloc): {peak / 1024 / 1024:.1f} MiB")
    print(f"  process max RSS: {rss:.0f} MiB")
    out = settings.BASE_DIR / "build" / "summary-benchmark.pdf"
    out.parent.mkdir(exist_ok=True)
    out.write_bytes(pdf)
    print(f"  written to {out.relative_to(settings.BASE_DIR)} for a look")
    return pdf


class Counting:
    def __init__(self):
        self.sessions = set()
        self.count = 0

    async def handle_DATA(self, server, session, envelope):
        self.sessions.add(id(session))
        self.count += 1
        return "250 OK"


def bench_send(context, people, pdf: bytes) -> None:
    from aiosmtpd.controller import Controller

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    handler = Counting()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        connection = get_connection(
            "django.core.mail.backends.smtp.EmailBackend",
            host="127.0.0.1",
            port=port,
            use_tls=False,
            timeout=10,
        )
        started = time.perf_counter()
        connection.open()
        for person in people:
            message = build_mail(
                to=person.email,
                template="meeting_summary",
                context={**context, "recipient": person},
                attachments=[("summary.pdf", pdf, "application/pdf")],
                connection=connection,
            )
            message.send()
        connection.close()
        elapsed = time.perf_counter() - started
    finally:
        controller.stop()
    print(f"Send: {len(people)} recipients, PDF of {len(pdf) / 1024:.0f} KiB attached")
    print(f"  total: {elapsed:.2f} s, per recipient: {elapsed / len(people) * 1000:.1f} ms")
    print(f"  SMTP sessions used: {len(handler.sessions)}, messages received: {handler.count}")


if __name__ == "__main__":
    import logging

    logging.getLogger("mail.log").setLevel(logging.WARNING)  # aiosmtpd logs every command
    context, people = build_context()
    pdf = bench_render(context)
    bench_send(context, people, pdf)
