"""The action point lists: one search field and filter chips, one current tab, the status changed
from a row (with htmx or a plain form), and the overdue badge wherever an action point is listed."""

import csv
import io
import re
from datetime import timedelta

import pytest
from django.db import transaction
from django.urls import reverse
from hypothesis import given, settings
from hypothesis import strategies as st

from actions.models import ActionPoint, ActionUpdate
from actions.selectors import coalition_today
from actions.tests.factories import make_action_point, make_meeting
from coalitions import permissions as perms
from coalitions.models import Role
from coalitions.tests.factories import CoalitionFactory, UserFactory, add_member

pytestmark = pytest.mark.django_db

RECORDERS = sorted(perms.roles_with(perms.RECORD_ACTION_POINTS))
NON_RECORDERS = sorted(set(Role.values) - set(RECORDERS))
HTMX = {"HTTP_HX_REQUEST": "true"}


def list_url(coalition, query=""):
    return reverse("actions:list", args=[coalition.slug]) + query


def status_url(action_point):
    return reverse("actions:status", args=[action_point.coalition.slug, action_point.pk])


def tabs(page: str) -> list[tuple[str, bool]]:
    nav = re.search(r'<nav class="ap-views".*?</nav>', page, re.S).group(0)
    return [
        (label, bool(current))
        for current, label in re.findall(r'<a href="[^"]*"( aria-current="page")?>([^<]+)</a>', nav)
    ]


# Tabs --------------------------------------------------------------------------------------------


TABS = [
    ("", "All"),
    ("?view=all", "All"),
    ("?view=mine", "Mine"),
    ("?view=recorded", "Recorded by me"),
    ("?view=all&status=archived", "Archive"),
    ("?view=mine&status=archived", "Archive"),
    ("?status=done", "All"),
]


@pytest.mark.parametrize("role", RECORDERS + NON_RECORDERS)
def test_exactly_one_tab_is_current_and_recorded_by_me_only_for_recorders(
    client, coalition, members, role
):
    client.force_login(members[role])
    may_record = role in RECORDERS
    for query, current in TABS:
        shown = tabs(client.get(list_url(coalition, query)).content.decode())
        assert ("Recorded by me" in dict(shown)) is may_record
        if current == "Recorded by me" and not may_record:
            current = "All"  # the tab it does not have shows the whole list
        assert [label for label, is_current in shown if is_current] == [current], query


def test_the_show_select_is_gone_and_the_search_field_is_in_sight(client, coalition, members):
    client.force_login(members[Role.FACILITATOR])
    page = client.get(list_url(coalition)).content.decode()
    assert 'name="view"' in page and 'type="hidden" name="view"' in page
    assert '<select name="view"' not in page
    assert 'type="search" name="q"' in page
    assert "<details" in page and "More filters" in page


# Search and chips --------------------------------------------------------------------------------


def test_search_finds_titles_and_descriptions_and_shows_a_removable_chip(
    client, coalition, members
):
    make_action_point(coalition, title="Survey the north", description="")
    make_action_point(coalition, title="Budget", description="Plan the survey budget")
    make_action_point(coalition, title="Hire deminers")
    client.force_login(members[Role.NATIONAL_AUTHORITY])
    page = client.get(list_url(coalition, "?view=all&q=survey")).content.decode()
    assert "Survey the north" in page and "Budget" in page and "Hire deminers" not in page
    assert "Search: “survey”" in page
    # The chip's link drops the search and keeps the tab.
    assert 'class="chip chip-active" href="?view=all"' in page


