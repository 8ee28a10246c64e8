"""Who may do what with needs and offers; the role table itself is coalitions.permissions."""

from coalitions import permissions as perms


def may_move_offer(access, offer) -> bool:
    """Only the offering organisation moves its offer along (pledged → committed → disbursed)."""
    return access.can(perms.POST_OFFERS) and offer.donor_id == access.organisation_id
