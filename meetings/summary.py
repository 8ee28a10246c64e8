"""The summary PDF and the mails of a meeting: who gets which copy, rendered and sent once each."""

import logging

from django.conf import settings
from django.core.files.base import ContentFile
from django.db.models import Count
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import dateformat, timezone, translation

from coalitions import permissions as perms
from coalitions.models import Visibility
from coalitions.sections import parts_for
from config.mail import build_mail, open_connection
from config.pdf import html_to_pdf
from mail import pipeline
from mail.models import UNSENT, MailStatus

from . import timefmt
from .changes import changes_for_reader
from .ical import invitation_ics
from .models import Delivery, Meeting, Participant, Summary, SummaryAmendment

logger = logging.getLogger(__name__)
# One task, one SMTP session: 20 mails fit the task's soft limit (120 s) even at 5 s a mail; more
# re-queue the task, so a fan-out is many small claims.
DELIVERY_BATCH_SIZE = 20
# WeasyPrint logs every layout step at INFO; in a worker's log that drowns what matters.
logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)

# Restricted items are the only difference between readers' copies, so two copies cover everyone.
FULL_COPY = frozenset({perms.VIEW, perms.VIEW_RESTRICTED})
MEMBERS_COPY = frozenset({perms.VIEW})


def copy_for(reader_perms: frozenset[str]) -> frozenset[str]:
    return FULL_COPY if perms.VIEW_RESTRICTED in reader_perms else MEMBERS_COPY


# What a reader sees ------------------------------------------------------------------------------

SUMMARY_TEMPLATE = "pdf/meetings/summary.html"
# The attendance paragraphs of the PDF, in this order.
ATTENDANCE_ORDER = (
    Participant.Attendance.PRESENT,
    Participant.Attendance.APOLOGIES,
    Participant.Attendance.ABSENT,
    Participant.Attendance.INVITED,
)


def summary_context(
    meeting: Meeting, reader_perms: frozenset[str], *, generated_on: str | None = None
) -> dict:
    visible = perms.visibilities_for(reader_perms)
    agenda = list(meeting.agenda_items.filter(visibility__in=visible))
    participants = list(
        meeting.participants.select_related("user", "organisation").order_by(
            "organisation__name", "user__name"
        )
    )
    decisions = list(meeting.decisions.filter(visibility__in=visible).select_related("agenda_item"))
    decisions = [
        d for d in decisions if d.agenda_item is None or d.agenda_item.visibility in visible
    ]
    documents = list(meeting.documents.filter(visibility__in=visible))
    amendments = list(SummaryAmendment.objects.filter(summary__meeting=meeting))
    for amendment in amendments:
        amendment.when = timefmt.format_moment(amendment.created_at, meeting.coalition.timezone)
    parts = parts_for("meeting_summary", meeting=meeting, reader_perms=reader_perms)
    # The footer warns only when this copy holds a restricted item, not whenever the reader could.
    restricted_copy = any(
        item.visibility == Visibility.RESTRICTED for item in (*agenda, *decisions, *documents)
    ) or any(part["context"].get("holds_restricted") for part in parts)
    by_attendance = {value: [] for value in Participant.Attendance.values}
    for participant in participants:
        by_attendance[participant.attendance].append(participant)
    counts = {value: len(people) for value, people in by_attendance.items()}
    return {
        "meeting": meeting,
        "coalition": meeting.coalition,
        "when": f"{timefmt.format_span(meeting.starts_at, meeting.ends_at, meeting.coalition.timezone)}"
        f" ({meeting.coalition.timezone})",
        "agenda": agenda,
        "participants": participants,
        "attendance": [
            (Participant.Attendance(value).label, by_attendance[value])
            for value in ATTENDANCE_ORDER
            if by_attendance[value]
        ],
        "present_count": counts[Participant.Attendance.PRESENT],
        "apologies_count": counts[Participant.Attendance.APOLOGIES],
        "absent_count": counts[Participant.Attendance.ABSENT],
        "decisions": decisions,
        "documents": documents,
        "amendments": amendments,
        # Action points and the obligations' status come from their apps (coalitions.sections).
        "parts": parts,
        "restricted_copy": restricted_copy,
        "meeting_date": dateformat.format(
            timefmt.in_zone(meeting.starts_at, meeting.coalition.timezone), "j F Y"
        ),
        "generated_on": generated_on
        or timefmt.format_moment(timezone.now(), meeting.coalition.timezone),
        "url": settings.SITE_URL
        + reverse("meetings:detail", args=[meeting.coalition.slug, meeting.pk]),
        "site_url": settings.SITE_URL,
    }


