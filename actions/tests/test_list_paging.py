"""The action point lists page as Django's paginator does, whatever the page asked for: the same
rows, the same page number and count, read in one query with the list's length; and each row
shows the names and the latest update read with it."""

import re
from datetime import datetime, timedelta
from html import escape

import pytest
from django.core.paginator import Paginator
from django.urls import reverse
from django.utils import timezone

from actions.models import ActionPoint, ActionUpdate
from actions.services import action_update_post
from actions.tests.factories import make_action_point, make_meeting
from actions.views import PAGE_SIZE
from coalitions.models import Role

pytestmark = pytest.mark.django_db

ASKED = [None, "1", "2", "3", "0", "-1", "", "abc", "1.0", " 2", "99999999999999999999999999"]


def shown(page: str) -> list[int]:
    return [int(pk) for pk in re.findall(r'<tr id="ap-(\d+)"', page)]


def page_line(page: str) -> str | None:
    found = re.search(r"<span>(Page \d+ of \d+)</span>", page)
    return found.group(1) if found else None


def expected(ids: list[int], asked: str | None) -> tuple[list[int], str | None]:
    page = Paginator(ids, PAGE_SIZE).get_page(asked)
    line = f"Page {page.number} of {page.paginator.num_pages}"
    return list(page.object_list), line if page.has_other_pages() else None


@pytest.fixture
def listed(coalition, members):
    """A page and a bit of open action points owned by the operator's organisation."""
    operator = members[Role.OPERATOR]
    organisation = operator.memberships.get().organisation
    today = timezone.now().date()
    ActionPoint.objects.bulk_create(
        ActionPoint(
            coalition=coalition,
            title=f"Row {i}",
            owner_organisation=organisation,
            due_date=today + timedelta(days=i % 7),
            status="open",
        )
        for i in range(PAGE_SIZE + 5)
    )
    return list(ActionPoint.objects.order_by("due_date", "id").values_list("pk", flat=True))


@pytest.mark.parametrize("asked", ASKED)
@pytest.mark.parametrize("path", ["list", "mine_everywhere"])
def test_every_page_asked_for_shows_what_the_paginator_shows(
    client, coalition, members, listed, path, asked
):
    client.force_login(members[Role.OPERATOR])
    url = reverse(f"actions:{path}", args=[coalition.slug] if path == "list" else [])
    response = client.get(url, {} if asked is None else {"page": asked})
    page = response.content.decode()
    rows, line = expected(listed, asked)
    assert response.status_code == 200
    assert shown(page) == rows
    assert page_line(page) == line


@pytest.mark.parametrize("asked", ASKED)
def test_an_empty_list_shows_its_empty_page_whatever_the_page_asked_for(
    client, coalition, members, asked
):
    client.force_login(members[Role.OPERATOR])
    url = reverse("actions:list", args=[coalition.slug])
    response = client.get(url, {} if asked is None else {"page": asked})
    page = response.content.decode()
    assert response.status_code == 200
    assert shown(page) == [] and page_line(page) is None
    assert "0 action points" in page


def test_the_list_counts_every_row_not_the_page(client, coalition, members, listed):
    client.force_login(members[Role.OPERATOR])
    page = client.get(reverse("actions:list", args=[coalition.slug]), {"page": "2"})
    assert f"{len(listed)} action points" in page.content.decode()


@pytest.mark.parametrize("path", ["list", "mine_everywhere"])
def test_a_row_shows_its_meeting_owner_and_latest_update_and_none_when_missing(
    client, coalition, members, path
):
    operator = members[Role.OPERATOR]
    meeting = make_meeting(coalition, starts_at=timezone.now(), title="Spring <review>")
    followed = make_action_point(coalition, owner=operator, meeting=meeting, title="Followed")
    bare = make_action_point(
        coalition, organisation=operator.memberships.get().organisation, title="Bare"
    )
    action_update_post(action_point=followed, actor=operator, text="First.")
    latest = action_update_post(action_point=followed, actor=operator, text="Second.")
    ActionUpdate.objects.filter(pk=latest.pk).update(
        created_at=timezone.make_aware(datetime(2031, 3, 9, 12))
    )
    client.force_login(operator)
    url = reverse(f"actions:{path}", args=[coalition.slug] if path == "list" else [])
    page = client.get(url).content.decode()
    rows = dict(re.findall(r'<tr id="ap-(\d+)".*?\n(.*?)\n</tr>', page, re.S))
    organisation = escape(operator.memberships.get().organisation.name)
    assert "Spring &lt;review&gt;" in rows[str(followed.pk)]
    assert (
        f'{organisation}<br><span class="muted small">{escape(operator.name)}</span>'
        in (rows[str(followed.pk)])
    )
    assert "<td>9 Mar 2031</td>" in rows[str(followed.pk)]
    assert "Spring" not in rows[str(bare.pk)] and escape(operator.name) not in rows[str(bare.pk)]
    assert '<td><span class="muted">none</span></td>' in rows[str(bare.pk)]
    if path == "mine_everywhere":
        assert f"<td>{escape(coalition.name)}</td>" in rows[str(bare.pk)]
