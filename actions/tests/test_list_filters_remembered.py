"""The list's filters are rendered once per query, coalition and permissions (config/remember_tag.py),
except where they show what is read from the database: an owner or a meeting asked for."""

from django.urls import reverse

from actions.tests.factories import make_action_point, make_meeting
from coalitions.models import Role
from coalitions.services import organisation_update


def list_url(coalition, query: str = "") -> str:
    return reverse("actions:list", args=[coalition.slug]) + query


def test_each_query_gets_its_own_filters(client, coalition, members):
    client.force_login(members[Role.NATIONAL_AUTHORITY])
    for _ in range(2):
        for text in ("survey", "report"):
            page = client.get(list_url(coalition, f"?q={text}")).content.decode()
            assert f"Search: “{text}”" in page
            assert f'value="{text}"' in page
        page = client.get(list_url(coalition, "?status=nonsense")).content.decode()
        assert 'class="errorlist small"' in page


def test_a_role_that_records_nothing_gets_its_own_filters(client, coalition, members):
    """ "Recorded by me" means the whole list to a role that records nothing: the filters' "Clear
    all filters" link keeps the tab each reader is on."""
    query = "?view=recorded&overdue=on"
    for role, view in [
        (Role.NATIONAL_AUTHORITY, "recorded"),
        (Role.OBSERVER, "all"),
        (Role.NATIONAL_AUTHORITY, "recorded"),
        (Role.OBSERVER, "all"),
    ]:
        client.force_login(members[role])
        page = client.get(list_url(coalition, query)).content.decode()
        assert f'class="chip-clear" href="?view={view}"' in page


def test_an_owner_asked_for_shows_the_name_the_database_holds_now(client, coalition, members):
    authority = members[Role.NATIONAL_AUTHORITY]
    operator = members[Role.OPERATOR]
    organisation = operator.memberships.get().organisation
    meeting = make_meeting(coalition, starts_at=coalition.created_at, title="Spring meeting")
    make_action_point(coalition, owner=operator, meeting=meeting)
    client.force_login(authority)
    query = f"?owner_organisation={organisation.pk}&meeting={meeting.pk}"
    assert f"Owner: {organisation.name}" in client.get(list_url(coalition, query)).content.decode()
    organisation_update(
        organisation=organisation, coalition=coalition, actor=authority, name="Renamed Operator"
    )
    page = client.get(list_url(coalition, query)).content.decode()
    assert "Owner: Renamed Operator" in page
    assert "Renamed Operator (#" in page  # the field's value, read again


def test_the_tabs_follow_the_query_and_the_role(client, coalition, members):
    for role, query, current in [
        (Role.NATIONAL_AUTHORITY, "?view=mine", "?view=mine"),
        (Role.OBSERVER, "?view=mine", "?view=mine"),
        (Role.NATIONAL_AUTHORITY, "?view=all&status=archived", "?view=all&amp;status=archived"),
        (Role.OBSERVER, "?view=all", "?view=all"),
        (Role.NATIONAL_AUTHORITY, "?view=mine", "?view=mine"),
    ]:
        client.force_login(members[role])
        page = client.get(list_url(coalition, query)).content.decode()
        assert ("?view=recorded" in page) == (role == Role.NATIONAL_AUTHORITY)
        assert f'<a href="{current}" aria-current="page">' in page
        assert page.count('aria-current="page">') == 2  # the tab and the navigation's section
        export = reverse("actions:export", args=[coalition.slug]) + query.replace("&", "&amp;")
        assert f'href="{export}"' in page
