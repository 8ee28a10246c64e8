"""The one table that says who may do what in a coalition.

`ROLE_PERMISSIONS` is the only source. Each membership's permissions are stored as django-guardian
rows on the coalition (its direct foreign-key table), written only by the membership services
through `sync_role_permissions` and read in one query by `access_for`; `permission_drift` proves
the rows are the table (the `check_permissions` command and a database system check fail on drift,
and `check_permissions --repair` rewrites them). Every view, queryset, export and mail asks through
the helpers below. Nothing else grants anything: not superuser status, not global permissions, not
guardian's generic or group tables.
"""

from collections import defaultdict
from dataclasses import dataclass
from functools import cache

from django.core.exceptions import PermissionDenied
from django.http import Http404

from config.compiled_query import column_converters, converted

from .models import Coalition, CoalitionUserObjectPermission, Role, Visibility

VIEW = "view_coalition"
MANAGE_COALITION = "manage_coalition"
MANAGE_MEMBERS = "manage_members"
INVITE_MEMBERS = "invite_members"
VIEW_RESTRICTED = "view_restricted"
MANAGE_MEETINGS = "manage_meetings"
EDIT_AGENDA = "edit_agenda"
EDIT_MINUTES = "edit_minutes"
PUBLISH_SUMMARY = "publish_summary"
RECORD_ACTION_POINTS = "record_action_points"
UPDATE_OWN_ACTION_POINTS = "update_own_action_points"
UPDATE_ANY_ACTION_POINT = "update_any_action_point"
MANAGE_OBLIGATIONS = "manage_obligations"
REPORT_PROGRESS = "report_progress"
VALIDATE_PROGRESS = "validate_progress"
POST_NEEDS = "post_needs"
POST_OFFERS = "post_offers"
RAISE_CONCERN = "raise_concern"
READ_CONCERNS = "read_concerns"

ALL_PERMISSIONS = frozenset(
    {
        VIEW, MANAGE_COALITION, MANAGE_MEMBERS, INVITE_MEMBERS, VIEW_RESTRICTED, MANAGE_MEETINGS,
        EDIT_AGENDA, EDIT_MINUTES, PUBLISH_SUMMARY, RECORD_ACTION_POINTS, UPDATE_OWN_ACTION_POINTS,
        UPDATE_ANY_ACTION_POINT, MANAGE_OBLIGATIONS, REPORT_PROGRESS, VALIDATE_PROGRESS,
        POST_NEEDS, POST_OFFERS, RAISE_CONCERN, READ_CONCERNS,
    }
)  # fmt: skip

# DESIGN.md's roles table, permission by permission. Where a role holds more than that table's
# words, the reason stands beside it.
ROLE_PERMISSIONS: dict[str, frozenset[str]] = {
    # The national authority owns the coalition. Concerns are for the facilitator alone.
    Role.NATIONAL_AUTHORITY: ALL_PERMISSIONS - {RAISE_CONCERN, READ_CONCERNS},
    Role.CHAMPION: frozenset(
        {
            VIEW,
            INVITE_MEMBERS,
            VIEW_RESTRICTED,
            MANAGE_MEETINGS,  # "co-convene and edit meetings"
            EDIT_AGENDA,
            RECORD_ACTION_POINTS,
            # The champion is a donor State too: it owns action points and pledges like one.
            UPDATE_OWN_ACTION_POINTS,
            POST_OFFERS,
        }
    ),  # fmt: skip
    Role.DONOR: frozenset({VIEW, UPDATE_OWN_ACTION_POINTS, POST_OFFERS, RAISE_CONCERN}),
    Role.OPERATOR: frozenset({VIEW, UPDATE_OWN_ACTION_POINTS, REPORT_PROGRESS, RAISE_CONCERN}),
    Role.FACILITATOR: frozenset(
        {
            VIEW,
            # DESIGN.md: "Champion, national authority and facilitator can invite" (donors,
            # operators and observers only: see ROLES_GIVEN_BY).
            INVITE_MEMBERS,
            VIEW_RESTRICTED,
            EDIT_AGENDA,
            EDIT_MINUTES,
            RECORD_ACTION_POINTS,
            # "A facilitator records action points on behalf of others": in the meeting it also
            # posts their updates, whoever owns the point.
            UPDATE_ANY_ACTION_POINT,
            UPDATE_OWN_ACTION_POINTS,
            READ_CONCERNS,
        }
    ),  # fmt: skip
    Role.SECRETARIAT: frozenset(
        {
            VIEW,
            VIEW_RESTRICTED,
            EDIT_MINUTES,
            RECORD_ACTION_POINTS,
            # "Write mid-term progress updates": between meetings the secretariat posts the
            # updates on the coalition's action points, whichever organisation owns them.
            UPDATE_ANY_ACTION_POINT,
            UPDATE_OWN_ACTION_POINTS,
        }
    ),  # fmt: skip
    Role.OBSERVER: frozenset({VIEW}),
}

