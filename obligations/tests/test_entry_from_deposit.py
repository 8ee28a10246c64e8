"""An obligation started from the date of deposit: the entry into force follows Article 17 and is
shown with its arithmetic; the Article 7 report dates follow on the dashboard and on Today."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from coalitions.models import Role
from obligations import services
from obligations.models import Obligation
from obligations.tests.factories import make_obligation

pytestmark = pytest.mark.django_db

NA = Role.NATIONAL_AUTHORITY


def new_url(coalition) -> str:
    return reverse("obligations:new", args=[coalition.slug])


def test_the_authority_adds_an_article_4_obligation_from_the_deposit(client, coalition, members):
    client.force_login(members[NA])
    response = client.post(
        new_url(coalition),
        {"convention": "ccm", "article": "4", "instrument_deposited_on": "2010-11-05"},
    )
    assert response.status_code == 302
    obligation = Obligation.objects.get(coalition=coalition)
    assert obligation.instrument_deposited_on == date(2010, 11, 5)
    assert obligation.entry_into_force == date(2011, 5, 1)
    assert obligation.original_deadline == obligation.current_deadline == date(2021, 5, 1)
    detail = client.get(response["Location"]).content.decode()
    assert "Instrument deposited on 5 November 2010" in detail
    assert "(November 2010) is the first day of May 2011: 1 May 2011" in detail
    dashboard = client.get(reverse("obligations:dashboard", args=[coalition.slug]))
    page = dashboard.content.decode()
    assert "Instrument deposited on 5 November 2010" in page
    assert "due 28 October 2011: 180 days after the entry into force on 1 May 2011" in page
    assert "every 30 April, the first on 30 April 2012" in page
    next_due = dashboard.context["reports"]["next"]
    assert (next_due.due_on.month, next_due.due_on.day) == (4, 30)
    assert next_due.due_on >= timezone.localdate()
    # Today shows the same next report for the coalition.
    today = client.get(reverse("coalitions:today")).content.decode()
    assert next_due.due_on.strftime("%-d %b %Y") in today


def test_a_deposit_before_the_convention_was_in_force_gives_its_own_entry_into_force(
    client, coalition, members
):
    client.force_login(members[NA])
    client.post(
        new_url(coalition),
        {"convention": "ccm", "article": "3", "instrument_deposited_on": "2010-01-25"},
    )
    obligation = Obligation.objects.get(coalition=coalition)
    assert obligation.entry_into_force == date(2010, 8, 1)
    page = client.get(reverse("obligations:detail", args=[coalition.slug, obligation.pk]))
    assert "The Convention itself entered into force on 1 August 2010" in page.content.decode()


@pytest.mark.parametrize(
    "data, field",
    [
        ({}, "entry_into_force"),
        ({"instrument_deposited_on": "2010-11-05", "entry_into_force": "2011-06-01"}, None),
        ({"instrument_deposited_on": "not a date"}, "instrument_deposited_on"),
        ({"instrument_deposited_on": "1890-01-01"}, "instrument_deposited_on"),
        ({"instrument_deposited_on": "2099-01-01"}, "instrument_deposited_on"),
    ],
)
def test_bad_dates_are_answered_on_their_field_and_add_nothing(
    client, coalition, members, data, field
):
    client.force_login(members[NA])
    response = client.post(new_url(coalition), {"convention": "ccm", "article": "4", **data})
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert errors.get(field or "entry_into_force"), errors
    assert not Obligation.objects.exists()


def test_a_matching_entry_into_force_is_accepted_with_the_deposit(coalition, members):
    obligation = services.obligation_create(
        coalition=coalition,
        article=4,
        instrument_deposited_on=date(2011, 6, 27),
        entry_into_force=date(2011, 12, 1),
        actor=members[NA],
    )
    assert obligation.entry_into_force == date(2011, 12, 1)


def test_a_future_deposit_is_refused_by_the_service(coalition, members):
    with pytest.raises(ValidationError) as refused:
        services.obligation_create(
            coalition=coalition,
            article=4,
            instrument_deposited_on=timezone.localdate() + timedelta(days=1),
            actor=members[NA],
        )
    assert "instrument_deposited_on" in refused.value.message_dict


def test_moving_the_entry_into_force_by_hand_drops_the_deposit_arithmetic(coalition, members):
    obligation = make_obligation(
        coalition, article=4, entry_into_force=None, instrument_deposited_on=date(2010, 11, 5)
    )
    updated = services.obligation_update(
        obligation=obligation,
        entry_into_force=date(2011, 6, 1),
        plan_start=None,
        plan_end=None,
        status=Obligation.Status.IN_PROGRESS,
        completed_on=None,
        completion_declaration="",
        notes="",
        actor=members[NA],
    )
    assert updated.instrument_deposited_on is None
    assert updated.entry_into_force_arithmetic is None


@pytest.mark.parametrize("role", [Role.CHAMPION, Role.OPERATOR, Role.OBSERVER])
def test_only_the_authority_adds_obligations_from_a_deposit(client, coalition, members, role):
    client.force_login(members[role])
    data = {"convention": "ccm", "article": "4", "instrument_deposited_on": "2010-11-05"}
    assert client.post(new_url(coalition), data).status_code == 403
    assert not Obligation.objects.exists()


def test_outsiders_get_nothing(client, coalition, outsider):
    client.force_login(outsider)
    data = {"convention": "ccm", "article": "4", "instrument_deposited_on": "2010-11-05"}
    assert client.post(new_url(coalition), data).status_code == 404
    assert not Obligation.objects.exists()
