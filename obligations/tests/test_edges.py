"""Obligations at the edges of what the forms accept: no indicator yet, huge figures, far dates."""

from datetime import date

import pytest
from django.urls import reverse

from coalitions.models import Role
from obligations.tests.factories import make_obligation


@pytest.mark.django_db
def test_an_obligation_without_indicators_leaves_the_home_and_dashboard_standing(
    client, members, coalition
):
    make_obligation(coalition, article=4, entry_into_force=date(2020, 1, 1))
    client.force_login(members[Role.OBSERVER])
    home = client.get(reverse("coalitions:detail", args=[coalition.slug]))
    assert home.status_code == 200
    # The countdown runs from the deadline, with or without a forecast.
    assert "days left" in home.content.decode()
    dashboard = client.get(reverse("obligations:dashboard", args=[coalition.slug]))
    assert dashboard.status_code == 200
    assert "No indicator yet" in dashboard.content.decode()