# Who appoints whom (DESIGN.md): only the national authority gives the roles national authority,
# facilitator and secretariat (and champion); the champion and the facilitator invite donors,
# operators and observers. Everyone else gives no role.
ROLES_GIVEN_BY: dict[str, frozenset[str]] = {
    Role.NATIONAL_AUTHORITY: frozenset(Role.values),
    Role.CHAMPION: frozenset({Role.DONOR, Role.OPERATOR, Role.OBSERVER}),
    Role.FACILITATOR: frozenset({Role.DONOR, Role.OPERATOR, Role.OBSERVER}),
}


# A coalition proposed by a champion has no national authority yet to appoint anyone: until one
# joins, the champion may also invite the State's national authority (and nothing more).
ROLES_GIVEN_WHILE_AWAITING_AUTHORITY: dict[str, frozenset[str]] = {
    Role.CHAMPION: frozenset({Role.NATIONAL_AUTHORITY}),
}


# An archived coalition is read-only for everyone: its members keep reading what their role shows
# them, and those who manage the coalition may restore it (and nothing else).
ARCHIVED_PERMISSIONS = frozenset({VIEW, VIEW_RESTRICTED, READ_CONCERNS, MANAGE_COALITION})


# A meeting whose invitations have not gone out (a draft) is seen only by those who prepare it:
# whoever convenes meetings or builds their agenda.
PREPARE_MEETINGS = frozenset({MANAGE_MEETINGS, EDIT_AGENDA})


def sees_draft_meetings(perms: frozenset[str]) -> bool:
    return bool(perms & PREPARE_MEETINGS)


def in_effect(perms: frozenset[str], coalition: Coalition) -> frozenset[str]:
    """The stored permissions as they apply now: all of them, or only reading when archived."""
    return perms & ARCHIVED_PERMISSIONS if coalition.archived_at else perms


def roles_given_by(role: str | None, *, coalition: Coalition | None = None) -> frozenset[str]:
    """The roles a member holding `role` may give, by invitation or by changing a role (in
    `coalition`, when its state changes what may be given)."""
    if not role:
        return frozenset()
    given = ROLES_GIVEN_BY.get(role, frozenset())
    if coalition is not None and coalition.awaiting_national_authority:
        given |= ROLES_GIVEN_WHILE_AWAITING_AUTHORITY.get(role, frozenset())
    return given


def organisation_may_hold_role(*, coalition: Coalition, organisation, role: str) -> bool:
    """Whether a member may represent `organisation` with `role` in `coalition`.

    Action points are owned by organisations, and UPDATE_OWN_ACTION_POINTS lets anyone who
    represents the owner update them. So the national authority's organisation is represented
    only with the national authority role: a donor, operator or observer attached to it would
    update the authority's own action points.
    """
    if organisation.pk == coalition.national_authority_id:
        return role == Role.NATIONAL_AUTHORITY
    return True


# The stored form ---------------------------------------------------------------------------------


def _coalition_permission_ids() -> dict[str, int]:
    from django.contrib.auth.models import Permission
    from django.contrib.contenttypes.models import ContentType

    content_type = ContentType.objects.get_for_model(Coalition)
    return dict(
        Permission.objects.filter(
            content_type=content_type, codename__in=ALL_PERMISSIONS
        ).values_list("codename", "pk")
    )


def sync_role_permissions(*, user, coalition: Coalition, role: str | None) -> None:
    """Make the user's stored permissions on the coalition exactly those of `role` (None: none).

    Only the membership services (and `check_permissions --repair`) call this.
    """
    wanted = ROLE_PERMISSIONS.get(role, frozenset()) if role else frozenset()
    rows = CoalitionUserObjectPermission.objects.filter(user=user, content_object=coalition)
    rows.exclude(permission__codename__in=wanted).delete()
    current = set(rows.values_list("permission__codename", flat=True))
    missing = wanted - current
    if missing:
        ids = _coalition_permission_ids()
        CoalitionUserObjectPermission.objects.bulk_create(
            [
                CoalitionUserObjectPermission(
                    user=user, content_object=coalition, permission_id=ids[perm]
                )
                for perm in sorted(missing)
            ]
        )


