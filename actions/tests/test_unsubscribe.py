from datetime import date

import pytest
from django.core import signing
from django.test import TestCase
from django.urls import reverse

from actions.models import NotificationPreference
from actions.reminders import reminder_sweep
from actions.selectors import notification_delivery
from actions.services import UNSUBSCRIBE_SALT, notification_preference_set, unsubscribe_token
from actions.tests.factories import make_action_point
from coalitions.models import Role
from coalitions.tests.factories import CoalitionFactory, add_member

pytestmark = pytest.mark.django_db


def test_every_reminder_carries_a_signed_link_and_list_unsubscribe_header(
    coalition, members, outbox_messages
):
    from datetime import UTC, datetime

    make_action_point(coalition, owner=members[Role.OPERATOR], due_date=date(2026, 6, 1))
    with TestCase.captureOnCommitCallbacks(execute=True):
        reminder_sweep(now=datetime(2026, 6, 2, 9, tzinfo=UTC))
    message = outbox_messages.get()
    token = unsubscribe_token(user_id=members[Role.OPERATOR].pk, coalition_id=coalition.pk)
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
    notification_preference_set(user=operator, coalition=other, delivery="daily")
    link = reverse(
        "actions:unsubscribe",
        args=[unsubscribe_token(user_id=operator.pk, coalition_id=coalition.pk)],
    )
    response = client.get(link)
    assert response.status_code == 200 and "Stop these mails?" in response.content.decode()
    assert notification_delivery(user=operator, coalition=coalition) == "immediate"
    response = client.post(link)
    assert "You are unsubscribed" in response.content.decode()
    assert notification_delivery(user=operator, coalition=coalition) == "none"
    assert notification_delivery(user=operator, coalition=other) == "daily"
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
    assert notification_delivery(user=operator, coalition=coalition) == "none"
    assert notification_delivery(user=donor, coalition=coalition) == "immediate"


def test_salt_is_specific():
    assert UNSUBSCRIBE_SALT == "actions.unsubscribe"
