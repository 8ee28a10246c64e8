"""The next meeting: every kind counts on the coalition home (a draft only for its conveners), and
after a coalition meeting is held its cadence proposes the next one, one click from a filled form."""

from datetime import UTC, date, datetime, timedelta

import pytest
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st

from coalitions import permissions as perms
from coalitions.models import Coalition, Role
from meetings import cadence, selectors, services
from meetings.models import Meeting
from meetings.tests.factories import make_meeting
from tests.fixtures import committed

pytestmark = pytest.mark.django_db


def at(year, month, day, hour=8) -> datetime:
    return datetime(year, month, day, hour, tzinfo=UTC)


def meeting_on(coalition, actor, when: datetime, *, draft=False, **fields) -> Meeting:
    with committed():
        return services.meeting_create(
            coalition=coalition, actor=actor, starts_at=when, ends_at=when + timedelta(hours=2),
            venue="Beirut", title=fields.pop("title", "Meeting"), draft=draft, **fields,
        )  # fmt: skip


def held(coalition, actor, when: datetime, **fields) -> Meeting:
    meeting = meeting_on(coalition, actor, when, **fields)
    # Marked held as it ends: a meeting is held only once it has started, on its own day.
    services.meeting_mark_held(meeting=meeting, actor=actor, now=meeting.ends_at)
    return Meeting.objects.select_related("coalition").get(pk=meeting.pk)


def test_the_next_meeting_is_the_soonest_of_any_kind(client, coalition, members):
    authority = members[Role.NATIONAL_AUTHORITY]
    now = datetime.now(UTC)
    meeting_on(coalition, authority, now + timedelta(days=80), title="February coalition meeting")
    meeting_on(
        coalition, authority, now + timedelta(days=20), title="December working group", kind="twg"
    )
    assert selectors.next_meeting(coalition=coalition).title == "December working group"
    client.force_login(members[Role.DONOR])
    home = client.get(reverse("coalitions:detail", args=[coalition.slug])).content.decode()
    panel = home.split('id="next-meeting-h"', 1)[1]
    assert panel.index("December working group") < panel.index("All meetings")
    assert "February coalition meeting" not in panel


def test_a_draft_is_the_next_meeting_for_its_conveners_only(client, coalition, members):
    authority = members[Role.NATIONAL_AUTHORITY]
    now = datetime.now(UTC)
    meeting_on(coalition, authority, now + timedelta(days=30), title="Announced meeting")
    meeting_on(coalition, authority, now + timedelta(days=10), title="Draft workshop", draft=True)
    for role, shown in (
        (Role.NATIONAL_AUTHORITY, "Draft workshop"),
        (Role.FACILITATOR, "Draft workshop"),
        (Role.OBSERVER, "Announced meeting"),
        (Role.SECRETARIAT, "Announced meeting"),
    ):
        client.force_login(members[role])
        home = client.get(reverse("coalitions:detail", args=[coalition.slug])).content.decode()
        panel = home.split('id="next-meeting-h"', 1)[1].split("All meetings", 1)[0]
        assert shown in panel, role
        if shown == "Announced meeting":
            assert "Draft workshop" not in home


@pytest.mark.parametrize(
    "cadence_value,held_on,proposed,mid_term",
    [
        ("biannual", date(2026, 12, 8), date(2027, 6, 8), date(2027, 3, 9)),
        ("quarterly", date(2026, 12, 8), date(2027, 3, 8), date(2027, 1, 22)),
        ("quarterly", date(2026, 11, 30), date(2027, 2, 28), date(2027, 1, 14)),
    ],
)
def test_the_cadence_proposes_the_next_date_and_its_mid_term(
    coalition, members, cadence_value, held_on, proposed, mid_term
):
    Coalition.objects.filter(pk=coalition.pk).update(cadence=cadence_value)
    coalition.refresh_from_db()
    meeting = held(
        coalition, members[Role.NATIONAL_AUTHORITY], at(held_on.year, held_on.month, held_on.day)
    )
    proposal = cadence.next_meeting_proposal(coalition=coalition, today=held_on)
    assert (proposal.after, proposal.date, proposal.mid_term) == (meeting, proposed, mid_term)


def test_a_meeting_held_long_ago_proposes_a_date_to_come(coalition, members):
    meeting = held(coalition, members[Role.NATIONAL_AUTHORITY], at(2024, 1, 15))
    proposal = cadence.proposal_after(meeting, today=date(2026, 11, 26))
    assert proposal.date == date(2027, 1, 15)


def test_no_proposal_once_the_next_coalition_meeting_is_planned(coalition, members):
    authority = members[Role.NATIONAL_AUTHORITY]
    meeting = held(coalition, authority, at(2026, 11, 2))
    # A working group does not stand in for the coalition meeting.
    meeting_on(coalition, authority, at(2026, 12, 16), kind="twg")
    assert cadence.next_meeting_proposal(coalition=coalition, today=date(2026, 11, 26))
    meeting_on(coalition, authority, at(2027, 5, 4), draft=True)
    assert cadence.next_meeting_proposal(coalition=coalition) is None
    assert cadence.proposal_for_meeting(meeting) is None


