"""The deadline-risk forecast: when will a target be reached at the recent rate of progress?

Method (stated to users by `METHOD`): validated progress is added up by calendar quarter (each
entry counts in the quarter its period ends). The rate is the least-squares slope of cumulative
progress over the last 8 finished quarters (quarters without figures count as no progress; fewer
quarters when recording began later; the quarter under way when it is the only one). Figures of
the quarter under way lower the remaining work but do not enter the rate. The projected
completion date is the end of the last finished quarter plus the
remaining work divided by the rate, in quarters (a part quarter counted in days, rounded up).
Status: completed when declared or when the target is met; will miss when the deadline has passed
or the projected date is after the deadline, or when the rate is zero or negative; at risk when the
projected date falls within the 12 months before the deadline; on track otherwise.

A projection after the end of 2100 (`HORIZON`) is shown as "beyond 2100" rather than as a date: at
such a rate the date says nothing useful, and far enough out no calendar holds it. The status is
still decided from the exact projection, so a deadline after 2100 is compared fairly.
"""

import math
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal, localcontext
from fractions import Fraction

from dateutil.relativedelta import relativedelta
from django.utils.formats import date_format
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

WINDOW_QUARTERS = 8
AT_RISK_MONTHS = 12
# Projections after this day are shown as "beyond 2100", not as a date.
HORIZON = date(2100, 12, 31)

METHOD = _(
    "Forecast: least-squares linear trend of cumulative validated progress over the last 8 "
    "finished calendar quarters (a quarter without figures counts as no progress), projected from "
    "the end of the last finished quarter; figures of the quarter under way lower the remaining "
    "work. At risk: projected to finish less than 12 months before the deadline."
)


class Status:
    COMPLETED = "completed"
    ON_TRACK = "on_track"
    AT_RISK = "at_risk"
    WILL_MISS = "will_miss"
    NO_DATA = "no_data"
    NO_DEADLINE = "no_deadline"


STATUS_LABELS = {
    Status.COMPLETED: _("Completed"),
    Status.ON_TRACK: _("On track"),
    Status.AT_RISK: _("At risk"),
    Status.WILL_MISS: _("Will miss the deadline"),
    Status.NO_DATA: _("No data yet"),
    Status.NO_DEADLINE: _("No treaty deadline"),
}
STATUS_CSS = {
    Status.COMPLETED: "status-ok",
    Status.ON_TRACK: "status-ok",
    Status.AT_RISK: "status-warn",
    Status.WILL_MISS: "status-bad",
    Status.NO_DATA: "",
    Status.NO_DEADLINE: "",
}
# Why the status is what it is, in the users' words.
REASONS = {
    "declared": _("Completion declared."),
    "target_met": _("The target has been met; completion not yet declared."),
    "no_data": _("No validated progress yet, so no forecast."),
    "deadline_passed": _("The deadline has passed before the target was met."),
    "stalled": _("No progress in the recent quarters: at a zero rate the target is never reached."),
    "projection": _("Projected from the recent rate of progress."),
}


def quarter_index(day: date) -> int:
    return day.year * 4 + (day.month - 1) // 3


