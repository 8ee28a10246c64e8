"""Starting a coalition from the browser: as its national authority, or as a champion proposing it
and awaiting the national authority."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from coalitions import permissions as perms
from coalitions.forms import InvitationForm
from coalitions.models import Coalition, Invitation, Membership, Organisation, Role
from coalitions.services import (
    NewOrganisation,
    coalition_start,
    invitation_accept,
    invitation_create,
    invitation_token,
    unique_slug,
)
from coalitions.tests.factories import CoalitionFactory, UserFactory, add_member
from coalitions.time_zones import suggested_time_zone, zones_by_country
from tests.fixtures import committed

pytestmark = pytest.mark.django_db

NEW = reverse("coalitions:new")


def form_data(**overrides) -> dict:
    data = {
        "name": "Country Coalition for Lebanon",
        "state_party": "LB",
        "description": "Clearance of cluster munition remnants in the south.",
        "cadence": Coalition.Cadence.QUARTERLY,
        "timezone": "",
        "role": Role.CHAMPION,
        "organisation_name": "Norway",
        "organisation_kind": Organisation.Kind.DONOR_STATE,
        "organisation_country": "NO",
        "authority_name": "Lebanon Mine Action Centre",
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def start_as_champion(user, **overrides) -> Coalition:
    fields = {
        "name": "Country Coalition for Lebanon",
        "state_party": "LB",
        "role": Role.CHAMPION,
        "organisation": NewOrganisation(name="Norway", kind="donor_state", country="NO"),
        "national_authority": NewOrganisation(
            name="Lebanon Mine Action Centre", kind="state_authority", country="LB"
        ),
        "actor": user,
    }
    fields.update(overrides)
    return coalition_start(**fields)


def test_a_champion_proposes_a_coalition_that_awaits_the_national_authority(client):
    champion = UserFactory()
    client.force_login(champion)
    response = client.post(NEW, form_data())
    coalition = Coalition.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("coalitions:checklist", args=[coalition.slug])
    assert coalition.awaiting_national_authority
    assert coalition.slug == "country-coalition-for-lebanon"
    assert coalition.timezone == "Asia/Beirut"  # suggested from the State Party
    assert coalition.cadence == Coalition.Cadence.QUARTERLY
    assert coalition.national_authority.name == "Lebanon Mine Action Centre"
    assert coalition.national_authority.country == "LB"
    assert coalition.national_authority.kind == Organisation.Kind.STATE_AUTHORITY
    assert [c.name for c in coalition.champions.all()] == ["Norway"]
    membership = Membership.objects.get(coalition=coalition)
    assert (membership.user, membership.role, membership.organisation.name) == (
        champion,
        Role.CHAMPION,
        "Norway",
    )
    assert perms.access_for(champion, coalition).perms == perms.ROLE_PERMISSIONS[Role.CHAMPION]
    # Every page of the coalition says what it awaits; the checklist says what to do first.
    page = client.get(response["Location"]).content.decode()
    assert "Awaiting the national authority" in page
    assert "Invite the national authority" in page
    assert reverse("coalitions:invitation_new", args=[coalition.slug]) + "?role=" in page
    home = client.get(reverse("coalitions:detail", args=[coalition.slug])).content.decode()
    assert "Awaiting the national authority" in home
    assert coalition.history.first().history_user == champion


def test_a_national_authority_starts_its_own_coalition_with_its_chosen_zone(client):
    authority = UserFactory()
    client.force_login(authority)
    response = client.post(
        NEW,
        form_data(
            role=Role.NATIONAL_AUTHORITY,
            organisation_name="Lebanon Mine Action Centre",
            organisation_kind=Organisation.Kind.STATE_AUTHORITY,
            organisation_country="LB",
            authority_name="",
            timezone="Europe/Paris",
            under_apmbc="on",
        ),
    )
    assert response.status_code == 302
    coalition = Coalition.objects.get()
    assert not coalition.awaiting_national_authority
    assert coalition.under_apmbc and coalition.timezone == "Europe/Paris"
    assert coalition.national_authority.name == "Lebanon Mine Action Centre"
    assert not coalition.champions.exists()
    assert Membership.objects.get(coalition=coalition).role == Role.NATIONAL_AUTHORITY
    page = client.get(response["Location"]).content.decode()
    assert "Awaiting the national authority" not in page
    assert reverse("obligations:new", args=[coalition.slug]) in page
    assert reverse("meetings:new", args=[coalition.slug]) in page


def test_known_organisations_are_reused_by_name_and_country_whatever_the_case(client):
    norway = Organisation.objects.create(name="Norway", kind="donor_state", country="NO")
    lmac = Organisation.objects.create(
        name="Lebanon Mine Action Centre", kind="state_authority", country="LB"
    )
    client.force_login(UserFactory())
    client.post(
        NEW,
        form_data(organisation_name="  NORWAY ", authority_name="lebanon  mine action centre"),
    )
    coalition = Coalition.objects.get()
    assert coalition.national_authority == lmac
    assert list(coalition.champions.all()) == [norway]
    assert Organisation.objects.count() == 2


def test_the_form_offers_the_organisation_the_person_joined_for_last(client, coalition, members):
    client.force_login(members[Role.OPERATOR])
    form = client.get(NEW).context["form"]
    assert (
        form["organisation_name"].value()
        == members[Role.OPERATOR].memberships.get().organisation.name
    )


@pytest.mark.parametrize(
    "overrides, field",
    [
        ({"name": ""}, "name"),
        ({"name": "x" * 201}, "name"),
        ({"state_party": ""}, "state_party"),
        ({"state_party": "XX"}, "state_party"),
        ({"role": ""}, "role"),
        ({"role": Role.OPERATOR}, "role"),
        ({"cadence": "monthly"}, "cadence"),
        ({"timezone": "Mars/Olympus"}, "timezone"),
        ({"organisation_name": ""}, "organisation_name"),
        ({"organisation_kind": ""}, "organisation_kind"),
        ({"organisation_country": "XX"}, "organisation_country"),
        ({"authority_name": ""}, "authority_name"),
        ({"authority_name": "Norway", "organisation_country": "LB"}, "authority_name"),
        ({"description": "x" * 5001}, "description"),
    ],
)
def test_bad_input_is_answered_on_its_field_and_creates_nothing(client, overrides, field):
    client.force_login(UserFactory())
    response = client.post(NEW, form_data(**overrides))
    assert response.status_code == 200
    assert response.context["form"].errors.get(field), response.context["form"].errors
    assert not Coalition.objects.exists()
    assert not Membership.objects.exists()


def test_an_empty_submission_is_answered_with_errors(client):
    client.force_login(UserFactory())
    response = client.post(NEW, {})
    assert response.status_code == 200
    assert {"name", "state_party", "role", "organisation_name"} <= set(
        response.context["form"].errors
    )


def test_sending_the_same_form_twice_starts_one_coalition(client):
    client.force_login(UserFactory())
    token = client.get(NEW).context["form"]["submission"].value()
    first = client.post(NEW, form_data(submission=token))
    second = client.post(NEW, form_data(submission=token))
    assert first["Location"] == second["Location"]
    assert Coalition.objects.count() == 1


def test_signed_out_people_are_sent_to_sign_in():
    from django.test import Client

    response = Client().get(NEW)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert Client().post(NEW, form_data()).status_code == 302
    assert not Coalition.objects.exists()


def test_the_checklist_is_for_members_only(client, coalition, members, outsider):
    url = reverse("coalitions:checklist", args=[coalition.slug])
    client.force_login(outsider)
    assert client.get(url).status_code == 404
    client.force_login(UserFactory(is_staff=True))
    assert client.get(url).status_code == 404
    client.force_login(members[Role.OBSERVER])
    page = client.get(url)
    assert page.status_code == 200
    # An observer sees the steps, with no link to what it may not do.
    assert reverse("coalitions:invitation_new", args=[coalition.slug]) not in page.content.decode()


def test_slugs_are_unique_and_never_a_page_of_their_own():
    CoalitionFactory(slug="lebanon")
    assert unique_slug(name="Lebanon", state_party="LB") == "lebanon-2"
    assert unique_slug(name="New", state_party="LB") == "new-2"
    assert unique_slug(name="لبنان", state_party="LB") == "lb"
    assert len(unique_slug(name="y" * 200, state_party="LB")) <= 60


def test_the_champion_invites_the_named_authority_who_joins_and_owns_the_coalition():
    champion = UserFactory()
    coalition = start_as_champion(champion)
    # While awaiting, the champion gives the national authority role too, for the named authority.
    assert Role.NATIONAL_AUTHORITY in perms.roles_given_by(Role.CHAMPION, coalition=coalition)
    form = InvitationForm(coalition=coalition, inviter_role=Role.CHAMPION)
    assert Role.NATIONAL_AUTHORITY in dict(form.fields["role"].choices)
    with pytest.raises(ValidationError) as refused:
        invitation_create(
            coalition=coalition,
            email="someone@example.net",
            role=Role.NATIONAL_AUTHORITY,
            new_organisation=NewOrganisation(name="Another Centre", kind="state_authority"),
            actor=champion,
        )
    assert "organisation" in refused.value.message_dict
    with committed():
        invitation = invitation_create(
            coalition=coalition,
            email="director@lmac.example.net",
            role=Role.NATIONAL_AUTHORITY,
            organisation=coalition.national_authority,
            actor=champion,
        )
    director = UserFactory(email="director@lmac.example.net")
    invitation_accept(token=invitation_token(invitation), user=director)
    coalition.refresh_from_db()
    assert not coalition.awaiting_national_authority
    # The authority now appoints; the champion is back to its own table.
    assert Role.NATIONAL_AUTHORITY not in perms.roles_given_by(Role.CHAMPION, coalition=coalition)
    assert perms.access_for(director, coalition).can(perms.MANAGE_OBLIGATIONS)


def test_a_coalition_awaiting_its_authority_holds_no_obligations():
    from datetime import date

    from obligations.services import obligation_create

    champion = UserFactory()
    coalition = start_as_champion(champion)
    with pytest.raises(ValidationError):
        obligation_create(
            coalition=coalition, article=4, entry_into_force=date(2011, 5, 1), actor=champion
        )


def test_no_one_else_gives_the_authority_role_in_an_awaiting_coalition():
    coalition = start_as_champion(UserFactory())
    operator = add_member(coalition, Role.OPERATOR)
    facilitator = add_member(coalition, Role.FACILITATOR)
    for person in (operator, facilitator):
        with pytest.raises(ValidationError):
            invitation_create(
                coalition=coalition,
                email=f"x{person.pk}@example.net",
                role=Role.NATIONAL_AUTHORITY,
                organisation=coalition.national_authority,
                actor=person,
            )
    assert not Invitation.objects.exists()


def test_starting_as_another_role_or_for_the_same_organisation_is_refused():
    user = UserFactory()
    with pytest.raises(ValidationError) as refused:
        start_as_champion(user, role=Role.OBSERVER)
    assert "role" in refused.value.message_dict
    with pytest.raises(ValidationError) as refused:
        start_as_champion(
            user,
            national_authority=NewOrganisation(name="norway", kind="state_authority", country="NO"),
        )
    assert "authority_name" in refused.value.message_dict
    assert not Coalition.objects.exists()


def test_every_country_zone_is_a_known_zone():
    import zoneinfo

    known = zoneinfo.available_timezones()
    table = zones_by_country()
    assert len(table) > 200
    assert all(zone in known for zones in table.values() for zone in zones)
    assert suggested_time_zone("lb") == "Asia/Beirut"
    assert suggested_time_zone("") == "UTC"