def render_summary_pdf(
    meeting: Meeting, reader_perms: frozenset[str], context: dict | None = None
) -> bytes:
    html = render_to_string(SUMMARY_TEMPLATE, context or summary_context(meeting, reader_perms))
    return html_to_pdf(html)


def summary_copy_html(meeting: Meeting, copy: frozenset[str], *, generated_on: str) -> tuple:
    """(context, HTML) of one copy: what publication lays out, and what the preview shows."""
    context = summary_context(meeting, copy, generated_on=generated_on)
    return context, render_to_string(SUMMARY_TEMPLATE, context)


def summary_preview(meeting: Meeting, copy: frozenset[str]) -> bytes:
    """One copy as publishing it now would render it: the same HTML (summary_copy_html), in the
    language the stored copies are rendered in."""
    with translation.override(settings.LANGUAGE_CODE):
        generated_on = timefmt.format_moment(timezone.now(), meeting.coalition.timezone)
        _context, html = summary_copy_html(meeting, copy, generated_on=generated_on)
        return html_to_pdf(html)


def summary_copies_render(meeting: Meeting) -> dict[frozenset[str], tuple[bytes, dict]]:
    """Both copies in the active language, each as (PDF, context).

    WeasyPrint is nearly all of the cost, and restricted items are the only difference between
    the copies: when the meeting has none, both copies are the same document, laid out once.
    """
    generated_on = timefmt.format_moment(timezone.now(), meeting.coalition.timezone)
    (full, full_html), (members, members_html) = (
        summary_copy_html(meeting, copy, generated_on=generated_on)
        for copy in (FULL_COPY, MEMBERS_COPY)
    )
    if full_html == members_html:
        pdf = html_to_pdf(members_html)
        return {FULL_COPY: (pdf, full), MEMBERS_COPY: (pdf, members)}
    return {
        FULL_COPY: (html_to_pdf(full_html), full),
        MEMBERS_COPY: (html_to_pdf(members_html), members),
    }


def _meeting(meeting_id: int) -> Meeting:
    return Meeting.objects.select_related("coalition", "chair", "facilitator").get(pk=meeting_id)


def summary_render(*, meeting_id: int) -> Summary:
    """Renders and stores both copies, unless they are newer than the last publication."""
    summary = Summary.objects.get(meeting_id=meeting_id)
    if summary.rendered_at and summary.rendered_at >= summary.published_at and summary.pdf_full:
        return summary
    Summary.objects.filter(pk=summary.pk).update(state=Summary.State.RENDERING, error="")
    meeting = _meeting(meeting_id)
    with translation.override(settings.LANGUAGE_CODE):
        copies = summary_copies_render(meeting)
    (full, _context), (members, _context) = copies[FULL_COPY], copies[MEMBERS_COPY]
    old = [f.name for f in (summary.pdf_full, summary.pdf_members) if f]
    old += _language_copy_names(summary.pdf_full.name) if summary.pdf_full else []
    summary.pdf_full.save("summary.pdf", ContentFile(full), save=False)
    summary.pdf_members.save("summary.pdf", ContentFile(members), save=False)
    summary.rendered_at = timezone.now()
    summary.state = Summary.State.SENDING
    summary.save(update_fields=["pdf_full", "pdf_members", "rendered_at", "state"])
    for name in old:
        summary.pdf_full.storage.delete(name)
    return summary


# Mail --------------------------------------------------------------------------------------------


def summary_filename(meeting: Meeting) -> str:
    return f"summary-{meeting.coalition.slug}-{timefmt.in_zone(meeting.starts_at, meeting.coalition.timezone):%Y-%m-%d}.pdf"


def _mail_context(meeting: Meeting, recipient, reader_perms: frozenset[str]) -> dict:
    return {
        "meeting": meeting,
        "coalition": meeting.coalition,
        "recipient": recipient,
        # Called by the template, so the weekday, month and "your time" are in the mail's language.
        "when": lambda: timefmt.format_span_for_reader(
            meeting.starts_at, meeting.ends_at, meeting.coalition.timezone, recipient.timezone
        ),
        "url": settings.SITE_URL
        + reverse("meetings:detail", args=[meeting.coalition.slug, meeting.pk]),
        "site_url": settings.SITE_URL,
        "agenda": list(
            meeting.agenda_items.filter(visibility__in=perms.visibilities_for(reader_perms))
        ),
    }


def _own_first(action_points: list, recipient, organisation_id: int | None) -> list:
    """The reader's own action points (theirs, or their organisation's with no one named) first,
    each group in the summary's order."""

    def own(point) -> bool:
        if point.owner_id is not None:
            return point.owner_id == recipient.pk
        return point.owner_organisation_id == organisation_id

    return [p for p in action_points if own(p)] + [p for p in action_points if not own(p)]


