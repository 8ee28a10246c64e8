"""Every page stays small whatever the data: long lists come in pages, and choices among many are
typed with suggestions from a search that sees only what the person may see."""

import pytest
from django.urls import reverse

from coalitions.models import Role
from coalitions.search import SUGGESTIONS
from coalitions.tests.factories import CoalitionFactory, add_member
from meetings.models import Participant
from tests.bulk_data import bulk_coalition, coalition_pages
from tests.fixtures import made_once

# The goal at 10,000 rows. Past one page of each list a page no longer grows, so a few hundred rows
# of everything show whether it holds.
PAGE_BYTES = 200 * 1024
ROWS = 300

# Pages that show a page of a long list, and the queries each may cost at any size.
PAGINATED = {
    "action point": 10,
    "action points": 8,
    "attendance": 9,
    "coalition home": 14,
    "concerns inbox": 8,
    "invitations": 8,
    "meeting": 19,
    "meeting action points": 9,
    "meeting screen": 15,
    "minutes": 9,
    "needs board": 12,
}


# Made once for the module; each test's changes are rolled back (tests/fixtures.py made_once).
@pytest.fixture(scope="module")
def large(django_db_setup, django_db_blocker):
    with made_once(django_db_blocker, bulk_coalition, rows=ROWS, slug="large") as data:
        yield data


@pytest.fixture(scope="module")
def small(django_db_setup, django_db_blocker):
    with made_once(django_db_blocker, bulk_coalition, rows=3, slug="small") as data:
        yield data


def page_of(data, name) -> tuple[object, str]:
    """(the person who reads the page, its path)."""
    role, path = next((role, path) for page, role, path in coalition_pages(data) if page == name)
    return data.people[role], path


def visit(client, data, name):
    person, path = page_of(data, name)
    client.force_login(person)
    return client.get(path)


@pytest.mark.django_db
def test_at_a_few_hundred_rows_of_everything_every_page_stays_small(client, large):
    for name, role, path in coalition_pages(large):
        if path.endswith(".pdf"):
            continue
        client.force_login(large.people[role])
        response = client.get(path)
        assert response.status_code == 200, name
        assert len(response.content) < PAGE_BYTES, f"{name}: {len(response.content)} bytes"


@pytest.mark.django_db
@pytest.mark.parametrize("name", sorted(PAGINATED))
def test_paginated_pages_cost_the_same_queries_at_any_size(
    client, small, large, name, django_assert_max_num_queries
):
    assert visit(client, small, name).status_code == 200  # warms the content-type cache
    for data in (small, large):
        person, path = page_of(data, name)
        client.force_login(person)
        with django_assert_max_num_queries(PAGINATED[name]):
            assert client.get(path).status_code == 200


@pytest.mark.django_db
def test_a_long_list_shows_one_page_and_links_to_the_next(client, large):
    page = visit(client, large, "attendance").content.decode()
    assert page.count('type="radio"') == 50 * len(Participant.Attendance.choices)
    assert 'rel="next"' in page
    meeting = visit(client, large, "meeting").content.decode()
    assert "agenda=2#agenda" in meeting and "participants=2#attendance" in meeting


# Search fields ------------------------------------------------------------------------------------


def search(client, coalition, kind, text, **params):
    url = reverse("coalitions:search", args=[coalition.slug, kind])
    return client.get(url, {"field": "q", "q": text, **params})


@pytest.mark.django_db
def test_suggestions_come_from_the_persons_coalition_only_and_are_few(client, large, small):
    client.force_login(large.people[Role.NATIONAL_AUTHORITY])
    response = search(client, large.coalition, "people", "Person")
    assert response.status_code == 200
    options = response.content.decode().count("<option")
    assert options == SUGGESTIONS
    # "small" has people named "Person 00001" too: none of them is suggested in "large".
    small_person = small.coalition.memberships.filter(user__name="Person 00001").get().user
    response = search(client, large.coalition, "people", "Person 00001")
    assert f"(#{small_person.pk})" not in response.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize(
    "kind,allowed,refused",
    [
        ("people", Role.OBSERVER, None),
        ("meetings", Role.OBSERVER, None),
        ("agenda_items", Role.FACILITATOR, Role.OPERATOR),
        ("needs", Role.DONOR, Role.OPERATOR),
        ("coalition_organisations", Role.CHAMPION, Role.DONOR),
    ],
)
def test_a_search_is_for_members_who_may_use_its_field(
    client, small, outsider, kind, allowed, refused
):
    client.force_login(small.people[allowed])
    assert search(client, small.coalition, kind, "a").status_code == 200
    if refused:
        client.force_login(small.people[refused])
        assert search(client, small.coalition, kind, "a").status_code == 403
    client.force_login(outsider)
    assert search(client, small.coalition, kind, "a").status_code == 404
    client.logout()
    assert search(client, small.coalition, kind, "a").status_code == 302


@pytest.mark.django_db
def test_an_unknown_search_is_not_found(client, small):
    client.force_login(small.people[Role.NATIONAL_AUTHORITY])
    assert search(client, small.coalition, "passwords", "a").status_code == 404


