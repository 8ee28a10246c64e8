"""On PostgreSQL a statement a connection runs again and again is prepared, and planned no more.

Parameters are bound on the server (config/settings/base.py), so the same page's queries are the
same text each time; psycopg prepares a statement from its fifth run. The planner was the larger
part of a list page's main query (1 ms of planning for 0.3 ms of work at 100,000 action points).
"""

import pytest
from django.db import connection

from actions.models import ActionPoint
from actions.tests.factories import make_action_point
from coalitions.tests.factories import CoalitionFactory
from tests.fixtures import require_service


def _prepared(fragment: str) -> list[tuple[str, int, int]]:
    """(statement, generic plans, custom plans) of this connection's prepared statements."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT statement, generic_plans, custom_plans FROM pg_prepared_statements "
            "WHERE statement LIKE %s",
            [f"%{fragment}%"],
        )
        return cursor.fetchall()


@pytest.mark.django_db
def test_a_page_query_run_again_is_prepared_once_and_planned_no_more():
    require_service("PostgreSQL", connection.vendor == "postgresql", "DATABASE_URL=postgres://")
    coalition = CoalitionFactory()
    for n in range(3):
        make_action_point(coalition, title=f"Item {n}")

    def page_query(coalition_id):
        return list(
            ActionPoint.objects.filter(coalition_id=coalition_id)
            .select_related("owner_organisation")
            .order_by("due_date", "id")[:25]
        )

    page_query(coalition.pk)
    for _ in range(12):
        assert len(page_query(coalition.pk)) == 3
    [(text, generic, custom)] = _prepared('"actions_actionpoint"."coalition_id" = $1')
    assert "LIMIT 25" in text  # the values travel apart: one statement for every coalition
    # Prepared from the fifth run; PostgreSQL plans the first five runs of it for their values,
    # then keeps one plan.
    assert custom <= 5
    assert generic >= 3


@pytest.mark.django_db
def test_values_of_each_run_are_its_own():
    """A prepared statement takes each run's values: another coalition's rows never come back."""
    require_service("PostgreSQL", connection.vendor == "postgresql", "DATABASE_URL=postgres://")
    first, second = CoalitionFactory(), CoalitionFactory()
    make_action_point(first, title="First's")
    make_action_point(second, title="Second's")
    for _ in range(10):
        for coalition, title in ((first, "First's"), (second, "Second's")):
            titles = list(
                ActionPoint.objects.filter(coalition=coalition).values_list("title", flat=True)
            )
            assert titles == [title]
