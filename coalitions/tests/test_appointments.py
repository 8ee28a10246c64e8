"""Who appoints whom: only the national authority gives the roles national authority, facilitator
and secretariat; the champion and the facilitator invite donors, operators and observers."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from coalitions import permissions as perms
from coalitions.models import Invitation, Role
from coalitions.services import invitation_create, membership_change_role
from coalitions.tests.factories import OrganisationFactory

pytestmark = pytest.mark.django_db

NA, CH, DO, OP, FA, SE, OB = (
    Role.NATIONAL_AUTHORITY,
    Role.CHAMPION,
    Role.DONOR,
    Role.OPERATOR,
    Role.FACILITATOR,
    Role.SECRETARIAT,
    Role.OBSERVER,
)


def test_the_table_says_what_design_says():
    assert perms.roles_given_by(NA) == frozenset(Role.values)
    assert perms.roles_given_by(CH) == perms.roles_given_by(FA) == {DO, OP, OB}
    for role in (DO, OP, SE, OB, None):
        assert perms.roles_given_by(role) == frozenset()
    # Only those who may invite give roles at all.
    for role in Role.values:
        assert bool(perms.roles_given_by(role)) == (
            perms.INVITE_MEMBERS in perms.ROLE_PERMISSIONS[role]
        )


def test_champion_inviting_a_facilitator_is_refused(coalition, members):
    with pytest.raises(ValidationError) as caught:
        invitation_create(
            coalition=coalition,
            email="second.address@example.net",
            role=FA,
            organisation=OrganisationFactory(),
            actor=members[CH],
        )
    assert "role" in caught.value.message_dict
    assert not Invitation.objects.exists()


@pytest.mark.parametrize("inviter", [NA, CH, FA])
@pytest.mark.parametrize("role", Role.values)
def test_each_inviter_gives_exactly_the_roles_of_the_table(coalition, members, inviter, role):
    organisation = (
        coalition.national_authority if role == NA else members[DO].memberships.get().organisation
    )
    allowed = role in perms.roles_given_by(inviter)
    try:
        invitation_create(
            coalition=coalition,
            email=f"{inviter}.{role}@example.net",
            role=role,
            organisation=organisation,
            actor=members[inviter],
        )
    except ValidationError as exc:
        assert not allowed, exc
    else:
        assert allowed


@pytest.mark.parametrize("inviter", [NA, CH, FA])
def test_the_invitation_form_offers_only_the_roles_the_inviter_may_give(
    client, coalition, members, inviter
):
    client.force_login(members[inviter])
    url = reverse("coalitions:invitation_new", args=[coalition.slug])
    form = client.get(url).context["form"]
    offered = {value for value, _label in form.fields["role"].choices if value}
    assert offered == perms.roles_given_by(inviter)


def test_champion_posting_a_facilitator_role_gets_an_error_and_no_invitation(
    client, coalition, members
):
    client.force_login(members[CH])
    response = client.post(
        reverse("coalitions:invitation_new", args=[coalition.slug]),
        {
            "email": "second.address@example.net",
            "role": FA,
            "organisation": members[CH].memberships.get().organisation_id,
        },
    )
    assert response.status_code == 200
    assert "role" in response.context["form"].errors
    assert not Invitation.objects.exists()


def test_member_form_offers_the_roles_the_authority_gives(client, coalition, members):
    membership = members[OB].memberships.get()
    client.force_login(members[NA])
    form = client.get(
        reverse("coalitions:member_edit", args=[coalition.slug, membership.pk])
    ).context["form"]
    assert {v for v, _l in form.fields["role"].choices if v} == perms.roles_given_by(NA)


def test_only_the_authority_changes_a_role_in_the_service(coalition, members):
    membership = members[OB].memberships.get()
    with pytest.raises(ValidationError):
        membership_change_role(membership=membership, role=FA, actor=members[CH])
    membership.refresh_from_db()
    assert membership.role == OB
    membership_change_role(membership=membership, role=SE, actor=members[NA])
    membership.refresh_from_db()
    assert membership.role == SE