def _summary_mail_context(meeting: Meeting, delivery: Delivery, context: dict, copy) -> dict:
    """The mail's own text: the decisions and the action points of the reader's copy (their own
    first), and the correction it carries when it is an amendment's mail."""
    recipient = delivery.user
    points = next(
        (part["context"]["action_points"] for part in context["parts"]
         if "action_points" in part["context"]),
        [],
    )  # fmt: skip
    organisation_id = (
        meeting.participants.filter(user=recipient)
        .values_list("organisation_id", flat=True)
        .first()
    )
    points = _own_first(points, recipient, organisation_id)
    amendment = next(
        (a for a in context["amendments"] if a.number == delivery.sequence and delivery.sequence),
        None,
    )
    return {
        **context,
        **_mail_context(meeting, recipient, copy),
        "action_points": points,
        "own_count": sum(
            1 for p in points if p.owner_id == recipient.pk
            or (p.owner_id is None and p.owner_organisation_id == organisation_id)
        ),
        "amendment": amendment,
    }  # fmt: skip


def build_meeting_mail(
    *, meeting: Meeting, delivery: Delivery, reader_perms, connection, copies=None
):
    recipient = delivery.user
    language = _language_of(recipient)
    if delivery.kind == Delivery.Kind.SUMMARY:
        copy = copy_for(reader_perms)
        pdf, context = _summary_copy_in(copies, copy, language)
        mail_context = _summary_mail_context(meeting, delivery, context, copy)
        return build_mail(
            to=recipient.email,
            template="meeting_summary",
            context=mail_context,
            language=language,
            attachments=[(summary_filename(meeting), pdf, "application/pdf")],
            connection=connection,
        )
    cancel = delivery.kind in (Delivery.Kind.CANCELLATION, Delivery.Kind.WITHDRAWN)
    ics = invitation_ics(meeting, attendee=recipient, cancel=cancel)
    method = "CANCEL" if cancel else "REQUEST"
    context = {**_mail_context(meeting, recipient, reader_perms), "kind": delivery.kind}
    if delivery.kind == Delivery.Kind.UPDATE:
        # Called by the template, in the mail's language.
        context["changes"] = lambda: changes_for_reader(
            meeting.changes.filter(sequence=delivery.sequence),
            reader_perms=reader_perms,
            coalition_zone=meeting.coalition.timezone,
            reader_zone=recipient.timezone,
            agenda=lambda: context["agenda"],
        )
    if not cancel:
        context["parts"] = parts_for(
            "meeting_invitation", meeting=meeting, recipient=recipient, reader_perms=reader_perms
        )
    message = build_mail(
        to=recipient.email,
        template="meeting_invitation",
        context=context,
        language=language,
        attachments=[("meeting.ics", ics, f"text/calendar; method={method}; charset=utf-8")],
        connection=connection,
    )
    return message


def _language_copy_name(full_name: str, copy: frozenset[str], language: str) -> str:
    """A copy in another language is stored beside the full copy and named after it, so the next
    rendering (a new name) leaves it behind and deletes it."""
    which = "full" if copy == FULL_COPY else "members"
    return f"{full_name.removesuffix('.pdf')}-{language}-{which}.pdf"


def _language_copy_names(full_name: str) -> list[str]:
    return [
        _language_copy_name(full_name, copy, language)
        for language, _name in settings.LANGUAGES
        for copy in (FULL_COPY, MEMBERS_COPY)
    ]


def _summary_copies(meeting: Meeting, deliveries: list[Delivery], reader_perms: dict) -> dict:
    """Both copies in the site's language, and both in each other language the batch's readers
    prefer, each with the context the mail text uses. A language's copies are rendered by the
    first batch that needs them and stored for the publication's later batches."""
    summary = Summary.objects.get(meeting=meeting)
    storage = summary.pdf_full.storage
    copies = {}
    for copy, field in ((FULL_COPY, summary.pdf_full), (MEMBERS_COPY, summary.pdf_members)):
        with field.open("rb") as handle:
            copies[copy] = (handle.read(), summary_context(meeting, copy))
    languages = {
        _language_of(delivery.user)
        for delivery in deliveries
        if perms.VIEW in reader_perms[delivery.user_id]
    } - {None, settings.LANGUAGE_CODE}
    for language in sorted(languages):
        names = {
            copy: _language_copy_name(summary.pdf_full.name, copy, language)
            for copy in (FULL_COPY, MEMBERS_COPY)
        }
        with translation.override(language):
            if all(storage.exists(name) for name in names.values()):
                for copy, name in names.items():
                    with storage.open(name, "rb") as handle:
                        copies[(copy, language)] = (handle.read(), summary_context(meeting, copy))
                continue
            for copy, (pdf, context) in summary_copies_render(meeting).items():
                storage.save(names[copy], ContentFile(pdf))
                copies[(copy, language)] = (pdf, context)
    return copies


