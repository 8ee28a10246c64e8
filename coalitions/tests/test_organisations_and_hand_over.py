"""Organisations added to a coalition on their own (never twice by name and country), and the
national authority handing its role to a colleague in one step."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from coalitions import permissions as perms
from coalitions.models import HandOver, Membership, Organisation, Role
from coalitions.selectors import coalition_organisations
from coalitions.services import (
    OrganisationExistsError,
    coalition_archive,
    membership_hand_over,
    organisation_add,
    organisation_create,
)
from coalitions.tests.factories import (
    CoalitionFactory,
    OrganisationFactory,
    UserFactory,
    add_member,
)
from mail.models import MailStatus

pytestmark = pytest.mark.django_db

NA = Role.NATIONAL_AUTHORITY
INVITERS = sorted(perms.roles_with(perms.INVITE_MEMBERS))
NOT_INVITERS = sorted(set(Role.values) - set(INVITERS))


def new_url(coalition) -> str:
    return reverse("coalitions:organisation_new", args=[coalition.slug])


def hand_over_url(coalition) -> str:
    return reverse("coalitions:hand_over", args=[coalition.slug])


def organisation_data(**overrides) -> dict:
    data = {
        "name": "Mines Advisory Group",
        "short_name": "MAG",
        "kind": "operator",
        "country": "GB",
    }
    data.update(overrides)
    return data


# Organisations on their own -----------------------------------------------------------------------


@pytest.mark.parametrize("role", INVITERS)
def test_those_who_invite_add_an_organisation_that_inviters_can_then_choose(
    client, coalition, members, role
):
    client.force_login(members[role])
    assert client.get(new_url(coalition)).status_code == 200
    response = client.post(new_url(coalition), organisation_data(name="  Mines   Advisory Group "))
    assert response.status_code == 302
    assert response["Location"] == reverse("coalitions:organisations", args=[coalition.slug])
    added = Organisation.objects.get(short_name="MAG")
    assert added.name == "Mines Advisory Group" and added.country.code == "GB"
    assert added.history.get().history_user == members[role]
    assert coalition_organisations(coalition=coalition).filter(pk=added.pk).exists()
    page = client.get(reverse("coalitions:organisations", args=[coalition.slug]))
    assert "Mines Advisory Group" in page.content.decode()


@pytest.mark.parametrize("role", NOT_INVITERS)
def test_members_who_do_not_invite_cannot_add_organisations(client, coalition, members, role):
    client.force_login(members[role])
    assert client.get(new_url(coalition)).status_code == 403
    assert client.post(new_url(coalition), organisation_data()).status_code == 403
    assert not Organisation.objects.filter(short_name="MAG").exists()


def test_outsiders_and_staff_get_404_on_the_new_organisation_page(client, coalition, outsider):
    for person in (outsider, UserFactory(is_staff=True)):
        client.force_login(person)
        assert client.get(new_url(coalition)).status_code == 404
        assert client.post(new_url(coalition), organisation_data()).status_code == 404
    assert not Organisation.objects.filter(short_name="MAG").exists()


@pytest.mark.parametrize(
    "overrides, field",
    [
        ({"name": ""}, "name"),
        ({"name": "   "}, "name"),
        ({"name": "x" * 201}, "name"),
        ({"short_name": "x" * 41}, "short_name"),
        ({"kind": ""}, "kind"),
        ({"kind": "ngo"}, "kind"),
        ({"country": "XX"}, "country"),
    ],
)
def test_bad_organisations_are_answered_on_their_field(
    client, coalition, members, overrides, field
):
    client.force_login(members[NA])
    before = Organisation.objects.count()
    response = client.post(new_url(coalition), organisation_data(**overrides))
    assert response.status_code == 200
    assert response.context["form"].errors.get(field), response.context["form"].errors
    assert Organisation.objects.count() == before


def test_a_twin_by_name_and_country_is_refused_naming_the_one_that_exists(
    client, coalition, members
):
    known = organisation_create(
        name="Mines Advisory Group", short_name="MAG", kind="operator", country="GB", actor=None
    )
    client.force_login(members[NA])
    response = client.post(
        new_url(coalition), organisation_data(name="mines  ADVISORY group ", short_name="M.A.G.")
    )
    assert response.status_code == 200
    errors = response.context["form"].errors["name"]
    assert "Mines Advisory Group (MAG), Operator, United Kingdom" in errors[0]
    page = response.content.decode()
    assert f'data-existing="{known.pk}"' in page
    assert Organisation.objects.filter(name__iexact="mines advisory group").count() == 1
    # The page offers to use the one that exists: it joins the coalition's list, nothing is made.
    assert not coalition_organisations(coalition=coalition).filter(pk=known.pk).exists()
    response = client.post(
        new_url(coalition), organisation_data(name="mines  ADVISORY group ", use_existing="on")
    )
    assert response.status_code == 302
    assert coalition_organisations(coalition=coalition).filter(pk=known.pk).exists()
    assert Organisation.objects.filter(name__iexact="mines advisory group").count() == 1
    # Once listed, the page says so instead of offering it again.
    page = client.post(new_url(coalition), organisation_data()).content.decode()
    assert "already among this coalition" in page


def test_the_same_name_in_another_country_is_another_organisation(coalition, members):
    organisation_create(name="Red Cross", kind="other", country="LB", actor=None)
    other = organisation_add(
        coalition=coalition, name="red cross", kind="other", country="ME", actor=members[NA]
    )
    assert other.country.code == "ME"
    with pytest.raises(OrganisationExistsError) as refused:
        organisation_add(
            coalition=coalition, name="RED  CROSS", kind="other", country="ME", actor=members[NA]
        )
    assert refused.value.organisation == other


def test_renaming_an_organisation_into_a_twin_points_at_the_existing_one(
    client, coalition, members
):
    known = organisation_create(name="Halo Trust", kind="operator", country="", actor=None)
    mine = organisation_add(
        coalition=coalition, name="The Halo", kind="operator", country="", actor=members[NA]
    )
    client.force_login(members[NA])
    response = client.post(
        reverse("coalitions:organisation_edit", args=[coalition.slug, mine.pk]),
        {"name": " halo  trust", "short_name": "", "kind": "operator", "country": ""},
    )
    assert response.status_code == 200
    assert known.name in response.context["form"].errors["name"][0]


def test_no_organisation_is_added_to_an_archived_coalition(coalition, members):
    coalition_archive(coalition=coalition, actor=members[NA])
    coalition.refresh_from_db()
    with pytest.raises(ValidationError):
        organisation_add(coalition=coalition, name="Late", kind="other", actor=members[NA])
    assert not Organisation.objects.filter(name="Late").exists()


# Handing over the national authority's role ------------------------------------------------------


@pytest.fixture
def colleague(coalition, members):
    """A colleague of the authority's organisation, met in another coalition both belong to."""
    elsewhere = CoalitionFactory(national_authority=coalition.national_authority)
    add_member(elsewhere, NA, user=members[NA])
    return add_member(elsewhere, NA, organisation=coalition.national_authority)


