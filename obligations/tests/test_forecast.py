"""The forecast on fixed series, with the exact dates it must give."""

from datetime import date
from decimal import Decimal

from obligations.forecast import Status, forecast, quarter_end, quarter_index


def quarterly(first_year, first_quarter, values):
    """(period_end, value) for consecutive quarters."""
    q = quarter_index(date(first_year, 3 * first_quarter, 1))
    return [(quarter_end(q + i), Decimal(v)) for i, v in enumerate(values)]


# 100 per quarter through 2024 and 2025: 800 done, 1,200 to go, 12 quarters from 1 January 2026.
STEADY = quarterly(2024, 1, [100] * 8)
TODAY = date(2026, 1, 15)


def run(entries=STEADY, deadline=date(2030, 1, 1), target=2000, **kwargs):
    return forecast(
        baseline=Decimal(0),
        target=Decimal(target),
        entries=entries,
        deadline=deadline,
        today=kwargs.pop("today", TODAY),
        **kwargs,
    )


def test_on_track_projects_twelve_quarters_ahead():
    result = run(deadline=date(2030, 1, 1))
    assert result.status == Status.ON_TRACK
    assert result.projected_date == date(2028, 12, 31)
    assert result.rate_per_quarter == Decimal("100.00")
    assert result.achieved == Decimal(800)


def test_at_risk_when_less_than_twelve_months_before_the_deadline():
    result = run(deadline=date(2029, 6, 30))
    assert result.status == Status.AT_RISK
    assert result.projected_date == date(2028, 12, 31)
    # 1,200 over the 1,277 days from 31 December 2025 to 30 June 2029: 13.98 average quarters.
    assert result.needed_per_quarter == Decimal("85.81")


def test_will_miss_when_projected_after_the_deadline():
    result = run(deadline=date(2028, 6, 30))
    assert result.status == Status.WILL_MISS
    assert result.projected_date == date(2028, 12, 31)


def test_a_part_quarter_is_counted_in_days_rounded_up():
    # 1,150 to go at 100 a quarter: 11 whole quarters to 30 September 2028, then half of the
    # 92-day fourth quarter of 2028: 46 days, to 15 November 2028.
    result = run(target=1950)
    assert result.projected_date == date(2028, 11, 15)


def test_the_trend_uses_the_last_eight_quarters_only():
    # Fast early quarters, then 50 a quarter for the last eight.
    entries = quarterly(2022, 1, [400] * 8 + [50] * 8)
    result = run(entries=entries, target=4000, deadline=date(2040, 1, 1))
    assert result.rate_per_quarter == Decimal("50.00")
    assert result.achieved == Decimal(3600)
    # 400 to go at 50 a quarter: 8 quarters from 1 January 2026.
    assert result.projected_date == date(2027, 12, 31)


def test_least_squares_on_an_uneven_series():
    # Cumulative 0, 100, 300, 300, 600 at five quarter ends: slope 140 a quarter.
    entries = quarterly(2025, 1, [100, 200, 0, 300])
    result = run(entries=entries, target=1300, today=date(2026, 1, 15))
    assert result.rate_per_quarter == Decimal("140.00")
    # 700 to go at 140 a quarter: exactly 5 quarters from 1 January 2026.
    assert result.projected_date == date(2027, 3, 31)


def test_completed_when_the_target_is_met():
    result = run(target=800)
    assert result.status == Status.COMPLETED
    assert result.reason == "target_met"
    assert result.projected_date == date(2025, 12, 31)


def test_completed_when_declared_whatever_the_figures():
    result = run(completed_on=date(2025, 7, 1))
    assert result.status == Status.COMPLETED
    assert result.reason == "declared"


def test_no_data_yet():
    result = run(entries=[])
    assert result.status == Status.NO_DATA
    assert result.projected_date is None
    assert result.points == []


def test_zero_rate_will_miss():
    # Work stopped two years ago: the last eight quarters are flat.
    entries = quarterly(2022, 1, [100] * 8)
    result = run(entries=entries)
    assert result.status == Status.WILL_MISS
    assert result.reason == "stalled"
    assert result.projected_date is None


def test_negative_rate_will_miss():
    # Corrections lower the cumulative figure (0, 300, 200, 100, 0): the trend goes down.
    entries = quarterly(2025, 1, [300, -100, -100, -100])
    result = run(entries=entries)
    assert result.status == Status.WILL_MISS
    assert result.reason == "stalled"
    assert result.rate_per_quarter < 0


def test_deadline_passed():
    result = run(deadline=date(2025, 12, 1))
    assert result.status == Status.WILL_MISS
    assert result.reason == "deadline_passed"


def test_no_deadline_still_projects():
    result = run(deadline=None)
    assert result.status == Status.NO_DEADLINE
    assert result.projected_date == date(2028, 12, 31)
    assert result.days_left is None


def test_figures_of_the_quarter_under_way_lower_the_remaining_work_not_the_rate():
    entries = [*STEADY, (date(2026, 1, 10), Decimal(50))]
    result = run(entries=entries, today=date(2026, 1, 15))
    assert result.rate_per_quarter == Decimal("100.00")
    assert result.achieved == Decimal(850)
    # 1,150 to go at 100 a quarter from 1 January 2026: 11 quarters to 30 September 2028, then
    # half of the 92-day fourth quarter (46 days): 15 November 2028.
    assert result.projected_date == date(2028, 11, 15)


def test_recording_began_this_quarter():
    result = run(entries=[(date(2026, 1, 10), Decimal(100))], today=date(2026, 1, 15))
    # The quarter under way is all there is: 100 in one quarter, 1,900 to go: 19 quarters.
    assert result.rate_per_quarter == Decimal("100.00")
    assert result.projected_date == date(2030, 12, 31)
