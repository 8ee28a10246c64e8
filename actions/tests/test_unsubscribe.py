import re
import time
from datetime import date

import pytest
from django.core import signing
from django.urls import reverse

from actions.models import NotificationPreference
from actions.reminders.recording import reminder_sweep
from actions.selectors import notification_cadence
from actions.services import notification_preference_set, unsubscribe
from actions.tests.factories import make_action_point
from actions.unsubscribe import (
    UNSUBSCRIBE_SALT,
    UNSUBSCRIBE_VALID_DAYS,
    UnsubscribeLinkError,
    unsubscribe_payload,
    unsubscribe_token,
)
from coalitions.models import Membership, Role
from coalitions.services import (
    INVITATION_SALT,
    InvitationLinkError,
    invitation_create,
    invitation_from_token,
    membership_remove,
)
from coalitions.tests.factories import CoalitionFactory, add_member
from meetings.services import FEED_SALT

pytestmark = pytest.mark.django_db


def test_every_reminder_carries_a_signed_link_and_list_unsubscribe_header(
    coalition, members, outbox_messages, django_capture_on_commit_callbacks
):
    from datetime import UTC, datetime

    make_action_point(coalition, owner=members[Role.OPERATOR], due_date=date(2026, 6, 1))
    with django_capture_on_commit_callbacks(execute=True):
        reminder_sweep(now=datetime(2026, 6, 2, 9, tzinfo=UTC))
    message = outbox_messages.get()
    # The token carries the time it was signed, so read it from the mail rather than remaking it.
    prefix = reverse("actions:unsubscribe", args=["TOKEN"]).split("TOKEN")[0]
    token = re.search(re.escape(prefix) + r"([^/\s\"]+)/", message.text_body()).group(1)
    assert unsubscribe_payload(token) == (members[Role.OPERATOR].pk, coalition.pk, "action_points")
    link = reverse("actions:unsubscribe", args=[token])
    assert link in message.text_body()
    assert link in message.html_body()
    raw = message.raw.decode()
    assert "List-Unsubscribe:" in raw and "List-Unsubscribe-Post: List-Unsubscribe=One-Click" in raw


def test_valid_link_unsubscribes_without_signing_in_and_changes_only_that_preference(
    client, coalition, members
):
    operator = members[Role.OPERATOR]
    other = CoalitionFactory()
    add_member(other, Role.OPERATOR, user=operator)
    notification_preference_set(user=operator, coalition=other, cadence="daily")
    link = reverse(
        "actions:unsubscribe",
        args=[unsubscribe_token(user_id=operator.pk, coalition_id=coalition.pk)],
    )
    response = client.get(link)
    assert response.status_code == 200 and "Stop these mails?" in response.content.decode()
    assert notification_cadence(user=operator, coalition=coalition) == "immediate"
    response = client.post(link)
    assert "You are unsubscribed" in response.content.decode()
    assert notification_cadence(user=operator, coalition=coalition) == "none"
    assert notification_cadence(user=operator, coalition=other) == "daily"
    assert NotificationPreference.objects.count() == 2


def test_tampered_link_changes_nothing(client, coalition, members):
    operator = members[Role.OPERATOR]
    token = unsubscribe_token(user_id=operator.pk, coalition_id=coalition.pk)
    payload, rest = token.split(":", 1)
    forged = signing.b64_encode(
        b'{"u":%d,"c":%d,"k":"action_points"}' % (members[Role.DONOR].pk, coalition.pk)
    ).decode()
    for bad in [token[:-3] + "abc", f"{forged}:{rest}", "nonsense"]:
        response = client.post(reverse("actions:unsubscribe", args=[bad]))
        assert response.status_code == 400
    wrong_salt = signing.dumps({"u": operator.pk, "c": coalition.pk, "k": "action_points"})
    assert client.post(reverse("actions:unsubscribe", args=[wrong_salt])).status_code == 400
    assert not NotificationPreference.objects.exists()


