"""Treaty rules for entry into force, deadlines, extensions and transparency reports (CCM; the
APMBC's are given where a State is under both). Pure functions of dates.

Dates are added in calendar years and months with dateutil's relativedelta: an entry into force on
29 February gives a deadline on 28 February of a non-leap year (the last day of that month), never
1 March.
"""

from dataclasses import dataclass
from datetime import date, timedelta

from dateutil.relativedelta import relativedelta

# (convention, article) -> years after entry into force. Article 5 (victim assistance) has none.
DEADLINE_YEARS = {
    ("ccm", 3): 8,
    ("ccm", 4): 10,
    ("apmbc", 4): 4,  # APMBC article 4: stockpile destruction within 4 years
    ("apmbc", 5): 10,  # APMBC article 5: clearance within 10 years
}

# Longest extension one request may grant, in years, counted from the deadline it extends. An
# article with a deadline that is not listed allows no extension: APMBC article 4 (stockpile
# destruction) has none in the Convention's text.
EXTENSION_MAX_YEARS = {
    ("ccm", 3): 4,
    ("ccm", 4): 5,
    ("apmbc", 5): 10,
}


def add_years(start: date, years: int) -> date:
    return start + relativedelta(years=years)


def original_deadline(*, convention: str, article: int, entry_into_force: date) -> date | None:
    years = DEADLINE_YEARS.get((convention, int(article)))
    if years is None:
        return None
    return add_years(entry_into_force, years)


def latest_extended_deadline(
    *, convention: str, article: int, current_deadline: date
) -> date | None:
    """The furthest deadline one extension request may ask for; None when the article allows none."""
    years = EXTENSION_MAX_YEARS.get((convention, int(article)))
    if years is None:
        return None
    return add_years(current_deadline, years)


def extension_max_years(*, convention: str, article: int) -> int | None:
    """The longest extension one request may ask for, in years; None when the article allows none."""
    return EXTENSION_MAX_YEARS.get((convention, int(article)))


# Entry into force (CCM Article 17; APMBC Article 17 has the same rule) ---------------------------

# The day each convention itself entered into force: a State that deposited its instrument before
# then is bound from that day (Article 17(1)), later ones by Article 17(2).
CONVENTION_IN_FORCE = {
    "ccm": date(2010, 8, 1),
    "apmbc": date(1999, 3, 1),
}
MONTHS_AFTER_DEPOSIT = 6


@dataclass(frozen=True)
class EntryIntoForce:
    """The entry into force for a State that deposited its instrument on `deposited_on`, with
    each step of the arithmetic, to be shown beside the result."""

    deposited_on: date
    month_of_deposit: date  # the first day of the month of deposit
    sixth_month: date  # the first day of the sixth month after it
    convention_in_force: date
    entry_into_force: date

    @property
    def bound_from_the_conventions_own_entry_into_force(self) -> bool:
        return self.entry_into_force > self.sixth_month


def entry_into_force(*, convention: str, deposited_on: date) -> EntryIntoForce:
    """Article 17: the first day of the sixth month after the month in which the State deposited
    its instrument of ratification, acceptance, approval or accession; never before the
    convention's own entry into force."""
    month_of_deposit = deposited_on.replace(day=1)
    sixth_month = month_of_deposit + relativedelta(months=MONTHS_AFTER_DEPOSIT)
    in_force = CONVENTION_IN_FORCE.get(convention, date.min)
    return EntryIntoForce(
        deposited_on=deposited_on,
        month_of_deposit=month_of_deposit,
        sixth_month=sixth_month,
        convention_in_force=in_force,
        entry_into_force=max(sixth_month, in_force),
    )


def transparency_reports(*, entry_into_force: date, today: date) -> dict:
    """What a page shows of Article 7: the initial report and the next report due."""
    return {
        "entry_into_force": entry_into_force,
        "initial_due": initial_report_due(entry_into_force),
        "initial_days": INITIAL_REPORT_DAYS,
        "first_annual_due": first_annual_report_due(entry_into_force),
        "next": next_report_due(entry_into_force=entry_into_force, today=today),
    }


# Transparency reports (CCM Article 7) --------------------------------------------------------------

INITIAL_REPORT_DAYS = 180
ANNUAL_REPORT_MONTH, ANNUAL_REPORT_DAY = 4, 30


def initial_report_due(entry_into_force: date) -> date:
    """Article 7(1): the initial report, not later than 180 days after entry into force."""
    return entry_into_force + timedelta(days=INITIAL_REPORT_DAYS)


def annual_report_due(year: int) -> date:
    return date(year, ANNUAL_REPORT_MONTH, ANNUAL_REPORT_DAY)


def first_annual_report_due(entry_into_force: date) -> date:
    """Article 7(2): updates each year by 30 April; the first is the first 30 April after the
    initial report falls due."""
    initial = initial_report_due(entry_into_force)
    candidate = annual_report_due(initial.year)
    return candidate if candidate > initial else annual_report_due(initial.year + 1)


@dataclass(frozen=True)
class ReportDue:
    due_on: date
    initial: bool  # the initial report, else an annual update


def next_report_due(*, entry_into_force: date, today: date) -> ReportDue:
    """The next Article 7 report falling due on or after `today`."""
    initial = initial_report_due(entry_into_force)
    if today <= initial:
        return ReportDue(due_on=initial, initial=True)
    due = max(annual_report_due(today.year), first_annual_report_due(entry_into_force))
    if due < today:
        due = annual_report_due(today.year + 1)
    return ReportDue(due_on=due, initial=False)
