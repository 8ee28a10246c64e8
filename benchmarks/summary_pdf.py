"""Benchmark: the meeting summary PDF on PostgreSQL with the production settings.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/<db> .venv/bin/python benchmarks/summary_pdf.py

Builds once (kept in the database, found again by its slug) a held meeting with 40 agenda items
(each with minutes), 30 participants, 20 decisions, 100 action points (a tenth restricted) and two
obligations with charts, through the services as the pages make them. Then, in this process:

- first render: the first copy this process makes (WeasyPrint's imports, fonts and caches cold);
- first render in a worker: the same in a new process that first ran what a Celery worker process
  runs when it starts (config.celery_app), as the first published summary meets it;
- warm: one copy again (median of the repeats), split into reading the data, the template and
  WeasyPrint;
- publication: both stored copies (full and without restricted items), as `summary_render`
  makes them;
- another language: one copy in French, as a batch of mails to French readers needs.

Wall time depends on what else runs on the machine; CPU time of this process is printed beside
it. Self-contained: `measure(repeats=...)` returns the figures as a dict for a harness that calls
it; `--json` prints that dict. SECRET_KEY and ALLOWED_HOSTS get throw-away values when unset.
"""

import io
import json
import logging
import os
import statistics
import subprocess
import sys
import time
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.production")
os.environ.setdefault("SECRET_KEY", "benchmark-only-" + "x" * 40)
os.environ.setdefault("ALLOWED_HOSTS", "localhost")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.contrib.auth import get_user_model  # noqa: E402
from django.db import transaction  # noqa: E402
from django.template.loader import render_to_string  # noqa: E402
from django.utils import timezone, translation  # noqa: E402
from pypdf import PdfReader  # noqa: E402

from actions.services import action_point_create  # noqa: E402
from coalitions.models import Organisation, Role, Visibility  # noqa: E402
from coalitions.services import coalition_create, membership_create  # noqa: E402
from config.pdf import html_to_pdf  # noqa: E402
from meetings import services as meetings  # noqa: E402
from meetings import summary  # noqa: E402
from meetings.models import AgendaItem, Meeting, Participant  # noqa: E402
from obligations import services as obligations  # noqa: E402
from obligations.models import Indicator  # noqa: E402

SLUG = "benchmark-summary-pdf"
AGENDA_ITEMS = 40
ACTION_POINTS = 100
PARTICIPANTS = 30
DECISIONS = 20