@given(
    st.dates(min_value=date(1990, 1, 1), max_value=date(2090, 12, 31)),
    st.integers(min_value=1, max_value=120),
)
def test_adding_months_keeps_the_day_or_takes_the_months_last(day, months):
    later = cadence.add_months(day, months)
    assert cadence.months_between(day, later) == months
    assert later.day == day.day or (later + timedelta(days=1)).day == 1


def test_the_held_meetings_page_proposes_the_next_and_the_link_fills_the_form(
    client, coalition, members
):
    authority = members[Role.NATIONAL_AUTHORITY]
    today = date.today()
    meeting = held(
        coalition, authority, datetime(today.year, today.month, today.day, 7, tzinfo=UTC) - timedelta(days=1),
        title="Autumn coalition meeting", online_link="https://meet.example.org/a",
    )  # fmt: skip
    client.force_login(authority)
    page = client.get(
        reverse("meetings:detail", args=[coalition.slug, meeting.pk])
    ).content.decode()
    proposal = cadence.proposal_for_meeting(meeting)
    assert "The coalition meets twice a year." in page
    assert f"?after={meeting.pk}" in page
    form = client.get(reverse("meetings:new", args=[coalition.slug]) + f"?after={meeting.pk}")
    html = form.content.decode()
    assert f'value="{proposal.date.isoformat()}"' in html
    assert 'value="Autumn coalition meeting"' in html and "https://meet.example.org/a" in html
    assert "mid-term updates on" in html
    home = client.get(reverse("coalitions:detail", args=[coalition.slug])).content.decode()
    assert f"?after={meeting.pk}" in home

    # Not for those who do not convene meetings.
    client.force_login(members[Role.FACILITATOR])
    page = client.get(
        reverse("meetings:detail", args=[coalition.slug, meeting.pk])
    ).content.decode()
    assert f"?after={meeting.pk}" not in page


@pytest.mark.parametrize("after", ["abc", "0", "-1", "99999999999999999999", "²"])
def test_a_bad_proposal_address_gives_the_empty_form(client, coalition, members, after):
    client.force_login(members[Role.NATIONAL_AUTHORITY])
    response = client.get(reverse("meetings:new", args=[coalition.slug]), {"after": after})
    assert response.status_code == 200
    assert "Proposed after" not in response.content.decode()


def test_a_proposal_from_another_coalition_or_a_planned_meeting_is_ignored(
    client, coalition, members, outsider
):
    from coalitions.models import Membership

    other = Membership.objects.get(user=outsider).coalition
    foreign = held(other, outsider, at(2026, 11, 2))
    planned = make_meeting(coalition, members[Role.NATIONAL_AUTHORITY])
    client.force_login(members[Role.NATIONAL_AUTHORITY])
    for pk in (foreign.pk, planned.pk):
        response = client.get(reverse("meetings:new", args=[coalition.slug]), {"after": pk})
        assert "Proposed after" not in response.content.decode()


@pytest.mark.parametrize("role", [Role.FACILITATOR, Role.DONOR, Role.OBSERVER])
def test_the_prefilled_form_is_refused_to_those_who_do_not_convene(
    client, coalition, members, role
):
    meeting = held(coalition, members[Role.NATIONAL_AUTHORITY], at(2026, 11, 2))
    client.force_login(members[role])
    url = reverse("meetings:new", args=[coalition.slug]) + f"?after={meeting.pk}"
    assert client.get(url).status_code == 403


def test_the_meeting_list_costs_the_same_queries_with_drafts_and_many_meetings(
    client, coalition, members, django_assert_max_num_queries
):
    authority = members[Role.NATIONAL_AUTHORITY]
    url = reverse("meetings:list", args=[coalition.slug])
    now = datetime.now(UTC)
    meeting_on(coalition, authority, now + timedelta(days=5))
    held(coalition, authority, now - timedelta(days=5))
    client.force_login(authority)
    with django_assert_max_num_queries(12) as few:
        assert client.get(url).status_code == 200
    for day in range(1, 15):
        meeting_on(coalition, authority, now + timedelta(days=10 + day), draft=day % 2 == 0)
        held(coalition, authority, now - timedelta(days=10 + day))
    with django_assert_max_num_queries(len(few.captured_queries)):
        page = client.get(url).content.decode()
    assert "Draft — invitations not sent" in page


