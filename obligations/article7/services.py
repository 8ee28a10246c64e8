"""Every change to an Article 7 report: starting a year's draft (from the last submitted report),
writing a form's narrative and mark, commenting, submitting (which freezes it), and the reminder
that a report falls due."""

import zoneinfo
from datetime import date

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Min
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from coalitions.audit import audited
from coalitions.models import Coalition, Membership, Role
from config.mail import build_mail
from mail import pipeline
from mail.models import MailStatus
from users.models import User

from .. import treaty
from ..models import (
    Obligation,
    ReportingCalendar,
    TransparencyComment,
    TransparencyForm,
    TransparencyReminder,
    TransparencyReport,
)
from .catalogue import BY_LETTER, LETTERS
from .prefill import figures_for, preset_mark

SEND_REMINDER = "obligations.tasks.send_transparency_reminder_task"


def _draft(report: TransparencyReport) -> TransparencyReport:
    report = TransparencyReport.objects.select_for_update().get(pk=report.pk)
    if report.is_submitted:
        raise ValidationError(
            _("This report was submitted on %(day)s and can no longer be changed.")
            % {"day": report.submitted_on.isoformat()}
        )
    return report


def last_submitted_before(*, coalition: Coalition, year: int) -> TransparencyReport | None:
    return (
        TransparencyReport.objects.filter(
            coalition=coalition, status=TransparencyReport.Status.SUBMITTED, year__lt=year
        )
        .order_by("-year")
        .first()
    )


@transaction.atomic
def report_create(
    *, coalition: Coalition, year: int, actor: User, today: date
) -> TransparencyReport:
    """A draft for `year`, its forms marked from the figures and worded as the last submitted
    report was (the next year's draft starts from it)."""
    if year > today.year:
        raise ValidationError(
            {"year": _("A report covers a calendar year that has begun: %(year)s or earlier.")
             % {"year": today.year}}
        )  # fmt: skip
    if TransparencyReport.objects.filter(coalition=coalition, year=year).exists():
        raise ValidationError({"year": _("A report for %(year)s already exists.") % {"year": year}})
    previous = last_submitted_before(coalition=coalition, year=year)
    report = TransparencyReport(
        coalition=coalition,
        year=year,
        created_by=actor,
        point_of_contact=previous.point_of_contact if previous else "",
    )
    report.full_clean()
    try:
        with transaction.atomic():
            audited(report, actor).save()
    except IntegrityError:
        raise ValidationError(
            {"year": _("A report for %(year)s already exists.") % {"year": year}}
        ) from None
    figures = figures_for(coalition=coalition, year=year, today=today)
    previous_data = previous.frozen if previous else None
    previous_forms = previous_data.get("texts", {}) if previous_data else {}
    for letter in LETTERS:
        mark, since = preset_mark(letter, figures, previous_data)
        audited(
            TransparencyForm(
                report=report,
                letter=letter,
                mark=mark,
                unchanged_since=since,
                narrative=previous_forms.get(letter, {}).get("narrative", ""),
            ),
            actor,
        ).save()
    return report


@transaction.atomic
def report_contact_save(
    *, report: TransparencyReport, point_of_contact: str, actor: User
) -> TransparencyReport:
    report = _draft(report)
    report.point_of_contact = point_of_contact.strip()
    report.full_clean()
    audited(report, actor).save(update_fields=["point_of_contact"])
    return report


@transaction.atomic
def form_save(
    *,
    report: TransparencyReport,
    letter: str,
    mark: str,
    unchanged_since: int | None,
    narrative: str,
    actor: User,
) -> TransparencyForm:
    report = _draft(report)
    if letter not in BY_LETTER:
        raise ValidationError(_("There is no form %(letter)s.") % {"letter": letter})
    if mark == TransparencyForm.Mark.UNCHANGED:
        if unchanged_since is None:
            raise ValidationError(
                {"unchanged_since": _("Say the year of the report this form is unchanged since.")}
            )
        if unchanged_since >= report.year:
            raise ValidationError(
                {"unchanged_since": _("Choose a year before %(year)s.") % {"year": report.year}}
            )
    else:
        unchanged_since = None
    form = TransparencyForm.objects.get(report=report, letter=letter)
    form.mark, form.unchanged_since, form.narrative = mark, unchanged_since, narrative.strip()
    form.full_clean()
    audited(form, actor).save()
    return form


@transaction.atomic
def comment_add(
    *, report: TransparencyReport, letter: str, text: str, actor: User
) -> TransparencyComment:
    report = _draft(report)
    if letter and letter not in BY_LETTER:
        raise ValidationError({"letter": _("There is no form %(letter)s.") % {"letter": letter}})
    comment = TransparencyComment(report=report, letter=letter, text=text.strip(), author=actor)
    comment.full_clean()
    comment.save()
    return comment


