"""The owner of an action point: a person is enough (their organisation in the coalition is
taken), the suggestions for the person follow the organisation chosen, and a person of another
organisation is still refused by the server."""

import re

import pytest
from django.urls import reverse

from actions.models import ActionPoint
from coalitions.models import Role

pytestmark = pytest.mark.django_db


def _new(coalition):
    return reverse("actions:new", args=[coalition.slug])


def _post(client, coalition, **fields):
    data = {"title": "Share the survey", "due_date": "2027-03-01", "priority": "normal",
            "visibility": "members", **fields}  # fmt: skip
    return client.post(_new(coalition), data)


def test_a_person_alone_gives_the_owner_organisation(client, coalition, members):
    operator = members[Role.OPERATOR]
    client.force_login(members[Role.FACILITATOR])
    response = _post(client, coalition, owner=operator.pk, owner_organisation="")
    assert response.status_code == 302
    action_point = ActionPoint.objects.get()
    assert action_point.owner == operator
    assert action_point.owner_organisation == operator.memberships.get().organisation


def test_neither_organisation_nor_person_is_refused_with_a_clear_error(client, coalition, members):
    client.force_login(members[Role.FACILITATOR])
    response = _post(client, coalition, owner="", owner_organisation="")
    assert response.status_code == 200
    assert "Choose the owner organisation, or a person" in response.content.decode()
    assert not ActionPoint.objects.exists()


def test_a_person_of_another_organisation_is_still_refused(client, coalition, members):
    client.force_login(members[Role.FACILITATOR])
    response = _post(
        client,
        coalition,
        owner=members[Role.OPERATOR].pk,
        owner_organisation=coalition.national_authority.pk,
    )
    assert "This person represents another organisation" in response.content.decode()
    assert not ActionPoint.objects.exists()


def test_the_person_field_sends_the_organisation_with_its_search(client, coalition, members):
    client.force_login(members[Role.FACILITATOR])
    page = client.get(_new(coalition)).content.decode()
    person = re.search(r'<input[^>]*name="owner"[^>]*>', page).group(0)
    assert 'hx-include="#id_owner_organisation"' in person
    assert 'id="id_owner_organisation"' in page


def test_person_suggestions_follow_the_chosen_organisation(client, coalition, members):
    operator, donor = members[Role.OPERATOR], members[Role.DONOR]
    organisation = operator.memberships.get().organisation
    client.force_login(members[Role.FACILITATOR])
    search = reverse("coalitions:search", args=[coalition.slug, "people"])
    every = client.get(search, {"field": "owner", "owner": "e"}).content.decode()
    narrowed = client.get(
        search,
        {
            "field": "owner",
            "owner": "e",
            "owner_organisation": f"{organisation.name} (#{organisation.pk})",
        },
    ).content.decode()
    assert donor.name in every and operator.name in every
    assert operator.name in narrowed and donor.name not in narrowed