def build_meeting():
    """The benchmark meeting, made once through the services and kept."""
    existing = Meeting.objects.filter(coalition__slug=SLUG).select_related("coalition").first()
    if existing is not None:
        return existing
    User = get_user_model()
    with transaction.atomic():
        authority_org = Organisation.objects.create(
            name="Lebanon Mine Action Centre (benchmark)",
            short_name="LMAC-B",
            kind="state_authority",
        )
        coalition = coalition_create(
            actor=None,
            name="Lebanon Country Coalition (benchmark)",
            slug=SLUG,
            state_party="LB",
            timezone_name="Asia/Beirut",
            national_authority=authority_org,
        )
        organisations = [authority_org] + [
            Organisation.objects.create(
                name=f"Operator {n} (benchmark)", short_name=f"OP{n}B", kind="operator"
            )
            for n in range(11)
        ]
        roles = [Role.NATIONAL_AUTHORITY, Role.FACILITATOR, Role.CHAMPION, Role.SECRETARIAT]
        people = User.objects.bulk_create(
            User(email=f"summary-bench-{n}@example.net", name=f"Participant {n}", password="!")
            for n in range(PARTICIPANTS)
        )

        def organisation_of(n):
            return organisations[0] if n == 0 else organisations[1 + n % 11]

        for n, person in enumerate(people):
            membership_create(
                coalition=coalition,
                user=person,
                organisation=organisation_of(n),
                role=roles[n] if n < len(roles) else Role.OPERATOR,
                actor=None,
            )
        authority, facilitator = people[0], people[1]
        starts = timezone.now().replace(microsecond=0) - timedelta(days=2)
        meeting = meetings.meeting_create(
            coalition=coalition,
            actor=facilitator,
            title="Coalition meeting with a long agenda — réunion, reunión, اجتماع",
            starts_at=starts,
            ends_at=starts + timedelta(hours=8),
            venue="Lebanon Mine Action Centre, Beirut",
            send_invitations=False,
        )
        topics = AgendaItem.Topic.values
        items = [
            meetings.agenda_item_create(
                meeting=meeting,
                actor=facilitator,
                title=f"Agenda item {n}: land release in district {n}",
                topic=topics[n % len(topics)],
                presenter=organisations[n % 12].name,
                duration_minutes=15,
                visibility=Visibility.RESTRICTED if n % 10 == 9 else Visibility.MEMBERS,
            )
            for n in range(AGENDA_ITEMS)
        ]
        meetings.meeting_mark_held(meeting=meeting, actor=facilitator)
        meetings.attendance_record(
            meeting=meeting,
            actor=facilitator,
            attendance={
                p.pk: Participant.Attendance.PRESENT if n % 7 else Participant.Attendance.APOLOGIES
                for n, p in enumerate(meeting.participants.order_by("pk"))
            },
        )
        meetings.minutes_save(
            meeting=meeting,
            actor=facilitator,
            notes="Opening remarks by the Centre; año de progreso; تطهير الأراضي. " * 20,
            item_minutes={
                item.pk: "Discussion of progress, figures and next steps. " * 12 for item in items
            },
        )
        for n in range(DECISIONS):
            meetings.decision_create(
                meeting=meeting,
                actor=facilitator,
                text=f"Decision {n}: the coalition agrees on the plan for district {n}.",
                agenda_item=items[n],
                visibility=Visibility.RESTRICTED if n % 10 == 9 else Visibility.MEMBERS,
            )
        today = timezone.localdate()
        for n in range(ACTION_POINTS):
            action_point_create(
                coalition=coalition,
                actor=facilitator,
                title=f"Action point {n}: follow up on agenda item {n % AGENDA_ITEMS}",
                owner_organisation=organisation_of(n % PARTICIPANTS),
                owner=people[n % PARTICIPANTS] if n % 3 else None,
                due_date=today + timedelta(days=n - 30),
                visibility=Visibility.RESTRICTED if n % 10 == 9 else Visibility.MEMBERS,
                meeting=meeting,
            )
        for article in (3, 4):
            obligation = obligations.obligation_create(
                coalition=coalition,
                article=article,
                entry_into_force=date(2016, 1, 1),
                actor=authority,
            )
            indicator = obligations.indicator_create(
                obligation=obligation,
                kind=Indicator.Kind.AREA_RELEASED,
                target=20_000,
                actor=authority,
            )
            for year in range(2019, 2026):
                for quarter in range(4):
                    start = date(year, 3 * quarter + 1, 1)
                    end = (date(year + (quarter == 3), (3 * quarter + 3) % 12 + 1, 1)) - timedelta(
                        1
                    )
                    obligations.progress_report(
                        indicator=indicator,
                        period_start=start,
                        period_end=end,
                        value=300 + 10 * quarter,
                        organisation=authority_org,
                        actor=authority,
                        validate=True,
                    )
    return Meeting.objects.select_related("coalition").get(pk=meeting.pk)


def _timed(function) -> tuple:
    """(result, wall seconds, CPU seconds of this process)."""
    wall, cpu = time.perf_counter(), time.process_time()
    result = function()
    return result, time.perf_counter() - wall, time.process_time() - cpu


def _median(runs: list[tuple]) -> dict:
    return {
        "wall_s": statistics.median(r[1] for r in runs),
        "cpu_s": statistics.median(r[2] for r in runs),
        "wall_spread_s": [min(r[1] for r in runs), max(r[1] for r in runs)],
    }


def first_render_in_a_worker() -> dict:
    """The first copy of a new process that loaded what a worker process loads at its start."""
    from celery.signals import worker_process_init

    import config.celery_app  # noqa: F401  (connects what a worker process runs at start)

    meeting = build_meeting()
    meeting = Meeting.objects.select_related("coalition", "chair", "facilitator").get(pk=meeting.pk)
    worker_process_init.send(sender=None)
    with translation.override(settings.LANGUAGE_CODE):
        _pdf, wall, cpu = _timed(lambda: summary.render_summary_pdf(meeting, summary.FULL_COPY))
    return {"wall_s": wall, "cpu_s": cpu}


