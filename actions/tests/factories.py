from datetime import timedelta

from django.utils import timezone

from actions.services import action_point_create
from coalitions.models import Membership
from meetings.models import Meeting


def make_action_point(coalition, *, owner=None, organisation=None, actor=None, **fields):
    """An action point owned by `owner` (and their organisation in the coalition) by default."""
    if organisation is None:
        if owner is not None:
            organisation = Membership.objects.get(coalition=coalition, user=owner).organisation
        else:
            organisation = coalition.national_authority
    fields.setdefault("title", "Share the survey report")
    fields.setdefault("due_date", timezone.now().date() + timedelta(days=30))
    return action_point_create(
        coalition=coalition, actor=actor, owner_organisation=organisation, owner=owner, **fields
    )


def make_meeting(
    coalition,
    *,
    starts_at,
    status=Meeting.Status.HELD,
    title=None,
    hours=3,
    kind=Meeting.Kind.COALITION,
    draft=False,
):
    """A meeting as it stands, made without mail; announced two weeks ahead unless a `draft`."""
    return Meeting.objects.create(
        coalition=coalition,
        kind=kind,
        title=title or f"Meeting {starts_at:%Y-%m-%d}",
        starts_at=starts_at,
        ends_at=starts_at + timedelta(hours=hours),
        status=status,
        invitations_sent_at=None if draft else starts_at - timedelta(days=14),
    )