def test_a_link_for_another_person_changes_only_that_persons_preference(client, coalition, members):
    operator, donor = members[Role.OPERATOR], members[Role.DONOR]
    client.force_login(donor)
    link = reverse(
        "actions:unsubscribe",
        args=[unsubscribe_token(user_id=operator.pk, coalition_id=coalition.pk)],
    )
    client.post(link)
    assert notification_cadence(user=operator, coalition=coalition) == "none"
    assert notification_cadence(user=donor, coalition=coalition) == "immediate"


@pytest.mark.parametrize("other_salt", [INVITATION_SALT, FEED_SALT])
def test_the_same_payload_signed_for_another_kind_of_link_unsubscribes_nobody(
    client, coalition, members, other_salt
):
    operator = members[Role.OPERATOR]
    payload = {"u": operator.pk, "c": coalition.pk, "k": "action_points"}
    assert unsubscribe_payload(signing.dumps(payload, salt=UNSUBSCRIBE_SALT)) == (
        operator.pk,
        coalition.pk,
        "action_points",
    )
    elsewhere = signing.dumps(payload, salt=other_salt)
    with pytest.raises(UnsubscribeLinkError):
        unsubscribe_payload(elsewhere)
    assert client.post(reverse("actions:unsubscribe", args=[elsewhere])).status_code == 400
    assert not NotificationPreference.objects.exists()


def test_an_unsubscribe_signature_opens_no_invitation(coalition, members):
    invitation = invitation_create(
        coalition=coalition,
        email="newcomer@example.net",
        role=Role.OBSERVER,
        organisation=members[Role.OBSERVER].memberships.get().organisation,
        actor=members[Role.NATIONAL_AUTHORITY],
    )
    payload = {"i": invitation.pk, "n": invitation.nonce}
    assert invitation_from_token(signing.dumps(payload, salt=INVITATION_SALT)) == invitation
    with pytest.raises(InvitationLinkError):
        invitation_from_token(signing.dumps(payload, salt=UNSUBSCRIBE_SALT))


class SignedDaysAgo(signing.TimestampSigner):
    """Signs as the mail of `days` ago did, to read a link as it is when it arrives late."""

    def __init__(self, *, days: float, **kwargs):
        super().__init__(**kwargs)
        self.days = days

    def timestamp(self):
        return signing.b62_encode(int(time.time() - self.days * 86400))


def link_signed_days_ago(days: float, *, user, coalition) -> str:
    token = SignedDaysAgo(days=days, salt=UNSUBSCRIBE_SALT).sign_object(
        {"u": user.pk, "c": coalition.pk, "k": "action_points"}
    )
    return reverse("actions:unsubscribe", args=[token])


@pytest.mark.parametrize(
    ("days", "works"),
    [
        (0, True),
        (UNSUBSCRIBE_VALID_DAYS - 1, True),
        (UNSUBSCRIBE_VALID_DAYS + 1, False),
        (400, False),
    ],
)
def test_a_link_works_for_ninety_days(client, coalition, members, days, works):
    operator = members[Role.OPERATOR]
    response = client.post(link_signed_days_ago(days, user=operator, coalition=coalition))
    if works:
        assert response.status_code == 200
        assert notification_cadence(user=operator, coalition=coalition) == "none"
    else:
        assert response.status_code == 400
        assert "This link has expired" in response.content.decode()
        assert not NotificationPreference.objects.exists()


def test_a_link_stops_working_for_someone_who_left_the_coalition(client, coalition, members):
    operator = members[Role.OPERATOR]
    link = reverse(
        "actions:unsubscribe",
        args=[unsubscribe_token(user_id=operator.pk, coalition_id=coalition.pk)],
    )
    membership_remove(
        membership=Membership.objects.get(user=operator, coalition=coalition),
        actor=members[Role.NATIONAL_AUTHORITY],
    )
    for method in (client.get, client.post):
        response = method(link)
        assert response.status_code == 400
        assert coalition.name not in response.content.decode()
    with pytest.raises(UnsubscribeLinkError):
        unsubscribe(token=link.rstrip("/").rsplit("/", 1)[1])
    assert not NotificationPreference.objects.exists()
