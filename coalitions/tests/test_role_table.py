"""The role table against DESIGN.md's roles, and every permission in it asked somewhere."""

import re
from pathlib import Path

import pytest

from coalitions import permissions as perms
from coalitions.models import Role

ROOT = Path(__file__).resolve().parents[2]


def test_meetings_are_created_and_cancelled_by_the_authority_and_the_champion():
    assert perms.roles_with(perms.MANAGE_MEETINGS) == {Role.NATIONAL_AUTHORITY, Role.CHAMPION}


def test_summaries_are_published_by_the_authority():
    assert perms.roles_with(perms.PUBLISH_SUMMARY) == {Role.NATIONAL_AUTHORITY}


def test_agenda_and_minutes_are_edited_as_design_says():
    assert Role.FACILITATOR in perms.roles_with(perms.EDIT_AGENDA)
    assert {Role.FACILITATOR, Role.SECRETARIAT} <= perms.roles_with(perms.EDIT_MINUTES)


def test_concerns_are_raised_by_operators_and_donors_and_read_by_the_facilitator():
    assert perms.roles_with(perms.RAISE_CONCERN) == {Role.OPERATOR, Role.DONOR}
    assert perms.roles_with(perms.READ_CONCERNS) == {Role.FACILITATOR}


def _sources() -> str:
    files = [
        path
        for folder in ("actions", "coalitions", "concerns", "meetings", "obligations", "templates")
        for path in (ROOT / folder).rglob("*")
        if path.suffix in {".py", ".html", ".txt"}
        and "tests" not in path.parts
        and "migrations" not in path.parts
        and path != ROOT / "coalitions" / "permissions.py"
    ]
    return "\n".join(path.read_text(encoding="utf-8") for path in files)


@pytest.mark.parametrize("perm", sorted(perms.ALL_PERMISSIONS))
def test_every_permission_of_the_table_is_asked_somewhere(perm):
    constant = next(name for name, value in vars(perms).items() if value == perm and name.isupper())
    pattern = rf"perms\.{constant}\b|\bcan_{perm}\b|\b{constant}\b"
    assert re.search(pattern, _sources()), f"{perm} is granted but no page or mail asks for it"