def _language_of(recipient) -> str | None:
    return recipient.preferred_language or None


def _summary_copy_in(copies: dict, copy: frozenset[str], language: str | None):
    if not language or language == settings.LANGUAGE_CODE:
        return copies[copy]
    return copies[(copy, language)]


def deliver_batch(
    *, meeting_id: int, kind: str, sequence: int, batch_size: int = DELIVERY_BATCH_SIZE
) -> tuple[int, bool]:
    """Claims up to `batch_size` unsent mails of one kind and sends them over one connection,
    each marked sent as soon as the server accepts it. Returns (sent, whether more wait).

    On any error the claimed rows not yet sent go back to wait for their next attempt (mail
    pipeline back-off) and the error propagates.
    """
    rows = Delivery.objects.filter(meeting_id=meeting_id, kind=kind, sequence=sequence)
    ids = pipeline.claim(rows, limit=batch_size)
    if not ids:
        return 0, False
    remaining = set(ids)
    sent = 0
    try:
        meeting = _meeting(meeting_id)
        deliveries = list(Delivery.objects.filter(pk__in=ids).select_related("user").order_by("pk"))
        reader_perms = perms.perms_by_user(
            coalition_id=meeting.coalition_id, user_ids=[d.user_id for d in deliveries]
        )
        copies = (
            _summary_copies(meeting, deliveries, reader_perms)
            if kind == Delivery.Kind.SUMMARY
            else None
        )
        connection = open_connection()
        try:
            connection.open()  # one SMTP session for the batch
            for delivery in deliveries:
                if perms.VIEW not in reader_perms[delivery.user_id]:
                    pipeline.mark_done(
                        Delivery,
                        [delivery.pk],
                        status=MailStatus.NOT_MEMBER,
                        error="no longer a member of the coalition",
                    )
                    remaining.discard(delivery.pk)
                    continue
                message = build_meeting_mail(
                    meeting=meeting,
                    delivery=delivery,
                    reader_perms=reader_perms[delivery.user_id],
                    connection=connection,
                    copies=copies,
                )
                message.extra_headers["Message-ID"] = pipeline.message_id("meeting", delivery.pk)
                message.send()
                pipeline.mark_sent(Delivery, [delivery.pk])
                remaining.discard(delivery.pk)
                pipeline.hold(Delivery, remaining)
                sent += 1
        finally:
            connection.close()
    except BaseException as exc:
        pipeline.mark_failed(Delivery, remaining, error=pipeline.error_text(exc))
        raise
    more = rows.filter(status__in=UNSENT, next_attempt_at__lte=timezone.now()).exists()
    return sent, more


def summary_refresh_state(*, meeting_id: int, revision: int = 0) -> str:
    """The summary's state from the mails of its revision: sending while any waits, failed while
    any fails. The mails of an older revision no longer say how the summary stands."""
    current = Summary.objects.filter(meeting_id=meeting_id).values_list("revision", flat=True)
    if revision != current.first():
        return ""
    counts = dict(
        Delivery.objects.filter(
            meeting_id=meeting_id, kind=Delivery.Kind.SUMMARY, sequence=revision
        )
        .values_list("status")
        .annotate(n=Count("pk"))
        .order_by()
    )
    failing = counts.get(MailStatus.FAILED, 0)
    waiting = sum(counts.get(status, 0) for status in (MailStatus.PENDING, MailStatus.SENDING))
    last_error = (
        Delivery.objects.filter(
            meeting_id=meeting_id, kind=Delivery.Kind.SUMMARY, sequence=revision, status__in=UNSENT
        )
        .exclude(last_error="")
        .values_list("last_error", flat=True)
        .first()
    )
    if failing:
        state = Summary.State.FAILED
        error = (
            f"{failing} mail(s) could not be delivered yet and are retried automatically. "
            f"The mail server refused or was unreachable: {last_error}"
        )
    elif waiting:
        state = Summary.State.SENDING
        error = f"Retried automatically; the mail server refused or was unreachable: {last_error}"
        error = error if last_error else ""
    else:
        state, error = Summary.State.SENT, ""
    summary_set_state(meeting_id=meeting_id, state=state, error=error)
    return state


def summary_set_state(*, meeting_id: int, state: str, error: str = "") -> None:
    Summary.objects.filter(meeting_id=meeting_id).update(state=state, error=error[:500])
