"""The crawl on the demo data: every URL pattern of the project, filled with real objects, visited
by every role, a member of another coalition, an outsider, staff and anonymous — GET, an empty POST,
and every form the pages show filled as a person would — answers without a server error.
(The same crawl on data at the limits the forms accept: test_crawl_edge.py.)
"""

from io import StringIO

import pytest
from django.core.management import call_command

from coalitions.models import Coalition, Membership, Role

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

pytestmark = pytest.mark.django_db

# Known defects, being fixed under their issues: (data set, URL name, actors, error, defect). A
# server error is tolerated only where its URL name, actor and error text are listed. Remove an
# entry when its fix is merged (the test warns about entries that no longer fail).
KNOWN_DEFECTS = []


def _demo() -> Site:
    from django.contrib.auth import get_user_model

    from users.services import user_create

    people = get_user_model().objects
    call_command("seed_demo", stdout=StringIO())
    # The first person of each role in Lebanon (it has two operators).
    lebanon = {
        m.role: m.user for m in Membership.objects.filter(coalition__slug="lebanon").order_by("-pk")
    }
    staff = people.get(email="admin@example.org")
    complete_for_the_crawl(
        coalition=Coalition.objects.get(slug="lebanon"), staff=staff, people=lebanon
    )
    actors = {role: lebanon[role] for role in Role.values}
    actors[OTHER_MEMBER] = people.get(email="authority.me@example.org")
    actors[OUTSIDER] = user_create(email="outsider@example.net", name="Olga Outsider", actor=None)
    actors[STAFF] = staff
    actors[ANONYMOUS] = None
    return Site(coalitions=list(Coalition.objects.order_by("pk")), actors=actors)


@pytest.fixture(scope="module")
def demo_site(django_db_setup, django_db_blocker):
    with built_once(django_db_blocker, _demo) as site:
        yield site


def test_every_url_pattern_is_filled_from_the_demo_data(demo_site):
    assert not demo_site.unfillable, "\n".join(demo_site.unfillable)


@pytest.mark.parametrize("actor", ACTORS)
def test_no_page_answers_a_server_error_on_the_demo_data(client, demo_site, actor):
    crawl_site(client, demo_site, "demo", actor, KNOWN_DEFECTS)
