"""Treaty rules for deadlines and extensions (CCM; the APMBC's are given where a State is under both).

Dates are added in calendar years and months with dateutil's relativedelta: an entry into force on
29 February gives a deadline on 28 February of a non-leap year (the last day of that month), never
1 March.
"""

from datetime import date

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
