"""Site staff run the site (accounts, organisations, the outbox) and read no coalition's content."""

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from coalitions.models import Role
from coalitions.permissions import access_for
from coalitions.tests.factories import UserFactory
from concerns.services import concern_raise
from users.services import SITE_STAFF_GROUP, user_create

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff():
    return user_create(email="staff@example.net", name="Staff", is_staff=True, actor=None)


@pytest.fixture
def concern(coalition, members):
    operator = members[Role.OPERATOR]
    return concern_raise(
        coalition=coalition,
        actor=operator,
        organisation=operator.memberships.get(coalition=coalition).organisation,
        subject="Marker subject of a confidential concern",
        text="Marker text of a confidential concern",
    )


def test_staff_are_not_superusers_and_hold_model_permissions_for_their_work(staff):
    assert staff.is_staff and not staff.is_superuser
    assert staff.groups.filter(name=SITE_STAFF_GROUP).exists()
    for perm in (
        "users.change_user",
        "coalitions.change_organisation",
        "outbox.view_outboxmessage",
    ):
        assert staff.has_perm(perm), perm
    for perm in (
        "coalitions.view_membership",
        "coalitions.delete_membership",
        "concerns.view_concern",
        "meetings.view_meeting",
        "actions.view_actionpoint",
    ):
        assert not staff.has_perm(perm), perm
    assert not UserFactory().has_perm("users.change_user")


def test_the_site_staff_group_is_made_once(staff):
    user_create(email="staff2@example.net", name="Staff 2", is_staff=True, actor=None)
    assert Group.objects.filter(name=SITE_STAFF_GROUP).count() == 1


def test_staff_who_are_not_members_get_404_on_coalition_pages(client, coalition, concern, staff):
    client.force_login(staff)
    assert access_for(staff, coalition).perms == frozenset()
    for url in (
        reverse("coalitions:detail", args=[coalition.slug]),
        reverse("concerns:inbox", args=[coalition.slug]),
        reverse("concerns:detail", args=[coalition.slug, concern.pk]),
        reverse("actions:list", args=[coalition.slug]),
        reverse("meetings:new", args=[coalition.slug]),
    ):
        response = client.get(url)
        assert response.status_code == 404, url
        assert "Marker" not in response.content.decode()
    assert coalition.name not in client.get(reverse("coalitions:list")).content.decode()


def test_a_superuser_who_is_not_a_member_reads_nothing_either(client, coalition, concern):
    root = UserFactory()
    root.is_staff = root.is_superuser = True
    root.save()
    assert access_for(root, coalition).perms == frozenset()
    client.force_login(root)
    assert client.get(reverse("concerns:inbox", args=[coalition.slug])).status_code == 404
    assert coalition.name not in client.get(reverse("coalitions:list")).content.decode()


def test_staff_who_are_members_read_what_their_role_allows(client, coalition, members, staff):
    from coalitions.tests.factories import add_member

    add_member(coalition, Role.OBSERVER, user=staff)
    client.force_login(staff)
    assert client.get(reverse("coalitions:detail", args=[coalition.slug])).status_code == 200
    assert client.get(reverse("concerns:inbox", args=[coalition.slug])).status_code in (403, 404)


def test_staff_use_the_admin_for_accounts_organisations_and_the_outbox(client, staff, coalition):
    client.force_login(staff)
    for name in (
        "admin:index",
        "admin:users_user_changelist",
        "admin:coalitions_organisation_changelist",
        "admin:outbox_outboxmessage_changelist",
    ):
        assert client.get(reverse(name)).status_code == 200, name
    assert client.get(reverse("outbox:list")).status_code == 200
    for name in (
        "admin:coalitions_coalition_changelist",
        "admin:coalitions_membership_changelist",
        "admin:coalitions_invitation_changelist",
        "admin:concerns_concern_changelist",
    ):
        assert client.get(reverse(name)).status_code == 403, name
    index = client.get(reverse("admin:index")).content.decode()
    assert "Concerns" not in index


def test_staff_cannot_raise_themselves_to_superuser_in_the_admin(client, staff):
    client.force_login(staff)
    page = client.get(reverse("admin:users_user_change", args=[staff.pk])).content.decode()
    assert 'name="is_superuser"' not in page
    assert 'name="groups"' not in page
    root = UserFactory()
    root.is_staff = root.is_superuser = True
    root.save()
    client.force_login(root)
    page = client.get(reverse("admin:users_user_change", args=[staff.pk])).content.decode()
    assert 'name="is_superuser"' in page


def test_concern_text_and_sender_never_appear_in_the_admin(client, concern, members):
    root = UserFactory()
    root.is_staff = root.is_superuser = True
    root.save()
    client.force_login(root)
    operator = members[Role.OPERATOR]
    pages = [
        reverse("admin:concerns_concern_changelist"),
        reverse("admin:concerns_concern_change", args=[concern.pk]),
        reverse("admin:concerns_concern_history", args=[concern.pk]),
        reverse("admin:concerns_concernnotice_changelist"),
    ]
    for url in pages:
        response = client.get(url, follow=True)
        page = response.content.decode()
        assert response.status_code in (200, 403, 404), url
        assert "Marker" not in page, url
        assert operator.email not in page and operator.name not in page, url