@transaction.atomic
def report_submit(
    *, report: TransparencyReport, submitted_on: date, actor: User, today: date
) -> TransparencyReport:
    """Marks the report sent to the United Nations and keeps what it said: its figures as they
    stand now and every form's text."""
    report = _draft(report)
    if submitted_on > today:
        raise ValidationError(
            {"submitted_on": _("The date of submission cannot be in the future.")}
        )
    if submitted_on.year <= report.year:
        raise ValidationError(
            {"submitted_on": _("A report on %(year)s is submitted after that year ends.")
             % {"year": report.year}}
        )  # fmt: skip
    unmarked = report.forms.filter(mark="").values_list("letter", flat=True)
    if unmarked:
        raise ValidationError(
            _("Mark every form changed, unchanged or not applicable first: form %(letters)s.")
            % {"letters": ", ".join(unmarked)}
        )
    figures = figures_for(coalition=report.coalition, year=report.year, today=submitted_on)
    figures["texts"] = {
        f.letter: {"mark": f.mark, "unchanged_since": f.unchanged_since, "narrative": f.narrative}
        for f in report.forms.all()
    }
    figures["point_of_contact"] = report.point_of_contact
    report.frozen = figures
    report.status = TransparencyReport.Status.SUBMITTED
    report.submitted_on = submitted_on
    report.full_clean()
    audited(report, actor).save()
    return report


@transaction.atomic
def calendar_save(
    *, coalition: Coalition, remind_days_before: int, actor: User
) -> ReportingCalendar:
    calendar, _created = ReportingCalendar.objects.get_or_create(coalition=coalition)
    calendar.remind_days_before = remind_days_before
    calendar.full_clean()
    calendar.save()
    return calendar


# The reminder --------------------------------------------------------------------------------------


def reminders_record(*, today: date) -> int:
    """One reminder row per national authority member of each live coalition whose next report
    falls due within its chosen number of days and whose report is not yet submitted; the mail
    dispatcher sends them (mail/pipeline.py). Run as often as liked: the unique row makes a second
    run record nothing."""
    in_force = dict(
        Obligation.objects.filter(coalition__archived_at__isnull=True, convention="ccm")
        .values("coalition_id")
        .annotate(first=Min("entry_into_force"))
        .values_list("coalition_id", "first")
    )
    if not in_force:
        return 0
    default_days = ReportingCalendar._meta.get_field("remind_days_before").default
    days = dict(
        ReportingCalendar.objects.filter(coalition_id__in=in_force).values_list(
            "coalition_id", "remind_days_before"
        )
    )
    submitted = set(
        TransparencyReport.objects.filter(
            coalition_id__in=in_force, status=TransparencyReport.Status.SUBMITTED
        ).values_list("coalition_id", "year")
    )
    due_by_coalition = {}
    for coalition_id, entry_into_force in in_force.items():
        due = treaty.next_report_due(entry_into_force=entry_into_force, today=today)
        # The annual update due on 30 April covers the calendar year before.
        covered = None if due.initial else due.due_on.year - 1
        if (due.due_on - today).days > days.get(coalition_id, default_days):
            continue
        if covered is not None and (coalition_id, covered) in submitted:
            continue
        due_by_coalition[coalition_id] = due
    if not due_by_coalition:
        return 0
    members = Membership.objects.filter(
        coalition_id__in=due_by_coalition, role=Role.NATIONAL_AUTHORITY, user__is_active=True
    ).values_list("coalition_id", "user_id")
    recorded = set(
        TransparencyReminder.objects.filter(
            coalition_id__in=due_by_coalition,
            due_on__in={due.due_on for due in due_by_coalition.values()},
        ).values_list("coalition_id", "due_on", "recipient_id")
    )
    rows = [
        TransparencyReminder(
            coalition_id=coalition_id,
            recipient_id=user_id,
            due_on=due_by_coalition[coalition_id].due_on,
            initial=due_by_coalition[coalition_id].initial,
        )
        for coalition_id, user_id in members
        if (coalition_id, due_by_coalition[coalition_id].due_on, user_id) not in recorded
    ]
    # A run beside this one may record the same rows: the unique constraint keeps one.
    TransparencyReminder.objects.bulk_create(rows, ignore_conflicts=True)
    return len(rows)


def queue_reminders(ids: list[int]) -> None:
    """The dispatcher's door."""
    for reminder_id in ids:
        pipeline.publish(SEND_REMINDER, reminder_id)


def reminder_send(*, reminder_id: int) -> bool:
    """Mails one national authority member that a report falls due. False when already sent (a
    retried task) or when the person no longer speaks for the national authority."""
    sent = pipeline.deliver(
        TransparencyReminder.objects.filter(pk=reminder_id), lambda ids: _send_reminder(ids[0])
    )
    return bool(sent)


def _send_reminder(reminder_id: int) -> bool:
    reminder = TransparencyReminder.objects.select_related("coalition", "recipient").get(
        pk=reminder_id
    )
    coalition = reminder.coalition
    if not Membership.objects.filter(
        coalition=coalition, user=reminder.recipient, role=Role.NATIONAL_AUTHORITY
    ).exists():
        pipeline.mark_done(
            TransparencyReminder,
            [reminder.pk],
            status=MailStatus.NOT_MEMBER,
            error="no longer the national authority",
        )
        return False
    recipient = reminder.recipient
    year = None if reminder.initial else reminder.due_on.year - 1
    context = {
        "person": recipient,
        "coalition": coalition,
        "due_on": reminder.due_on,
        "initial": reminder.initial,
        "year": year,
        "url": settings.SITE_URL + reverse("obligations:article7", args=[coalition.slug]),
        "site_url": settings.SITE_URL,
    }
    with timezone.override(zoneinfo.ZoneInfo(coalition.timezone)):
        message = build_mail(
            to=recipient.email,
            template="article7_due",
            context=context,
            language=recipient.preferred_language or None,
            headers={"Message-ID": pipeline.message_id("article7", reminder.pk)},
        )
    message.send()
    pipeline.mark_sent(TransparencyReminder, [reminder.pk])
    return True
