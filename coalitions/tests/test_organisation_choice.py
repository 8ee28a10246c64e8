"""Invitation and member forms choose among the coalition's organisations, or create one."""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse

from coalitions import permissions as perms
from coalitions.models import Invitation, Organisation, Role
from coalitions.services import (
    NewOrganisation,
    invitation_create,
    membership_change_role,
    membership_create,
)
from coalitions.tests.factories import CoalitionFactory, OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def foreign_organisation(db):
    """Another coalition's national authority (the Botswana Defence Force on Lebanon)."""
    return CoalitionFactory().national_authority


def test_organisation_names_are_unique_by_country_whatever_the_case(db):
    Organisation.objects.create(name="Mines Advisory Group", kind="operator", country="GB")
    Organisation.objects.create(name="Mines Advisory Group", kind="operator", country="LB")
    with pytest.raises(IntegrityError), transaction.atomic():
        Organisation.objects.create(name="MINES advisory group", kind="operator", country="GB")


def test_the_invitation_form_lists_only_the_coalitions_organisations(
    client, coalition, members, foreign_organisation
):
    client.force_login(members[Role.NATIONAL_AUTHORITY])
    form = client.get(reverse("coalitions:invitation_new", args=[coalition.slug])).context["form"]
    offered = set(form.fields["organisation"].queryset)
    expected = {m.organisation for m in coalition.memberships.all()}
    assert offered == expected
    assert foreign_organisation not in offered


def test_another_coalitions_organisation_is_refused_by_the_form_and_the_service(
    client, coalition, members, foreign_organisation
):
    client.force_login(members[Role.CHAMPION])
    response = client.post(
        reverse("coalitions:invitation_new", args=[coalition.slug]),
        {"email": "x@example.net", "role": Role.DONOR, "organisation": foreign_organisation.pk},
    )
    assert "organisation" in response.context["form"].errors
    with pytest.raises(ValidationError):
        invitation_create(
            coalition=coalition,
            email="x@example.net",
            role=Role.DONOR,
            organisation=foreign_organisation,
            actor=members[Role.CHAMPION],
        )
    assert not Invitation.objects.exists()


def test_a_new_organisation_is_created_with_the_invitation(client, coalition, members):
    client.force_login(members[Role.FACILITATOR])
    response = client.post(
        reverse("coalitions:invitation_new", args=[coalition.slug]),
        {
            "email": "deminer@example.net",
            "role": Role.OPERATOR,
            "new_organisation_name": "DanChurchAid",
            "new_organisation_kind": Organisation.Kind.OPERATOR,
            "new_organisation_country": "DK",
        },
    )
    assert response.status_code == 302
    invitation = Invitation.objects.get()
    assert (invitation.organisation.name, invitation.organisation.country) == ("DanChurchAid", "DK")
    assert invitation.organisation.history.get().history_user == members[Role.FACILITATOR]
    # From now on the new organisation is one of the coalition's.
    form = client.get(reverse("coalitions:invitation_new", args=[coalition.slug])).context["form"]
    assert invitation.organisation in form.fields["organisation"].queryset


def test_a_new_organisation_with_a_known_name_and_country_is_the_known_one(coalition, members):
    known = OrganisationFactory(name="Norwegian People's Aid", country="NO")
    invitation = invitation_create(
        coalition=coalition,
        email="npa@example.net",
        role=Role.OPERATOR,
        new_organisation=NewOrganisation(
            name="norwegian people's aid ", kind=Organisation.Kind.OPERATOR, country="NO"
        ),
        actor=members[Role.NATIONAL_AUTHORITY],
    )
    assert invitation.organisation == known
    assert Organisation.objects.filter(name__iexact="norwegian people's aid").count() == 1


def test_choosing_and_creating_an_organisation_at_once_is_an_error(client, coalition, members):
    client.force_login(members[Role.NATIONAL_AUTHORITY])
    url = reverse("coalitions:invitation_new", args=[coalition.slug])
    both = client.post(
        url,
        {
            "email": "a@example.net",
            "role": Role.DONOR,
            "organisation": members[Role.DONOR].memberships.get().organisation_id,
            "new_organisation_name": "Something new",
            "new_organisation_kind": Organisation.Kind.OTHER,
        },
    )
    assert both.context["form"].errors
    neither = client.post(url, {"email": "a@example.net", "role": Role.DONOR})
    assert neither.context["form"].errors
    half = client.post(url, {"email": "a@example.net", "role": Role.DONOR,
                             "new_organisation_name": "Only a name"})  # fmt: skip
    assert "new_organisation_kind" in half.context["form"].errors
    assert not Invitation.objects.exists()


@pytest.mark.parametrize("role", Role.values)
def test_only_the_national_authority_represents_the_authoritys_organisation(coalition, role):
    authority = coalition.national_authority
    assert perms.organisation_may_hold_role(
        coalition=coalition, organisation=authority, role=role
    ) == (role == Role.NATIONAL_AUTHORITY)
    assert perms.organisation_may_hold_role(
        coalition=coalition, organisation=OrganisationFactory(), role=role
    )


def test_a_low_role_on_the_authoritys_organisation_is_refused(coalition, members):
    authority = coalition.national_authority
    actor = members[Role.NATIONAL_AUTHORITY]
    with pytest.raises(ValidationError) as caught:
        invitation_create(
            coalition=coalition,
            email="low@example.net",
            role=Role.OPERATOR,
            organisation=authority,
            actor=actor,
        )
    assert "organisation" in caught.value.message_dict
    with pytest.raises(ValidationError):
        membership_create(
            coalition=coalition,
            user=UserFactory(),
            organisation=authority,
            role=Role.DONOR,
            actor=actor,
        )
    observer = members[Role.OBSERVER].memberships.get()
    with pytest.raises(ValidationError):
        membership_change_role(
            membership=observer, role=Role.OBSERVER, organisation=authority, actor=actor
        )
    # The authority's own people may still be invited.
    invitation_create(
        coalition=coalition,
        email="colleague@example.net",
        role=Role.NATIONAL_AUTHORITY,
        organisation=authority,
        actor=actor,
    )


def test_the_member_form_lists_only_the_coalitions_organisations(
    client, coalition, members, foreign_organisation
):
    membership = members[Role.OBSERVER].memberships.get()
    client.force_login(members[Role.NATIONAL_AUTHORITY])
    url = reverse("coalitions:member_edit", args=[coalition.slug, membership.pk])
    form = client.get(url).context["form"]
    assert foreign_organisation not in set(form.fields["organisation"].queryset)
    response = client.post(url, {"role": Role.OBSERVER, "organisation": foreign_organisation.pk})
    assert "organisation" in response.context["form"].errors
    membership.refresh_from_db()
    assert membership.organisation != foreign_organisation
