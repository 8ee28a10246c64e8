"""Every queryset a coalition page iterates, with the permission filter and its joins."""

from dataclasses import dataclass
from functools import cached_property

from django.contrib.postgres.expressions import ArraySubquery
from django.db import connection, models
from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet, Subquery, Value, Window
from django.utils.translation import gettext as _

from users.models import User

from .models import (
    Coalition,
    CoalitionUserObjectPermission,
    Invitation,
    Membership,
    Organisation,
    Role,
)
from .permissions import VIEW


def coalition_list_for_user(*, user: User) -> QuerySet[Coalition]:
    my_role = Membership.objects.filter(coalition=OuterRef("pk"), user=user).values("role")[:1]
    may_view = CoalitionUserObjectPermission.objects.filter(
        content_object=OuterRef("pk"), user=user, permission__codename=VIEW
    )
    return (
        Coalition.objects.filter(
            Exists(may_view), Exists(Membership.objects.filter(coalition=OuterRef("pk"), user=user))
        )
        .select_related("national_authority")
        .prefetch_related(Prefetch("champions", queryset=Organisation.objects.order_by("name")))
        .annotate(member_count=Count("memberships", distinct=True), my_role=Subquery(my_role))
        .order_by("name")
    )


def membership_list(*, coalition: Coalition) -> QuerySet[Membership]:
    return (
        Membership.objects.filter(coalition=coalition)
        .select_related("user", "organisation")
        .order_by("organisation__name", "user__name")
    )


@dataclass(frozen=True)
class MemberOnHome:
    name: str
    role_label: str


@dataclass(frozen=True)
class OrganisationOnHome:
    name: str
    kind_label: str


def members_on_home(
    *, coalition: Coalition, first: int
) -> tuple[tuple[tuple[OrganisationOnHome, tuple[MemberOnHome, ...]], ...], int, tuple[str, ...]]:
    """The first `first` members by organisation, as the coalition home lists them, how many
    there are in all and the names of the champion States: one query of the five values shown
    (the count a window over the whole list, the champions an array computed once), with no
    model rows built. Tuples, so that a page can keep what it renders from them under them
    (`{% remember %}`)."""
    # The champions' array needs PostgreSQL; elsewhere (SQLite, `make run`) they are read apart.
    in_one_query = connection.vendor == "postgresql"
    champions = (
        ArraySubquery(
            Organisation.objects.filter(coalitions_as_champion=coalition)
            .order_by("name")
            .values("name")
        )
        if in_one_query
        else Value(None, output_field=models.TextField())
    )
    rows = list(
        Membership.objects.filter(coalition=coalition)
        .order_by("organisation__name", "user__name")
        .annotate(total=Window(Count("pk")), champions=champions)
        .values_list(
            "organisation_id", "organisation__name", "organisation__kind", "user__name", "role",
            "total", "champions",
        )[:first]
    )  # fmt: skip
    roles = dict(Role.choices)
    kinds = dict(Organisation.Kind.choices)
    grouped: list[tuple[OrganisationOnHome, list[MemberOnHome]]] = []
    last_id = None
    for organisation_id, organisation, kind, name, role, _total, _champions in rows:
        if organisation_id != last_id:
            grouped.append((OrganisationOnHome(organisation, str(kinds.get(kind, kind))), []))
            last_id = organisation_id
        grouped[-1][1].append(MemberOnHome(name, str(roles.get(role, role))))
    grouped_tuples = tuple((organisation, tuple(members)) for organisation, members in grouped)
    if not rows or not in_one_query:  # no member to carry them, or no array
        names = coalition.champions.order_by("name").values_list("name", flat=True)
        return grouped_tuples, rows[0][-2] if rows else 0, tuple(names)
    return grouped_tuples, rows[0][-2], tuple(rows[0][-1])


class HomeMembers:
    """`members_on_home` as the home's parts read it: only when a part that shows it is rendered
    rather than served from memory (both are kept per `Coalition.members_version`)."""

    def __init__(self, *, coalition: Coalition, first: int):
        self.coalition = coalition
        self.first = first

    @cached_property
    def _read(self):
        return members_on_home(coalition=self.coalition, first=self.first)

    @property
    def by_organisation(self):
        return self._read[0]

    @property
    def count(self) -> int:
        return self._read[1]

    @property
    def champions(self) -> tuple[str, ...]:
        return self._read[2]


def pending_invitation_list(*, coalition: Coalition) -> QuerySet[Invitation]:
    return (
        Invitation.objects.filter(
            coalition=coalition, accepted_at__isnull=True, revoked_at__isnull=True
        )
        .select_related("organisation", "invited_by")
        .order_by("-created_at")
    )