@pytest.mark.parametrize("role", list(perms.ROLE_PERMISSIONS))
def test_home_and_today_show_a_draft_to_its_conveners_only_and_never_a_cancelled_meeting(
    client, coalition, members, role
):
    """The roles from the role table: those who prepare meetings see the draft as the next one,
    everyone else the announced meeting after it; a meeting called off, announced or not, is
    nobody's next meeting."""
    authority = members[Role.NATIONAL_AUTHORITY]
    now = datetime.now(UTC)
    meeting_on(coalition, authority, now + timedelta(days=30), title="Announced meeting")
    meeting_on(coalition, authority, now + timedelta(days=10), title="Draft workshop", draft=True)
    for title, days, draft in (("Called-off meeting", 5, False), ("Dropped draft", 3, True)):
        called_off = meeting_on(coalition, authority, now + timedelta(days=days), title=title,
                                draft=draft)  # fmt: skip
        services.meeting_cancel(meeting=called_off, actor=authority)
    shown = (
        "Draft workshop"
        if perms.sees_draft_meetings(perms.ROLE_PERMISSIONS[role])
        else "Announced meeting"
    )
    client.force_login(members[role])
    home = client.get(reverse("coalitions:detail", args=[coalition.slug])).content.decode()
    panel = home.split('id="next-meeting-h"', 1)[1].split("All meetings", 1)[0]
    today = client.get(reverse("coalitions:today")).content.decode()
    mine = today.split('id="today-meetings-h"', 1)[1].split("</section>", 1)[0]
    assert shown in panel and shown in mine
    # Today lists the person's next meetings, the soonest first.
    assert mine.index(shown) <= mine.index("Announced meeting")
    for hidden in ("Called-off meeting", "Dropped draft"):
        assert hidden not in panel and hidden not in mine
    if shown == "Announced meeting":
        assert "Draft workshop" not in home and "Draft workshop" not in today


@pytest.mark.parametrize("drafts", [False, True])
def test_the_next_meeting_and_the_last_held_read_together_are_those_read_apart(
    coalition, members, drafts
):
    authority = members[Role.NATIONAL_AUTHORITY]
    now = datetime.now(UTC)

    def together_and_apart():
        meeting, last = selectors.next_meeting_and_last_held(coalition=coalition, drafts=drafts)
        apart = selectors.next_meeting(coalition=coalition, drafts=drafts)
        proposal = cadence.proposal_after_last(last, coalition=coalition)
        assert meeting == apart
        assert proposal == cadence.next_meeting_proposal(coalition=coalition)
        return meeting, proposal

    assert together_and_apart() == (None, None)
    last = held(coalition, authority, now - timedelta(days=40))
    assert together_and_apart()[1].after == last
    workshop = meeting_on(coalition, authority, now + timedelta(days=3), kind="twg")
    assert together_and_apart() == (workshop, cadence.next_meeting_proposal(coalition=coalition))
    draft = meeting_on(coalition, authority, now + timedelta(days=1), draft=True)
    meeting, proposal = together_and_apart()
    assert meeting == (draft if drafts else workshop) and proposal is None
    services.meeting_cancel(meeting=draft, actor=authority)
    assert together_and_apart()[1].after == last


def test_the_conveners_home_reads_the_meetings_once(client, coalition, members):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    authority = members[Role.NATIONAL_AUTHORITY]
    now = datetime.now(UTC)
    held(coalition, authority, now - timedelta(days=40))
    meeting_on(coalition, authority, now + timedelta(days=3), kind="twg")
    client.force_login(authority)
    url = reverse("coalitions:detail", args=[coalition.slug])
    with CaptureQueriesContext(connection) as read:
        page = client.get(url).content.decode()
    assert "Schedule the next coalition meeting" in page
    assert sum('"meetings_meeting"' in query["sql"] for query in read.captured_queries) == 1


@pytest.mark.parametrize("role", [Role.DONOR, Role.NATIONAL_AUTHORITY])
def test_the_next_meeting_is_the_soonest_whatever_order_they_were_made_in(
    client, coalition, members, role
):
    authority = members[Role.NATIONAL_AUTHORITY]
    now = datetime.now(UTC)
    for days in (90, 60, 45, 30, 12):
        meeting_on(coalition, authority, now + timedelta(days=days), title=f"In {days} days")
    # The soonest to start is the last to end: what comes first by its end is not the next.
    Meeting.objects.filter(title="In 12 days").update(ends_at=now + timedelta(days=100))
    client.force_login(members[role])
    panel = home(client, coalition)
    assert "In 12 days" in panel
    for days in (90, 60, 45, 30):
        assert f"In {days} days" not in panel
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as read:
        assert selectors.next_meeting(coalition=coalition).title == "In 12 days"
    # Asked for by its start: without it the database answers in whatever order its plan reads.
    assert 'ORDER BY "meetings_meeting"."starts_at" ASC' in read.captured_queries[0]["sql"]


def home(client, coalition) -> str:
    page = client.get(reverse("coalitions:detail", args=[coalition.slug])).content.decode()
    return page.split('id="next-meeting-h"', 1)[1].split("All meetings", 1)[0]
