from django.test import TestCase

from coalitions.models import Role
from concerns import services


def raise_concern(coalition, user, *, subject="Checkpoint delays", text="Teams wait for hours."):
    organisation = user.memberships.get(coalition=coalition).organisation
    with TestCase.captureOnCommitCallbacks(execute=True):
        return services.concern_raise(
            coalition=coalition, actor=user, organisation=organisation, subject=subject, text=text
        )


def facilitator_of(members):
    return members[Role.FACILITATOR]
