"""The next coalition meeting a coalition's cadence calls for, once the last one was held: its
date (twice a year: six months on; quarterly: three), and the mid-term date halfway, when action
point owners are asked for their updates."""

import calendar
from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import Exists, OuterRef, QuerySet
from django.urls import reverse
from django.utils import timezone

from coalitions import date_range
from coalitions.models import Coalition

from . import timefmt
from .models import Meeting

CADENCE_MONTHS = {Coalition.Cadence.BIANNUAL: 6, Coalition.Cadence.QUARTERLY: 3}
HELD = (Meeting.Status.HELD, Meeting.Status.SUMMARY_PUBLISHED)


def months_between(start: date, end: date) -> int:
    return (end.year - start.year) * 12 + end.month - start.month


def add_months(day: date, months: int) -> date:
    """The same day `months` later, or the month's last day when it has no such day."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


@dataclass(frozen=True)
class Proposal:
    after: Meeting  # the coalition meeting last held
    date: date  # where the next one falls by the cadence
    mid_term: date
    months: int

    @property
    def url(self) -> str:
        coalition = self.after.coalition
        return f"{reverse('meetings:new', args=[coalition.slug])}?after={self.after.pk}"


def proposal_after(meeting: Meeting, *, today: date | None = None) -> Proposal | None:
    """The next meeting by the cadence after `meeting`; never a day already past (a meeting
    held long ago proposes the first date by the cadence from today on). None past the end of
    the dates the forms accept."""
    coalition = meeting.coalition
    months = CADENCE_MONTHS.get(coalition.cadence, 6)
    held_on = timefmt.in_zone(meeting.starts_at, coalition.timezone).date()
    today = today or timezone.localdate(timezone=timefmt.zone(coalition.timezone))
    steps = max(1, -(-months_between(held_on, today) // months))
    proposed = add_months(held_on, months * steps)
    while proposed <= today:
        steps += 1
        proposed = add_months(held_on, months * steps)
    if not date_range.in_range(proposed):
        return None
    return Proposal(
        after=meeting,
        date=proposed,
        mid_term=held_on + timedelta(days=(proposed - held_on).days // 2),
        months=months,
    )


def held_coalition_meetings(*, coalition: Coalition) -> QuerySet[Meeting]:
    """The coalition meetings held, the last first."""
    return Meeting.objects.filter(
        coalition=coalition, kind=Meeting.Kind.COALITION, status__in=HELD
    ).order_by("-starts_at")


def planned_after() -> Exists:
    """Whether a later coalition meeting is planned than the meeting of the row."""
    return Exists(_later(OuterRef("coalition_id"), OuterRef("starts_at")))


def next_meeting_proposal(*, coalition: Coalition, today: date | None = None) -> Proposal | None:
    """After the last coalition meeting held, while no later one is planned (a draft counts: it
    is being prepared), the one its cadence calls for; else None. One query."""
    last = held_coalition_meetings(coalition=coalition).annotate(planned_after=planned_after())
    return proposal_after_last(last.first(), coalition=coalition, today=today)


def proposal_after_last(
    last: Meeting | None, *, coalition: Coalition, today: date | None = None
) -> Proposal | None:
    """The proposal after `last`, the coalition meeting held last, read with `planned_after`
    (None: none held yet)."""
    if last is None or last.planned_after:
        return None
    last.coalition = coalition  # the one given, not joined again
    return proposal_after(last, today=today)


def proposal_for_meeting(
    meeting: Meeting, *, planned_after: bool | None = None, today: date | None = None
) -> Proposal | None:
    """On a held coalition meeting's page: the proposal, while no later coalition meeting is
    planned (`planned_after`, when the page counted them already)."""
    if meeting.kind != Meeting.Kind.COALITION or meeting.status not in HELD:
        return None
    if planned_after is None:
        planned_after = _later(meeting.coalition_id, meeting.starts_at).exists()
    if planned_after:
        return None
    return proposal_after(meeting, today=today)


def _later(coalition_id, starts_at):
    """The coalition meetings, not cancelled, that start after `starts_at`."""
    return Meeting.objects.filter(
        coalition_id=coalition_id, kind=Meeting.Kind.COALITION, starts_at__gt=starts_at
    ).exclude(status=Meeting.Status.CANCELLED)
