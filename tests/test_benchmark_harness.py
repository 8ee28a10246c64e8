"""The benchmark harness's pieces at a tiny size: the generator makes the shape it promises, the
pages it measures answer their readers, and the floor view exists under the benchmark settings
only (production never routes it)."""

import os
import subprocess
import sys

import pytest
from django.conf import settings
from django.test import Client
from django.urls import Resolver404, resolve

from actions.models import ActionPoint, ActionUpdate
from benchmarks import data as bench_data
from benchmarks.run import markdown, quantile
from benchmarks.urls import FLOOR_PATH
from coalitions.models import Membership, Role
from coalitions.permissions import permission_drift
from meetings.models import AgendaItem, Meeting
from obligations.models import ProgressEntry

COALITIONS, PER = 3, 8


@pytest.fixture
def shape(db):
    return bench_data.generate(coalitions=COALITIONS, per=PER).as_dict()


def test_generator_makes_the_issue_shape_at_any_size(shape):
    meetings = bench_data.MEETINGS_HELD + bench_data.MEETINGS_PLANNED
    expected = {
        "coalitions": COALITIONS,
        "action points": COALITIONS * PER,
        "meetings": COALITIONS * meetings,
        "agenda items": COALITIONS * meetings * bench_data.AGENDA_PER_MEETING,
        "updates": COALITIONS * PER,  # one per action point on average
        "progress figures": COALITIONS * 96,
    }
    assert {k: v for k, v in shape["counts"].items() if k in expected} == expected
    assert ActionPoint.objects.count() == COALITIONS * PER
    assert Meeting.objects.count() == COALITIONS * meetings
    assert AgendaItem.objects.count() == expected["agenda items"]
    assert ActionUpdate.objects.count() == expected["updates"]
    assert ProgressEntry.objects.count() == expected["progress figures"]
    large = Meeting.objects.get(pk=shape["large_meeting"])
    assert large.agenda_items.count() == bench_data.LARGE_MEETING_AGENDA
    assert large.action_points.count() == PER // 5
    # The operator reads from the first two coalitions only, as NPA's person in both.
    operator = Membership.objects.filter(user_id=shape["operator"])
    assert operator.count() == 2
    assert set(operator.values_list("role", flat=True)) == {Role.OPERATOR}
    assert operator.values("organisation").distinct().count() == 1
    # Permission rows are the role table's, as the membership services would have written them.
    assert permission_drift() == []


def test_every_measured_page_answers_its_reader(shape):
    from django.contrib.auth import get_user_model

    User = get_user_model()
    clients = {}
    for reader in ("authority", "operator"):
        clients[reader] = Client()
        clients[reader].force_login(User.objects.get(pk=shape[reader]))
    listed = bench_data.pages(shape)
    assert [key for key, _reader, _path in listed] == [
        "action-points", "meeting", "mine", "coalition-action-points", "home", "obligations",
        "meetings",
    ]  # fmt: skip
    for _key, reader, path in listed:
        assert clients[reader].get(path).status_code == 200, path
    # The operator's own action points show on `/action-points/`.
    page = clients["operator"].get("/action-points/")
    assert page.context["page"].paginator.count > 0


def test_floor_is_routed_under_the_benchmark_settings_only(db, settings):
    with pytest.raises(Resolver404):
        resolve(FLOOR_PATH)  # the test settings use the site's own URLs
    settings.ROOT_URLCONF = "benchmarks.urls"
    settings.TEMPLATES = [
        {
            **settings.TEMPLATES[0],
            "DIRS": [
                *settings.TEMPLATES[0]["DIRS"],
                settings.BASE_DIR / "benchmarks" / "templates",
            ],
        }
    ]
    from coalitions.tests.factories import CoalitionFactory, add_member

    person = add_member(CoalitionFactory(), Role.OBSERVER)
    client = Client()
    assert client.get(FLOOR_PATH).status_code == 302  # signed-in pages only, like the pages
    client.force_login(person)
    response = client.get(FLOOR_PATH)
    assert response.status_code == 200
    assert person.name in response.content.decode()


def test_production_settings_do_not_route_the_floor():
    env = {k: v for k, v in os.environ.items() if k not in {"DJANGO_SETTINGS_MODULE", "SECRET_KEY"}}
    code = (
        "import django; django.setup()\n"
        "from django.conf import settings; from django.urls import resolve, Resolver404\n"
        "print(settings.ROOT_URLCONF)\n"
        f"try:\n    resolve({FLOOR_PATH!r}); print('routed')\n"
        "except Resolver404:\n    print('not routed')\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=settings.BASE_DIR,
        env={
            **env,
            "DJANGO_SETTINGS_MODULE": "config.settings.production",
            "SECRET_KEY": "p" * 50,
            "ALLOWED_HOSTS": "coalitions.example.org",
        },
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["config.urls", "not", "routed"]


def test_table_helpers():
    assert quantile([4.0, 1.0, 3.0, 2.0], 0.5) == 2.5
    assert quantile([1.0, 2.0, 3.0, 4.0, 5.0], 0.25) == 2.0
    assert markdown(["a", "b"], [["1", "2"]]).splitlines() == [
        "| a | b |",
        "|---|---|",
        "| 1 | 2 |",
    ]
