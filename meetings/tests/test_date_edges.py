"""Meetings and treaty dates at the ends of the calendar: a clear form error, never a failure."""

import zoneinfo
from datetime import UTC, date, datetime, time, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from hypothesis import given, settings
from hypothesis import strategies as st

from coalitions.date_range import EARLIEST, LATEST
from coalitions.models import Membership, Role
from coalitions.tests.factories import add_member
from meetings import services, timefmt
from meetings.models import Meeting
from obligations import services as obligation_services
from obligations.models import Obligation
from tests.fixtures import committed

RANGE_ERROR = "Give a date between 1 January 1990 and 31 December 2100."


def meeting_form(day: str, start: str, end: str) -> dict:
    return {
        "kind": Meeting.Kind.COALITION,
        "title": "Edge meeting",
        "date": day,
        "start_time": start,
        "end_time": end,
        "venue": "Beirut",
    }


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("day", "start", "end"),
    [
        ("0001-01-01", "00:30", "02:00"),  # before year 1 in UTC: no calendar holds it
        ("9999-12-31", "22:00", "23:00"),  # after year 9999 in Kiritimati
        ("1989-12-31", "10:00", "11:00"),
        ("2101-01-01", "10:00", "11:00"),
    ],
)
def test_a_meeting_outside_the_date_range_gets_a_form_error_and_saves_nothing(
    client, coalition, members, day, start, end
):
    client.force_login(members[Role.NATIONAL_AUTHORITY])
    with committed():
        response = client.post(
            reverse("meetings:new", args=[coalition.slug]), meeting_form(day, start, end)
        )
    assert response.status_code == 200
    assert RANGE_ERROR in response.content.decode()
    assert not Meeting.objects.exists()


@pytest.mark.django_db
def test_an_end_date_outside_the_range_gets_a_form_error(client, coalition, members):
    client.force_login(members[Role.NATIONAL_AUTHORITY])
    data = {**meeting_form("2100-12-31", "10:00", "11:00"), "end_date": "9999-12-31"}
    response = client.post(reverse("meetings:new", args=[coalition.slug]), data)
    assert response.status_code == 200
    assert RANGE_ERROR in response.content.decode()
    assert not Meeting.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    "starts_at",
    [
        # 1 January 2101, 00:30 in Beirut: inside the stored range, outside the local one.
        datetime(2100, 12, 31, 22, 30, tzinfo=UTC),
        datetime(1989, 12, 31, 21, 0, tzinfo=UTC),
        datetime(9999, 12, 31, 20, 0, tzinfo=UTC),
        datetime(1, 1, 1, 0, 30, tzinfo=UTC),
    ],
)
def test_the_service_refuses_a_meeting_outside_the_range(coalition, members, starts_at):
    with pytest.raises(ValidationError) as refused:
        services.meeting_create(
            coalition=coalition,
            actor=members[Role.FACILITATOR],
            title="Edge",
            starts_at=starts_at,
            ends_at=min(starts_at + timedelta(hours=1), datetime.max.replace(tzinfo=UTC)),
            venue="Beirut",
        )
    assert RANGE_ERROR in str(refused.value)
    assert not Meeting.objects.exists()


@pytest.mark.django_db
def test_the_last_meeting_the_range_allows_shows_and_mails_in_zones_ahead(
    client, coalition, members, outbox_messages
):
    """31 December 2100, 22:00 in Beirut is already 1 January 2101 in Kiritimati (UTC+14)."""
    reader = add_member(coalition, Role.OBSERVER)
    reader.timezone = "Pacific/Kiritimati"
    reader.save()
    client.force_login(members[Role.NATIONAL_AUTHORITY])
    everyone = list(Membership.objects.filter(coalition=coalition).values_list("pk", flat=True))
    with committed():
        response = client.post(
            reverse("meetings:new", args=[coalition.slug]),
            {**meeting_form("2100-12-31", "22:00", "23:00"), "participants": everyone},
        )
    assert response.status_code == 302
    meeting = Meeting.objects.get()
    # Drafts are for their conveners: the invitations make it everyone's.
    with committed():
        services.meeting_send_invitations(
            meeting=meeting, actor=members[Role.NATIONAL_AUTHORITY], confirm_empty_agenda=True
        )
    client.force_login(reader)
    for url in [
        reverse("meetings:list", args=[coalition.slug]),
        reverse("meetings:detail", args=[coalition.slug, meeting.pk]),
        reverse("meetings:ics", args=[coalition.slug, meeting.pk]),
    ]:
        assert client.get(url).status_code == 200, url
    body = outbox_messages.get(to__contains=reader.email).text_body()
    assert "Friday 31 December 2100, 22:00–23:00 EET" in body
    assert "Saturday 1 January 2101, 10:00–11:00" in body


@pytest.mark.django_db
@pytest.mark.parametrize("day", ["9999-12-31", "0001-01-01", "1989-12-31", "2101-01-01"])
def test_an_entry_into_force_outside_the_range_gets_a_form_error(client, coalition, members, day):
    client.force_login(members[Role.NATIONAL_AUTHORITY])
    response = client.post(
        reverse("obligations:new", args=[coalition.slug]),
        {"convention": "ccm", "article": "4", "entry_into_force": day},
    )
    assert response.status_code == 200
    assert RANGE_ERROR in response.content.decode()
    assert not Obligation.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize("day", [date(9999, 12, 31), date(1, 1, 1), date(2101, 1, 1)])