def test_the_authority_hands_its_role_to_a_colleague_in_one_step(
    client, coalition, members, colleague, outbox_messages, django_capture_on_commit_callbacks
):
    giver = members[NA]
    client.force_login(giver)
    page = client.get(hand_over_url(coalition))
    assert page.status_code == 200 and colleague.email in page.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            hand_over_url(coalition), {"colleague": colleague.pk, "confirm": "on"}
        )
    assert response.status_code == 302
    theirs = Membership.objects.get(coalition=coalition, user=colleague)
    assert theirs.role == NA and theirs.organisation == coalition.national_authority
    assert perms.access_for(colleague, coalition).can(perms.MANAGE_COALITION)
    assert not Membership.objects.filter(coalition=coalition, user=giver).exists()
    assert perms.access_for(giver, coalition).perms == frozenset()
    # Recorded as other role changes are: history rows with the person who acted.
    assert theirs.history.first().history_user == giver
    assert Membership.history.filter(user=giver, coalition=coalition).first().history_type == "-"
    assert Membership.history.filter(user=giver, coalition=coalition).first().history_user == giver
    hand_over = HandOver.objects.get()
    assert (hand_over.from_user, hand_over.to_user) == (giver, colleague)
    assert hand_over.status == MailStatus.SENT
    mail = outbox_messages.get(to__icontains=colleague.email)
    assert coalition.name in mail.subject
    assert "/coalitions/" + coalition.slug in mail.text_body()


