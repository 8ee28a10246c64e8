"""Who may do what with Article 7 reports, in the words of the role table
(coalitions/permissions.py): the national authority drafts and submits (it manages obligations);
the champion, the facilitator and the secretariat read and comment (they see restricted items).
Donors, operators and observers see no draft: a report is the State's until it sends it. The
pages ask `require_access` for those two permissions; these rules decide what a page offers."""

from coalitions import permissions as perms


def may_draft(access) -> bool:
    return access.can(perms.MANAGE_OBLIGATIONS)


def may_comment(access) -> bool:
    """Readers comment on a draft; an archived coalition takes no comment."""
    return access.can(perms.VIEW_RESTRICTED) and not access.coalition.archived_at
