"""Leaving a coalition (not as its last national authority), the coalition's organisations kept
right by the national authority, and joining in one step with the language kept."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from coalitions import permissions as perms
from coalitions.models import Membership, Organisation, Role
from coalitions.services import (
    invitation_create,
    invitation_token,
    membership_leave,
    organisation_update,
)
from coalitions.tests.factories import PASSWORD, CoalitionFactory, UserFactory, add_member
from tests.fixtures import committed
from users.models import User

pytestmark = pytest.mark.django_db

NA = Role.NATIONAL_AUTHORITY


@pytest.mark.parametrize("role", [r for r in Role.values if r != NA])
def test_a_member_leaves_and_sees_the_coalition_no_more(client, coalition, members, role):
    person = members[role]
    client.force_login(person)
    url = reverse("coalitions:leave", args=[coalition.slug])
    assert client.get(url).status_code == 200
    response = client.post(url)
    assert response["Location"] == reverse("coalitions:today")
    assert not Membership.objects.filter(user=person, coalition=coalition).exists()
    assert perms.access_for(person, coalition).perms == frozenset()
    assert client.get(reverse("coalitions:detail", args=[coalition.slug])).status_code == 404


def test_the_last_national_authority_cannot_leave_and_is_shown_how_to_hand_over(
    client, coalition, members
):
    client.force_login(members[NA])
    response = client.post(reverse("coalitions:leave", args=[coalition.slug]))
    assert response.status_code == 200
    page = response.content.decode()
    assert "at least one member of the national authority" in page
    assert reverse("coalitions:invitation_new", args=[coalition.slug]) + "?role=" in page
    assert Membership.objects.filter(user=members[NA], coalition=coalition).exists()
    # With a colleague of its organisation as national authority, it hands over and leaves.
    colleague = add_member(coalition, NA)
    membership_leave(membership=members[NA].memberships.get(), actor=members[NA])
    assert coalition.memberships.filter(role=NA).get().user == colleague


def test_nobody_leaves_for_someone_else_and_outsiders_get_404(client, coalition, members, outsider):
    with pytest.raises(ValidationError):
        membership_leave(
            membership=members[Role.OPERATOR].memberships.get(), actor=members[Role.CHAMPION]
        )
    client.force_login(outsider)
    assert client.post(reverse("coalitions:leave", args=[coalition.slug])).status_code == 404
    client.force_login(UserFactory(is_staff=True))
    assert client.post(reverse("coalitions:leave", args=[coalition.slug])).status_code == 404


def test_every_member_sees_the_organisations_and_only_the_authority_edits(
    client, coalition, members
):
    operator_org = members[Role.OPERATOR].memberships.get().organisation
    edit = reverse("coalitions:organisation_edit", args=[coalition.slug, operator_org.pk])
    for role, person in members.items():
        client.force_login(person)
        page = client.get(reverse("coalitions:organisations", args=[coalition.slug]))
        assert page.status_code == 200 and operator_org.name in page.content.decode()
        if role != NA:
            assert client.get(edit).status_code == 403
            assert client.post(edit, {"name": "X", "kind": "other"}).status_code == 403
    client.force_login(members[NA])
    response = client.post(
        edit,
        {
            "name": "Norwegian People's Aid",
            "short_name": "NPA",
            "kind": "operator",
            "country": "NO",
        },
    )
    assert response.status_code == 302
    operator_org.refresh_from_db()
    assert (operator_org.name, operator_org.short_name, operator_org.country) == (
        "Norwegian People's Aid",
        "NPA",
        "NO",
    )


def test_an_organisation_of_another_coalition_is_not_editable_there(client, coalition, members):
    elsewhere = CoalitionFactory()
    client.force_login(members[NA])
    url = reverse(
        "coalitions:organisation_edit", args=[coalition.slug, elsewhere.national_authority.pk]
    )
    assert client.get(url).status_code == 404


def test_an_organisation_shared_with_a_coalition_the_authority_does_not_run_is_left_to_staff(
    coalition, members
):
    shared = members[Role.DONOR].memberships.get().organisation
    add_member(CoalitionFactory(), Role.DONOR, organisation=shared)
    with pytest.raises(ValidationError):
        organisation_update(
            organisation=shared, coalition=coalition, actor=members[NA], name="Renamed"
        )


@pytest.mark.parametrize(
    "data, field",
    [
        ({"name": ""}, "name"),
        ({"name": "x" * 201}, "name"),
        ({"kind": "pirate"}, "kind"),
        ({"country": "XX"}, "country"),
        ({"short_name": "x" * 41}, "short_name"),
        ({"name": "Twin"}, "name"),  # a duplicate by name and country, whatever the case
    ],
)
def test_bad_organisation_input_is_answered_on_its_field(client, coalition, members, data, field):
    Organisation.objects.create(name="TWIN", kind="other", country="")
    operator_org = members[Role.OPERATOR].memberships.get().organisation
    before = operator_org.name
    client.force_login(members[NA])
    response = client.post(
        reverse("coalitions:organisation_edit", args=[coalition.slug, operator_org.pk]),
        {"name": "Fine name", "kind": "operator", "country": "", **data},
    )
    assert response.status_code == 200
    assert response.context["form"].errors.get(field), response.context["form"].errors
    operator_org.refresh_from_db()
    assert operator_org.name == before


def test_someone_who_signs_up_from_an_invitation_is_in_at_once(client, coalition, members):
    with committed():
        invitation = invitation_create(
            coalition=coalition,
            email="newcomer@example.net",
            role=Role.OBSERVER,
            organisation=members[Role.DONOR].memberships.get().organisation,
            actor=members[NA],
        )
    link = reverse("coalitions:invitation_open", args=[invitation_token(invitation)])
    client.get(link)
    response = client.post(
        reverse("account_signup"),
        {
            "name": "New Person",
            "email": "newcomer@example.net",
            "timezone": "Asia/Beirut",
            "password1": PASSWORD,
            "password2": PASSWORD,
        },
    )
    assert response["Location"] == reverse("coalitions:detail", args=[coalition.slug])
    assert Membership.objects.get(user__email="newcomer@example.net").role == Role.OBSERVER


def test_signing_up_without_an_invitation_joins_nothing(client):
    response = client.post(
        reverse("account_signup"),
        {
            "name": "Alone",
            "email": "alone@example.net",
            "timezone": "UTC",
            "password1": PASSWORD,
            "password2": PASSWORD,
        },
    )
    assert response.status_code == 302
    assert not Membership.objects.exists()


def test_the_signup_form_asks_the_browser_for_its_zone(client):
    page = client.get(reverse("account_signup")).content.decode()
    assert "data-browser-zone" in page


def test_the_language_chosen_in_the_header_is_kept_and_applied_at_sign_in(client):
    person = UserFactory(email="lang@example.net")
    client.force_login(person)
    response = client.post(reverse("set_language"), {"language": "fr", "next": "/today/"})
    assert response.status_code == 302
    person.refresh_from_db()
    assert person.preferred_language == "fr"
    # An unknown language changes nothing.
    client.post(reverse("set_language"), {"language": "xx", "next": "/today/"})
    person.refresh_from_db()
    assert person.preferred_language == "fr"
    # Signing in again, from a browser with no language cookie, gives French again.
    client.logout()
    client.cookies.clear()
    response = client.post(
        reverse("account_login"), {"login": "lang@example.net", "password": PASSWORD}
    )
    assert response.cookies["django_language"].value == "fr"
    assert 'lang="fr"' in client.get(reverse("coalitions:today")).content.decode()
    assert User.objects.get(pk=person.pk).preferred_language == "fr"
