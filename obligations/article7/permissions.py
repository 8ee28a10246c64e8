"""Who may do what with Article 7 reports, in the words of the role table
(coalitions/permissions.py): the national authority drafts and submits (it manages obligations);
the champion, the facilitator and the secretariat read and comment (they see restricted items).
Donors, operators and observers see no draft: a report is the State's until it sends it."""

from coalitions import permissions as perms


def may_read(access) -> bool:
    return access.can(perms.VIEW_RESTRICTED)


def may_draft(access) -> bool:
    return access.can(perms.MANAGE_OBLIGATIONS)


def may_comment(access) -> bool:
    return may_read(access) and not access.coalition.archived_at