def test_each_filter_shows_as_a_chip_whose_link_removes_only_it(client, coalition, members):
    meeting = make_meeting(coalition, starts_at=coalition.created_at, title="Spring meeting")
    operator = members[Role.OPERATOR]
    organisation = operator.memberships.get().organisation
    make_action_point(coalition, owner=operator, meeting=meeting, status="in_progress")
    client.force_login(members[Role.NATIONAL_AUTHORITY])
    query = (
        f"?view=all&status=in_progress&owner_organisation={organisation.pk}"
        f"&meeting={meeting.pk}&overdue=on&sort=title"
    )
    page = client.get(list_url(coalition, query)).content.decode()
    chips = dict(
        (label.strip(), href.replace("&amp;", "&"))
        for href, label in re.findall(
            r'class="chip chip-active" href="([^"]*)"><span class="visually-hidden">[^<]*</span>'
            r"([^<]*)<",
            page,
        )
    )
    assert set(chips) == {
        "Status: In progress",
        f"Owner: {organisation.name}",
        "Meeting: Spring meeting",
        "Overdue only",
        "Sorted by: Title",
    }
    assert "status=" not in chips["Status: In progress"]
    assert "overdue=" not in chips["Overdue only"]
    assert "meeting=" not in chips["Meeting: Spring meeting"]
    assert f"meeting={meeting.pk}" in chips["Overdue only"]
    for href in chips.values():
        assert "view=all" in href
        assert client.get(list_url(coalition, href)).status_code == 200


def test_a_mistyped_filter_keeps_the_others_and_says_what_is_wrong(client, coalition, members):
    make_action_point(coalition, title="Survey the north")
    make_action_point(coalition, title="Hire deminers")
    client.force_login(members[Role.NATIONAL_AUTHORITY])
    page = client.get(list_url(coalition, "?q=survey&meeting=No+such+meeting")).content.decode()
    assert "Survey the north" in page and "Hire deminers" not in page
    assert '<details class="ap-more" open>' in page
    assert "Nothing here matches" in page


def test_empty_lists_say_why(client, coalition, members):
    client.force_login(members[Role.OPERATOR])
    assert (
        "No open action points in this coalition."
        in client.get(list_url(coalition)).content.decode()
    )
    page = client.get(list_url(coalition, "?view=mine")).content.decode()
    assert "You and your organisation have no open action points here." in page
    page = client.get(list_url(coalition, "?status=archived")).content.decode()
    assert "Nothing archived yet" in page
    page = client.get(list_url(coalition, "?q=nothing")).content.decode()
    assert "No action points match these filters. Remove a filter to see more." in page
    page = client.get(reverse("actions:mine_everywhere")).content.decode()
    assert "Nothing to do" in page


TITLE_WORDS = ["survey", "budget", "north", "report", "Survey"]


@pytest.fixture
def two_organisations(coalition, members):
    return [
        members[Role.OPERATOR].memberships.get().organisation,
        members[Role.DONOR].memberships.get().organisation,
    ]


@settings(max_examples=25)
@given(
    rows=st.lists(
        st.tuples(
            st.sampled_from(TITLE_WORDS),
            st.sampled_from(ActionPoint.Status.values),
            st.one_of(st.none(), st.integers(min_value=-30, max_value=30)),
            st.integers(min_value=0, max_value=1),
            st.sampled_from(["members", "restricted"]),
        ),
        max_size=12,
    ),
    status=st.sampled_from(["", "archived", "any", *ActionPoint.Status.values]),
    owner=st.one_of(st.none(), st.integers(min_value=0, max_value=1)),
    overdue=st.booleans(),
    search=st.sampled_from(["", "survey", "NORTH", "zzz"]),
    reader_role=st.sampled_from([Role.OBSERVER, Role.FACILITATOR]),
)
def test_the_chips_filtered_list_is_the_filter_applied_to_the_rows(
    client, coalition, members, two_organisations, rows, status, owner, overdue, search, reader_role
):
    """Whatever the rows and the chips, the list (read through its CSV, which has every row)
    holds exactly the action points the filters name, among those the reader may see."""
    today = coalition_today(coalition)
    with transaction.atomic():
        made = ActionPoint.objects.bulk_create(
            ActionPoint(
                coalition=coalition,
                title=f"{word} {index}",
                status=row_status,
                due_date=None if days is None else today + timedelta(days=days),
                owner_organisation=two_organisations[organisation],
                visibility=visibility,
            )
            for index, (word, row_status, days, organisation, visibility) in enumerate(rows)
        )
        query = {"view": "all", "status": status, "q": search}
        if owner is not None:
            query["owner_organisation"] = str(two_organisations[owner].pk)
        if overdue:
            query["overdue"] = "on"
        client.force_login(members[reader_role])
        response = client.get(reverse("actions:export", args=[coalition.slug]), query)
        listed = {
            int(row["No."])
            for row in csv.DictReader(io.StringIO(response.content.decode("utf-8-sig")))
        }

        def wanted(item: ActionPoint) -> bool:
            if item.visibility == "restricted" and reader_role == Role.OBSERVER:
                return False
            if status == "archived" and item.status not in ActionPoint.ARCHIVED:
                return False
            if status == "" and item.status not in ActionPoint.ACTIVE:
                return False
            if status in ActionPoint.Status.values and item.status != status:
                return False
            if owner is not None and item.owner_organisation != two_organisations[owner]:
                return False
            if overdue and not item.is_overdue_on(today):
                return False
            return search.lower() in item.title.lower()

        assert listed == {item.pk for item in made if wanted(item)}
        transaction.set_rollback(True)


