import re
from datetime import timedelta

import pytest
from django.core import signing
from django.urls import reverse
from django.utils import timezone

from coalitions.models import Invitation, Membership, Role
from coalitions.services import (
    invitation_create,
    invitation_resend,
    invitation_revoke,
    invitation_token,
)
from coalitions.tests.factories import PASSWORD, UserFactory
from tests.fixtures import committed


def operator_organisation(coalition):
    """Invitations for low roles name one of the coalition's organisations other than the
    national authority's (which only the authority's own people represent)."""
    return coalition.memberships.get(role=Role.OPERATOR).organisation


def invite(coalition, inviter, email="newcomer@example.net", role=Role.OPERATOR):
    with committed():
        return invitation_create(
            coalition=coalition,
            email=email,
            role=role,
            organisation=operator_organisation(coalition),
            actor=inviter,
        )


def link_in(message) -> str:
    match = re.search(r"https?://\S+/invitations/(\S+?)/\s", message.text_body())
    assert match, message.text_body()
    return reverse("coalitions:invitation_open", args=[match.group(1)])


@pytest.mark.django_db
def test_champion_invites_through_the_form_and_the_mail_says_what_and_who(
    client, coalition, members, outbox_messages
):
    client.force_login(members[Role.CHAMPION])
    with committed():
        response = client.post(
            reverse("coalitions:invitation_new", args=[coalition.slug]),
            {
                "email": "Op.Erator@Example.net",
                "role": Role.OPERATOR,
                "organisation": operator_organisation(coalition).pk,
            },
        )
    assert response.status_code == 302
    invitation = Invitation.objects.get()
    assert invitation.email == "op.erator@example.net"
    assert invitation.sent_at is not None
    [message] = outbox_messages
    assert message.recipients == ["op.erator@example.net"]
    assert coalition.name in message.subject
    body = message.text_body()
    assert "Operator" in body and members[Role.CHAMPION].name in body
    assert str(invitation.expires_at.year) in body


@pytest.mark.django_db
def test_new_person_signs_up_from_the_link_and_lands_in_the_coalition(
    client, coalition, members, outbox_messages
):
    invite(coalition, members[Role.CHAMPION])
    url = link_in(outbox_messages.get())
    response = client.get(url)
    assert response.status_code == 200
    assert "Create an account" in response.content.decode()

    response = client.post(
        reverse("account_signup"),
        {
            "name": "Nadia Operator",
            "email": "newcomer@example.net",
            "timezone": "Asia/Beirut",
            "password1": PASSWORD,
            "password2": PASSWORD,
        },
    )
    # The invited address needs no second verification, and joining is one step: the person is
    # signed in and in the coalition, without a second "accept".
    assert response.status_code == 302, response.content.decode()[:2000]
    assert response["Location"] == reverse("coalitions:detail", args=[coalition.slug])
    membership = Membership.objects.get(user__email="newcomer@example.net")
    assert membership.role == Role.OPERATOR
    page = client.get(response["Location"])
    assert page.status_code == 200
    assert "You joined as Operator" in page.content.decode()
    # The link is used: opening it again says so.
    assert client.get(url).status_code == 410


@pytest.mark.django_db
def test_existing_person_signs_in_and_accepts(client, coalition, members, outbox_messages):
    person = UserFactory(email="known@example.net")
    invite(
        coalition,
        members[Role.FACILITATOR],
        email="known@example.net",
    )
    url = link_in(outbox_messages.get())
    assert "sign in to accept" in client.get(url).content.decode().lower()
    response = client.post(
        reverse("account_login"), {"login": "known@example.net", "password": PASSWORD}
    )
    assert response.status_code == 302 and response["Location"] == url
    client.post(url.rstrip("/") + "/accept/")
    assert Membership.objects.filter(user=person, coalition=coalition, role=Role.OPERATOR).exists()


