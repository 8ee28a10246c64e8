"""Preparing a meeting: a draft seen only by its conveners, invitations sent on purpose (and asked
again without an agenda), updates that say what changed, once per batch, and the question before
a likely duplicate."""

from datetime import UTC, datetime, timedelta

import pytest
from django.urls import reverse
from icalendar import Calendar

from actions.tests.factories import make_action_point
from coalitions.models import Role, Visibility
from meetings import services
from meetings.models import Delivery, Meeting, MeetingChange
from tests.fixtures import committed

pytestmark = pytest.mark.django_db

STARTS = datetime(2026, 12, 8, 8, 0, tzinfo=UTC)  # 10:00 in Beirut


def draft(coalition, actor, **fields) -> Meeting:
    arguments = {
        "title": "Coalition meeting",
        "starts_at": STARTS,
        "ends_at": STARTS + timedelta(hours=3),
        "venue": "Beirut",
        **fields,
    }
    with committed():
        return services.meeting_create(coalition=coalition, actor=actor, draft=True, **arguments)


def form_data(**changes) -> dict:
    return {
        "kind": "coalition",
        "title": "Winter coalition meeting",
        "date": "2026-12-08",
        "start_time": "10:00",
        "end_time": "13:00",
        "venue": "Beirut",
        **changes,
    }


def invitations(meeting):
    return Delivery.objects.filter(meeting=meeting, kind=Delivery.Kind.INVITATION)


# The draft -------------------------------------------------------------------------------------


def test_a_meeting_scheduled_on_the_page_is_a_draft_that_mails_nobody(
    client, coalition, members, outbox_messages
):
    client.force_login(members[Role.NATIONAL_AUTHORITY])
    with committed():
        response = client.post(
            reverse("meetings:new", args=[coalition.slug]),
            form_data(participants=list(coalition.memberships.values_list("pk", flat=True))),
        )
    meeting = Meeting.objects.get()
    assert response.status_code == 302
    assert meeting.is_draft and meeting.invitations_sent_at is None
    assert meeting.participants.count() == len(members)
    assert not Delivery.objects.exists() and not outbox_messages.exists()
    page = client.get(reverse("meetings:detail", args=[coalition.slug, meeting.pk])).content
    assert "Draft — invitations not sent" in page.decode()
    listing = client.get(reverse("meetings:list", args=[coalition.slug])).content.decode()
    assert "Winter coalition meeting" in listing and "Draft — invitations not sent" in listing


@pytest.mark.parametrize("role", [Role.NATIONAL_AUTHORITY, Role.CHAMPION, Role.FACILITATOR])
def test_the_conveners_see_a_draft(client, coalition, members, role):
    meeting = draft(coalition, members[Role.NATIONAL_AUTHORITY], title="Quiet draft")
    client.force_login(members[role])
    assert (
        client.get(reverse("meetings:detail", args=[coalition.slug, meeting.pk])).status_code == 200
    )
    assert (
        "Quiet draft"
        in client.get(reverse("meetings:list", args=[coalition.slug])).content.decode()
    )