# Status from the list ----------------------------------------------------------------------------


def test_the_owner_changes_the_status_from_the_list_without_javascript(client, coalition, members):
    operator = members[Role.OPERATOR]
    item = make_action_point(coalition, owner=operator, title="Send the maps")
    client.force_login(operator)
    page = client.get(list_url(coalition, "?view=mine")).content.decode()
    assert f'action="{status_url(item)}"' in page
    back = list_url(coalition, "?view=mine")
    response = client.post(status_url(item), {"status": "in_progress", "next": back})
    assert response.status_code == 302 and response["Location"] == back
    item.refresh_from_db()
    assert item.status == "in_progress"
    update = ActionUpdate.objects.get()
    assert (update.author, update.old_status, update.new_status) == (
        operator,
        "open",
        "in_progress",
    )
    page = client.get(back).content.decode()
    assert "“Send the maps” is now In progress." in page


def test_with_htmx_the_row_comes_back_with_the_new_status(client, coalition, members):
    item = make_action_point(coalition, owner=members[Role.OPERATOR], title="Send the maps")
    client.force_login(members[Role.SECRETARIAT])  # updates any action point
    response = client.post(status_url(item), {"status": "done"}, **HTMX)
    assert response.status_code == 200
    row = response.content.decode()
    assert row.lstrip().startswith(f'<tr id="ap-{item.pk}"')
    assert '<option value="done" selected>' in row and "Saved" in row
    item.refresh_from_db()
    assert item.status == "done"


def test_setting_the_same_status_again_writes_nothing(client, coalition, members):
    operator = members[Role.OPERATOR]
    item = make_action_point(coalition, owner=operator)
    client.force_login(operator)
    client.post(status_url(item), {"status": "done"})
    client.post(status_url(item), {"status": "done"})
    assert ActionUpdate.objects.count() == 1


@pytest.mark.parametrize("value", ["finished", "", "OPEN"])
def test_a_bad_status_value_is_refused_with_a_clear_error(client, coalition, members, value):
    operator = members[Role.OPERATOR]
    item = make_action_point(coalition, owner=operator)
    client.force_login(operator)
    response = client.post(status_url(item), {"status": value})
    assert response.status_code == 400
    page = response.content.decode()
    assert (
        "Choose a status." in page
        or "is not a status: choose open, in progress, done or dropped" in page
    )
    response = client.post(status_url(item), {"status": value}, **HTMX)
    assert response.status_code == 200 and 'role="alert"' in response.content.decode()
    item.refresh_from_db()
    assert item.status == "open" and not ActionUpdate.objects.exists()


@pytest.mark.parametrize("role", [Role.DONOR, Role.OBSERVER, Role.CHAMPION])
def test_members_who_may_not_update_it_are_refused_and_see_no_form(
    client, coalition, members, role
):
    item = make_action_point(coalition, owner=members[Role.OPERATOR])
    client.force_login(members[role])
    assert f'action="{status_url(item)}"' not in client.get(list_url(coalition)).content.decode()
    assert client.post(status_url(item), {"status": "done"}).status_code == 403
    assert client.post(status_url(item), {"status": "done"}, **HTMX).status_code == 403
    item.refresh_from_db()
    assert item.status == "open" and not ActionUpdate.objects.exists()


