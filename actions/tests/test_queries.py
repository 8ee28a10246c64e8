"""List pages, the meeting panel and the home panel cost the same queries for 5 or 500 rows."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from actions.models import ActionPoint, ActionUpdate
from actions.tests.factories import make_meeting
from coalitions.models import Role
from tests.fixtures import count_queries

pytestmark = pytest.mark.django_db


def add_rows(coalition, members, meeting, n):
    """Bulk rows for size only; the services are exercised by the other tests."""
    operator = members[Role.OPERATOR]
    organisation = operator.memberships.get().organisation
    today = timezone.now().date()
    rows = ActionPoint.objects.bulk_create(
        [
            ActionPoint(
                coalition=coalition,
                meeting=meeting,
                title=f"Row {i}",
                owner_organisation=organisation,
                owner=operator if i % 2 else None,
                due_date=today + timedelta(days=i % 40 - 20),
                visibility="restricted" if i % 7 == 0 else "members",
                status=["open", "in_progress", "done"][i % 3],
                recorded_by=members[Role.FACILITATOR],
            )
            for i in range(n)
        ]
    )
    ActionUpdate.objects.bulk_create(
        [ActionUpdate(action_point=r, author=operator, text="x", old_status="open") for r in rows]
    )


@pytest.mark.parametrize(
    "role,path",
    [
        (Role.NATIONAL_AUTHORITY, "list"),
        (Role.OPERATOR, "list?view=mine"),
        (Role.FACILITATOR, "list?view=recorded&status=any&sort=owner"),
        (Role.OBSERVER, "list?overdue=on"),
        (Role.OPERATOR, "export"),
        (Role.OPERATOR, "mine_everywhere"),
        (Role.SECRETARIAT, "meeting"),
        (Role.OPERATOR, "home"),
        (Role.NATIONAL_AUTHORITY, "reminders"),
    ],
)
def test_pages_do_not_grow_with_action_points(client, coalition, members, role, path):
    meeting = make_meeting(coalition, starts_at=timezone.now())
    name, _sep, query = path.partition("?")
    urls = {
        "list": reverse("actions:list", args=[coalition.slug]),
        "export": reverse("actions:export", args=[coalition.slug]),
        "mine_everywhere": reverse("actions:mine_everywhere"),
        "meeting": reverse("actions:meeting_action_points", args=[coalition.slug, meeting.pk]),
        "home": reverse("coalitions:detail", args=[coalition.slug]),
        "reminders": reverse("actions:reminders", args=[coalition.slug]),
    }
    url = urls[name] + (f"?{query}" if query else "")
    client.force_login(members[role])
    add_rows(coalition, members, meeting, 5)
    client.get(url)  # caches filled (the home page's obligation statuses)
    small = count_queries(client, url)
    add_rows(coalition, members, meeting, 495)
    assert count_queries(client, url) == small
    assert small <= 16, small


def test_detail_page_does_not_grow_with_updates(client, coalition, members):
    from actions.services import action_update_post
    from actions.tests.factories import make_action_point

    operator = members[Role.OPERATOR]
    item = make_action_point(coalition, owner=operator)
    url = reverse("actions:detail", args=[coalition.slug, item.pk])
    client.force_login(operator)
    action_update_post(action_point=item, actor=operator, text="first")
    small = count_queries(client, url)
    for n in range(20):
        action_update_post(action_point=item, actor=operator, text=f"update {n}")
    assert count_queries(client, url) == small
