"""The secret calendar address: works without signing in, can be renewed, dies with membership."""

import pytest
from django.urls import reverse
from icalendar import Calendar

from coalitions.models import Membership, Role
from coalitions.services import membership_remove
from meetings import services
from meetings.tests.factories import make_meeting


def feed_path(coalition, user):
    feed = services.calendar_feed_for(coalition=coalition, user=user)
    return reverse("meetings:feed", args=[services.calendar_feed_token(feed)])


@pytest.mark.django_db
def test_feed_lists_the_coalitions_meetings_with_stable_uids(client, coalition, members, outsider):
    from coalitions.models import Coalition

    meeting = make_meeting(coalition, members[Role.CHAMPION], title="Spring meeting")
    other = Coalition.objects.exclude(pk=coalition.pk).get()
    make_meeting(other, outsider, title="Someone else's meeting")
    response = client.get(feed_path(coalition, members[Role.OBSERVER]))
    assert response.status_code == 200
    calendar = Calendar.from_ical(response.content)
    assert str(calendar["METHOD"]) == "PUBLISH"
    events = calendar.walk("VEVENT")
    assert [str(e["UID"]) for e in events] == [meeting.ical_uid]
    assert "Spring meeting" in str(events[0]["SUMMARY"])


@pytest.mark.django_db
def test_renewing_the_address_revokes_the_old_one(client, coalition, members):
    user = members[Role.DONOR]
    old = feed_path(coalition, user)
    client.force_login(user)
    client.post(reverse("meetings:calendar", args=[coalition.slug]))
    client.logout()
    assert client.get(old).status_code == 404
    assert client.get(feed_path(coalition, user)).status_code == 200


@pytest.mark.django_db
def test_a_forged_or_former_members_address_gives_nothing(client, coalition, members):
    user = members[Role.OPERATOR]
    path = feed_path(coalition, user)
    assert client.get(path[:-6] + "xx.ics").status_code == 404
    membership_remove(
        membership=Membership.objects.get(coalition=coalition, user=user),
        actor=members[Role.NATIONAL_AUTHORITY],
    )
    assert client.get(path).status_code == 404


@pytest.mark.django_db
def test_single_meeting_ics_for_a_member(client, coalition, members):
    meeting = make_meeting(coalition, members[Role.CHAMPION])
    client.force_login(members[Role.OBSERVER])
    response = client.get(reverse("meetings:ics", args=[coalition.slug, meeting.pk]))
    [event] = Calendar.from_ical(response.content).walk("VEVENT")
    assert event.decoded("DTSTART") == meeting.starts_at


@pytest.mark.django_db
def test_feed_carries_coming_meetings_and_one_past_year_only(client, coalition, members):
    from meetings.selectors import FEED_PAST_DAYS

    chair = members[Role.NATIONAL_AUTHORITY]
    coming = make_meeting(coalition, chair, title="Coming")
    last_year = make_meeting(coalition, chair, days=-(FEED_PAST_DAYS - 30), title="Recent")
    make_meeting(coalition, chair, days=-(FEED_PAST_DAYS + 30), title="Long ago")
    calendar = Calendar.from_ical(client.get(feed_path(coalition, members[Role.OBSERVER])).content)
    uids = [str(event["UID"]) for event in calendar.walk("VEVENT")]
    assert uids == [last_year.ical_uid, coming.ical_uid]