@dataclass(frozen=True)
class Drift:
    """Stored rows of one person in one coalition that are not what the role table says."""

    user_id: int
    coalition_id: int
    role: str | None
    missing: frozenset[str]
    extra: frozenset[str]

    def __str__(self) -> str:
        return (
            f"user {self.user_id} in coalition {self.coalition_id} ({self.role or 'no membership'}):"
            f" missing {sorted(self.missing)}, extra {sorted(self.extra)}"
        )


def permission_drift() -> list[Drift]:
    """Every difference between the stored rows and the role table, over all memberships.

    Rows in guardian's generic user and group tables for coalitions count as drift too: nothing
    reads them, and nothing should write them.
    """
    from django.contrib.contenttypes.models import ContentType
    from guardian.models import GroupObjectPermission, UserObjectPermission

    from .models import Membership

    roles = {
        (user_id, coalition_id): role
        for user_id, coalition_id, role in Membership.objects.values_list(
            "user_id", "coalition_id", "role"
        )
    }
    held: dict[tuple[int, int], set[str]] = defaultdict(set)
    for user_id, coalition_id, codename in CoalitionUserObjectPermission.objects.values_list(
        "user_id", "content_object_id", "permission__codename"
    ):
        held[(user_id, coalition_id)].add(codename)
    drift = []
    for key in sorted(set(roles) | set(held)):
        wanted = ROLE_PERMISSIONS.get(roles.get(key), frozenset())
        have = held.get(key, set())
        if have != wanted:
            drift.append(
                Drift(
                    user_id=key[0],
                    coalition_id=key[1],
                    role=roles.get(key),
                    missing=frozenset(wanted - have),
                    extra=frozenset(have - wanted),
                )
            )
    content_type = ContentType.objects.get_for_model(Coalition)
    for model in (UserObjectPermission, GroupObjectPermission):
        for row in model.objects.filter(content_type=content_type).select_related("permission"):
            drift.append(
                Drift(
                    user_id=getattr(row, "user_id", 0),
                    coalition_id=int(row.object_pk),
                    role=None,
                    missing=frozenset(),
                    extra=frozenset({f"{model.__name__}:{row.permission.codename}"}),
                )
            )
    return drift


def repair_permission_drift() -> list[Drift]:
    """Rewrites the stored rows from the role table; returns what was out of step."""
    from django.contrib.auth import get_user_model
    from django.contrib.contenttypes.models import ContentType
    from django.db import transaction
    from guardian.models import GroupObjectPermission, UserObjectPermission

    with transaction.atomic():
        drift = permission_drift()
        users = get_user_model().objects.in_bulk({d.user_id for d in drift if d.user_id})
        coalitions = Coalition.objects.in_bulk({d.coalition_id for d in drift})
        for item in drift:
            if item.user_id in users and item.coalition_id in coalitions:
                sync_role_permissions(
                    user=users[item.user_id],
                    coalition=coalitions[item.coalition_id],
                    role=item.role,
                )
        content_type = ContentType.objects.get_for_model(Coalition)
        for model in (UserObjectPermission, GroupObjectPermission):
            model.objects.filter(content_type=content_type).delete()
    return drift


@dataclass(frozen=True)
class CoalitionAccess:
    """What one person may do in one coalition, read once per request."""

    coalition: Coalition
    perms: frozenset[str]
    membership: object | None

    def can(self, perm: str) -> bool:
        return perm in self.perms

    def __getattr__(self, name: str) -> bool:
        # Templates ask `access.can_invite_members`; unknown names fail loudly.
        if name.startswith("can_"):
            perm = name[4:]
            if perm in ALL_PERMISSIONS:
                return perm in self.perms
        raise AttributeError(name)

    @property
    def role(self) -> str | None:
        return self.membership.role if self.membership else None

    @property
    def organisation_id(self) -> int | None:
        return self.membership.organisation_id if self.membership else None

    @property
    def sees_draft_meetings(self) -> bool:
        return sees_draft_meetings(self.perms)

    def may_see(self, visibility: str) -> bool:
        if visibility == Visibility.MEMBERS:
            return VIEW in self.perms
        if visibility == Visibility.RESTRICTED:
            return VIEW_RESTRICTED in self.perms
        return False