def _in_a_new_process(flag: str) -> dict:
    done = subprocess.run(
        [sys.executable, __file__, flag], capture_output=True, text=True, check=True
    )
    return json.loads(done.stdout.strip().splitlines()[-1])


def measure(*, repeats: int = 5) -> dict:
    """First and warm render times of the benchmark meeting's summary (wall and CPU seconds)."""
    meeting = build_meeting()
    meeting = Meeting.objects.select_related("coalition", "chair", "facilitator").get(pk=meeting.pk)
    full, members = summary.FULL_COPY, summary.MEMBERS_COPY

    def both_copies():
        # summary_copies_render is what publishing runs; older checkouts rendered copy by copy.
        if hasattr(summary, "summary_copies_render"):
            return summary.summary_copies_render(meeting)
        return [summary.render_summary_pdf(meeting, copy) for copy in (full, members)]

    with translation.override(settings.LANGUAGE_CODE):
        first = _timed(lambda: summary.render_summary_pdf(meeting, full))
        context = summary.summary_context(meeting, full)
        html = render_to_string("pdf/meetings/summary.html", context)
        steps = {"data": [], "template": [], "weasyprint": [], "one_copy": [], "both": []}
        for _ in range(repeats):
            steps["data"].append(_timed(lambda: summary.summary_context(meeting, full)))
            steps["template"].append(
                _timed(lambda: render_to_string("pdf/meetings/summary.html", context))
            )
            steps["weasyprint"].append(_timed(lambda: html_to_pdf(html)))
            steps["one_copy"].append(_timed(lambda: summary.render_summary_pdf(meeting, full)))
            steps["both"].append(_timed(both_copies))
    with translation.override("fr"):
        french = [
            _timed(lambda: summary.render_summary_pdf(meeting, members)) for _ in range(repeats)
        ]
    pdf = first[0]
    return {
        "agenda_items": AGENDA_ITEMS,
        "action_points": ACTION_POINTS,
        "pages": len(PdfReader(io.BytesIO(pdf)).pages),
        "kib": round(len(pdf) / 1024),
        "first_render": {"wall_s": first[1], "cpu_s": first[2]},
        "first_render_in_a_worker": _in_a_new_process("--first-in-a-worker"),
        **{name: _median(runs) for name, runs in steps.items()},
        "french_copy": _median(french),
    }


def main() -> None:
    logging.disable(logging.INFO)
    if "--first-in-a-worker" in sys.argv:
        print(json.dumps(first_render_in_a_worker()))
        return
    repeats = 5
    if "--repeats" in sys.argv:
        repeats = int(sys.argv[sys.argv.index("--repeats") + 1])
    figures = measure(repeats=repeats)
    if "--json" in sys.argv:
        print(json.dumps(figures))
        return
    print(
        f"Summary PDF: {figures['agenda_items']} agenda items, {figures['action_points']} action "
        f"points; {figures['pages']} pages, {figures['kib']} KiB (PostgreSQL, production settings)"
    )
    print(f"  {'':34} {'wall s':>7} {'CPU s':>7}  wall spread (median of {repeats})")
    rows = [
        ("first render in this process", "first_render"),
        ("first render in a worker process", "first_render_in_a_worker"),
        ("warm, one copy (full)", "one_copy"),
        ("  of which: data", "data"),
        ("  of which: template", "template"),
        ("  of which: WeasyPrint", "weasyprint"),
        ("publication: both copies", "both"),
        ("one copy in French", "french_copy"),
    ]
    for label, key in rows:
        row = figures[key]
        spread = row.get("wall_spread_s")
        spread = f"  {spread[0]:.2f}-{spread[1]:.2f}" if spread else ""
        print(f"  {label:34} {row['wall_s']:7.2f} {row['cpu_s']:7.2f}{spread}")


if __name__ == "__main__":
    main()
