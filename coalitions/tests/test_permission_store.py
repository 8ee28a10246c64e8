"""The role table is the only source of permissions; guardian's rows are its stored form."""

import pytest
from django.core import checks
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from guardian.shortcuts import assign_perm, remove_perm

from coalitions import permissions as perms
from coalitions.models import CoalitionUserObjectPermission, Membership, Organisation, Role
from coalitions.tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def _superuser():
    root = UserFactory()
    root.is_staff = root.is_superuser = True
    root.save()
    return root


def test_access_is_read_in_one_query_without_group_permissions(coalition, members):
    donor = members[Role.DONOR]
    with CaptureQueriesContext(connection) as queries:
        access = perms.access_for(donor, coalition)
    assert access.perms == perms.ROLE_PERMISSIONS[Role.DONOR]
    permission_reads = [q["sql"] for q in queries if "userobjectpermission" in q["sql"].lower()]
    assert len(permission_reads) == 1
    # Neither guardian's group table nor Django's groups are read.
    assert not any(
        table in q["sql"].lower()
        for q in queries
        for table in ("groupobjectpermission", "auth_group", "user_groups")
    )


def test_the_organisations_come_with_the_access_when_the_page_names_them(
    coalition, members, django_assert_num_queries
):
    authority = members[Role.NATIONAL_AUTHORITY]
    membership = Membership.objects.select_related(
        "organisation", "coalition__national_authority"
    ).get(user=authority, coalition=coalition)
    authority_name, organisation_name = (
        membership.coalition.national_authority.name,
        membership.organisation.name,
    )
    with django_assert_num_queries(1):
        named = perms.require_access(authority, coalition.slug, organisations=True)
        assert named.coalition.national_authority.name == authority_name
        assert named.membership.organisation.name == organisation_name
    with django_assert_num_queries(1) as queries:
        lean = perms.require_access(authority, coalition.slug)
    assert Organisation._meta.db_table not in queries.captured_queries[0]["sql"]
    assert lean.perms == named.perms == perms.ROLE_PERMISSIONS[Role.NATIONAL_AUTHORITY]
    # Read when first used, as any foreign key is.
    assert lean.coalition.national_authority.name == authority_name
    assert lean.membership.organisation.name == organisation_name


@pytest.mark.parametrize("role", Role.values)
def test_stored_rows_are_the_role_table(coalition, members, role):
    held = set(
        CoalitionUserObjectPermission.objects.filter(
            user=members[role], content_object=coalition
        ).values_list("permission__codename", flat=True)
    )
    assert held == perms.ROLE_PERMISSIONS[role]


def test_no_drift_after_the_services_wrote_the_rows(coalition, members, outsider):
    assert perms.permission_drift() == []
    call_command("check_permissions")


@pytest.mark.parametrize("kind", ["extra", "missing", "stray", "left_over"])
def test_drift_is_found_by_the_command_and_the_system_check_and_repaired(coalition, members, kind):
    observer = members[Role.OBSERVER]
    if kind == "extra":
        assign_perm(f"coalitions.{perms.READ_CONCERNS}", observer, coalition)
    elif kind == "missing":
        remove_perm(f"coalitions.{perms.VIEW}", members[Role.DONOR], coalition)
    elif kind == "stray":
        assign_perm(f"coalitions.{perms.VIEW}", UserFactory(), coalition)
    else:
        # A membership deleted behind the services' back leaves its rows.
        Membership.objects.filter(user=observer, coalition=coalition).delete()

    assert perms.permission_drift() != []
    with pytest.raises(CommandError):
        call_command("check_permissions")
    errors = checks.run_checks(tags=[checks.Tags.database], databases=["default"])
    assert [e.id for e in errors if e.id.startswith("coalitions.")] == ["coalitions.W001"]

    call_command("check_permissions", "--repair")
    assert perms.permission_drift() == []
    call_command("check_permissions")
    assert not [
        e
        for e in checks.run_checks(tags=[checks.Tags.database], databases=["default"])
        if e.id.startswith("coalitions.")
    ]


def test_a_changed_role_table_is_drift_until_repaired(coalition, members, monkeypatch):
    changed = dict(perms.ROLE_PERMISSIONS)
    changed[Role.OBSERVER] = changed[Role.OBSERVER] | {perms.VIEW_RESTRICTED}
    monkeypatch.setattr(perms, "ROLE_PERMISSIONS", changed)
    assert [(d.user_id, d.missing) for d in perms.permission_drift()] == [
        (members[Role.OBSERVER].pk, frozenset({perms.VIEW_RESTRICTED}))
    ]
    call_command("check_permissions", "--repair")
    assert perms.access_for(members[Role.OBSERVER], coalition).can(perms.VIEW_RESTRICTED)


