"""Treaty deadline arithmetic for every date of the range, and the services at and past its ends."""

import calendar
from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction
from hypothesis import given, settings
from hypothesis import strategies as st

from coalitions.date_range import EARLIEST, LATEST
from obligations import services, treaty
from obligations.models import Obligation

in_range = st.dates(min_value=EARLIEST, max_value=LATEST)
# (convention, article) pairs with a deadline, from the treaty table itself.
with_deadline = st.sampled_from(sorted(treaty.DEADLINE_YEARS))
with_extension = st.sampled_from(sorted(treaty.EXTENSION_MAX_YEARS))


def years_later(day: date, years: int) -> date:
    """The same day and month `years` later; 29 February becomes 28 February in a common year."""
    year = day.year + years
    return date(year, day.month, min(day.day, calendar.monthrange(year, day.month)[1]))


@given(in_range, with_deadline)
def test_the_deadline_is_the_same_day_years_later(entry_into_force, rule):
    convention, article = rule
    deadline = treaty.original_deadline(
        convention=convention, article=article, entry_into_force=entry_into_force
    )
    assert deadline == years_later(entry_into_force, treaty.DEADLINE_YEARS[rule])
    assert deadline > entry_into_force
    if entry_into_force.month == 2 and entry_into_force.day == 29:
        assert deadline.day == (29 if calendar.isleap(deadline.year) else 28)


@given(in_range, with_extension)
def test_the_longest_extension_is_the_same_day_years_later(current_deadline, rule):
    convention, article = rule
    latest = treaty.latest_extended_deadline(
        convention=convention, article=article, current_deadline=current_deadline
    )
    assert latest == years_later(current_deadline, treaty.EXTENSION_MAX_YEARS[rule])


@given(in_range)
def test_victim_assistance_has_no_deadline_whatever_the_date(entry_into_force):
    assert (
        treaty.original_deadline(convention="ccm", article=5, entry_into_force=entry_into_force)
        is None
    )


@pytest.mark.django_db
@settings(max_examples=30)
@given(
    entry_into_force=st.one_of(in_range, st.dates()),
    article=st.sampled_from([3, 4, 5]),
)
def test_the_service_creates_an_obligation_in_the_range_and_refuses_any_other_date(
    coalition, entry_into_force, article
):
    with transaction.atomic():
        if EARLIEST <= entry_into_force <= LATEST:
            obligation = services.obligation_create(
                coalition=coalition,
                article=article,
                entry_into_force=entry_into_force,
                actor=None,
            )
            obligation.refresh_from_db()
            assert obligation.current_deadline == treaty.original_deadline(
                convention="ccm", article=article, entry_into_force=entry_into_force
            )
        else:
            with pytest.raises(ValidationError) as refused:
                services.obligation_create(
                    coalition=coalition,
                    article=article,
                    entry_into_force=entry_into_force,
                    actor=None,
                )
            assert set(refused.value.message_dict) == {"entry_into_force"}
            assert not Obligation.objects.exists()
        transaction.set_rollback(True)
