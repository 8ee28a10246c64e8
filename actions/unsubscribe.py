"""The signed one-click unsubscribe link every reminder and digest carries."""

from datetime import timedelta

from django.core import signing

from coalitions.models import Membership

from .models import NotificationPreference

UNSUBSCRIBE_SALT = "actions.unsubscribe"
# Long enough to outlast a digest left unread over a holiday; mails always carry a fresh link.
UNSUBSCRIBE_VALID_DAYS = 90


def unsubscribe_token(
    *, user_id: int, coalition_id: int, topic: str = NotificationPreference.Topic.ACTION_POINTS
) -> str:
    return signing.dumps({"u": user_id, "c": coalition_id, "k": topic}, salt=UNSUBSCRIBE_SALT)


class UnsubscribeLinkError(Exception):
    pass


class UnsubscribeLinkExpired(UnsubscribeLinkError):
    pass


def unsubscribe_payload(token: str) -> tuple[int, int, str]:
    """The person, coalition and topic a link names, if it is intact, younger than
    UNSUBSCRIBE_VALID_DAYS and the person still belongs to the coalition."""
    try:
        payload = signing.loads(
            token, salt=UNSUBSCRIBE_SALT, max_age=timedelta(days=UNSUBSCRIBE_VALID_DAYS)
        )
        user_id, coalition_id, topic = int(payload["u"]), int(payload["c"]), str(payload["k"])
    except signing.SignatureExpired:
        raise UnsubscribeLinkExpired from None
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        raise UnsubscribeLinkError from None
    if topic not in NotificationPreference.Topic.values:
        raise UnsubscribeLinkError
    # Someone who left gets no more mail; an old link must not keep naming the coalition to them.
    if not Membership.objects.filter(user_id=user_id, coalition_id=coalition_id).exists():
        raise UnsubscribeLinkError
    return user_id, coalition_id, topic
