"""Who may do what with meetings: one allowed and one refused for every rule; outsiders see nothing."""

import pytest
from django.urls import reverse

from coalitions.models import Role
from meetings.models import Meeting
from meetings.tests.factories import held_meeting_with_record, make_meeting
from tests.fixtures import committed

VALID_MEETING = {
    "kind": Meeting.Kind.COALITION,
    "title": "Quarterly meeting",
    "date": "2027-02-10",
    "start_time": "09:00",
    "end_time": "12:00",
    "venue": "Beirut",
}


def status(client, user, method, url, data=None):
    client.force_login(user)
    with committed():
        response = getattr(client, method)(url, data or {})
    return response.status_code


@pytest.mark.django_db
@pytest.mark.parametrize(
    "role,expected",
    [
        (Role.NATIONAL_AUTHORITY, 302),
        (Role.CHAMPION, 302),
        # DESIGN.md: the facilitator edits agenda and minutes, the secretariat edits minutes;
        # neither convenes meetings.
        (Role.FACILITATOR, 403),
        (Role.SECRETARIAT, 403),
        (Role.DONOR, 403),
        (Role.OPERATOR, 403),
        (Role.OBSERVER, 403),
    ],
)
def test_who_may_schedule_a_meeting(client, coalition, members, role, expected):
    url = reverse("meetings:new", args=[coalition.slug])
    assert status(client, members[role], "post", url, VALID_MEETING) == expected
    assert Meeting.objects.exists() == (expected == 302)


@pytest.mark.django_db
def test_outsider_gets_404_everywhere(client, coalition, members, outsider):
    meeting = held_meeting_with_record(coalition, members)
    args = [coalition.slug, meeting.pk]
    for name, method, url_args in [
        ("meetings:list", "get", [coalition.slug]),
        ("meetings:new", "get", [coalition.slug]),
        ("meetings:calendar", "get", [coalition.slug]),
        ("meetings:detail", "get", args),
        ("meetings:edit", "get", args),
        ("meetings:ics", "get", args),
        ("meetings:attendance", "get", args),
        ("meetings:minutes", "get", args),
        ("meetings:summary_publish", "post", args),
        ("meetings:summary_pdf", "get", args),
    ]:
        assert status(client, outsider, method, reverse(name, args=url_args)) == 404, name


@pytest.mark.django_db
@pytest.mark.parametrize(
    "url_name,allowed,refused",
    [
        ("meetings:agenda_item_new", Role.FACILITATOR, Role.SECRETARIAT),
        ("meetings:agenda_item_new", Role.CHAMPION, Role.OBSERVER),
        ("meetings:attendance", Role.SECRETARIAT, Role.CHAMPION),
        ("meetings:minutes", Role.FACILITATOR, Role.DONOR),
        ("meetings:decision_new", Role.SECRETARIAT, Role.OPERATOR),
        ("meetings:document_upload", Role.FACILITATOR, Role.OBSERVER),
        ("meetings:summary_publish", Role.NATIONAL_AUTHORITY, Role.FACILITATOR),
        ("meetings:edit", Role.CHAMPION, Role.SECRETARIAT),
        ("meetings:cancel", Role.CHAMPION, Role.OPERATOR),
    ],
)
def test_member_without_the_permission_is_refused(
    client, coalition, members, url_name, allowed, refused
):
    meeting = make_meeting(coalition, members[Role.FACILITATOR])
    url = reverse(url_name, args=[coalition.slug, meeting.pk])
    assert status(client, members[allowed], "get", url) == 200
    assert status(client, members[refused], "get", url) == 403


@pytest.mark.django_db
def test_every_member_reads_the_meeting_but_observer_cannot_publish(client, coalition, members):
    meeting = held_meeting_with_record(coalition, members)
    detail = reverse("meetings:detail", args=[coalition.slug, meeting.pk])
    for user in members.values():
        assert status(client, user, "get", detail) == 200
    publish = reverse("meetings:summary_publish", args=[coalition.slug, meeting.pk])
    assert status(client, members[Role.OBSERVER], "post", publish) == 403
    meeting.refresh_from_db()
    assert meeting.status == Meeting.Status.HELD


@pytest.mark.django_db
def test_restricted_items_are_hidden_from_the_observer_page(client, coalition, members):
    meeting = held_meeting_with_record(coalition, members)
    detail = reverse("meetings:detail", args=[coalition.slug, meeting.pk])
    client.force_login(members[Role.OBSERVER])
    page = client.get(detail).content.decode()
    assert "Land release figures" in page
    assert "Closed security briefing" not in page and "guarded depot" not in page
    assert "Convoy routes" not in page
    client.force_login(members[Role.SECRETARIAT])
    page = client.get(detail).content.decode()
    assert "Closed security briefing" in page and "guarded depot" in page


@pytest.mark.django_db
def test_meeting_of_another_coalition_is_not_found_through_this_one(
    client, coalition, members, outsider
):
    from coalitions.models import Coalition

    other = Coalition.objects.exclude(pk=coalition.pk).get()
    foreign = make_meeting(other, outsider)
    url = reverse("meetings:detail", args=[coalition.slug, foreign.pk])
    assert status(client, members[Role.NATIONAL_AUTHORITY], "get", url) == 404
