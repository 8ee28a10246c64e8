"""Today: what needs a person in every coalition they belong to, each item linking where it is
handled, in a fixed number of queries."""

from datetime import date, timedelta

import pytest
from dateutil.relativedelta import relativedelta
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from actions.tests.factories import make_action_point
from coalitions.models import Role, Visibility
from coalitions.services import NewOrganisation, invitation_create
from coalitions.tests.factories import (
    CoalitionFactory,
    UserFactory,
    add_member,
)
from concerns.tests.factories import raise_concern
from meetings import services as meeting_services
from meetings.tests.factories import committed, make_meeting
from obligations.tests.factories import make_indicator, make_obligation, report

pytestmark = pytest.mark.django_db

TODAY = reverse("coalitions:today")
MOST_QUERIES = 25


def add_coalition(person, role: str, *, rounds: int, tag: str):
    """A coalition where `person` holds `role`, with `rounds` of everything Today shows."""
    coalition = CoalitionFactory(name=f"Coalition {tag}")
    authority = (
        add_member(coalition, Role.NATIONAL_AUTHORITY) if role != Role.NATIONAL_AUTHORITY else None
    )
    add_member(coalition, role, user=person)
    authority = authority or person
    operator = add_member(coalition, Role.OPERATOR)
    if role != Role.FACILITATOR:
        add_member(coalition, Role.FACILITATOR)
    obligation = make_obligation(coalition, article=4, actor=authority)
    indicator = make_indicator(obligation, target=100_000, actor=authority)
    operator_org = operator.memberships.get().organisation
    today = timezone.localdate()
    for i in range(rounds):
        make_action_point(
            coalition,
            owner=person,
            actor=authority,
            title=f"Overdue {tag}-{i}",
            due_date=today - timedelta(days=3 + i),
        )
        make_action_point(
            coalition,
            owner=person,
            actor=authority,
            title=f"Coming {tag}-{i}",
            due_date=today + timedelta(days=3 + i),
        )
        meeting = make_meeting(coalition, authority, days=5 + i, title=f"Meeting {tag}-{i}")
        meeting_services.agenda_item_create(
            meeting=meeting, actor=authority, title=f"Agenda {tag}-{i}"
        )
        meeting_services.agenda_item_create(
            meeting=meeting,
            actor=authority,
            title=f"Restricted {tag}-{i}",
            visibility=Visibility.RESTRICTED,
        )
        report(
            indicator,
            start=date(2016 + i // 4, 3 * (i % 4) + 1, 1),
            end=date(2016 + i // 4, 3 * (i % 4) + 1, 1) + relativedelta(months=3, days=-1),
            value=100,
            organisation=operator_org,
            actor=operator,
            validate=i % 2 == 0,
        )
        raise_concern(coalition, operator, subject=f"Concern {tag}-{i}")
        if Role.DONOR in _given_by(role):
            with committed():
                invitation_create(
                    coalition=coalition,
                    email=f"invitee-{tag}-{i}@example.net",
                    role=Role.DONOR,
                    new_organisation=NewOrganisation(name=f"Donor {tag}-{i}", kind="donor_state"),
                    actor=person,
                )
    return coalition


def _given_by(role):
    from coalitions.permissions import roles_given_by

    return roles_given_by(role)


def queries_of(client) -> tuple[int, str]:
    with CaptureQueriesContext(connection) as context:
        response = client.get(TODAY)
    assert response.status_code == 200
    return len(context.captured_queries), response.content.decode()


def test_today_costs_the_same_with_one_coalition_or_many_and_few_or_many_items(
    client, django_assert_max_num_queries
):
    person = UserFactory()
    client.force_login(person)
    add_coalition(person, Role.NATIONAL_AUTHORITY, rounds=1, tag="A")
    add_coalition(person, Role.FACILITATOR, rounds=1, tag="B")
    small, _page = queries_of(client)
    for number, role in enumerate((Role.NATIONAL_AUTHORITY, Role.FACILITATOR, Role.CHAMPION)):
        add_coalition(person, role, rounds=12, tag=f"C{number}")
    with django_assert_max_num_queries(MOST_QUERIES):
        large, page = queries_of(client)
    assert large == small
    assert page.count('data-today="') == 7  # every panel, once


def test_today_shows_what_needs_the_person_and_links_where_it_is_handled(client):
    person = UserFactory()
    lebanon = add_coalition(person, Role.NATIONAL_AUTHORITY, rounds=2, tag="LB")
    botswana = add_coalition(person, Role.FACILITATOR, rounds=2, tag="BW")
    client.force_login(person)
    page = client.get(TODAY).content.decode()
    for coalition in (lebanon, botswana):
        assert reverse("coalitions:detail", args=[coalition.slug]) in page
        assert reverse("obligations:dashboard", args=[coalition.slug]) in page
    overdue = lebanon.action_points.get(title="Overdue LB-0")
    assert reverse("actions:detail", args=[lebanon.slug, overdue.pk]) in page
    assert "Coming BW-1" in page
    meeting = lebanon.meetings.get(title="Meeting LB-0")
    assert reverse("meetings:detail", args=[lebanon.slug, meeting.pk]) in page
    assert "Agenda LB-0" in page and "Restricted LB-0" in page  # the authority sees restricted
    # Figures waiting for validation: where the person validates (the authority in Lebanon).
    obligation = lebanon.obligations.get()
    assert reverse("obligations:detail", args=[lebanon.slug, obligation.pk]) + "#progress" in page
    # Concerns waiting for the facilitator: where the person is the facilitator (Botswana) only.
    concern = botswana.concerns.get(subject="Concern BW-0")
    assert reverse("concerns:detail", args=[botswana.slug, concern.pk]) in page
    assert "Concern LB-0" not in page
    # Invitations the person sent and that wait for an answer.
    assert "invitee-lb-0@example.net" in page.lower()
    assert reverse("coalitions:invitations", args=[lebanon.slug]) in page


def test_an_operator_sees_neither_restricted_items_nor_concerns_nor_figures_to_validate(client):
    person = UserFactory()
    coalition = add_coalition(person, Role.OPERATOR, rounds=2, tag="OP")
    other = add_coalition(UserFactory(), Role.NATIONAL_AUTHORITY, rounds=1, tag="ELSEWHERE")
    client.force_login(person)
    page = client.get(TODAY).content.decode()
    assert "Agenda OP-0" in page
    assert "Restricted OP-0" not in page
    assert 'data-today="concerns"' not in page and "Concern OP-0" not in page
    assert 'data-today="figures"' not in page
    assert 'data-today="invitations"' not in page
    assert "Overdue OP-0" in page  # owned by the person
    # Nothing of a coalition the person is not in.
    assert "ELSEWHERE" not in page
    assert other.slug not in page
    assert coalition.name in page


def test_someone_in_no_coalition_is_offered_to_start_one(client):
    client.force_login(UserFactory())
    page = client.get(TODAY).content.decode()
    assert reverse("coalitions:new") in page
    assert "data-today" not in page


def test_signed_in_people_land_on_today_and_others_are_sent_to_sign_in(client):
    assert client.get(TODAY)["Location"].startswith(reverse("account_login"))
    assert client.get("/").status_code == 200  # the public welcome page
    client.force_login(UserFactory())
    assert client.get("/")["Location"] == TODAY


def test_next_meetings_are_those_the_person_is_invited_to_or_convenes(
    client, django_assert_max_num_queries
):
    """A meeting appears when the person is a participant, chairs or facilitates it, or convenes
    the coalition's meetings by role; never one of a coalition they are not in."""
    from coalitions.models import Membership

    coalition = CoalitionFactory(name="Coalition Invited")
    authority = add_member(coalition, Role.NATIONAL_AUTHORITY)
    operator = add_member(coalition, Role.OPERATOR)
    donor = add_member(coalition, Role.DONOR)
    champion = add_member(coalition, Role.CHAMPION)
    without_operator = Membership.objects.filter(coalition=coalition).exclude(user=operator)
    make_meeting(coalition, authority, days=4, title="Meeting for all")
    make_meeting(
        coalition,
        authority,
        days=5,
        title="Meeting without operator",
        participants=without_operator,
    )
    make_meeting(
        coalition,
        authority,
        days=6,
        title="Meeting chaired by operator",
        participants=without_operator,
        chair=operator,
    )
    make_meeting(
        coalition,
        authority,
        days=7,
        title="Meeting of the authority alone",
        participants=Membership.objects.filter(user=authority),
    )
    make_meeting(coalition, authority, days=8, title="Meeting in draft", draft=True)
    elsewhere = CoalitionFactory(name="Coalition Elsewhere")
    make_meeting(elsewhere, add_member(elsewhere, Role.NATIONAL_AUTHORITY), title="Meeting far")
    shown = {}
    for person in (operator, donor, champion):
        client.force_login(person)
        with django_assert_max_num_queries(MOST_QUERIES):
            _count, page = queries_of(client)
        shown[person] = {title for title in _MEETING_TITLES if title in page}
    assert shown[operator] == {"Meeting for all", "Meeting chaired by operator"}
    assert shown[donor] == {
        "Meeting for all",
        "Meeting without operator",
        "Meeting chaired by operator",
    }
    # The champion convenes the coalition's meetings: it sees every one of them, drafts too, and
    # no other coalition's.
    assert shown[champion] == _MEETING_TITLES - {"Meeting far"}


_MEETING_TITLES = {
    "Meeting for all",
    "Meeting without operator",
    "Meeting chaired by operator",
    "Meeting of the authority alone",
    "Meeting far",
    "Meeting in draft",
}


def test_the_meetings_panel_costs_the_same_whatever_the_meetings(client):
    person = UserFactory()
    first = add_coalition(person, Role.OPERATOR, rounds=1, tag="Q1")
    client.force_login(person)
    small, _page = queries_of(client)
    authority = first.memberships.get(role=Role.NATIONAL_AUTHORITY).user
    for number in range(6):
        make_meeting(first, authority, days=10 + number, title=f"More {number}")
    large, page = queries_of(client)
    assert large == small
    assert "More 0" in page


@pytest.mark.parametrize("role", Role.values)
def test_the_pending_invitations_panel_is_for_those_who_invite(client, role):
    """Shown where the role table lets the person invite in one of their coalitions, and to
    nobody else, whatever else Today shows them."""
    from coalitions.permissions import INVITE_MEMBERS, ROLE_PERMISSIONS

    person = UserFactory()
    add_coalition(person, role, rounds=1, tag="ROLE")
    client.force_login(person)
    page = client.get(TODAY).content.decode()
    assert ('data-today="invitations"' in page) == (INVITE_MEMBERS in ROLE_PERMISSIONS[role])


def test_the_pending_invitations_panel_lists_only_coalitions_where_the_person_invites(client):
    person = UserFactory()
    add_coalition(person, Role.DONOR, rounds=1, tag="GIVES")
    invites = add_coalition(person, Role.FACILITATOR, rounds=1, tag="INVITES")
    client.force_login(person)
    page = client.get(TODAY).content.decode()
    assert 'data-today="invitations"' in page
    assert reverse("coalitions:invitations", args=[invites.slug]) in page