@pytest.mark.parametrize("role", [Role.DONOR, Role.OPERATOR, Role.SECRETARIAT, Role.OBSERVER])
def test_nobody_else_sees_a_draft_anywhere(client, coalition, members, role):
    meeting = draft(coalition, members[Role.NATIONAL_AUTHORITY], title="Quiet draft")
    client.force_login(members[role])
    for name in ("meetings:detail", "meetings:ics", "meetings:minutes", "meetings:attendance"):
        assert client.get(reverse(name, args=[coalition.slug, meeting.pk])).status_code in (
            403,
            404,
        )
    for url in (
        reverse("meetings:list", args=[coalition.slug]),
        reverse("coalitions:detail", args=[coalition.slug]),
        reverse("coalitions:today"),
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        assert "Quiet draft" not in response.content.decode(), url


def test_a_draft_changes_without_telling_anyone(coalition, members, outbox_messages):
    authority = members[Role.NATIONAL_AUTHORITY]
    meeting = draft(coalition, authority)
    with committed():
        services.meeting_update(
            meeting=meeting,
            actor=authority,
            venue="Tripoli",
            starts_at=STARTS + timedelta(days=1),
            ends_at=STARTS + timedelta(days=1, hours=2),
        )
        services.agenda_item_create(meeting=meeting, actor=authority, title="Opening")
    assert not Delivery.objects.exists() and not outbox_messages.exists()
    assert not MeetingChange.objects.exists()
    assert Meeting.objects.get().sequence == 0


# Sending the invitations -----------------------------------------------------------------------


def test_invitations_without_an_agenda_are_sent_only_once_confirmed(client, coalition, members):
    meeting = draft(coalition, members[Role.NATIONAL_AUTHORITY])
    client.force_login(members[Role.CHAMPION])
    url = reverse("meetings:send_invitations", args=[coalition.slug, meeting.pk])
    page = client.get(url).content.decode()
    assert "The agenda is empty" in page
    assert f"{len(members)} people will get it" in page
    assert members[Role.OBSERVER].email in page

    response = client.post(url, {})
    assert response.status_code == 200
    assert "Confirm that the invitations go without one" in response.content.decode()
    assert not invitations(meeting).exists() and Meeting.objects.get().is_draft

    with committed():
        response = client.post(url, {"confirm_empty_agenda": "on"})
    assert response.status_code == 302
    assert invitations(meeting).count() == len(members)
    assert not Meeting.objects.get().is_draft


def test_invitations_with_an_agenda_go_at_once_and_only_once(client, coalition, members):
    authority = members[Role.NATIONAL_AUTHORITY]
    meeting = draft(coalition, authority)
    services.agenda_item_create(meeting=meeting, actor=authority, title="Opening")
    client.force_login(authority)
    url = reverse("meetings:send_invitations", args=[coalition.slug, meeting.pk])
    assert "The agenda is empty" not in client.get(url).content.decode()
    with committed():
        assert client.post(url, {}).status_code == 302
    assert invitations(meeting).count() == len(members)
    # A second press (another tab, a resent request) sends nothing more.
    with committed():
        response = client.post(url, {"confirm_empty_agenda": "on"})
    assert response.status_code == 302
    assert invitations(meeting).count() == len(members)


@pytest.mark.parametrize(
    "data", [{}, {"confirm_empty_agenda": "on"}, {"confirm_empty_agenda": "x" * 5000}]
)
def test_invitations_to_nobody_are_refused(client, coalition, members, data):
    authority = members[Role.NATIONAL_AUTHORITY]
    with committed():
        meeting = services.meeting_create(
            coalition=coalition, actor=authority, title="Empty", starts_at=STARTS,
            ends_at=STARTS + timedelta(hours=1), venue="Beirut", participants=[], draft=True,
        )  # fmt: skip
    client.force_login(authority)
    response = client.post(
        reverse("meetings:send_invitations", args=[coalition.slug, meeting.pk]), data
    )
    assert response.status_code == 200
    assert not Delivery.objects.exists() and Meeting.objects.get().is_draft


@pytest.mark.parametrize(
    "role", [Role.FACILITATOR, Role.SECRETARIAT, Role.DONOR, Role.OPERATOR, Role.OBSERVER]
)
def test_only_the_conveners_send_invitations_and_updates(client, coalition, members, role):
    meeting = draft(coalition, members[Role.NATIONAL_AUTHORITY])
    client.force_login(members[role])
    send = reverse("meetings:send_invitations", args=[coalition.slug, meeting.pk])
    update = reverse("meetings:send_update", args=[coalition.slug, meeting.pk])
    assert client.get(send).status_code == 403
    assert client.post(send, {"confirm_empty_agenda": "on"}).status_code == 403
    assert client.post(update).status_code == 403
    assert not Delivery.objects.exists()


def test_outsiders_and_staff_get_not_found(client, coalition, members, outsider):
    from users.services import user_create

    meeting = draft(coalition, members[Role.NATIONAL_AUTHORITY])
    staff = user_create(email="staff.prep@example.net", name="Staff", is_staff=True, actor=None)
    for person in (outsider, staff):
        client.force_login(person)
        for name in ("meetings:send_invitations", "meetings:send_update"):
            url = reverse(name, args=[coalition.slug, meeting.pk])
            assert client.post(url, {"confirm_empty_agenda": "on"}).status_code == 404
    assert client.get(
        reverse("meetings:send_update", args=[coalition.slug, meeting.pk])
    ).status_code in (404, 405)
    assert not Delivery.objects.exists()


def test_the_invitation_carries_agenda_both_zones_place_calendar_and_own_action_points(
    client, coalition, members, outbox_messages
):
    authority, operator, donor = (
        members[Role.NATIONAL_AUTHORITY],
        members[Role.OPERATOR],
        members[Role.DONOR],
    )
    operator.timezone = "Europe/Oslo"
    operator.save()
    meeting = draft(
        coalition,
        authority,
        title="Winter coalition meeting",
        online_link="https://meet.example.org/w",
    )
    services.agenda_item_create(
        meeting=meeting, actor=authority, title="Land release figures", topic="land_release",
        presenter="LMAC", duration_minutes=40,
    )  # fmt: skip
    services.agenda_item_create(
        meeting=meeting, actor=authority, title="Closed briefing", visibility=Visibility.RESTRICTED
    )
    make_action_point(coalition, owner=operator, actor=authority, title="Survey the south")
    make_action_point(coalition, owner=donor, actor=authority, title="Confirm the funding")
    client.force_login(authority)
    with committed():
        client.post(reverse("meetings:send_invitations", args=[coalition.slug, meeting.pk]))
    mail = outbox_messages.get(to__contains=operator.email)
    assert mail.subject == f"Invitation: Winter coalition meeting · {coalition.name}"
    text = mail.text_body()
    assert "Tuesday 8 December 2026, 10:00–13:00 EET (Asia/Beirut)" in text
    assert "09:00–12:00 CET your time (Europe/Oslo)" in text
    assert "Where: Beirut" in text and "https://meet.example.org/w" in text
    assert "1. Land release figures (Land release, LMAC, 40 min)" in text
    assert "Closed briefing" not in text  # restricted: not for an operator
    assert "Survey the south" in text and "Confirm the funding" not in text
    assert "Survey the south" in mail.html_body()
    ((filename, content_type, payload),) = mail.attachments()
    assert filename == "meeting.ics" and content_type.startswith("text/calendar")
    calendar = Calendar.from_ical(payload)
    assert str(calendar["method"]) == "REQUEST"
    event = calendar.walk("VEVENT")[0]
    assert str(event["uid"]) == meeting.ical_uid
    assert event.decoded("dtstart") == STARTS
    assert "Beirut" in str(event["location"])
    assert "Closed briefing" in outbox_messages.get(to__contains=authority.email).text_body()


# Updates --------------------------------------------------------------------------------------


def invited(coalition, authority, **fields) -> Meeting:
    meeting = draft(coalition, authority, **fields)
    services.agenda_item_create(meeting=meeting, actor=authority, title="Opening")
    with committed():
        services.meeting_send_invitations(meeting=meeting, actor=authority)
    return Meeting.objects.get(pk=meeting.pk)


def updates(outbox_messages):
    return outbox_messages.filter(subject__startswith="Changed:")


def test_a_change_of_time_and_place_sends_one_update_that_says_old_and_new(
    coalition, members, outbox_messages
):
    authority, donor = members[Role.NATIONAL_AUTHORITY], members[Role.DONOR]
    donor.timezone = "Asia/Tokyo"
    donor.save()
    meeting = invited(coalition, authority)
    later = STARTS + timedelta(days=1, hours=2)
    with committed():
        services.meeting_update(
            meeting=meeting, actor=authority, venue="Tripoli", starts_at=later,
            ends_at=later + timedelta(hours=2),
        )  # fmt: skip
    assert updates(outbox_messages).count() == len(members)
    text = updates(outbox_messages).get(to__contains=donor.email).text_body()
    assert "Venue: Beirut → Tripoli" in text
    assert (
        "Time: Tuesday 8 December 2026, 10:00–13:00 EET (Asia/Beirut) · Tuesday 8 December 2026,"
        " 17:00–20:00 JST your time (Asia/Tokyo) → Wednesday 9 December 2026, 12:00–14:00 EET"
    ) in text
    ics = updates(outbox_messages).get(to__contains=donor.email).attachments()[0][2]
    assert Calendar.from_ical(ics).walk("VEVENT")[0]["sequence"] == 1

    # Saving the same values again tells nobody anything.
    with committed():
        services.meeting_update(meeting=meeting, actor=authority, venue="Tripoli")
    assert updates(outbox_messages).count() == len(members)


def test_agenda_changes_wait_for_one_update_and_are_told_once(
    client, coalition, members, outbox_messages
):
    authority, observer = members[Role.NATIONAL_AUTHORITY], members[Role.OBSERVER]
    meeting = invited(coalition, authority)
    opening = meeting.agenda_items.get()
    with committed():
        services.agenda_item_create(
            meeting=meeting, actor=authority, title="Risk education", presenter="MAG"
        )
        services.agenda_item_update(item=opening, actor=authority, title="Welcome")
        gone = services.agenda_item_create(meeting=meeting, actor=authority, title="Typo")
        services.agenda_item_delete(item=gone, actor=authority)
        services.agenda_item_create(
            meeting=meeting, actor=authority, title="Security", visibility=Visibility.RESTRICTED
        )
    assert not updates(outbox_messages).exists()
    client.force_login(authority)
    page = client.get(
        reverse("meetings:detail", args=[coalition.slug, meeting.pk])
    ).content.decode()
    assert "Changes the participants have not been told" in page and "Risk education" in page

    with committed():
        response = client.post(reverse("meetings:send_update", args=[coalition.slug, meeting.pk]))
    assert response.status_code == 302
    assert updates(outbox_messages).count() == len(members)
    text = updates(outbox_messages).get(to__contains=observer.email).text_body()
    assert "Agenda item added: Risk education (Other, MAG, 15 min)" in text
    assert "Agenda item changed: Opening (Other, 15 min) → Welcome (Other, 15 min)" in text
    assert "Typo" not in text and "Security" not in text
    assert "Security" in updates(outbox_messages).get(to__contains=authority.email).text_body()

    # Nothing left to tell: a second press sends nothing.
    with committed():
        client.post(reverse("meetings:send_update", args=[coalition.slug, meeting.pk]))
    assert updates(outbox_messages).count() == len(members)
    assert (
        "Changes the participants have not been told"
        not in client.get(
            reverse("meetings:detail", args=[coalition.slug, meeting.pk])
        ).content.decode()
    )


def test_a_change_of_time_carries_the_agenda_changes_waiting(coalition, members, outbox_messages):
    authority = members[Role.NATIONAL_AUTHORITY]
    meeting = invited(coalition, authority)
    services.agenda_item_create(meeting=meeting, actor=authority, title="Risk education")
    with committed():
        services.meeting_update(meeting=meeting, actor=authority, title="Winter meeting")
    text = updates(outbox_messages).first().text_body()
    assert "Title: Coalition meeting → Winter meeting" in text
    assert "Agenda item added: Risk education" in text
    assert not MeetingChange.objects.filter(sequence__isnull=True).exists()


# Likely duplicates ----------------------------------------------------------------------------


def test_a_second_meeting_of_the_same_kind_on_the_same_day_asks_first(client, coalition, members):
    draft(coalition, members[Role.NATIONAL_AUTHORITY], title="First one")
    client.force_login(members[Role.CHAMPION])
    url = reverse("meetings:new", args=[coalition.slug])
    response = client.post(url, form_data(start_time="15:00", end_time="16:00"))
    assert response.status_code == 200
    page = response.content.decode()
    assert (
        "Coalition meeting on 8 December 2026 already exists: “First one”. Create another?" in page
    )
    assert 'type="checkbox" name="confirm_duplicate"' in page
    assert Meeting.objects.count() == 1

    # Another kind that day is no duplicate; confirmed, the same kind is created too.
    assert client.post(url, form_data(kind="twg")).status_code == 302
    response = client.post(url, form_data(confirm_duplicate="on"))
    assert response.status_code == 302
    assert Meeting.objects.filter(kind="coalition").count() == 2


def test_a_meeting_the_day_before_or_cancelled_is_no_duplicate(client, coalition, members):
    authority = members[Role.NATIONAL_AUTHORITY]
    other = draft(coalition, authority, title="Cancelled one")
    services.meeting_cancel(meeting=other, actor=authority)
    draft(coalition, authority, title="Day before", starts_at=STARTS - timedelta(days=1),
          ends_at=STARTS - timedelta(days=1) + timedelta(hours=1))  # fmt: skip
    client.force_login(authority)
    response = client.post(reverse("meetings:new", args=[coalition.slug]), form_data())
    assert response.status_code == 302


def test_cancelling_a_draft_tells_nobody_and_keeps_it_from_the_members(
    client, coalition, members, outbox_messages
):
    authority = members[Role.NATIONAL_AUTHORITY]
    meeting = draft(coalition, authority, title="Abandoned draft")
    with committed():
        services.meeting_cancel(meeting=meeting, actor=authority)
    assert not Delivery.objects.exists() and not outbox_messages.exists()
    client.force_login(members[Role.OBSERVER])
    assert (
        client.get(reverse("meetings:detail", args=[coalition.slug, meeting.pk])).status_code == 404
    )
    assert (
        "Abandoned draft"
        not in client.get(reverse("meetings:list", args=[coalition.slug])).content.decode()
    )
    client.force_login(authority)
    assert (
        "Abandoned draft"
        in client.get(reverse("meetings:list", args=[coalition.slug])).content.decode()
    )


@pytest.mark.parametrize("role", [Role.SECRETARIAT, Role.OBSERVER])
def test_a_drafts_action_points_page_is_not_found_for_others(client, coalition, members, role):
    meeting = draft(coalition, members[Role.NATIONAL_AUTHORITY], title="Quiet draft")
    url = reverse("actions:meeting_action_points", args=[coalition.slug, meeting.pk])
    client.force_login(members[role])
    assert client.get(url).status_code == 404
    client.force_login(members[Role.FACILITATOR])
    assert client.get(url).status_code == 200