@pytest.mark.django_db
def test_used_link_is_refused_the_second_time_and_creates_nothing(
    client, coalition, members, outbox_messages
):
    person = UserFactory(email="newcomer@example.net")
    invite(coalition, members[Role.CHAMPION])
    url = link_in(outbox_messages.get())
    client.force_login(person)
    client.post(url + "accept/")
    response = client.post(url + "accept/")
    assert response.status_code == 410
    assert "already been used" in response.content.decode()
    assert Membership.objects.filter(user=person).count() == 1


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("spoil", "status", "text"),
    [
        ("revoke", 410, "withdrawn"),
        ("expire", 410, "expired"),
        ("tamper", 404, "not valid"),
        ("resend", 404, "not valid"),
    ],
)
def test_unusable_link_gets_a_clear_page_and_creates_nothing(
    client, coalition, members, spoil, status, text
):
    person = UserFactory(email="newcomer@example.net")
    invitation = invite(coalition, members[Role.CHAMPION])
    token = invitation_token(invitation)
    if spoil == "revoke":
        invitation_revoke(invitation=invitation, actor=members[Role.CHAMPION])
    elif spoil == "expire":
        Invitation.objects.filter(pk=invitation.pk).update(
            expires_at=timezone.now() - timedelta(minutes=1)
        )
    elif spoil == "tamper":
        payload = signing.loads(token, salt="coalitions.invitation")
        token = signing.dumps({**payload, "i": payload["i"] + 1}, salt="x")
    elif spoil == "resend":
        invitation_resend(invitation=invitation, actor=members[Role.CHAMPION])
    client.force_login(person)
    url = reverse("coalitions:invitation_open", args=[token])
    for response in (client.get(url), client.post(url + "accept/")):
        assert response.status_code == status
        assert text in response.content.decode()
    assert not Membership.objects.filter(user=person).exists()


@pytest.mark.django_db
def test_wrong_signed_in_person_is_told_and_nothing_is_created(client, coalition, members):
    invitation = invite(coalition, members[Role.CHAMPION])
    stranger = UserFactory(email="someone.else@example.net")
    client.force_login(stranger)
    url = reverse("coalitions:invitation_open", args=[invitation_token(invitation)])
    response = client.get(url)
    assert "but this invitation is for newcomer@example.net" in response.content.decode()
    response = client.post(url + "accept/")
    assert response.status_code == 302
    assert not Membership.objects.filter(user=stranger).exists()
    invitation.refresh_from_db()
    assert invitation.accepted_at is None


@pytest.mark.django_db
def test_inviting_a_member_or_twice_is_refused_with_a_message(client, coalition, members):
    client.force_login(members[Role.CHAMPION])
    url = reverse("coalitions:invitation_new", args=[coalition.slug])
    data = {"role": Role.DONOR, "organisation": operator_organisation(coalition).pk}
    response = client.post(url, {**data, "email": members[Role.OBSERVER].email.upper()})
    assert "already a member" in response.content.decode()
    client.post(url, {**data, "email": "twice@example.net"})
    response = client.post(url, {**data, "email": "twice@example.net"})
    assert "already has a pending invitation" in response.content.decode()
    assert Invitation.objects.count() == 1


@pytest.mark.django_db
def test_bad_invitation_form_input_gets_errors_and_saves_nothing(client, coalition, members):
    client.force_login(members[Role.CHAMPION])
    url = reverse("coalitions:invitation_new", args=[coalition.slug])
    response = client.post(
        url, {"email": "not-an-address", "role": "emperor", "organisation": "999999"}
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "Enter a valid email address" in page
    assert "Select a valid choice" in page
    assert 'aria-invalid="true"' in page
    assert not Invitation.objects.exists()


@pytest.mark.django_db
def test_champion_cannot_hand_out_the_national_authority_role(client, coalition, members):
    client.force_login(members[Role.CHAMPION])
    response = client.post(
        reverse("coalitions:invitation_new", args=[coalition.slug]),
        {
            "email": "boss@example.net",
            "role": Role.NATIONAL_AUTHORITY,
            "organisation": coalition.national_authority.pk,
        },
    )
    assert "Select a valid choice" in response.content.decode()
    assert not Invitation.objects.exists()


@pytest.mark.django_db
def test_resend_and_revoke_from_the_pending_list(client, coalition, members, outbox_messages):
    invitation = invite(coalition, members[Role.CHAMPION])
    old_url = link_in(outbox_messages.get())
    client.force_login(members[Role.NATIONAL_AUTHORITY])
    with committed():
        client.post(reverse("coalitions:invitation_resend", args=[coalition.slug, invitation.pk]))
    assert outbox_messages.count() == 2
    new_url = link_in(outbox_messages.last())
    assert new_url != old_url
    assert client.get(old_url).status_code == 404
    revoke_url = reverse("coalitions:invitation_revoke", args=[coalition.slug, invitation.pk])
    assert "Revoke the invitation" in client.get(revoke_url).content.decode()
    client.post(revoke_url)
    invitation.refresh_from_db()
    assert invitation.revoked_at is not None
    assert client.get(new_url).status_code == 410


@pytest.mark.django_db
def test_history_records_who_invited_and_who_accepted(client, coalition, members):
    invitation = invite(coalition, members[Role.CHAMPION])
    person = UserFactory(email="newcomer@example.net")
    client.force_login(person)
    client.post(reverse("coalitions:invitation_accept", args=[invitation_token(invitation)]))
    users = list(
        invitation.history.order_by("history_date").values_list("history_user__email", flat=True)
    )
    assert users[0] == members[Role.CHAMPION].email
    assert users[-1] == person.email
