"""Entry into force from the deposit (Article 17) and the Article 7 report dates: properties over
every date the forms accept, and the public record's examples."""

from datetime import date, timedelta

from hypothesis import given
from hypothesis import strategies as st

from coalitions import date_range
from obligations import treaty

deposits = st.dates(min_value=date(1997, 12, 3), max_value=date(2099, 1, 1))
conventions = st.sampled_from(sorted(treaty.CONVENTION_IN_FORCE))
days = st.dates(min_value=date_range.EARLIEST, max_value=date(2099, 1, 1))


def months_between(earlier: date, later: date) -> int:
    return (later.year - earlier.year) * 12 + later.month - earlier.month


def test_the_public_record():
    # Lebanon deposited on 5 November 2010: in force 1 May 2011.
    lebanon = treaty.entry_into_force(convention="ccm", deposited_on=date(2010, 11, 5))
    assert lebanon.entry_into_force == date(2011, 5, 1)
    assert lebanon.month_of_deposit == date(2010, 11, 1)
    assert not lebanon.bound_from_the_conventions_own_entry_into_force
    # Botswana deposited on 27 June 2011: in force 1 December 2011.
    botswana = treaty.entry_into_force(convention="ccm", deposited_on=date(2011, 6, 27))
    assert botswana.entry_into_force == date(2011, 12, 1)
    # Montenegro deposited on 25 January 2010, before the Convention's own entry into force.
    montenegro = treaty.entry_into_force(convention="ccm", deposited_on=date(2010, 1, 25))
    assert montenegro.sixth_month == date(2010, 7, 1)
    assert montenegro.entry_into_force == date(2010, 8, 1)
    assert montenegro.bound_from_the_conventions_own_entry_into_force
    # Lebanon's initial Article 7 report: 180 days after 1 May 2011; then every 30 April.
    assert treaty.initial_report_due(date(2011, 5, 1)) == date(2011, 10, 28)
    assert treaty.first_annual_report_due(date(2011, 5, 1)) == date(2012, 4, 30)
    assert treaty.next_report_due(
        entry_into_force=date(2011, 5, 1), today=date(2026, 5, 1)
    ) == treaty.ReportDue(due_on=date(2027, 4, 30), initial=False)
    assert treaty.next_report_due(
        entry_into_force=date(2011, 5, 1), today=date(2026, 4, 30)
    ) == treaty.ReportDue(due_on=date(2026, 4, 30), initial=False)


@given(convention=conventions, deposited=deposits)
def test_entry_into_force_is_the_first_of_the_sixth_month_after_the_deposit(convention, deposited):
    result = treaty.entry_into_force(convention=convention, deposited_on=deposited)
    in_force = result.entry_into_force
    assert in_force.day == 1
    assert in_force > deposited
    assert in_force >= treaty.CONVENTION_IN_FORCE[convention]
    if not result.bound_from_the_conventions_own_entry_into_force:
        assert months_between(deposited, in_force) == 6
        # Between five months and a day and six months after the deposit.
        assert 150 < (in_force - deposited).days <= 184
    else:
        assert in_force == treaty.CONVENTION_IN_FORCE[convention]


@given(convention=conventions, first=deposits, second=deposits)
def test_a_later_deposit_never_enters_into_force_earlier(convention, first, second):
    earlier, later = sorted((first, second))
    assert (
        treaty.entry_into_force(convention=convention, deposited_on=earlier).entry_into_force
        <= treaty.entry_into_force(convention=convention, deposited_on=later).entry_into_force
    )


@given(convention=conventions, deposited=deposits)
def test_deposits_in_the_same_month_enter_into_force_together(convention, deposited):
    first_of_month = deposited.replace(day=1)
    assert (
        treaty.entry_into_force(convention=convention, deposited_on=deposited).entry_into_force
        == treaty.entry_into_force(
            convention=convention, deposited_on=first_of_month
        ).entry_into_force
    )


@given(in_force=days)
def test_the_first_annual_update_is_the_first_30_april_after_the_initial_report(in_force):
    initial = treaty.initial_report_due(in_force)
    first = treaty.first_annual_report_due(in_force)
    assert initial - in_force == timedelta(days=180)
    assert (first.month, first.day) == (4, 30)
    assert first > initial
    assert first - initial <= timedelta(days=366)


@given(in_force=days, today=days)
def test_the_next_report_is_the_first_due_date_on_or_after_today(in_force, today):
    due = treaty.next_report_due(entry_into_force=in_force, today=today)
    assert due.due_on >= today
    initial = treaty.initial_report_due(in_force)
    if due.initial:
        assert due.due_on == initial
    else:
        assert (due.due_on.month, due.due_on.day) == (4, 30)
        assert due.due_on >= treaty.first_annual_report_due(in_force)
        # No due date was skipped: the one before it was already past (or was the initial one).
        previous = date(due.due_on.year - 1, 4, 30)
        assert previous < today or previous <= initial