def coalition_organisations(*, coalition: Coalition) -> QuerySet[Organisation]:
    """The organisations an inviter may choose: the authority, the champions, those added to the
    coalition on their own, those represented by a member and those named in a pending invitation
    (a new one is created with its invitation)."""
    return Organisation.objects.filter(
        Q(pk=coalition.national_authority_id)
        | Q(pk__in=coalition.champions.values("pk"))
        | Q(pk__in=coalition.organisations.values("pk"))
        | Q(pk__in=Membership.objects.filter(coalition=coalition).values("organisation_id"))
        | Q(
            pk__in=Invitation.objects.filter(
                coalition=coalition, accepted_at__isnull=True, revoked_at__isnull=True
            ).values("organisation_id")
        )
    ).order_by("name")


def coalition_start_steps(*, coalition: Coalition) -> dict[str, bool]:
    """What of a new coalition's first steps is done, in one query: who has joined or been
    invited for the three roles that start a coalition, and whether it has obligations and a
    meeting (their apps' tables, reached through the coalition's relations)."""
    members = Membership.objects.filter(coalition=OuterRef("pk"))
    invited = Invitation.objects.filter(
        coalition=OuterRef("pk"), accepted_at__isnull=True, revoked_at__isnull=True
    )

    def related(name: str):
        model = Coalition._meta.get_field(name).related_model
        return Exists(model.objects.filter(coalition=OuterRef("pk")))

    annotations = {}
    for role in (Role.NATIONAL_AUTHORITY, Role.CHAMPION, Role.FACILITATOR):
        annotations[f"{role}_joined"] = Exists(members.filter(role=role))
        annotations[f"{role}_invited"] = Exists(invited.filter(role=role))
    annotations["has_obligations"] = related("obligations")
    annotations["has_meetings"] = related("meetings")
    return (
        Coalition.objects.filter(pk=coalition.pk).annotate(**annotations).values(*annotations).get()
    )


TODAY_INVITATIONS = 10


def invitations_sent_pending(*, user: User, coalition_ids: list[int]) -> list[Invitation]:
    """The person's own invitations still waiting for an answer, in the coalitions where they
    may still invite, with their total as `total` (1 query)."""
    return list(
        Invitation.objects.filter(
            invited_by=user,
            coalition_id__in=coalition_ids,
            accepted_at__isnull=True,
            revoked_at__isnull=True,
        )
        .select_related("coalition", "organisation")
        .annotate(total=Window(Count("pk")))
        .order_by("-created_at", "-pk")[:TODAY_INVITATIONS]
    )


def hand_over_candidates(*, membership: Membership) -> QuerySet[User]:
    """Whom a national authority may hand its role to: the people it already sees representing
    its organisation, in this coalition or in another it belongs to (never someone of another
    coalition it cannot see), except members of this coalition for another organisation."""
    shared = Membership.objects.filter(user_id=membership.user_id).values("coalition_id")
    colleagues = Membership.objects.filter(
        organisation_id=membership.organisation_id, coalition_id__in=shared
    ).values("user_id")
    here_for_another = (
        Membership.objects.filter(coalition_id=membership.coalition_id)
        .exclude(organisation_id=membership.organisation_id)
        .values("user_id")
    )
    return (
        User.objects.filter(pk__in=colleagues, is_active=True)
        .exclude(pk=membership.user_id)
        .exclude(pk__in=here_for_another)
        .order_by("name", "email")
    )


def organisation_twin(
    *, name: str, country: str, exclude_pk: int | None = None
) -> Organisation | None:
    """The organisation already known by this name and country, whatever the case and spacing.

    A name with a NUL character has no twin: no stored name holds one (PostgreSQL refuses it),
    and the page that asks has the name as typed, before its form refused it."""
    if "\x00" in name:
        return None
    found = Organisation.objects.filter(
        name__iexact=Organisation.stored_name(name), country=country or ""
    )
    if exclude_pk is not None:
        found = found.exclude(pk=exclude_pk)
    return found.first()


# What a merge of duplicate organisations moves, and what stops it --------------------------------


@dataclass(frozen=True)
class OrganisationLink:
    """One kind of record that points at organisations: `model.field`."""

    model: type
    field: object

    @property
    def label(self) -> str:
        if self.is_m2m_table:
            owner = self.model._meta.auto_created
            field = next(
                f for f in owner._meta.many_to_many if f.remote_field.through is self.model
            )
            return f"{owner._meta.verbose_name_plural} ({field.verbose_name})"
        return f"{self.model._meta.verbose_name_plural} ({self.field.verbose_name})"

    @property
    def is_m2m_table(self) -> bool:
        """The table behind a many-to-many field (a coalition's champions, its listed ones)."""
        return bool(self.model._meta.auto_created)


