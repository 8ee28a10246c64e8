"""Who may do what with an obligation's records; the role table itself is coalitions.permissions."""

from coalitions import permissions as perms


def may_download_pack(access) -> bool:
    """The extension-request pack gathers restricted figures: for those who manage obligations or
    may see restricted items."""
    return access.can(perms.MANAGE_OBLIGATIONS) or access.can(perms.VIEW_RESTRICTED)