def quarter_start(index: int) -> date:
    return date(index // 4, (index % 4) * 3 + 1, 1)


def quarter_end(index: int) -> date:
    return quarter_start(index + 1) - timedelta(days=1)


@dataclass(frozen=True)
class Forecast:
    status: str
    reason: str
    baseline: Decimal
    target: Decimal
    achieved: Decimal
    deadline: date | None
    today: date
    projected_date: date | None = None
    rate_per_quarter: Decimal | None = None
    needed_per_quarter: Decimal | None = None
    last_reported: date | None = None
    completed_on: date | None = None
    # Set when the projection falls after HORIZON; projected_date is then None.
    beyond_horizon: bool = False
    # Cumulative progress at the end of each quarter, from the quarter before the first entry.
    points: list[tuple[date, Decimal]] = field(default_factory=list)

    @property
    def remaining(self) -> Decimal:
        return max(self.target - self.achieved, Decimal(0))

    @property
    def percent(self) -> int:
        if self.target <= 0:
            return 100
        return max(0, min(100, int(self.achieved * 100 / self.target)))

    @property
    def days_left(self) -> int | None:
        if self.deadline is None:
            return None
        return (self.deadline - self.today).days

    @property
    def status_label(self):
        return STATUS_LABELS[self.status]

    @property
    def status_css(self) -> str:
        return STATUS_CSS[self.status]

    @property
    def reason_text(self):
        return REASONS[self.reason]

    @property
    def beyond_horizon_text(self) -> str:
        return _("beyond %(year)s") % {"year": HORIZON.year}

    @property
    def verdict(self) -> str:
        return verdict(self)


def _months_between(earlier: date, later: date) -> int:
    apart = relativedelta(later, earlier)
    return apart.years * 12 + apart.months


def _distance(earlier: date, later: date) -> str:
    months = _months_between(earlier, later)
    if months == 0:
        return gettext("less than a month")
    return ngettext("%(n)s month", "%(n)s months", months) % {"n": months}


def verdict(result: Forecast) -> str:
    """The forecast in one plain sentence, as a reader would say it: "On track: finishes Sep
    2028, 32 months before the deadline"."""
    deadline = result.deadline
    if result.status == Status.COMPLETED:
        if result.completed_on is None:
            return gettext("Target met; completion not yet declared.")
        done = date_format(result.completed_on, "j F Y")
        if deadline and result.completed_on <= deadline:
            return gettext("Completed on %(date)s, %(distance)s before the deadline.") % {
                "date": done,
                "distance": _distance(result.completed_on, deadline),
            }
        return gettext("Completed on %(date)s.") % {"date": done}
    if result.status == Status.NO_DATA:
        return gettext("No forecast yet: no validated figures.")
    if result.reason == "deadline_passed":
        return gettext("Will miss: the deadline passed on %(date)s before the target was met.") % {
            "date": date_format(deadline, "j F Y")
        }
    if result.reason == "stalled":
        if deadline is None:
            return gettext("No progress in the recent quarters.")
        return gettext("Will miss: no progress in the recent quarters.")
    if result.beyond_horizon:
        return gettext("Will miss: at the recent rate it does not finish before %(year)s.") % {
            "year": HORIZON.year
        }
    projected = result.projected_date
    if deadline is None:
        return gettext("Finishes %(month)s at the recent rate; no treaty deadline.") % {
            "month": date_format(projected, "M Y")
        }
    values = {"month": date_format(projected, "M Y")}
    if result.status == Status.WILL_MISS:
        values["distance"] = _distance(deadline, projected)
        return gettext("Will miss: finishes %(month)s, %(distance)s after the deadline.") % values
    values["distance"] = _distance(projected, deadline)
    if result.status == Status.AT_RISK:
        return gettext("At risk: finishes %(month)s, only %(distance)s before the deadline.") % (
            values
        )
    return gettext("On track: finishes %(month)s, %(distance)s before the deadline.") % values


def _slope(points: list[tuple[int, Fraction]]) -> Fraction:
    n = len(points)
    mean_x = Fraction(sum(x for x, _y in points), n)
    mean_y = sum((y for _x, y in points), Fraction(0)) / n
    sxx = sum(((x - mean_x) ** 2 for x, _y in points), Fraction(0))
    sxy = sum(((x - mean_x) * (y - mean_y) for x, y in points), Fraction(0))
    return sxy / sxx


def _window(points: list[tuple[date, Decimal]], last: int) -> list[tuple[int, Fraction]]:
    return [
        (quarter_index(d), Fraction(v))
        for d, v in points
        if last - WINDOW_QUARTERS <= quarter_index(d) <= last
    ]


# The last quarter whose end `_date_after_quarters` can still name (the calendar ends in 9999).
_LAST_NAMEABLE_QUARTER = quarter_index(date(9998, 1, 1))


def _date_after_quarters(last_quarter: int, quarters: Fraction) -> date | None:
    """None when the day falls after the last year the calendar holds."""
    if last_quarter + quarters >= _LAST_NAMEABLE_QUARTER:
        return None
    whole = math.floor(quarters)
    part = quarters - whole
    start = quarter_start(last_quarter + 1) + relativedelta(months=3 * whole)
    if part == 0:
        return start - timedelta(days=1)
    length = ((start + relativedelta(months=3)) - start).days
    return start + timedelta(days=math.ceil(part * length) - 1)


def _decimal(value: Fraction) -> Decimal:
    # Enough digits for any quotient of figures the forms accept, so rounding never fails.
    with localcontext(prec=60):
        return (Decimal(value.numerator) / Decimal(value.denominator)).quantize(Decimal("0.01"))


def forecast(
    *,
    baseline: Decimal,
    target: Decimal,
    entries: list[tuple[date, Decimal]],
    deadline: date | None,
    today: date,
    completed_on: date | None = None,
) -> Forecast:
    """`entries` are (period_end, value) of validated progress only."""
    by_quarter: dict[int, Decimal] = {}
    for period_end, value in entries:
        q = quarter_index(period_end)
        by_quarter[q] = by_quarter.get(q, Decimal(0)) + Decimal(value)

    points: list[tuple[date, Decimal]] = []
    cumulative = Decimal(baseline)
    if by_quarter:
        # Quarters up to the last finished one count, reported or not: silence is no progress.
        first = min(by_quarter)
        last = max(by_quarter)
        if completed_on is None:
            last = max(last, quarter_index(today) - 1)
        points.append((quarter_end(first - 1), cumulative))
        for q in range(first, last + 1):
            cumulative += by_quarter.get(q, Decimal(0))
            points.append((quarter_end(q), cumulative))
        if last == max(by_quarter):
            # The last figures' quarter ends on the last day reported, not on a quarter's end
            # still to come: a clearance completed in July is drawn in July, not in September.
            reported_until = max(period_end for period_end, _value in entries)
            points[-1] = (reported_until, cumulative)
    achieved = cumulative
    common = {
        "baseline": Decimal(baseline),
        "target": Decimal(target),
        "achieved": achieved,
        "deadline": deadline,
        "today": today,
        "points": points,
        "completed_on": completed_on,
        # The end of the last period as entered: never a quarter's end that has not come yet.
        "last_reported": max(period_end for period_end, _value in entries) if entries else None,
    }

    if completed_on is not None:
        return Forecast(status=Status.COMPLETED, reason="declared", **common)
    if achieved >= target:
        met_on = next((d for d, v in points if v >= target), None)
        return Forecast(
            status=Status.COMPLETED, reason="target_met", projected_date=met_on, **common
        )
    if deadline is not None and today > deadline:
        return Forecast(status=Status.WILL_MISS, reason="deadline_passed", **common)
    if not by_quarter:
        return Forecast(status=Status.NO_DATA, reason="no_data", **common)

    # The trend reads finished quarters only: a quarter still under way would look slow. Its
    # figures lower the remaining work. When recording began this quarter, it is all there is.
    last_point = quarter_index(points[-1][0])
    last = min(last_point, quarter_index(today) - 1)
    window = _window(points, last)
    if len(window) < 2:
        last = last_point
        window = _window(points, last)
    rate = _slope(window)
    remaining = Fraction(target) - Fraction(achieved)
    needed = None
    if deadline is not None:
        # A quarter is 365.25 / 4 days on average.
        quarters_left = Fraction((deadline - quarter_end(last)).days * 16, 1461)
        if quarters_left > 0:
            needed = _decimal(remaining / quarters_left)
    common["needed_per_quarter"] = needed
    if rate <= 0:
        status = Status.NO_DEADLINE if deadline is None else Status.WILL_MISS
        return Forecast(status=status, reason="stalled", rate_per_quarter=_decimal(rate), **common)

    # None: later than any calendar holds, so later than any deadline.
    projected = _date_after_quarters(last, remaining / rate)
    if deadline is None:
        status = Status.NO_DEADLINE
    elif projected is None or projected > deadline:
        status = Status.WILL_MISS
    elif projected > deadline - relativedelta(months=AT_RISK_MONTHS):
        status = Status.AT_RISK
    else:
        status = Status.ON_TRACK
    beyond = projected is None or projected > HORIZON
    return Forecast(
        status=status,
        reason="projection",
        projected_date=None if beyond else projected,
        beyond_horizon=beyond,
        rate_per_quarter=_decimal(rate),
        **common,
    )
