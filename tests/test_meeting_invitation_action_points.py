"""A meeting invitation shows each invitee their own open action points, and nobody else's."""

import pytest

from actions.models import ActionPoint
from actions.tests.factories import make_action_point
from coalitions.models import Role
from meetings.tests.factories import make_meeting
from outbox.models import OutboxMessage


def invitation_text(email: str) -> str:
    return OutboxMessage.objects.get(to__contains=email, subject__icontains="invit").text_body()


@pytest.mark.django_db
def test_each_invitee_sees_their_own_open_action_points(coalition, members):
    authority = members[Role.NATIONAL_AUTHORITY]
    operator, donor, observer = members[Role.OPERATOR], members[Role.DONOR], members[Role.OBSERVER]
    make_action_point(coalition, owner=operator, actor=authority, title="Submit the survey report")
    make_action_point(
        coalition,
        owner=operator,
        actor=authority,
        title="Finished item",
        status=ActionPoint.Status.DONE,
    )
    make_action_point(coalition, owner=donor, actor=authority, title="Confirm the 2027 funding")

    make_meeting(coalition, members[Role.CHAMPION], send_invitations=True)

    operator_mail = invitation_text(operator.email)
    assert "Your open action points in this coalition:" in operator_mail
    assert "Submit the survey report" in operator_mail
    assert "Finished item" not in operator_mail
    assert "Confirm the 2027 funding" not in operator_mail
    assert "Confirm the 2027 funding" in invitation_text(donor.email)
    assert "Your open action points" not in invitation_text(observer.email)
