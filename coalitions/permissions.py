"""The one table that says who may do what in a coalition.

A membership's role is turned into django-guardian object permissions on the coalition
(`sync_role_permissions`); every view, queryset, export and mail asks through the helpers below.
"""

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.http import Http404
from guardian.shortcuts import assign_perm, get_perms, remove_perm

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
WRITE_PROGRESS_UPDATES = "write_progress_updates"
POST_NEEDS = "post_needs"
POST_OFFERS = "post_offers"
RAISE_CONCERN = "raise_concern"
READ_CONCERNS = "read_concerns"

ALL_PERMISSIONS = frozenset(
    {
        VIEW, MANAGE_COALITION, MANAGE_MEMBERS, INVITE_MEMBERS, VIEW_RESTRICTED, MANAGE_MEETINGS,
        EDIT_AGENDA, EDIT_MINUTES, PUBLISH_SUMMARY, RECORD_ACTION_POINTS, UPDATE_OWN_ACTION_POINTS,
        UPDATE_ANY_ACTION_POINT, MANAGE_OBLIGATIONS, REPORT_PROGRESS, VALIDATE_PROGRESS,
        WRITE_PROGRESS_UPDATES, POST_NEEDS, POST_OFFERS, RAISE_CONCERN, READ_CONCERNS,
    }
)  # fmt: skip

ROLE_PERMISSIONS: dict[str, frozenset[str]] = {
    # The national authority owns the coalition. Concerns are for the facilitator alone.
    Role.NATIONAL_AUTHORITY: ALL_PERMISSIONS - {RAISE_CONCERN, READ_CONCERNS},
    Role.CHAMPION: frozenset(
        {
            VIEW,
            INVITE_MEMBERS,
            VIEW_RESTRICTED,
            MANAGE_MEETINGS,
            EDIT_AGENDA,
            RECORD_ACTION_POINTS,
            UPDATE_OWN_ACTION_POINTS,
            POST_OFFERS,
        }
    ),  # fmt: skip
    Role.DONOR: frozenset({VIEW, UPDATE_OWN_ACTION_POINTS, POST_OFFERS, RAISE_CONCERN}),
    Role.OPERATOR: frozenset({VIEW, UPDATE_OWN_ACTION_POINTS, REPORT_PROGRESS, RAISE_CONCERN}),
    Role.FACILITATOR: frozenset(
        {
            VIEW,
            INVITE_MEMBERS,
            VIEW_RESTRICTED,
            MANAGE_MEETINGS,
            EDIT_AGENDA,
            EDIT_MINUTES,
            PUBLISH_SUMMARY,
            RECORD_ACTION_POINTS,
            UPDATE_ANY_ACTION_POINT,
            UPDATE_OWN_ACTION_POINTS,
            READ_CONCERNS,
        }
    ),  # fmt: skip
    Role.SECRETARIAT: frozenset(
        {
            VIEW,
            VIEW_RESTRICTED,
            MANAGE_MEETINGS,
            EDIT_MINUTES,
            RECORD_ACTION_POINTS,
            UPDATE_ANY_ACTION_POINT,
            UPDATE_OWN_ACTION_POINTS,
            WRITE_PROGRESS_UPDATES,
        }
    ),  # fmt: skip
    Role.OBSERVER: frozenset({VIEW}),
}

# Roles a person with INVITE_MEMBERS may hand out. Only the national authority creates peers of itself.
INVITABLE_ROLES: dict[str, frozenset[str]] = {
    Role.NATIONAL_AUTHORITY: frozenset(Role.values),
    Role.CHAMPION: frozenset(Role.values) - {Role.NATIONAL_AUTHORITY},
    Role.FACILITATOR: frozenset(Role.values) - {Role.NATIONAL_AUTHORITY},
}


def _codename(perm: str) -> str:
    return f"coalitions.{perm}"


def sync_role_permissions(*, user, coalition: Coalition, role: str | None) -> None:
    """Make the user's object permissions on the coalition exactly those of `role` (None: none)."""
    wanted = ROLE_PERMISSIONS.get(role, frozenset()) if role else frozenset()
    current = {
        p.permission.codename
        for p in CoalitionUserObjectPermission.objects.filter(
            user=user, content_object=coalition
        ).select_related("permission")
    }
    for perm in current - wanted:
        remove_perm(_codename(perm), user, coalition)
    for perm in wanted - current:
        assign_perm(_codename(perm), user, coalition)


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

    def may_see(self, visibility: str) -> bool:
        if visibility == Visibility.MEMBERS:
            return VIEW in self.perms
        if visibility == Visibility.RESTRICTED:
            return VIEW_RESTRICTED in self.perms
        return False


def access_for(user, coalition: Coalition) -> CoalitionAccess:
    from .models import Membership

    if not user.is_authenticated:
        return CoalitionAccess(coalition=coalition, perms=frozenset(), membership=None)
    perms = frozenset(get_perms(user, coalition)) & ALL_PERMISSIONS
    membership = None
    if perms:
        membership = (
            Membership.objects.select_related("organisation")
            .filter(coalition=coalition, user=user)
            .first()
        )
    return CoalitionAccess(coalition=coalition, perms=perms, membership=membership)


def require_access(user, coalition_slug: str, perm: str | None = None) -> CoalitionAccess:
    """Outsiders get 404 (nothing about the coalition leaks); members without `perm` get 403."""
    coalition = (
        Coalition.objects.select_related("national_authority").filter(slug=coalition_slug).first()
    )
    if coalition is None:
        raise Http404
    access = access_for(user, coalition)
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
        content_object_id=coalition_id, user_id__in=list(found)
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
