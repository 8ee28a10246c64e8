"""The "History of changes" shows each reader only the versions and values they may see."""

import pytest
from django.urls import reverse

from actions.services import action_point_edit
from actions.tests.factories import make_action_point
from coalitions import permissions as perms
from coalitions.models import Role, Visibility

pytestmark = pytest.mark.django_db

SECRET_TITLE = "Quiet talks with the armed group"
SECRET_DESCRIPTION = "Names of the go-between"
OPEN_TITLE = "Community liaison in the south"
LATER_TITLE = "Community liaison in the south and east"
SEES_RESTRICTED = perms.roles_with(perms.VIEW_RESTRICTED)


@pytest.fixture
def opened_action_point(coalition, members):
    """Created restricted, opened to members with a new title, then renamed once more."""
    recorder = members[Role.FACILITATOR]
    action_point = make_action_point(
        coalition,
        owner=members[Role.OPERATOR],
        actor=recorder,
        title=SECRET_TITLE,
        description=SECRET_DESCRIPTION,
        visibility=Visibility.RESTRICTED,
    )
    action_point = action_point_edit(
        action_point=action_point,
        actor=recorder,
        title=OPEN_TITLE,
        description="",
        visibility=Visibility.MEMBERS,
    )
    return action_point_edit(action_point=action_point, actor=recorder, title=LATER_TITLE)


@pytest.mark.parametrize("role", sorted(perms.ROLE_PERMISSIONS))
def test_history_hides_restricted_versions_from_those_who_may_not_see_them(
    client, coalition, members, opened_action_point, role
):
    client.force_login(members[role])
    response = client.get(reverse("actions:detail", args=[coalition.slug, opened_action_point.pk]))
    page = response.content.decode()
    assert response.status_code == 200
    # Every reader sees the change made while the item was open to them.
    assert f"Title: {OPEN_TITLE} → {LATER_TITLE}" in page
    if role in SEES_RESTRICTED:
        assert f"Title: {SECRET_TITLE} → {OPEN_TITLE}" in page
        assert SECRET_DESCRIPTION in page
        assert "recorded the action point" in page
    else:
        assert SECRET_TITLE not in page
        assert SECRET_DESCRIPTION not in page
        assert "Restricted" not in page
        assert "opened the action point to all members" in page
        assert "recorded the action point" not in page


def test_a_stretch_spent_restricted_is_left_out_between_open_versions(coalition, members):
    """Open, then restricted under another title, then open again: members see one step."""
    from actions.selectors import action_point_history

    recorder = members[Role.FACILITATOR]
    action_point = make_action_point(coalition, actor=recorder, title=OPEN_TITLE)
    action_point = action_point_edit(
        action_point=action_point,
        actor=recorder,
        title=SECRET_TITLE,
        visibility=Visibility.RESTRICTED,
    )
    action_point = action_point_edit(
        action_point=action_point, actor=recorder, title=LATER_TITLE, visibility=Visibility.MEMBERS
    )
    for role, role_perms in perms.ROLE_PERMISSIONS.items():
        changes = action_point_history(action_point=action_point, perms_held=role_perms)
        shown = [(f["old"], f["new"]) for change in changes for f in change["fields"]]
        if role in SEES_RESTRICTED:
            assert (OPEN_TITLE, SECRET_TITLE) in shown and (SECRET_TITLE, LATER_TITLE) in shown
        else:
            assert shown == [(OPEN_TITLE, LATER_TITLE)]
            assert changes[-1]["created"]
