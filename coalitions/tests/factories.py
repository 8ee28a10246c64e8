import factory
from factory.django import DjangoModelFactory

from coalitions.models import Coalition, Organisation, Role
from coalitions.services import coalition_create, membership_create
from users.services import user_create

PASSWORD = "a-long-test-password-42"


class UserFactory(factory.Factory):
    """People are made through `user_create`, with a verified address, as sign-up leaves them."""

    class Meta:
        model = dict

    email = factory.Sequence(lambda n: f"person{n}@example.net")
    name = factory.Sequence(lambda n: f"Person {n}")
    timezone = "UTC"
    is_staff = False

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        return user_create(password=PASSWORD, actor=None, **kwargs)

    _build = _create


class OrganisationFactory(DjangoModelFactory):
    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"Organisation {n}")
    short_name = factory.Sequence(lambda n: f"ORG{n}")
    kind = Organisation.Kind.OTHER


class CoalitionFactory(factory.Factory):
    class Meta:
        model = dict

    name = factory.Sequence(lambda n: f"Coalition {n}")
    slug = factory.Sequence(lambda n: f"coalition-{n}")
    state_party = "LB"
    timezone_name = "Asia/Beirut"
    national_authority = factory.SubFactory(
        OrganisationFactory, kind=Organisation.Kind.STATE_AUTHORITY
    )

    @classmethod
    def _create(cls, model_class, *args, **kwargs) -> Coalition:
        return coalition_create(actor=None, **kwargs)

    _build = _create


def add_member(coalition: Coalition, role: str, user=None, organisation=None, actor=None):
    user = user or UserFactory()
    organisation = organisation or (
        coalition.national_authority if role == Role.NATIONAL_AUTHORITY else OrganisationFactory()
    )
    membership_create(
        coalition=coalition, user=user, organisation=organisation, role=role, actor=actor
    )
    return user
