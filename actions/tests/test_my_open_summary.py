"""The coalition home's "My open action points": each person's first open items (their own and
their organisation's) and the counts, for every role, read as the panel's query always read them."""

from datetime import timedelta

import pytest
from django.db.models import Count, Q, Window

from actions.models import ActionPoint
from actions.selectors import coalition_today, my_open_summary
from actions.tests.factories import make_action_point
from coalitions import permissions as perms
from coalitions.models import Role, Visibility

pytestmark = pytest.mark.django_db


def as_the_orm_reads_it(access, user) -> tuple:
    coalition, today = access.coalition, coalition_today(access.coalition)
    items = list(
        ActionPoint.objects.filter(
            Q(owner=user) | Q(owner_organisation_id=access.organisation_id),
            coalition=coalition,
            status__in=ActionPoint.ACTIVE,
            visibility__in=perms.visibilities_for(access.perms),
        )
        .annotate(
            total=Window(Count("pk")),
            overdue_total=Window(Count("pk", filter=Q(due_date__lt=today))),
        )
        .order_by("due_date", "id")[:5]
    )
    return (
        [(i.pk, i.title, i.due_date, i.status, i.is_overdue_on(today)) for i in items],
        items[0].total if items else 0,
        items[0].overdue_total if items else 0,
    )


@pytest.mark.parametrize("role", list(perms.ROLE_PERMISSIONS))
def test_every_role_gets_its_open_items_and_counts(coalition, members, role):
    authority = members[Role.NATIONAL_AUTHORITY]
    today = coalition_today(coalition)
    for i, owner in enumerate([*members.values(), *members.values()]):
        make_action_point(
            coalition,
            owner=owner if i % 3 else None,
            organisation=None if i % 3 else coalition.national_authority,
            actor=authority,
            title=f"Item {i}",
            due_date=today + timedelta(days=i % 7 - 3),
            visibility=Visibility.RESTRICTED if i % 4 == 0 else Visibility.MEMBERS,
        )
    ActionPoint.objects.filter(title__in=["Item 2", "Item 9"]).update(status="done")
    user = members[role]
    access = perms.access_for(user, coalition)
    summary = my_open_summary(access=access, user=user)
    got = (
        [(i.pk, i.title, i.due_date, i.status, i.overdue) for i in summary["items"]],
        summary["total"],
        summary["overdue"],
    )
    assert got == as_the_orm_reads_it(access, user)


def test_someone_without_a_membership_gets_their_own_items_only(coalition, members, outsider):
    make_action_point(coalition, owner=members[Role.DONOR], title="Theirs")
    access = perms.CoalitionAccess(
        coalition=coalition, perms=frozenset({perms.VIEW}), membership=None
    )
    summary = my_open_summary(access=access, user=outsider)
    assert (summary["items"], summary["total"], summary["overdue"]) == ([], 0, 0)
