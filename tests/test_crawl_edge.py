"""The crawl on an "edge" data set (tests/edge_data.py): the biggest numbers, the earliest and
latest dates and the longest texts the forms accept, time zones at both ends of the day, empty
collections, an obligation without indicators, a coalition without a facilitator. Every URL
pattern, every kind of person, GET, empty POST and every form: no server error.
"""

import pytest

from .crawl_sites import (
    ACTORS,
    ANONYMOUS,
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
KNOWN_DEFECTS = []

# Records the edge data set cannot make yet because the service breaks on a value its form
# accepts: (step of tests/edge_data.py, defect).
KNOWN_BUILD_DEFECTS = []


def _edge() -> Site:
    from users.services import user_create

    staff = user_create(
        email="edge.staff@example.net", name="Edge staff", is_staff=True, actor=None
    )
    made = build_edge_data(staff=staff)
    complete_for_the_crawl(coalition=made["coalitions"][0], staff=staff, people=made["people"])
    actors = {**made["people"]}
    actors[OTHER_MEMBER] = made["other"]
    actors[OUTSIDER] = user_create(
        email="edge.outsider@example.net", name="Edge outsider", actor=None
    )
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