def test_guardian_rows_outside_the_role_table_give_nothing(coalition, members):
    """Rows in guardian's generic tables (or global permissions) never open a coalition."""
    from guardian.models import UserObjectPermission

    stranger = UserFactory()
    UserObjectPermission.objects.assign_perm(perms.VIEW, stranger, coalition)
    assert perms.access_for(stranger, coalition).perms == frozenset()
    call_command("check_permissions", "--repair")
    assert not UserObjectPermission.objects.filter(user=stranger).exists()


def test_deleting_a_membership_in_the_admin_removes_access(client, coalition, members):
    from meetings.services import calendar_feed_for, calendar_feed_token

    donor = members[Role.DONOR]
    membership = donor.memberships.get(coalition=coalition)
    feed_url = reverse(
        "meetings:feed",
        args=[calendar_feed_token(calendar_feed_for(coalition=coalition, user=donor))],
    )
    pages = [
        reverse("actions:list", args=[coalition.slug]),
        reverse("meetings:calendar", args=[coalition.slug]),
    ]
    client.force_login(donor)
    assert [client.get(url).status_code for url in pages] == [200, 200]

    client.force_login(_superuser())
    url = reverse("admin:coalitions_membership_delete", args=[membership.pk])
    assert client.post(url, {"post": "yes"}).status_code == 302
    assert not Membership.objects.filter(pk=membership.pk).exists()
    assert perms.permission_drift() == []

    client.force_login(donor)
    assert [client.get(url).status_code for url in pages] == [404, 404]
    assert client.get(feed_url).status_code == 404


def test_bulk_delete_in_the_admin_goes_through_the_service(client, coalition, members):
    chosen = list(
        Membership.objects.filter(
            coalition=coalition, role__in=[Role.DONOR, Role.OBSERVER]
        ).values_list("pk", flat=True)
    )
    root = _superuser()
    client.force_login(root)
    response = client.post(
        reverse("admin:coalitions_membership_changelist"),
        {"action": "delete_selected", "_selected_action": list(chosen), "post": "yes"},
    )
    assert response.status_code == 302
    assert not Membership.objects.filter(pk__in=chosen).exists()
    assert perms.permission_drift() == []
    for role in (Role.DONOR, Role.OBSERVER):
        assert perms.access_for(members[role], coalition).perms == frozenset()
    history = Membership.history.filter(id__in=chosen, history_type="-")
    assert [h.history_user for h in history] == [root, root]


def test_the_admin_cannot_delete_the_last_national_authority(client, coalition, members):
    membership = members[Role.NATIONAL_AUTHORITY].memberships.get(coalition=coalition)
    client.force_login(_superuser())
    client.post(
        reverse("admin:coalitions_membership_delete", args=[membership.pk]), {"post": "yes"}
    )
    assert Membership.objects.filter(pk=membership.pk).exists()
    assert perms.access_for(members[Role.NATIONAL_AUTHORITY], coalition).can(perms.VIEW)


def test_invitations_are_not_edited_in_the_admin_only_revoked_through_the_service(
    client, coalition, members
):
    from coalitions.models import Invitation
    from coalitions.services import invitation_create

    invitation = invitation_create(
        coalition=coalition,
        email="watcher@example.net",
        role=Role.OBSERVER,
        organisation=members[Role.OBSERVER].memberships.get().organisation,
        actor=members[Role.CHAMPION],
    )
    root = _superuser()
    client.force_login(root)
    change = reverse("admin:coalitions_invitation_change", args=[invitation.pk])
    page = client.get(change).content.decode()
    assert 'name="role"' not in page
    response = client.post(change, {"role": Role.FACILITATOR})
    assert response.status_code == 403
    assert client.get(reverse("admin:coalitions_invitation_add")).status_code == 403

    client.post(
        reverse("admin:coalitions_invitation_changelist"),
        {"action": "revoke", "_selected_action": [invitation.pk]},
    )
    invitation.refresh_from_db()
    assert invitation.role == Role.OBSERVER and invitation.revoked_at is not None
    assert Invitation.history.filter(id=invitation.pk).latest("history_date").history_user == root
