"""Every coalition page for each role, an outsider and an anonymous visitor."""

import pytest
from django.urls import reverse

from coalitions.models import Role
from coalitions.permissions import ROLE_PERMISSIONS, access_for
from coalitions.services import invitation_create

NA, CH, DO, OP, FA, SE, OB = (
    Role.NATIONAL_AUTHORITY,
    Role.CHAMPION,
    Role.DONOR,
    Role.OPERATOR,
    Role.FACILITATOR,
    Role.SECRETARIAT,
    Role.OBSERVER,
)
EVERYONE = set(Role.values)
INVITERS = {NA, CH, FA}


def page_urls(coalition, member_pk, invitation_pk):
    slug = coalition.slug
    return {
        "home": (reverse("coalitions:detail", args=[slug]), EVERYONE),
        "members": (reverse("coalitions:members", args=[slug]), EVERYONE),
        "member_edit": (reverse("coalitions:member_edit", args=[slug, member_pk]), {NA}),
        "member_remove": (reverse("coalitions:member_remove", args=[slug, member_pk]), {NA}),
        "invitations": (reverse("coalitions:invitations", args=[slug]), INVITERS),
        "invitation_new": (reverse("coalitions:invitation_new", args=[slug]), INVITERS),
        "invitation_revoke": (
            reverse("coalitions:invitation_revoke", args=[slug, invitation_pk]),
            INVITERS,
        ),
    }


@pytest.fixture
def pages(coalition, members):
    observer_membership = members[OB].memberships.get(coalition=coalition)
    invitation = invitation_create(
        coalition=coalition,
        email="new.person@example.net",
        role=OP,
        organisation=members[OP].memberships.get().organisation,
        actor=members[NA],
    )
    return page_urls(coalition, observer_membership.pk, invitation.pk)


@pytest.mark.django_db
@pytest.mark.parametrize("role", Role.values)
def test_each_role_is_allowed_or_refused_on_every_page(client, pages, members, role):
    client.force_login(members[role])
    for name, (url, allowed) in pages.items():
        response = client.get(url)
        expected = 200 if role in allowed else 403
        assert response.status_code == expected, f"{role} on {name}: {response.status_code}"


@pytest.mark.django_db
def test_outsider_gets_404_and_sees_nothing_of_the_coalition(client, pages, coalition, outsider):
    client.force_login(outsider)
    for name, (url, _allowed) in pages.items():
        response = client.get(url)
        assert response.status_code == 404, name
        assert coalition.name not in response.content.decode(), name


@pytest.mark.django_db
def test_anonymous_visitor_is_sent_to_sign_in(client, pages):
    for name, (url, _allowed) in pages.items():
        response = client.get(url)
        assert response.status_code == 302, name
        assert response["Location"].startswith(reverse("account_login")), name


@pytest.mark.django_db
def test_outsider_cannot_post_to_resend_an_invitation(client, coalition, members, outsider):
    invitation = invitation_create(
        coalition=coalition,
        email="x@example.net",
        role=OB,
        organisation=members[OP].memberships.get().organisation,
        actor=members[NA],
    )
    client.force_login(outsider)
    url = reverse("coalitions:invitation_resend", args=[coalition.slug, invitation.pk])
    assert client.post(url).status_code == 404
    client.force_login(members[DO])
    assert client.post(url).status_code == 403


@pytest.mark.django_db
def test_role_permissions_are_what_guardian_holds(coalition, members):
    for role, user in members.items():
        assert access_for(user, coalition).perms == ROLE_PERMISSIONS[role]


@pytest.mark.django_db
def test_concerns_are_for_the_facilitator_only(coalition, members):
    readers = {
        role for role, user in members.items() if access_for(user, coalition).can("read_concerns")
    }
    assert readers == {FA}


@pytest.mark.django_db
def test_membership_in_one_coalition_gives_nothing_in_another(coalition, members, outsider):
    assert access_for(outsider, coalition).perms == frozenset()
    assert access_for(members[NA], outsider.memberships.get().coalition).perms == frozenset()
