"""The forecast, its chart and its filters, for any figures and dates the forms accept."""

import math
import re
from datetime import date
from decimal import Decimal

from dateutil.relativedelta import relativedelta
from hypothesis import given
from hypothesis import strategies as st

from coalitions.date_range import EARLIEST, LATEST
from obligations.charts import forecast_chart_svg
from obligations.forecast import HORIZON, Status, forecast
from obligations.models import FIGURE_MAX
from obligations.templatetags.obligation_tags import countdown, figure, projected_completion

# The latest deadline there can be: an entry into force on the last day of the range, plus the
# longest treaty period (10 years).
LATEST_DEADLINE = LATEST + relativedelta(years=10)

figures = st.decimals(min_value=0, max_value=FIGURE_MAX, places=2)
# Small figures and round ones are where arithmetic goes wrong; draw them often.
likely_figures = st.one_of(
    figures, st.sampled_from([Decimal(0), Decimal("0.01"), Decimal(1), FIGURE_MAX])
)
days = st.dates(min_value=EARLIEST, max_value=LATEST)
COORDINATE = re.compile(r'\b(x|y|x1|x2|y1|y2|cx|cy)="([^"]*)"')


@st.composite
def forecast_inputs(draw):
    today = draw(days)
    baseline = draw(likely_figures)
    target = draw(likely_figures.filter(lambda t: t >= baseline))
    periods = st.dates(min_value=EARLIEST, max_value=today)
    entries = draw(st.lists(st.tuples(periods, likely_figures), max_size=12))
    deadline = draw(st.none() | st.dates(min_value=EARLIEST, max_value=LATEST_DEADLINE))
    completed_on = draw(st.none() | st.none() | periods)
    return {
        "baseline": baseline,
        "target": target,
        "entries": entries,
        "deadline": deadline,
        "today": today,
        "completed_on": completed_on,
    }


@given(forecast_inputs())
def test_forecast_gives_a_status_that_agrees_with_its_projection(inputs):
    result = forecast(**inputs)
    deadline, today = inputs["deadline"], inputs["today"]

    assert result.status in vars(Status).values()
    assert str(result.status_label) and str(result.reason_text)
    assert 0 <= result.percent <= 100 and result.remaining >= 0

    if inputs["completed_on"] is not None or result.achieved >= result.target:
        assert result.status == Status.COMPLETED
        return
    if deadline is not None and today > deadline:
        assert result.status == Status.WILL_MISS
        return
    if not inputs["entries"]:
        assert result.status == Status.NO_DATA
        return
    if result.reason == "stalled":
        assert result.rate_per_quarter <= 0
        assert result.status == (Status.NO_DEADLINE if deadline is None else Status.WILL_MISS)
        return

    assert result.reason == "projection" and result.rate_per_quarter >= 0
    # Either a day no later than 2100, or "beyond 2100": never both, never neither.
    assert (result.projected_date is None) == result.beyond_horizon
    if result.projected_date is not None:
        assert result.projected_date <= HORIZON
    if deadline is None:
        assert result.status == Status.NO_DEADLINE
        return
    if result.beyond_horizon and deadline <= HORIZON:
        assert result.status == Status.WILL_MISS
    if result.projected_date is not None:
        projected = result.projected_date
        if projected > deadline:
            assert result.status == Status.WILL_MISS
        elif projected > deadline - relativedelta(months=12):
            assert result.status == Status.AT_RISK
        else:
            assert result.status == Status.ON_TRACK


@given(forecast_inputs())
def test_every_forecast_draws_and_reads_out(inputs):
    result = forecast(**inputs)
    svg = forecast_chart_svg(result, title="CCM-4", unit=" m²", width=640, height=240)
    assert svg.startswith("<svg") and svg.endswith("</svg>")
    # Every point is a finite number inside the picture.
    for axis, text in COORDINATE.findall(svg):
        value = float(text)
        assert math.isfinite(value)
        assert 0 <= value <= (640 if axis.startswith(("x", "cx")) else 240), (axis, value)
    for pair in re.search(r'points="([^"]*)"', svg).group(1).split() if result.points else []:
        px, py = (float(n) for n in pair.split(","))
        assert 0 <= px <= 640 and 0 <= py <= 240, pair
    assert projected_completion(result)
    assert countdown(result.days_left)
    for value in (result.achieved, result.target, result.rate_per_quarter, result.remaining):
        assert figure(value)


@given(st.dates(min_value=EARLIEST, max_value=date(2100, 9, 30)), likely_figures)
def test_one_tiny_figure_against_a_huge_target_is_a_status_not_an_error(day, value):
    """The issue's case, generalised: any single first figure, far below the target."""
    result = forecast(
        baseline=Decimal(0),
        target=FIGURE_MAX,
        entries=[(day, value)],
        deadline=LATEST_DEADLINE,
        today=day + relativedelta(months=3),
    )
    assert result.status in (Status.WILL_MISS, Status.AT_RISK, Status.ON_TRACK, Status.COMPLETED)
