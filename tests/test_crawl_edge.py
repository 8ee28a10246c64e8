"""The crawl on an "edge" data set (tests/edge_data.py): the biggest numbers, the earliest and
latest dates and the longest texts the forms accept, time zones at both ends of the day, empty
collections, an obligation without indicators, a coalition without a facilitator. Every URL
pattern, every kind of person, GET, empty POST and every form: no server error.
"""

import pytest

from coalitions.models import Role

from .crawl_sites import (
    ACTORS,
    ANONYMOUS,
    MEMBERS,
    OTHER_MEMBER,
    OUTSIDER,
    STAFF,
    Site,
    built_once,
    complete_for_the_crawl,
    crawl_site,
)
from .edge_data import build_edge_data

pytestmark = pytest.mark.django_db

# Known defects, being fixed under their issues: (data set, URL name, actors, error, defect). A
# server error is tolerated only where its URL name, actor and error text are listed. Remove an
# entry when its fix is merged (the test warns about entries that no longer fail).
# The edge data set holds a target of 99,999,999,999,999.99 with a first figure of 0.01 (issue 8
# defect 2: forecast overflow, and SQLite cannot read the figure back) and meetings on the earliest
# and latest days the form accepts (issue 8 defect 3). Staff reach these pages as superusers
# (issue 9 defect 1).
NA, CH, DO, OP, FA, SE, OB = (
    Role.NATIONAL_AUTHORITY, Role.CHAMPION, Role.DONOR, Role.OPERATOR, Role.FACILITATOR,
    Role.SECRETARIAT, Role.OBSERVER,
)  # fmt: skip
EVERY_READER = (*MEMBERS, STAFF)
BEHIND_READERS = (NA, DO, FA, OB)  # tests/edge_data.py gives every second role a zone at UTC-12
BIG = "InvalidOperation"
DEFECT_2 = "issue 8 defect 2"
OVERFLOW = "OverflowError"
DEFECT_3 = "issue 8 defect 3"
KNOWN_DEFECTS = [
    ("edge", "coalitions:detail", EVERY_READER, BIG, DEFECT_2),
    ("edge", "obligations:dashboard", EVERY_READER, BIG, DEFECT_2),
    ("edge", "obligations:detail", EVERY_READER, BIG, DEFECT_2),
    ("edge", "obligations:progress_export", EVERY_READER, BIG, DEFECT_2),
    ("edge", "obligations:extension_pack", (NA, CH, FA, SE, STAFF), BIG, DEFECT_2),
    ("edge", "obligations:edit", (NA, STAFF), BIG, DEFECT_2),
    ("edge", "obligations:extension_new", (NA, STAFF), BIG, DEFECT_2),
    ("edge", "obligations:extension_decide", (NA, STAFF), BIG, DEFECT_2),
    ("edge", "obligations:indicator_new", (NA, STAFF), BIG, DEFECT_2),
    ("edge", "obligations:indicator_edit", (NA, STAFF), BIG, DEFECT_2),
    ("edge", "obligations:progress_new", (NA, OP), BIG, DEFECT_2),
    ("edge", "obligations:progress_delete", (NA, OP, STAFF), BIG, DEFECT_2),
    ("edge", "obligations:progress_validate", (NA, STAFF), BIG, DEFECT_2),
    ("edge", "admin:coalitions_coalition_delete", (STAFF,), BIG, DEFECT_2),
    ("edge", "admin:coalitions_organisation_delete", (STAFF,), BIG, DEFECT_2),
    ("edge", "meetings:summary_send_again", (NA, FA, STAFF), "Retry", DEFECT_2),
    # Readers twelve hours behind UTC, on the meeting at 00:30 on the earliest day.
    ("edge", "meetings:detail", BEHIND_READERS, OVERFLOW, DEFECT_3),
    ("edge", "meetings:edit", (NA, CH, FA, SE, STAFF), OVERFLOW, DEFECT_3),
    ("edge", "meetings:cancel", (NA, CH, FA, SE, STAFF), OVERFLOW, DEFECT_3),
    ("edge", "actions:meeting_action_points", BEHIND_READERS, OVERFLOW, DEFECT_3),
    ("edge", "actions:meeting_quick_entry", (NA, FA), OVERFLOW, DEFECT_3),
]

# Records the edge data set cannot make yet because the service breaks on a value its form
# accepts: (step of tests/edge_data.py, defect).
KNOWN_BUILD_DEFECTS = [
    ("obligation with the latest entry into force with", "issue 8 defect 3"),
    ("meeting on the earliest day (after commit) with", "issue 8 defect 3"),
    ("summary (after commit) with", "issue 8 defect 2"),
]


def _edge() -> Site:
    from users.services import user_create

    staff = user_create(email="edge.staff@example.net", name="Edge staff", is_staff=True)
    made = build_edge_data(staff=staff)
    complete_for_the_crawl(coalition=made["coalitions"][0], staff=staff, people=made["people"])
    actors = {**made["people"]}
    actors[OTHER_MEMBER] = made["other"]
    actors[OUTSIDER] = user_create(email="edge.outsider@example.net", name="Edge outsider")
    actors[STAFF] = staff
    actors[ANONYMOUS] = None
    return Site(
        coalitions=made["coalitions"],
        actors=actors,
        findings=made["findings"],
        refused=made["refused"],
    )


@pytest.fixture(scope="module")
def edge_site(django_db_setup, django_db_blocker):
    with built_once(django_db_blocker, _edge) as site:
        yield site


def test_the_edge_data_set_is_made_at_the_limits_the_forms_accept(edge_site):
    assert not edge_site.refused, "\n".join(edge_site.refused)
    unknown = [
        f
        for f in edge_site.findings
        if not any(f.startswith(step) for step, _d in KNOWN_BUILD_DEFECTS)
    ]
    assert not unknown, "\n".join(unknown)
    assert not edge_site.unfillable, "\n".join(edge_site.unfillable)


@pytest.mark.parametrize("actor", ACTORS)
def test_no_page_answers_a_server_error_on_the_edge_data(client, edge_site, actor):
    crawl_site(client, edge_site, "edge", actor, KNOWN_DEFECTS)
