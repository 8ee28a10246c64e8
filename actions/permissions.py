"""Who may do what with one action point; the role table itself is coalitions.permissions."""

from coalitions import permissions as perms

from .models import ActionPoint


def may_see(access, action_point: ActionPoint) -> bool:
    return action_point.visibility in perms.visibilities_for(access.perms)


def may_update(access, action_point: ActionPoint, user) -> bool:
    """Post an update: anyone with UPDATE_ANY, or the owner's organisation with UPDATE_OWN."""
    if not may_see(access, action_point):
        return False
    if access.can(perms.UPDATE_ANY_ACTION_POINT):
        return True
    if not access.can(perms.UPDATE_OWN_ACTION_POINTS):
        return False
    return action_point.owner_id == user.pk or (
        access.organisation_id is not None
        and action_point.owner_organisation_id == access.organisation_id
    )


def may_edit(access, action_point: ActionPoint) -> bool:
    """Change the title, owner, due date: those who record action points, or update any."""
    return may_see(access, action_point) and (
        access.can(perms.RECORD_ACTION_POINTS) or access.can(perms.UPDATE_ANY_ACTION_POINT)
    )