@dataclass(frozen=True)
class _Columns:
    """One model's columns in the access query, and how a value read from the database becomes
    the field's value (the backend's and the field's converters, as the ORM applies them)."""

    model: type
    attnames: tuple[str, ...]
    converters: tuple[tuple, ...]

    def instance(self, values, connection):
        values = [
            converted(value, column, funcs, connection)
            for value, (column, funcs) in zip(values, self.converters, strict=True)
        ]
        return self.model.from_db(connection.alias, self.attnames, values)


@cache
def _access_query(vendor: str, by: str, organisations: bool) -> tuple[str, tuple[_Columns, ...]]:
    """The SQL of the access query, written once per process: every coalition page runs it, and
    compiling it through the ORM cost several times more than running it.

    The two organisations (the coalition's national authority, the member's own) are joined only
    for the pages that name them: each join costs the database more to plan than the rest of the
    query to run."""
    from django.contrib.auth.models import Permission
    from django.db import connection

    from .models import Membership, Organisation

    quote = connection.ops.quote_name
    tables = [("m", Membership), ("c", Coalition)]
    if organisations:
        tables += [("na", Organisation), ("o", Organisation)]
    parts, select = [], []
    for alias, model in tables:
        fields = model._meta.concrete_fields
        select += [f"{alias}.{quote(f.column)}" for f in fields]
        converters = [column_converters(field, alias, connection) for field in fields]
        parts.append(
            _Columns(
                model=model,
                attnames=tuple(f.attname for f in fields),
                converters=tuple(converters),
            )
        )
    held, permission = CoalitionUserObjectPermission._meta, Permission._meta
    joined = "string_agg" if vendor == "postgresql" else "group_concat"
    codenames = (
        f"(SELECT {joined}(p.{quote('codename')}, ',') FROM {quote(held.db_table)} h"
        f" JOIN {quote(permission.db_table)} p ON p.{quote('id')} = h.{quote('permission_id')}"
        f" WHERE h.{quote('user_id')} = m.{quote('user_id')}"
        f" AND h.{quote('content_object_id')} = m.{quote('coalition_id')})"
    )
    condition = f"c.{quote('slug')} = %s" if by == "slug" else f"m.{quote('coalition_id')} = %s"
    joins = [
        f" JOIN {quote(Coalition._meta.db_table)} c ON c.{quote('id')} = m.{quote('coalition_id')}"
    ]
    if organisations:
        joins += [
            f" JOIN {quote(Organisation._meta.db_table)} na"
            f" ON na.{quote('id')} = c.{quote('national_authority_id')}",
            f" JOIN {quote(Organisation._meta.db_table)} o"
            f" ON o.{quote('id')} = m.{quote('organisation_id')}",
        ]
    sql = (
        f"SELECT {', '.join(select)}, {codenames}"
        f" FROM {quote(Membership._meta.db_table)} m{''.join(joins)}"
        f" WHERE m.{quote('user_id')} = %s AND {condition}"
    )
    return sql, tuple(parts)


def _membership_with_perms(
    user, *, slug: str | None = None, coalition_id: int | None = None, organisations: bool = False
):
    """(the person's membership in one coalition, with its coalition; the permissions stored for
    them there), in one query and one row: what every coalition page needs about its reader.
    With `organisations`, the coalition's national authority and the member's organisation come
    in the same row; without, each is read when first used, as any foreign key is.

    (None, empty): not a member. A member without stored permissions (drift) gets none, which
    opens nothing; permission rows without a membership (drift too) are not read at all.
    """
    from django.db import connection

    by = "slug" if slug is not None else "id"
    sql, parts = _access_query(connection.vendor, by, organisations)
    with connection.cursor() as cursor:
        cursor.execute(sql, [user.pk, slug if slug is not None else coalition_id])
        row = cursor.fetchone()
    if row is None:
        return None, frozenset()
    objects, start = [], 0
    for part in parts:
        end = start + len(part.attnames)
        objects.append(part.instance(row[start:end], connection))
        start = end
    membership, coalition = objects[:2]
    type(membership).coalition.field.set_cached_value(membership, coalition)
    if organisations:
        national_authority, organisation = objects[2:]
        Coalition.national_authority.field.set_cached_value(coalition, national_authority)
        type(membership).organisation.field.set_cached_value(membership, organisation)
    codenames = row[-1]
    return membership, frozenset(codenames.split(",")) if codenames else frozenset()