@pytest.mark.django_db
def test_agenda_item_suggestions_are_narrowed_to_the_meeting(client, small):
    from meetings.models import AgendaItem, Meeting

    other = Meeting.objects.filter(coalition=small.coalition).exclude(pk=small.meeting.pk).first()
    AgendaItem.objects.create(meeting=other, title="Agenda item of another meeting")
    client.force_login(small.people[Role.FACILITATOR])
    found = search(client, small.coalition, "agenda_items", "Agenda item", meeting=small.meeting.pk)
    assert "Agenda item 00001" in found.content.decode()
    assert "another meeting" not in found.content.decode()


def record(client, data, **fields):
    client.force_login(data.people[Role.NATIONAL_AUTHORITY])
    return client.post(
        reverse("actions:new", args=[data.coalition.slug]),
        {
            "title": "Share the survey",
            "due_date": "2030-01-01",
            "priority": "normal",
            "visibility": "members",
            **fields,
        },
    )


@pytest.mark.django_db
def test_a_typed_name_is_found_without_javascript(client, small):
    from actions.models import ActionPoint

    response = record(
        client, small, owner_organisation="small organisation 00001", owner="Person 00001"
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    point = ActionPoint.objects.get(title="Share the survey")
    assert point.owner.name == "Person 00001"
    assert point.owner_organisation.name == "small organisation 00001"


@pytest.mark.django_db
def test_an_ambiguous_or_unknown_or_foreign_choice_gets_a_clear_error_and_saves_nothing(
    client, small, large
):
    from actions.models import ActionPoint

    before = ActionPoint.objects.count()
    page = record(client, small, owner_organisation="small organisation").content.decode()
    assert "Several match" in page
    page = record(client, small, owner_organisation="Nowhere at all").content.decode()
    assert "Nothing here matches" in page
    foreign = large.coalition.memberships.first().organisation
    page = record(client, small, owner_organisation=f"{foreign.name} (#{foreign.pk})").content
    assert "is not among the choices here" in page.decode()
    assert ActionPoint.objects.count() == before


@pytest.mark.django_db
def test_a_large_coalitions_meeting_form_invites_everyone_instead_of_a_checkbox_each(client, large):
    page = visit(client, large, "new meeting").content.decode()
    assert 'name="participants"' not in page
    assert "Every member of the coalition is invited." in page


@pytest.mark.django_db
def test_a_small_coalitions_meeting_form_keeps_a_checkbox_per_member(client, coalition, members):
    client.force_login(members[Role.NATIONAL_AUTHORITY])
    page = client.get(reverse("meetings:new", args=[coalition.slug])).content.decode()
    assert page.count('name="participants"') == len(members)


@pytest.fixture
def outsider(db):
    return add_member(CoalitionFactory(), Role.NATIONAL_AUTHORITY)


@pytest.mark.django_db
def test_a_whole_name_typed_out_wins_over_longer_names_containing_it(client, large):
    from actions.models import ActionPoint
    from coalitions.models import Organisation

    # "large organisation 0001" is also part of "large organisation 00010" to "00019".
    Organisation.objects.filter(name="large organisation 00299").update(
        name="large organisation 0001"
    )
    response = record(client, large, owner_organisation="Large Organisation 0001")
    assert response.status_code == 302
    assert ActionPoint.objects.filter(owner_organisation__name="large organisation 0001").exists()


@pytest.mark.django_db
def test_the_extension_pack_lists_the_first_needs_and_totals_them_all(large):
    from decimal import Decimal

    from obligations.pack import PACK_NEEDS_SHOWN, pack_build

    pack = pack_build(coalition=large.coalition, pk=large.obligation.pk)
    assert len(pack.needs) == PACK_NEEDS_SHOWN
    assert pack.needs_count == ROWS
    (usd,) = pack.currency_totals
    assert (usd.needed, usd.pledged) == (Decimal(1000) * ROWS, Decimal(500) * ROWS)


@pytest.mark.django_db
def test_a_nul_byte_or_an_endless_number_is_refused_cleanly(client, small):
    client.force_login(small.people[Role.NATIONAL_AUTHORITY])
    assert search(client, small.coalition, "people", "Per\x00son").status_code == 200
    for typed in ("Person\x0000001", "x (#99999999999999999999999)", "99999999999999999999999"):
        response = record(client, small, owner_organisation=typed)
        assert response.status_code == 200
        assert "form-errors" in response.content.decode()


@pytest.mark.django_db
def test_the_meeting_page_shows_a_page_of_minutes_numbered_as_the_agenda(client, large):
    from meetings.models import AgendaItem
    from meetings.page_cache import meetings_changed

    items = AgendaItem.objects.filter(meeting=large.meeting)
    items.filter(position__in=[1, 7, 8, 9, 10, 11]).update(minutes="Discussed at length.")
    # A bulk update sends no signal: as the services' bulk writes do, it tells the page itself.
    meetings_changed(meeting_ids=[large.meeting.pk])
    page = visit(client, large, "meeting").content.decode()
    assert "<h3>2. Agenda item 00001</h3>" in page
    assert page.count("Discussed at length.") == 5
    assert "minutes=2#minutes" in page
