"""Who may do what with one action point; the role table itself is coalitions.permissions."""

from coalitions import permissions as perms

from .models import ActionPoint


def may_see(access, action_point: ActionPoint) -> bool:
    return action_point.visibility in perms.visibilities_for(access.perms)


def may_update(access, action_point: ActionPoint, user) -> bool:
    """Post an update: anyone with UPDATE_ANY, or the owner's organisation with UPDATE_OWN."""
    return may_update_holding(access.perms, access.organisation_id, action_point, user)


def may_update_holding(
    perms_held: frozenset[str], organisation_id: int | None, action_point: ActionPoint, user
) -> bool:
    """`may_update` for a person known by their permissions and organisation in the action
    point's coalition (lists across coalitions hold these for each coalition)."""
    if action_point.visibility not in perms.visibilities_for(perms_held):
        return False
    if perms.UPDATE_ANY_ACTION_POINT in perms_held:
        return True
    if perms.UPDATE_OWN_ACTION_POINTS not in perms_held:
        return False
    return action_point.owner_id == user.pk or (
        organisation_id is not None and action_point.owner_organisation_id == organisation_id
    )


def may_edit(access, action_point: ActionPoint) -> bool:
    """Change the title, owner, due date: those who record action points, or update any."""
    return may_see(access, action_point) and (
        access.can(perms.RECORD_ACTION_POINTS) or access.can(perms.UPDATE_ANY_ACTION_POINT)
    )
