"""The coalition home keeps what it shows of the members (the members panel, the champion States)
per members version: it reads no member while they stay the same, and every write that changes
what it shows is on the next page, for every reader."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from coalitions.models import Coalition, Membership, Organisation, Role
from coalitions.services import (
    coalition_update,
    membership_change_role,
    membership_remove,
    organisation_create,
    organisation_merge,
    organisation_update,
)
from coalitions.tests.factories import UserFactory, add_member
from users.services import user_create, user_update_profile

pytestmark = pytest.mark.django_db

MEMBERS_QUERY = '"coalitions_membership"."organisation_id" AS "organisation_id"'


def home(client, coalition) -> str:
    return client.get(reverse("coalitions:detail", args=[coalition.slug])).content.decode()


def members_panel(client, coalition) -> str:
    return home(client, coalition).split('id="members-h"', 1)[1].split("</section>", 1)[0]


def facts(client, coalition) -> str:
    return home(client, coalition).split('id="facts-h"', 1)[1].split("</section>", 1)[0]


@pytest.fixture
def reader(client, coalition, members):
    """The national authority and an observer have both seen the home (its parts are kept)."""
    for role in (Role.OBSERVER, Role.NATIONAL_AUTHORITY):
        client.force_login(members[role])
        home(client, coalition)
    return members[Role.NATIONAL_AUTHORITY]


def npa(name: str) -> Organisation:
    return organisation_create(name=name, kind=Organisation.Kind.OPERATOR, country="", actor=None)


def test_the_home_reads_the_members_only_while_their_version_is_new(client, coalition, reader):
    add_member(coalition, Role.DONOR)
    with CaptureQueriesContext(connection) as first:
        home(client, coalition)
    with CaptureQueriesContext(connection) as again:
        home(client, coalition)
    assert sum(MEMBERS_QUERY in q["sql"] for q in first.captured_queries) == 1
    assert not any(MEMBERS_QUERY in q["sql"] for q in again.captured_queries)
    assert not any("coalitions_coalition_champions" in q["sql"] for q in again.captured_queries)
    # One query fewer (two on SQLite, which reads the champions apart).
    assert len(again.captured_queries) < len(first.captured_queries)


def test_a_new_member_is_on_the_next_page(client, coalition, reader):
    newcomer = add_member(coalition, Role.DONOR, organisation=npa("Newly joined NGO"))
    user_update_profile(
        user=newcomer, name="Nour Newcomer", preferred_language="en", timezone="UTC"
    )
    panel = members_panel(client, coalition)
    assert "Nour Newcomer" in panel and "Newly joined NGO" in panel


def test_a_role_changed_and_a_member_removed_are_on_the_next_page(
    client, coalition, members, reader
):
    observer = Membership.objects.get(coalition=coalition, user=members[Role.OBSERVER])
    before = members_panel(client, coalition)
    membership_change_role(membership=observer, role=Role.DONOR, actor=reader)
    after = members_panel(client, coalition)
    assert after != before and after.count("Donor") == before.count("Donor") + 1
    membership_remove(membership=observer, actor=reader)
    assert members[Role.OBSERVER].name not in members_panel(client, coalition)


def test_a_person_renamed_is_on_the_next_page(client, coalition, members, reader):
    user_update_profile(
        user=members[Role.OBSERVER], name="Olga Renamed", preferred_language="fr", timezone="UTC"
    )
    assert "Olga Renamed" in members_panel(client, coalition)


def test_an_organisation_renamed_or_of_another_kind_is_on_the_next_page(
    client, coalition, members, reader
):
    organisation = Membership.objects.get(user=members[Role.OBSERVER]).organisation
    organisation_update(
        organisation=organisation,
        coalition=coalition,
        actor=reader,
        name="Observers Renamed",
        kind=Organisation.Kind.UN_AGENCY,
    )
    panel = members_panel(client, coalition)
    assert "Observers Renamed" in panel and "UN agency" in panel


def test_champions_added_and_removed_are_on_the_next_page(client, coalition, reader):
    champion = npa("Champion Land")
    coalition.champions.add(champion)  # as the admin's form does
    assert "Champion Land" in facts(client, coalition)
    champion.coalitions_as_champion.remove(coalition)
    assert "Champion Land" not in facts(client, coalition)
    coalition.champions.add(champion)
    champion.coalitions_as_champion.clear()
    assert "Champion Land" not in facts(client, coalition)


def test_a_merge_is_on_the_next_page(client, coalition, reader):
    keep, twin = npa("Kept Aid"), npa("Twin Aid")
    add_member(coalition, Role.OPERATOR, organisation=twin)
    coalition.champions.add(twin)
    home(client, coalition)
    staff = user_create(email="staff@example.net", name="Staff", is_staff=True, actor=None)
    organisation_merge(keep=keep, duplicates=[twin], actor=staff)
    page = home(client, coalition)
    assert "Twin Aid" not in page
    assert "Kept Aid" in page.split('id="facts-h"', 1)[1].split("</section>", 1)[0]
    assert "Kept Aid" in page.split('id="members-h"', 1)[1]


def test_a_coalition_saved_from_an_older_copy_keeps_the_newer_version(client, coalition, reader):
    older = Coalition.objects.get(pk=coalition.pk)
    add_member(coalition, Role.DONOR, user=UserFactory(name="Dana After"))
    older.description = "Saved from a copy read before"
    older.save()  # as the admin's form does
    assert Coalition.objects.get(pk=coalition.pk).members_version != older.members_version
    assert "Dana After" in members_panel(client, coalition)
    coalition_update(coalition=coalition, actor=reader, description="Updated")
    assert "Dana After" in members_panel(client, coalition)


def test_signing_in_leaves_the_members_version(client, coalition, members, reader):
    version = Coalition.objects.get(pk=coalition.pk).members_version
    client.logout()
    user = members[Role.OBSERVER]
    user.set_password("a long enough password 1")
    user.save(update_fields=["password"])
    client.login(email=user.email, password="a long enough password 1")
    assert Coalition.objects.get(pk=coalition.pk).members_version == version