def test_the_service_refuses_an_entry_into_force_outside_the_range(coalition, day):
    with pytest.raises(ValidationError) as refused:
        obligation_services.obligation_create(
            coalition=coalition, article=4, entry_into_force=day, actor=None
        )
    assert RANGE_ERROR in refused.value.message_dict["entry_into_force"]
    assert not Obligation.objects.exists()


@pytest.mark.django_db
def test_the_last_entry_into_force_the_range_allows_gets_its_deadline(coalition):
    obligation = obligation_services.obligation_create(
        coalition=coalition,
        article=4,
        entry_into_force=date(2100, 12, 31),
        actor=None,
    )
    assert obligation.current_deadline == date(2110, 12, 31)


@pytest.mark.parametrize(
    ("moment", "reader"),
    [
        (datetime(9999, 12, 31, 22, 0, tzinfo=UTC), "Pacific/Kiritimati"),
        (datetime(1, 1, 1, 0, 30, tzinfo=UTC), "America/Los_Angeles"),
        (datetime.max.replace(tzinfo=UTC), "Asia/Beirut"),
        (datetime.min.replace(tzinfo=UTC), "Pacific/Pago_Pago"),
    ],
)
def test_time_display_never_fails_even_at_the_ends_of_the_calendar(moment, reader):
    """Rows written before the range existed still show, in UTC where the zone cannot."""
    later = moment if moment.year == 9999 else moment + timedelta(hours=1)
    assert timefmt.format_moment(moment, reader)
    assert timefmt.format_span(moment, later, reader)
    assert timefmt.format_span_for_reader(moment, later, "Asia/Beirut", reader)
    assert timefmt.in_zone(moment, reader).tzinfo is not None
    assert isinstance(timefmt.differs(moment, "Asia/Beirut", reader), bool)


def test_a_local_time_at_the_start_of_the_calendar_is_refused_as_out_of_range():
    with pytest.raises(timefmt.OutOfRange):
        timefmt.local_to_utc(date(1, 1, 1), time(0, 30), "Asia/Beirut")


@pytest.mark.django_db
@settings(max_examples=15)
@given(
    day=st.dates(min_value=EARLIEST, max_value=LATEST),
    start=st.times().map(lambda t: t.replace(second=0, microsecond=0)),
    minutes=st.integers(min_value=1, max_value=24 * 60),
    reader_zone=st.sampled_from(sorted(zoneinfo.available_timezones())),
)
def test_any_meeting_the_form_takes_shows_to_a_reader_in_any_zone(
    client, coalition, members, day, start, minutes, reader_zone
):
    local_end = datetime.combine(day, start) + timedelta(minutes=minutes)
    data = {
        **meeting_form(day.isoformat(), start.strftime("%H:%M"), local_end.strftime("%H:%M")),
        "end_date": local_end.date().isoformat(),
        "participants": [members[Role.OBSERVER].memberships.get().pk],
    }
    reader = members[Role.OBSERVER]
    with transaction.atomic():
        client.force_login(members[Role.NATIONAL_AUTHORITY])
        with committed():
            response = client.post(reverse("meetings:new", args=[coalition.slug]), data)
        if response.status_code == 200:
            # Refused with a message: a skipped time or an end past the range.
            assert 'class="errorlist' in response.content.decode()
            transaction.set_rollback(True)
            return
        assert response.status_code == 302
        meeting = Meeting.objects.get()
        services.meeting_send_invitations(
            meeting=meeting, actor=members[Role.NATIONAL_AUTHORITY], confirm_empty_agenda=True
        )
        reader.timezone = reader_zone
        reader.save()
        client.force_login(reader)
        for url in [
            reverse("meetings:list", args=[coalition.slug]),
            reverse("meetings:detail", args=[coalition.slug, meeting.pk]),
        ]:
            assert client.get(url).status_code == 200, url
        transaction.set_rollback(True)


def test_a_local_day_runs_from_its_first_moment_to_the_next_days():
    """In Beirut the clocks go forward at midnight on the last Sunday of March: 28 March 2027
    starts at 01:00 and lasts 23 hours; they go back at the end of 30 October 2027, which lasts 25."""
    start, end = timefmt.local_day(date(2027, 3, 28), "Asia/Beirut")
    assert start == datetime(2027, 3, 27, 22, 0, tzinfo=UTC)
    assert end - start == timedelta(hours=23)
    start, end = timefmt.local_day(date(2027, 10, 30), "Asia/Beirut")
    assert end - start == timedelta(hours=25)
    assert timefmt.local_day(date(9999, 12, 31), "Asia/Beirut") is None


@pytest.mark.django_db
def test_two_meetings_on_a_day_whose_midnight_is_skipped_ask_before_the_second(
    client, coalition, members
):
    """The likely-duplicate check reads the coalition's day even when the clocks skip its
    midnight (it failed with a server error)."""
    assert coalition.timezone == "Asia/Beirut"
    client.force_login(members[Role.NATIONAL_AUTHORITY])
    url = reverse("meetings:new", args=[coalition.slug])
    data = {**meeting_form("2027-03-28", "10:00", "11:00"), "participants": []}
    assert client.post(url, data).status_code == 302
    again = client.post(url, {**data, "start_time": "23:00", "end_time": "23:30"})
    assert again.status_code == 200
    assert 'name="confirm_duplicate"' in again.content.decode()
    assert Meeting.objects.count() == 1
