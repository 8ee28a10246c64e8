"""The action point lists read their page from a query compiled once per shape
(config/compiled_query.py): for every role, tab, status, sort, filter and page, the rows are the
ones the ORM reads, and the values of one run never reach another's."""

import random
from datetime import timedelta
from itertools import product

import pytest
from django.db.models import F
from django.utils import timezone

from actions import selectors
from actions.models import ActionPoint
from actions.services import action_update_post
from actions.tests.factories import make_action_point, make_meeting
from coalitions import permissions as perms
from coalitions.models import Role, Visibility
from coalitions.pagination import with_list_length
from coalitions.tests.factories import CoalitionFactory, add_member
from config.compiled_query import CompiledQueries

pytestmark = pytest.mark.django_db

STATUSES = ["", "archived", "any", *ActionPoint.Status.values]
SORTS = list(selectors.SORTS)


@pytest.fixture
def varied(coalition, members):
    """Action points of every status and visibility, owned by people and organisations of each
    role, some overdue, some under a meeting, some with updates."""
    today = timezone.now().date()
    meeting = make_meeting(coalition, starts_at=timezone.now() - timedelta(days=3))
    people = list(members.values())
    for n in range(36):
        owner = people[n % len(people)]
        item = make_action_point(
            coalition,
            owner=owner if n % 3 else None,
            organisation=owner.memberships.get(coalition=coalition).organisation,
            title=f"Item {n:02d}",
            due_date=today + timedelta(days=(n % 9) - 4),
            status=ActionPoint.Status.values[n % 4],
            visibility=Visibility.RESTRICTED if n % 5 == 0 else Visibility.MEMBERS,
            meeting=meeting if n % 2 else None,
            actor=people[(n + 1) % len(people)],
        )
        if n % 4 == 1:
            action_update_post(action_point=item, actor=owner, text=f"Update {n}")
    return meeting


def reading(access, user, filters) -> dict:
    """What the list's selectors take, for `user` holding `access`."""
    return {
        "coalition": access.coalition,
        "perms_held": access.perms,
        "user": user,
        "organisation_id": access.organisation_id,
        "filters": filters,
    }


def page_reader(access, user, filters):
    return selectors.action_point_page_reader(**reading(access, user, filters))


def as_the_orm_reads(access, user, filters, start):
    queryset = selectors.action_point_list(**reading(access, user, filters))
    rows = with_list_length(selectors.action_point_rows(queryset))[start : start + 25]
    return [tuple(row) for row in rows]


def test_every_shape_reads_the_rows_the_orm_reads(coalition, members, varied):
    organisation = members[Role.OPERATOR].memberships.get().organisation
    shapes = list(
        product(
            Role.values,
            ["all", "mine", "recorded"],
            STATUSES,
            [False, True],
            SORTS,
            [None, organisation.pk],
            [None, varied.pk],
            [0, 25],
        )
    )
    chosen = random.Random(12).sample(shapes, 160)
    read_rows = 0
    for role, view, status, overdue, sort, owner_organisation, meeting, start in chosen:
        user = members[role]
        access = perms.require_access(user, coalition.slug)
        filters = selectors.ActionPointFilters(
            view=view,
            status=status,
            owner_organisation=owner_organisation,
            meeting=meeting,
            overdue=overdue,
            sort=sort,
        )
        read = page_reader(access, user, filters)
        expected = as_the_orm_reads(access, user, filters, start)
        assert read(start, start + 25) == expected, (role, filters, start)
        read_rows += len(expected)
    assert read_rows > 80  # the shapes chosen show rows, not only empty pages
    # Each shape was compiled once: a second reader of the same shape finds it kept.
    assert len(selectors.PAGE_QUERIES.kept) >= 100


def test_a_search_is_read_by_the_orm(coalition, members, varied):
    user = members[Role.NATIONAL_AUTHORITY]
    access = perms.require_access(user, coalition.slug)
    read = page_reader(access, user, selectors.ActionPointFilters(query="Item 1"))
    assert read is None


def test_across_coalitions_reads_the_rows_the_orm_reads(coalition, members, varied):
    other = CoalitionFactory()
    for n in range(8):
        make_action_point(other, title=f"Elsewhere {n}")
    for role in Role.values:
        user = members[role]
        add_member(other, Role.OPERATOR, user=user)
        for archived in (False, True):
            memberships = selectors.memberships_of(user=user)
            read = selectors.everywhere_page_reader(
                user=user, include_archived=archived, memberships=memberships
            )
            queryset = selectors.my_action_points_everywhere(
                user=user, include_archived=archived, memberships=memberships
            )
            rows = with_list_length(selectors.action_point_rows(queryset))[0:25]
            assert read(0, 25) == [tuple(row) for row in rows], (role, archived)


def test_the_values_of_one_run_never_reach_another(members):
    first, second = CoalitionFactory(), CoalitionFactory()
    for coalition, title in ((first, "First's"), (second, "Second's")):
        user = add_member(coalition, Role.NATIONAL_AUTHORITY)
        make_action_point(coalition, title=title)
        for _ in range(3):
            access = perms.require_access(user, coalition.slug)
            read = page_reader(access, user, selectors.ActionPointFilters())
            assert [row[1] for row in read(0, 25)] == [title]


def test_shapes_kept_are_bounded_and_a_stand_in_the_orm_transforms_is_refused(coalition):
    kept = CompiledQueries(size=3)

    def build(stood_in):
        return ActionPoint.objects.filter(coalition_id=stood_in["coalition"]).values_list("pk")

    for shape in range(5):
        assert kept.get(shape, build, {"coalition": int}) is not None
    assert [key[1] for key in kept.kept] == [2, 3, 4]

    def searched(stood_in):
        return ActionPoint.objects.filter(title__icontains=stood_in["coalition"]).values_list("pk")

    assert kept.get("search", searched, {"coalition": int}) is None
    assert kept.get("search", searched, {"coalition": int}) is None  # and kept so


def test_rows_come_in_the_order_the_fields_were_asked(coalition):
    """Annotations among the fields: the rows are ordered as values_list orders them."""
    make_action_point(coalition, title="Ordered")
    kept = CompiledQueries()

    def build(stood_in):
        return (
            ActionPoint.objects.filter(coalition_id=stood_in["coalition"])
            .annotate(due=F("due_date"))
            .values_list("title", "due", "pk")
        )

    compiled = kept.get("ordered", build, {"coalition": int})
    expected = list(build({"coalition": coalition.pk}))
    assert compiled.rows({"coalition": coalition.pk}) == expected
    assert expected[0][0] == "Ordered"


def test_a_person_in_no_coalition_is_read_by_the_orm(client):
    from coalitions.tests.factories import UserFactory

    user = UserFactory()
    read = selectors.everywhere_page_reader(user=user, include_archived=False, memberships=[])
    assert read(0, 25) is None  # a query that can find nothing: the ORM answers without SQL
    client.force_login(user)
    assert client.get("/action-points/").status_code == 200
