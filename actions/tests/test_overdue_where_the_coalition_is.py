"""Across coalitions (Today, /action-points/) an action point is overdue when its due date is
before today where its coalition is, whatever the reader's own date."""

import re
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from django.utils import timezone

from actions.models import ActionPoint
from actions.tests.factories import make_action_point
from coalitions.models import Role
from coalitions.tests.factories import CoalitionFactory, UserFactory, add_member

pytestmark = pytest.mark.django_db

# 20:00 UTC on 15 June: already the 16th in Auckland (UTC+12), still the 15th in Los Angeles
# (UTC-7).
NOW = datetime(2026, 6, 15, 20, tzinfo=UTC)
# At every moment the date in Kiritimati (UTC+14) is one or two days after the date in Pago Pago
# (UTC-11): what the pages show on the real clock can be foretold.
AHEAD, BEHIND = "Pacific/Kiritimati", "Pacific/Pago_Pago"


def local_today(zone: str, now: datetime) -> date:
    return now.astimezone(ZoneInfo(zone)).date()


def member_of_two(first_zone: str, second_zone: str):
    person = UserFactory()
    coalitions = []
    for zone in (first_zone, second_zone):
        coalition = CoalitionFactory(timezone_name=zone, name=f"Coalition in {zone}")
        add_member(coalition, Role.NATIONAL_AUTHORITY, user=person)
        coalitions.append(coalition)
    return person, coalitions


def titles(items) -> set[str]:
    return {item.title for item in items}


def test_today_reads_each_action_point_against_its_own_coalitions_date(
    django_assert_num_queries,
):
    person, (auckland, los_angeles) = member_of_two("Pacific/Auckland", "America/Los_Angeles")
    for coalition, tag in ((auckland, "AKL"), (los_angeles, "LAX")):
        for day in (14, 15, 16):
            make_action_point(
                coalition, owner=person, title=f"{tag} {day}", due_date=NOW.date().replace(day=day)
            )
    make_action_point(auckland, owner=person, title="AKL undated", due_date=None)
    make_action_point(
        auckland,
        owner=person,
        title="AKL done",
        due_date=NOW.date().replace(day=1),
        status=ActionPoint.Status.DONE,
    )
    from actions.selectors import my_action_points_today

    with django_assert_num_queries(3):
        mine = my_action_points_today(user=person, now=NOW)
    assert titles(mine["overdue"]) == {"AKL 14", "AKL 15", "LAX 14"}
    assert mine["overdue_total"] == 3
    assert titles(mine["upcoming"]) == {"AKL 16", "LAX 15", "LAX 16", "AKL undated"}
    assert mine["upcoming_total"] == 4
    # An hour later than that, it is the 15th's evening in Los Angeles still: nothing moves.
    later = my_action_points_today(user=person, now=NOW + timedelta(hours=1))
    assert titles(later["overdue"]) == {"AKL 14", "AKL 15", "LAX 14"}
    # At 1:00 on the 16th in Los Angeles, its 15th is overdue too.
    next_day = my_action_points_today(user=person, now=NOW + timedelta(hours=12))
    assert titles(next_day["overdue"]) == {"AKL 14", "AKL 15", "LAX 14", "LAX 15"}


def _today_panel(page: str) -> tuple[str, str]:
    panel = re.search(r'data-today="action-points".*?</section>', page, re.S).group(0)
    overdue, _sep, upcoming = panel.partition("coming</h3>")
    return overdue, upcoming


@pytest.mark.parametrize("reader_zone", [AHEAD, BEHIND, "UTC"])
def test_the_pages_across_coalitions_mark_overdue_by_the_coalitions_date(client, reader_zone):
    person, (ahead, behind) = member_of_two(AHEAD, BEHIND)
    person.timezone = reader_zone
    person.save(update_fields=["timezone"])
    now = timezone.now()
    # Due today where its coalition is: not overdue, though it is past in Kiritimati.
    on_time = make_action_point(
        behind, owner=person, title="Due today behind", due_date=local_today(BEHIND, now)
    )
    # Due yesterday where its coalition is: overdue, though it is still to come in Pago Pago.
    late = make_action_point(
        ahead,
        owner=person,
        title="Due yesterday ahead",
        due_date=local_today(AHEAD, now) - timedelta(days=1),
    )
    client.force_login(person)

    overdue, upcoming = _today_panel(client.get(reverse("coalitions:today")).content.decode())
    assert late.title in overdue and on_time.title not in overdue
    assert on_time.title in upcoming and late.title not in upcoming
    assert "1 overdue" in overdue

    rows = client.get(reverse("actions:mine_everywhere")).content.decode()
    row = {
        point.title: re.search(rf'<tr id="ap-{point.pk}".*?</tr>', rows, re.S).group(0)
        for point in (on_time, late)
    }
    assert "badge-overdue" in row[late.title]
    assert "badge-overdue" not in row[on_time.title]