def test_a_colleague_already_in_the_coalition_takes_the_role_over(coalition, members):
    """A colleague of the giver's organisation, when that is not the coalition's named authority,
    may hold another role; they become the national authority."""
    ministry = OrganisationFactory(kind=Organisation.Kind.STATE_AUTHORITY)
    giver = add_member(coalition, NA, organisation=ministry)
    colleague = add_member(coalition, Role.OBSERVER, organisation=ministry)
    membership_hand_over(
        membership=giver.memberships.get(coalition=coalition), to_user=colleague, actor=giver
    )
    assert Membership.objects.get(coalition=coalition, user=colleague).role == NA
    assert perms.access_for(colleague, coalition).can(perms.MANAGE_MEMBERS)


def test_the_coalition_is_never_without_its_authority_and_only_colleagues_take_over(
    coalition, members, colleague
):
    giver = members[NA]
    membership = giver.memberships.get(coalition=coalition)
    refused = [
        members[Role.CHAMPION],  # a member for another organisation
        giver,  # oneself
        UserFactory(),  # a stranger
    ]
    stranger_colleague = add_member(
        CoalitionFactory(), NA, organisation=coalition.national_authority
    )
    refused.append(stranger_colleague)  # of the organisation, but in no coalition the giver sees
    for person in refused:
        with pytest.raises(ValidationError):
            membership_hand_over(membership=membership, to_user=person, actor=giver)
    assert coalition.memberships.filter(role=NA).get().user == giver
    assert not HandOver.objects.exists()
    with pytest.raises(ValidationError):
        membership_hand_over(membership=membership, to_user=colleague, actor=members[Role.CHAMPION])


@pytest.mark.parametrize("role", [r for r in Role.values if r != NA])
def test_other_members_cannot_open_or_send_the_hand_over(client, coalition, members, role):
    client.force_login(members[role])
    assert client.get(hand_over_url(coalition)).status_code == 403
    response = client.post(
        hand_over_url(coalition), {"colleague": members[role].pk, "confirm": "on"}
    )
    assert response.status_code == 403
    assert coalition.memberships.get(role=NA).user == members[NA]


def test_outsiders_and_staff_get_404_on_the_hand_over(client, coalition, members, outsider):
    for person in (outsider, UserFactory(is_staff=True)):
        client.force_login(person)
        assert client.get(hand_over_url(coalition)).status_code == 404
        assert client.post(hand_over_url(coalition), {"confirm": "on"}).status_code == 404


@pytest.mark.parametrize(
    "data, field",
    [
        ({"confirm": "on"}, "colleague"),
        ({"colleague": "", "confirm": "on"}, "colleague"),
        ({"colleague": "abc", "confirm": "on"}, "colleague"),
        ({"colleague": "999999999", "confirm": "on"}, "colleague"),
        ({"colleague": "COLLEAGUE"}, "confirm"),
        ({"colleague": "OTHER", "confirm": "on"}, "colleague"),
    ],
)
def test_a_bad_hand_over_is_answered_on_its_field(
    client, coalition, members, colleague, data, field
):
    values = {"COLLEAGUE": str(colleague.pk), "OTHER": str(members[Role.OPERATOR].pk)}
    data = {key: values.get(value, value) for key, value in data.items()}
    client.force_login(members[NA])
    response = client.post(hand_over_url(coalition), data)
    assert response.status_code == 200
    assert response.context["form"].errors.get(field)
    assert coalition.memberships.get(role=NA).user == members[NA]


def test_without_a_known_colleague_the_page_offers_the_invitation(client, coalition, members):
    client.force_login(members[NA])
    page = client.get(hand_over_url(coalition)).content.decode()
    assert reverse("coalitions:invitation_new", args=[coalition.slug]) + "?role=" in page


def test_an_archived_coalition_is_not_handed_over(client, coalition, members, colleague):
    coalition_archive(coalition=coalition, actor=members[NA])
    coalition.refresh_from_db()
    client.force_login(members[NA])
    assert client.get(hand_over_url(coalition)).status_code == 403
    with pytest.raises(ValidationError):
        membership_hand_over(
            membership=members[NA].memberships.get(coalition=coalition),
            to_user=colleague,
            actor=members[NA],
        )
