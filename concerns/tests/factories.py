from coalitions.models import Role
from concerns import services
from tests.fixtures import committed


def raise_concern(coalition, user, *, subject="Checkpoint delays", text="Teams wait for hours."):
    organisation = user.memberships.get(coalition=coalition).organisation
    with committed():
        return services.concern_raise(
            coalition=coalition, actor=user, organisation=organisation, subject=subject, text=text
        )


def facilitator_of(members):
    return members[Role.FACILITATOR]
