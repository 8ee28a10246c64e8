"""A demo concern for Lebanon (illustrative): raised by MAG, acknowledged by the facilitator."""

from django.contrib.auth import get_user_model

from coalitions.models import Membership

from .models import Concern
from .services import concern_acknowledge, concern_raise

SUBJECT = "Access delays at checkpoints slow survey teams (illustrative)"
TEXT = (
    "Over the last two months our survey teams lost about one working day in five waiting for "
    "access at checkpoints in the South. We would like the coalition to discuss a standing "
    "arrangement, without naming our organisation."
)


def seed_concerns(*, coalitions, organisations, stdout) -> None:
    lebanon = coalitions.get("lebanon")
    if lebanon is None or Concern.objects.filter(coalition=lebanon, subject=SUBJECT).exists():
        return
    users = get_user_model().objects
    sender = users.filter(email="operator.mag@example.org").first()
    facilitator = users.filter(email="facilitator@example.org").first()
    membership = (
        Membership.objects.select_related("organisation")
        .filter(coalition=lebanon, user=sender)
        .first()
    )
    if sender is None or facilitator is None or membership is None:
        return
    concern = concern_raise(
        coalition=lebanon,
        actor=sender,
        organisation=membership.organisation,
        subject=SUBJECT,
        text=TEXT,
    )
    concern_acknowledge(concern=concern, actor=facilitator)
    stdout.write("Demo concern: 1 in Lebanon (acknowledged).")
