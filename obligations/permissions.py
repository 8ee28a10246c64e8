"""Who may do what with an obligation's records; the role table itself is coalitions.permissions."""

from coalitions import permissions as perms


def may_download_pack(access) -> bool:
    """The extension-request pack gathers restricted figures: for those who manage obligations or
    may see restricted items."""
    return access.can(perms.MANAGE_OBLIGATIONS) or access.can(perms.VIEW_RESTRICTED)


def may_delete_entry(access, entry) -> bool:
    """Validators may delete any figure; a reporter withdraws their organisation's figure until it
    is validated."""
    if access.can(perms.VALIDATE_PROGRESS):
        return True
    return (
        access.can(perms.REPORT_PROGRESS)
        and not entry.is_validated
        and entry.reporting_organisation_id == access.organisation_id
    )
