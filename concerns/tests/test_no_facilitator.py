"""A coalition without a facilitator takes no concern: nobody would read it."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from coalitions import permissions as perms
from coalitions.models import Role
from coalitions.tests.factories import add_member
from concerns import services
from concerns.models import Concern

pytestmark = pytest.mark.django_db

SENDER_ROLES = sorted(perms.roles_with(perms.RAISE_CONCERN))


@pytest.fixture
def without_reader(coalition):
    """One person per role, except the roles that read concerns."""
    readers = perms.roles_with(perms.READ_CONCERNS)
    return {role: add_member(coalition, role) for role in Role.values if role not in readers}


@pytest.mark.parametrize("role", SENDER_ROLES)
def test_page_says_nobody_reads_and_shows_no_form(client, coalition, without_reader, role):
    client.force_login(without_reader[role])
    response = client.get(reverse("concerns:raise", args=[coalition.slug]))
    page = response.content.decode()
    assert response.status_code == 200
    assert "no facilitator yet" in page
    assert 'name="subject"' not in page and "Send to the facilitator" not in page


@pytest.mark.parametrize("role", SENDER_ROLES)
def test_post_is_refused_with_a_clear_message(client, coalition, without_reader, role):
    client.force_login(without_reader[role])
    response = client.post(
        reverse("concerns:raise", args=[coalition.slug]),
        {"subject": "Checkpoint delays", "text": "Teams wait for hours."},
    )
    assert response.status_code == 409
    assert "has no facilitator, so nobody could read a concern" in response.content.decode()
    assert not Concern.objects.exists()


def test_service_refuses_without_a_reader(coalition, without_reader):
    operator = without_reader[Role.OPERATOR]
    with pytest.raises(ValidationError, match="no facilitator"):
        services.concern_raise(
            coalition=coalition,
            actor=operator,
            organisation=operator.memberships.get(coalition=coalition).organisation,
            subject="Checkpoint delays",
            text="Teams wait for hours.",
        )
    assert not Concern.objects.exists()


def test_once_a_facilitator_is_appointed_the_form_comes_back(client, coalition, without_reader):
    add_member(coalition, Role.FACILITATOR)
    client.force_login(without_reader[Role.OPERATOR])
    response = client.post(
        reverse("concerns:raise", args=[coalition.slug]),
        {"subject": "Checkpoint delays", "text": "Teams wait for hours."},
    )
    assert response.status_code == 302
    assert Concern.objects.count() == 1