def organisation_links() -> list[OrganisationLink]:
    """Every foreign key to Organisation in the project, found from the models (so a record
    added by any app later moves too), except the audit trail's: history keeps what was."""
    from simple_history.models import HistoricalChanges

    links = []
    for relation in Organisation._meta.get_fields(include_hidden=True):
        # The reverse side of a foreign key (or one-to-one) declared on another model.
        if relation.concrete or not (relation.one_to_many or relation.one_to_one):
            continue
        model = relation.related_model
        if issubclass(model, HistoricalChanges):
            continue
        links.append(OrganisationLink(model=model, field=relation.field))
    return sorted(links, key=lambda link: (link.model._meta.label, link.field.name))


def _unique_sets(model) -> list[tuple[tuple[str, ...], Q | None]]:
    sets = [(tuple(fields), None) for fields in model._meta.unique_together]
    for constraint in model._meta.constraints:
        if isinstance(constraint, models.UniqueConstraint) and constraint.fields:
            sets.append((tuple(constraint.fields), constraint.condition))
    for field in model._meta.local_fields:
        if field.unique and not field.primary_key:
            sets.append(((field.name,), None))
    return sets


def _collisions(link: OrganisationLink, ids: list[int]) -> list[dict]:
    """Rows of `link` that would be one too many once the organisations are one: two rows that
    differ only by which of them they name, where the model allows one."""
    found = []
    for fields, condition in _unique_sets(link.model):
        if link.field.name not in fields:
            continue
        others = [name for name in fields if name != link.field.name]
        rows = link.model._default_manager.filter(**{f"{link.field.name}__in": ids})
        if condition is not None:
            rows = rows.filter(condition)
        for name in others:
            rows = rows.filter(**{f"{name}__isnull": False})
        found.extend(
            rows.order_by().values(*others).annotate(rows=models.Count("pk")).filter(rows__gt=1)
        )
    return found


def organisation_merge_conflicts(
    *, keep: Organisation, duplicates: list[Organisation]
) -> list[str]:
    """What stops merging `duplicates` into `keep`, in words staff can act on (empty: nothing).

    Rows of a many-to-many table (a coalition that lists both as champions) are not conflicts:
    the merge keeps one of them."""
    ids = [keep.pk, *(d.pk for d in duplicates)]
    problems = []
    for coalition in Coalition.objects.filter(
        national_authority_id__in=ids, champions__in=ids
    ).distinct():
        problems.append(
            _(
                "In %(coalition)s one of them is the national authority and another a champion: "
                "they are not the same organisation."
            )
            % {"coalition": coalition}
        )
    authority_of = Coalition.objects.filter(national_authority_id__in=ids).values("pk")
    for membership in (
        Membership.objects.filter(coalition__in=authority_of, organisation_id__in=ids)
        .exclude(role=Role.NATIONAL_AUTHORITY)
        .select_related("coalition", "user")
    ):
        problems.append(
            _(
                "In %(coalition)s, %(person)s represents one of them as %(role)s while another is "
                "the national authority, which only its own people represent."
            )
            % {
                "coalition": membership.coalition,
                "person": membership.user,
                "role": membership.get_role_display(),
            }
        )
    for invitation in (
        Invitation.objects.filter(
            coalition__in=authority_of,
            organisation_id__in=ids,
            accepted_at__isnull=True,
            revoked_at__isnull=True,
        )
        .exclude(role=Role.NATIONAL_AUTHORITY)
        .select_related("coalition")
    ):
        problems.append(
            _(
                "In %(coalition)s, %(email)s is invited for one of them as %(role)s while another "
                "is the national authority; revoke the invitation first."
            )
            % {
                "coalition": invitation.coalition,
                "email": invitation.email,
                "role": invitation.get_role_display(),
            }
        )
    for link in organisation_links():
        if link.is_m2m_table:
            continue
        for row in _collisions(link, ids):
            shown = ", ".join(f"{name} {value}" for name, value in row.items() if name != "rows")
            problems.append(
                _(
                    "%(records)s: %(count)d records for the same %(what)s, one per organisation; "
                    "only one may remain, so remove the others first."
                )
                % {"records": link.label, "count": row["rows"], "what": shown}
            )
    return problems


def organisation_merge_counts(*, organisation: Organisation) -> dict[str, int]:
    """What points at `organisation`, by kind of record: what a merge moves."""
    counts = {}
    for link in organisation_links():
        number = link.model._default_manager.filter(**{link.field.name: organisation}).count()
        if number:
            counts[link.label] = number
    return counts