def _access_from(coalition: Coalition, membership, held: frozenset[str]) -> CoalitionAccess:
    perms = held & ALL_PERMISSIONS
    return CoalitionAccess(
        coalition=coalition,
        perms=in_effect(perms, coalition),
        membership=membership if perms else None,
    )


def access_for(user, coalition: Coalition) -> CoalitionAccess:
    """One query: the membership and the stored permissions (no superuser bypass, no group
    tables)."""
    if not user.is_authenticated:
        return CoalitionAccess(coalition=coalition, perms=frozenset(), membership=None)
    membership, held = _membership_with_perms(user, coalition_id=coalition.pk)
    return _access_from(coalition, membership, held)


def accesses_everywhere(user) -> list[CoalitionAccess]:
    """What the person may do in every coalition they belong to, in two queries whatever their
    number (for pages across coalitions, such as Today), in the coalitions' name order."""
    from .models import Membership

    if not user.is_authenticated:
        return []
    held: dict[int, set[str]] = defaultdict(set)
    for coalition_id, codename in CoalitionUserObjectPermission.objects.filter(
        user=user
    ).values_list("content_object_id", "permission__codename"):
        held[coalition_id].add(codename)
    memberships = (
        Membership.objects.filter(user=user)
        .select_related("coalition__national_authority", "organisation")
        .order_by("coalition__name", "coalition_id")
    )
    accesses = []
    for membership in memberships:
        found = in_effect(
            frozenset(held.get(membership.coalition_id, ())) & ALL_PERMISSIONS,
            membership.coalition,
        )
        if VIEW in found:
            accesses.append(
                CoalitionAccess(coalition=membership.coalition, perms=found, membership=membership)
            )
    return accesses


def coalition_ids_with(accesses: list[CoalitionAccess], perm: str) -> list[int]:
    return [access.coalition.pk for access in accesses if access.can(perm)]


def require_access(
    user, coalition_slug: str, perm: str | None = None, *, organisations: bool = False
) -> CoalitionAccess:
    """Outsiders get 404 (nothing about the coalition leaks); members without `perm` get 403.

    One query: the coalition is read through the person's membership, so an unknown address and
    a coalition the person is not in look the same. `organisations`: the page names the reader's
    organisation or the coalition's national authority, read in the same query.
    """
    if not user.is_authenticated:
        raise Http404
    membership, held = _membership_with_perms(
        user, slug=coalition_slug, organisations=organisations
    )
    if membership is None:
        raise Http404
    access = _access_from(membership.coalition, membership, held)
    if VIEW not in access.perms:
        raise Http404
    if perm is not None and perm not in access.perms:
        raise PermissionDenied
    return access


def require_membership(access: CoalitionAccess):
    """The person's membership, for what is done in the name of their organisation (a figure
    reported, an offer made); someone who holds permissions without one (site staff) is refused."""
    if access.membership is None:
        raise PermissionDenied
    return access.membership


def perms_by_user(*, coalition_id: int, user_ids) -> dict[int, frozenset[str]]:
    """Each person's permissions in one coalition, in one query: for mails and PDFs made for
    many readers at once (a person who left the coalition holds none)."""
    found: dict[int, set[str]] = {user_id: set() for user_id in user_ids}
    rows = CoalitionUserObjectPermission.objects.filter(
        content_object_id=coalition_id,
        user_id__in=list(found),
        user__memberships__coalition_id=coalition_id,
    ).values_list("user_id", "permission__codename")
    for user_id, codename in rows:
        found[user_id].add(codename)
    return {user_id: frozenset(codes) & ALL_PERMISSIONS for user_id, codes in found.items()}


def roles_with(perm: str) -> frozenset[str]:
    """The roles that carry `perm`: used to find who should receive a mail."""
    return frozenset(role for role, perms in ROLE_PERMISSIONS.items() if perm in perms)


def visibilities_for(perms: frozenset[str]) -> list[str]:
    """The visibility values a person with `perms` may read, for queryset filters."""
    allowed = []
    if VIEW in perms:
        allowed.append(Visibility.MEMBERS)
    if VIEW_RESTRICTED in perms:
        allowed.append(Visibility.RESTRICTED)
    return allowed
