"""Each status has one look, given by its model, and every page shows it the same way."""

import pytest
from django.urls import reverse

from actions.models import DigestSent, ReminderSent
from coalitions.models import Role
from mail.models import MAIL_STATUS_CSS, MailStatus
from meetings import services
from meetings.models import Delivery, Meeting, Participant, Summary
from meetings.tests.factories import make_meeting

KNOWN_CLASSES = {"", "status-ok", "status-warn", "status-bad"}


@pytest.mark.parametrize(
    ("mapping", "choices"),
    [
        (Meeting.STATUS_CSS, Meeting.Status),
        (Participant.ATTENDANCE_CSS, Participant.Attendance),
        (Summary.STATE_CSS, Summary.State),
        (MAIL_STATUS_CSS, MailStatus),
    ],
)
def test_every_status_has_exactly_one_class(mapping, choices):
    assert set(mapping) == set(choices.values)
    assert set(mapping.values()) <= KNOWN_CLASSES


@pytest.mark.parametrize("record", [Delivery, ReminderSent, DigestSent])
@pytest.mark.parametrize("status", MailStatus.values)
def test_every_mail_log_shows_a_status_alike(record, status):
    assert record(status=status).status_css == MAIL_STATUS_CSS[status]


@pytest.mark.django_db
def test_the_meeting_list_and_detail_show_the_status_by_its_class(client, coalition, members):
    facilitator = members[Role.FACILITATOR]
    # Past, so that the list shows its status (upcoming meetings are cards without one).
    planned = make_meeting(coalition, facilitator, days=-30, title="Planned one")
    cancelled = services.meeting_cancel(
        meeting=make_meeting(coalition, facilitator, title="Cancelled one"), actor=facilitator
    )
    client.force_login(facilitator)
    listing = client.get(reverse("meetings:list", args=[coalition.slug])).content.decode()
    assert '<span class="status status-warn">Planned</span>' in listing
    assert '<span class="status status-bad">Cancelled</span>' in listing
    for meeting, shown in [(planned, "status-warn"), (cancelled, "status-bad")]:
        detail = client.get(
            reverse("meetings:detail", args=[coalition.slug, meeting.pk])
        ).content.decode()
        assert f'<span class="status {shown}">{meeting.get_status_display()}</span>' in detail