def test_outsiders_site_staff_and_readers_of_members_only_get_404(
    client, coalition, members, outsider
):
    item = make_action_point(coalition, owner=members[Role.OPERATOR])
    secret = make_action_point(coalition, visibility="restricted")
    for person, target in [
        (outsider, item),
        (UserFactory(is_staff=True), item),
        (members[Role.OBSERVER], secret),
    ]:
        client.force_login(person)
        assert client.post(status_url(target), {"status": "done"}).status_code == 404
    assert not ActionUpdate.objects.exists()


def test_the_status_page_takes_no_get(client, coalition, members):
    item = make_action_point(coalition, owner=members[Role.OPERATOR])
    client.force_login(members[Role.OPERATOR])
    assert client.get(status_url(item)).status_code == 405


def test_an_archived_coalition_offers_no_status_change(client, coalition, members):
    from coalitions.services import coalition_archive

    operator = members[Role.OPERATOR]
    item = make_action_point(coalition, owner=operator)
    coalition_archive(coalition=coalition, actor=members[Role.NATIONAL_AUTHORITY])
    client.force_login(operator)
    assert "ap-status-form" not in client.get(list_url(coalition)).content.decode()
    assert "ap-status-form" not in client.get(reverse("actions:mine_everywhere")).content.decode()
    assert client.post(status_url(item), {"status": "done"}).status_code == 403


def test_the_list_across_coalitions_changes_the_status_in_each(client, coalition, members):
    operator = members[Role.OPERATOR]
    other = CoalitionFactory()
    add_member(other, Role.OPERATOR, user=operator)
    there = make_action_point(other, owner=operator, title="There")
    client.force_login(operator)
    page = client.get(reverse("actions:mine_everywhere")).content.decode()
    assert f'action="{status_url(there)}"' in page and 'name="across" value="1"' in page
    response = client.post(status_url(there), {"status": "done", "across": "1"}, **HTMX)
    assert other.name in response.content.decode()
    there.refresh_from_db()
    assert there.status == "done"


# The overdue badge -------------------------------------------------------------------------------


def test_the_overdue_badge_shows_on_every_list(client, coalition, members):
    operator = members[Role.OPERATOR]
    today = coalition_today(coalition)
    meeting = make_meeting(coalition, starts_at=coalition.created_at)
    make_action_point(
        coalition, owner=operator, title="Late", due_date=today - timedelta(days=3), meeting=meeting
    )
    badge = '<span class="badge badge-overdue">Overdue</span>'
    client.force_login(operator)
    for target in [
        list_url(coalition),
        list_url(coalition, "?view=mine"),
        reverse("actions:mine_everywhere"),
        reverse("actions:meeting_action_points", args=[coalition.slug, meeting.pk]),
        reverse("coalitions:detail", args=[coalition.slug]),
    ]:
        page = client.get(target).content.decode()
        assert "Late" in page and badge in page, target
    assert "badge-overdue" in client.get(reverse("coalitions:today")).content.decode()


def test_no_badge_for_what_is_done_or_not_yet_due(client, coalition, members):
    today = coalition_today(coalition)
    make_action_point(
        coalition, title="Finished", due_date=today - timedelta(days=3), status="done"
    )
    make_action_point(coalition, title="Today", due_date=today)
    client.force_login(members[Role.NATIONAL_AUTHORITY])
    page = client.get(list_url(coalition, "?status=any")).content.decode()
    assert "Finished" in page and "badge-overdue" not in page


def test_reminder_and_digest_lists_mark_overdue_items(coalition, members):
    from django.template.loader import render_to_string

    today = coalition_today(coalition)
    late = make_action_point(coalition, title="Late", due_date=today - timedelta(days=1))
    soon = make_action_point(coalition, title="Soon", due_date=today + timedelta(days=1))
    late.overdue, soon.overdue = True, False
    for suffix in ("txt", "html"):
        text = render_to_string(f"email/action__items_body.{suffix}", {"items": [late, soon]})
        assert text.count("Overdue") == 1 and text.index("Late") < text.index("Overdue")
