"""Agenda ordering, forms with bad input, attendance and minutes, and query counts per page."""

import pytest
from django.urls import reverse

from coalitions.models import Role
from coalitions.tests.factories import add_member
from meetings import services
from meetings.models import AgendaItem, Decision, Meeting, Participant
from meetings.tests.factories import held_meeting_with_record, make_meeting
from tests.fixtures import committed, count_queries


def add_items(meeting, actor, *titles):
    return [
        services.agenda_item_create(meeting=meeting, actor=actor, title=t, duration_minutes=10)
        for t in titles
    ]


@pytest.mark.django_db
def test_agenda_moves_with_and_without_javascript(client, coalition, members):
    facilitator = members[Role.FACILITATOR]
    meeting = make_meeting(coalition, facilitator)
    first, second, third = add_items(meeting, facilitator, "Opening", "Clearance", "Close")
    client.force_login(facilitator)
    url = reverse("meetings:agenda_item_move", args=[coalition.slug, meeting.pk, third.pk])
    response = client.post(url, {"direction": "up"})
    assert response.status_code == 302
    assert list(meeting.agenda_items.values_list("title", flat=True)) == [
        "Opening",
        "Close",
        "Clearance",
    ]
    response = client.post(url, {"direction": "up"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="agenda-list"' in html and "<html" not in html
    assert html.index("Close") < html.index("Opening")


@pytest.mark.django_db
def test_reorder_refuses_a_stale_list(coalition, members):
    facilitator = members[Role.FACILITATOR]
    meeting = make_meeting(coalition, facilitator)
    first, second = add_items(meeting, facilitator, "A", "B")
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        services.agenda_reorder(meeting=meeting, actor=facilitator, item_ids=[second.pk])


@pytest.mark.django_db
@pytest.mark.parametrize(
    "data,message",
    [
        ({"title": "", "topic": "strategy", "duration_minutes": 10, "visibility": "members"},
         "This field is required"),
        ({"title": "X", "topic": "nonsense", "duration_minutes": 10, "visibility": "members"},
         "Select a valid choice"),
        ({"title": "X", "topic": "strategy", "duration_minutes": 0, "visibility": "members"},
         "Ensure this value is greater than or equal to"),
    ],
)  # fmt: skip
def test_bad_agenda_item_saves_nothing(client, coalition, members, data, message):
    meeting = make_meeting(coalition, members[Role.FACILITATOR])
    client.force_login(members[Role.FACILITATOR])
    response = client.post(
        reverse("meetings:agenda_item_new", args=[coalition.slug, meeting.pk]), data
    )
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not AgendaItem.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    "changes,message",
    [
        ({"end_time": "08:00"}, "must end after it starts"),
        ({"venue": ""}, "Give a venue, an online link, or both"),
        ({"date": "not a date"}, "Enter a valid date"),
        ({"online_link": "javascript:alert(1)"}, "Enter a valid URL"),
    ],
)
def test_bad_meeting_form_saves_nothing(client, coalition, members, changes, message):
    client.force_login(members[Role.NATIONAL_AUTHORITY])
    data = {
        "kind": "coalition",
        "title": "T",
        "date": "2027-01-12",
        "start_time": "09:00",
        "end_time": "11:00",
        "venue": "Beirut",
        **changes,
    }
    response = client.post(reverse("meetings:new", args=[coalition.slug]), data)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Meeting.objects.exists()


@pytest.mark.django_db
def test_participants_default_to_all_members_and_can_be_chosen(client, coalition, members):
    from coalitions.models import Membership

    client.force_login(members[Role.NATIONAL_AUTHORITY])
    chosen = Membership.objects.filter(
        coalition=coalition, role__in=[Role.CHAMPION, Role.DONOR]
    ).values_list("pk", flat=True)
    with committed():
        client.post(
            reverse("meetings:new", args=[coalition.slug]),
            {
                "kind": "twg",
                "title": "TWG",
                "date": "2027-01-12",
                "start_time": "09:00",
                "end_time": "11:00",
                "online_link": "https://meet.example.org/x",
                "participants": list(chosen),
            },
        )
    meeting = Meeting.objects.get()
    assert set(meeting.participants.values_list("user", flat=True)) == {
        members[Role.CHAMPION].pk,
        members[Role.DONOR].pk,
    }
    form_page = client.get(reverse("meetings:new", args=[coalition.slug])).content.decode()
    assert form_page.count('name="participants"') == len(members)
    assert form_page.count("checked") >= len(members)


@pytest.mark.django_db
def test_attendance_and_minutes_are_recorded(client, coalition, members):
    secretariat = members[Role.SECRETARIAT]
    meeting = make_meeting(coalition, secretariat, days=-1)
    [item] = add_items(meeting, secretariat, "Clearance")
    donor_row = Participant.objects.get(meeting=meeting, user=members[Role.DONOR])
    client.force_login(secretariat)
    data = {f"p{p.pk}": "present" for p in meeting.participants.all()}
    data[f"p{donor_row.pk}"] = "apologies"
    assert (
        client.post(
            reverse("meetings:attendance", args=[coalition.slug, meeting.pk]), data
        ).status_code
        == 302
    )
    donor_row.refresh_from_db()
    assert donor_row.attendance == "apologies"
    bad = client.post(
        reverse("meetings:attendance", args=[coalition.slug, meeting.pk]),
        {**data, f"p{donor_row.pk}": "asleep"},
    )
    assert bad.status_code == 200 and "Select a valid choice" in bad.content.decode()
    client.post(
        reverse("meetings:minutes", args=[coalition.slug, meeting.pk]),
        {"notes": "Opening remarks", f"item{item.pk}": "Figures were agreed"},
    )
    item.refresh_from_db()
    assert item.minutes == "Figures were agreed"
    assert item.history.first().history_user == secretariat


@pytest.mark.django_db
def test_decision_must_name_an_item_of_the_same_meeting(client, coalition, members):
    facilitator = members[Role.FACILITATOR]
    meeting = make_meeting(coalition, facilitator)
    other = make_meeting(coalition, facilitator, title="Other")
    [foreign_item] = add_items(other, facilitator, "Elsewhere")
    client.force_login(facilitator)
    response = client.post(
        reverse("meetings:decision_new", args=[coalition.slug, meeting.pk]),
        {"text": "Agreed", "agenda_item": foreign_item.pk, "visibility": "members"},
    )
    assert response.status_code == 200
    assert not Decision.objects.exists()


@pytest.mark.django_db
def test_publishing_needs_a_held_meeting(client, coalition, members):
    meeting = make_meeting(coalition, members[Role.FACILITATOR])
    client.force_login(members[Role.NATIONAL_AUTHORITY])
    response = client.post(reverse("meetings:summary_publish", args=[coalition.slug, meeting.pk]))
    assert response.status_code == 422
    assert "Mark the meeting as held" in response.content.decode()
    meeting.refresh_from_db()
    assert meeting.status == Meeting.Status.PLANNED


# Query counts ------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_meeting_list_does_not_grow_with_meetings(client, coalition, members):
    client.force_login(members[Role.OBSERVER])
    url = reverse("meetings:list", args=[coalition.slug])
    make_meeting(coalition, members[Role.FACILITATOR], days=10)
    make_meeting(coalition, members[Role.FACILITATOR], days=-10)
    small = count_queries(client, url)
    for days in range(1, 15):
        make_meeting(coalition, members[Role.FACILITATOR], days=days * 7)
        make_meeting(coalition, members[Role.FACILITATOR], days=-days * 7)
    assert count_queries(client, url) == small
    # Session, person, their access, and both lists with the past list's length in one query.
    assert small == 4


@pytest.mark.django_db
def test_meeting_detail_does_not_grow_with_agenda_people_and_documents(
    client, coalition, members, smtp_server
):
    facilitator = members[Role.FACILITATOR]
    meeting = held_meeting_with_record(coalition, members)
    with committed():
        services.summary_publish(meeting=meeting, actor=facilitator)
    client.force_login(facilitator)
    url = reverse("meetings:detail", args=[coalition.slug, meeting.pk])
    small = count_queries(client, url)
    # Published minutes are locked: the rows are added as if before publication.
    Meeting.objects.filter(pk=meeting.pk).update(status=Meeting.Status.HELD)
    for n in range(15):
        user = add_member(coalition, Role.OPERATOR)
        Participant.objects.create(
            meeting=meeting, user=user, organisation=coalition.national_authority
        )
        add_items(meeting, facilitator, f"Item {n}")
        services.decision_create(meeting=meeting, actor=facilitator, text=f"Decision {n}")
    Meeting.objects.filter(pk=meeting.pk).update(status=Meeting.Status.SUMMARY_PUBLISHED)
    assert count_queries(client, url) == small
    assert small <= 22


@pytest.mark.django_db
def test_coalition_home_shows_the_next_meeting_with_zone(client, coalition, members):
    make_meeting(coalition, members[Role.FACILITATOR], title="Autumn meeting", days=20)
    client.force_login(members[Role.OBSERVER])
    page = client.get(reverse("coalitions:detail", args=[coalition.slug])).content.decode()
    assert "Autumn meeting" in page and "(Asia/Beirut)" in page
    assert f'href="/coalitions/{coalition.slug}/meetings/"' in page
