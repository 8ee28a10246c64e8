"""The obligation page leads with a plain verdict; its chart puts a completion where it happened;
its figures can be shown by indicator; the progress form offers recent periods, says what the
indicator counts and warns before a figure is counted twice."""

import re
from datetime import date
from decimal import Decimal
from xml.etree import ElementTree

import pytest
from django.urls import reverse
from django.utils import translation

from coalitions.models import Role
from obligations.charts import forecast_chart_svg
from obligations.forecast import Status, forecast
from obligations.forms import ProgressForm, period_presets
from obligations.models import Indicator, ProgressEntry
from obligations.tests.factories import make_indicator, make_obligation, report

SVG = "{http://www.w3.org/2000/svg}"
TODAY = date(2026, 1, 15)


def quarterly(value, quarters):
    """`quarters` figures of `value`, one per quarter, ending with the quarter before TODAY's."""
    ends = [date(2025, 12, 31), date(2025, 9, 30), date(2025, 6, 30), date(2025, 3, 31)]
    ends += [date(2024, 12, 31), date(2024, 9, 30), date(2024, 6, 30), date(2024, 3, 31)]
    return [(end, Decimal(value)) for end in ends[:quarters]]


def verdict_for(deadline, *, target=Decimal(1000), value=100, completed_on=None):
    with translation.override("en"):
        result = forecast(
            baseline=Decimal(0),
            target=target,
            entries=quarterly(value, 4),
            deadline=deadline,
            today=TODAY,
            completed_on=completed_on,
        )
        return result, result.verdict


# The verdict ------------------------------------------------------------------------------------


def test_verdict_on_track_names_the_month_and_the_months_to_spare():
    # 400 done, 100 a quarter: the remaining 600 take six quarters, to the end of June 2027.
    result, text = verdict_for(date(2030, 1, 1))
    assert result.status == Status.ON_TRACK
    assert text == "On track: finishes Jun 2027, 30 months before the deadline."


def test_verdict_at_risk_says_how_little_time_is_left():
    result, text = verdict_for(date(2027, 12, 1))
    assert result.status == Status.AT_RISK
    assert text == "At risk: finishes Jun 2027, only 5 months before the deadline."


def test_verdict_will_miss_says_by_how_much():
    result, text = verdict_for(date(2026, 12, 31))
    assert result.status == Status.WILL_MISS
    assert text == "Will miss: finishes Jun 2027, 6 months after the deadline."


def test_verdict_will_miss_when_progress_stopped():
    result, text = verdict_for(date(2030, 1, 1), value=0)
    assert result.status == Status.WILL_MISS
    assert text == "Will miss: no progress in the recent quarters."


def test_verdict_of_a_completion_before_the_deadline():
    _result, text = verdict_for(date(2020, 8, 1), completed_on=date(2020, 7, 21))
    assert text == "Completed on 21 July 2020, less than a month before the deadline."


def test_verdict_is_translated():
    with translation.override("fr"):
        result = forecast(
            baseline=Decimal(0), target=Decimal(1000), entries=quarterly(100, 4),
            deadline=date(2030, 1, 1), today=TODAY,
        )  # fmt: skip
        assert result.verdict.startswith("En bonne voie")


# The chart --------------------------------------------------------------------------------------


def _x_of_deadline_and_line_end(svg: str) -> tuple[float, float]:
    root = ElementTree.fromstring(svg)
    deadline = next(line for line in root.iter(f"{SVG}line") if line.get("stroke") == "#b3261e")
    points = root.find(f"{SVG}polyline").get("points").split()
    return float(deadline.get("x1")), float(points[-1].split(",")[0])


def test_a_completion_before_the_deadline_is_drawn_before_the_deadline_line():
    # Montenegro: cleared by 21 July 2020, deadline 1 August 2020; the last figure's period ends
    # mid-quarter, and the line must not run on to the quarter's end (30 September).
    entries = [(date(2019, 12, 31), Decimal(1_450_000)), (date(2020, 7, 21), Decimal(250_000))]
    result = forecast(
        baseline=Decimal(0), target=Decimal(1_700_000), entries=entries,
        deadline=date(2020, 8, 1), today=TODAY, completed_on=date(2020, 7, 21),
    )  # fmt: skip
    assert result.points[-1] == (date(2020, 7, 21), Decimal(1_700_000))
    deadline_x, line_end_x = _x_of_deadline_and_line_end(str(forecast_chart_svg(result, title="x")))
    assert line_end_x < deadline_x


@pytest.mark.django_db
def test_montenegro_demo_chart_reaches_the_target_before_its_deadline_line():
    from io import StringIO

    from django.core.management import call_command

    from coalitions.models import Coalition
    from obligations.selectors import indicator_status, obligation_list

    call_command("seed_demo", stdout=StringIO())
    montenegro = Coalition.objects.get(slug="montenegro")
    obligation = next(o for o in obligation_list(coalition=montenegro) if o.article == 4)
    row = indicator_status(obligation, obligation.indicators.all()[0], date(2026, 11, 26))
    deadline_x, line_end_x = _x_of_deadline_and_line_end(str(row.chart_svg))
    assert line_end_x < deadline_x


# The page ---------------------------------------------------------------------------------------


@pytest.fixture
def two_indicators(coalition):
    obligation = make_obligation(coalition, article=4, entry_into_force=date(2020, 1, 1))
    area = make_indicator(obligation, target=Decimal(10000))
    remnants = make_indicator(
        obligation, kind=Indicator.Kind.REMNANTS_DESTROYED, target=Decimal(500), is_headline=False
    )
    report(area, start=date(2025, 1, 1), end=date(2025, 3, 31), value=111)
    report(remnants, start=date(2025, 1, 1), end=date(2025, 3, 31), value=222)
    return obligation, area, remnants


def _table_values(html: str) -> list[str]:
    table = html.split('id="progress"', 1)[1]
    return re.findall(r'<td class="num"[^>]*>([\d,]+)', table)


@pytest.mark.django_db
def test_the_progress_table_shows_one_indicator_when_asked(client, members, two_indicators):
    obligation, area, remnants = two_indicators
    client.force_login(members[Role.OBSERVER])
    url = reverse("obligations:detail", args=[obligation.coalition.slug, obligation.pk])
    assert sorted(_table_values(client.get(url).content.decode())) == ["111", "222"]
    page = client.get(url, {"indicator": remnants.pk}).content.decode()
    assert _table_values(page) == ["222"]
    assert f'href="?indicator={remnants.pk}#progress" aria-current="page"' in page
    # An indicator of no obligation here, or any other text, shows them all.
    for other in ["999999", "x"]:
        page = client.get(url, {"indicator": other}).content.decode()
        assert sorted(_table_values(page)) == ["111", "222"]


@pytest.mark.django_db
def test_the_page_leads_with_the_verdict_and_keeps_the_method_in_a_disclosure(
    client, members, two_indicators
):
    obligation, _area, _remnants = two_indicators
    client.force_login(members[Role.OBSERVER])
    page = client.get(
        reverse("obligations:detail", args=[obligation.coalition.slug, obligation.pk])
    ).content.decode()
    verdict = page.index('class="verdict')
    assert verdict < page.index("The obligation</h2>")
    assert "<summary>How is this calculated?</summary>" in page


@pytest.mark.django_db
def test_figures_waiting_for_validation_are_listed_first_for_those_who_validate(
    client, members, two_indicators
):
    obligation, area, _remnants = two_indicators
    report(area, start=date(2025, 4, 1), end=date(2025, 6, 30), value=333, validate=False)
    url = reverse("obligations:detail", args=[obligation.coalition.slug, obligation.pk])
    client.force_login(members[Role.NATIONAL_AUTHORITY])
    page = client.get(url).content.decode()
    assert "Figures waiting for your validation" in page
    assert page.index("Figures waiting for your validation") < page.index("The obligation</h2>")
    client.force_login(members[Role.OBSERVER])
    assert "Figures waiting for your validation" not in client.get(url).content.decode()


# The progress form ------------------------------------------------------------------------------


def test_presets_are_recent_quarters_and_months_ending_no_later_than_today():
    presets = {value: (start, end) for value, _label, start, end in period_presets(TODAY)}
    assert presets["q2025-4"] == (date(2025, 10, 1), date(2025, 12, 31))
    assert presets["q2026-1"] == (date(2026, 1, 1), TODAY)
    assert presets["m2025-12"] == (date(2025, 12, 1), date(2025, 12, 31))
    assert all(end <= TODAY for _start, end in presets.values())


@pytest.mark.django_db
def test_a_preset_fills_the_period(two_indicators):
    obligation, area, _remnants = two_indicators
    form = ProgressForm(
        {"indicator": area.pk, "preset": "q2025-4", "value": "10"},
        indicators=obligation.indicators.all(),
        today=TODAY,
    )
    assert form.is_valid(), form.errors
    assert form.cleaned_data["period_start"] == date(2025, 10, 1)
    assert form.cleaned_data["period_end"] == date(2025, 12, 31)
    assert "preset" not in form.cleaned_data


@pytest.mark.django_db
@pytest.mark.parametrize(
    "data, field, message",
    [
        ({"preset": "q2025-4", "period_start": "2025-11-01"}, "preset", "differ from the period"),
        ({"preset": "q1999-1"}, "preset", "Select a valid choice"),
        ({}, "period_start", "Give the date, or choose a period above."),
    ],
)
def test_bad_periods_are_refused_with_a_clear_error(two_indicators, data, field, message):
    obligation, area, _remnants = two_indicators
    form = ProgressForm(
        {"indicator": area.pk, "value": "10", **data},
        indicators=obligation.indicators.all(),
        today=TODAY,
    )
    assert not form.is_valid()
    assert any(message in error for error in form.errors[field]), form.errors


@pytest.mark.django_db
def test_the_form_shows_the_unit_and_last_figure_and_the_split_only_for_areas(
    coalition, two_indicators
):
    obligation, area, remnants = two_indicators
    form = ProgressForm(indicators=obligation.indicators.all(), initial={"indicator": remnants})
    assert "Counted in remnants. Last figure: 222 for 1 Jan 2025 – 31 Mar 2025" in str(
        form.fields["indicator"].help_text
    )
    assert form.indicator_facts[str(area.pk)]["area"] is True
    assert form.indicator_facts[str(remnants.pk)]["area"] is False
    without_area = make_obligation(coalition, article=3, entry_into_force=date(2020, 1, 1))
    make_indicator(without_area, kind=Indicator.Kind.SUBMUNITIONS_DESTROYED, target=Decimal(9))
    form = ProgressForm(indicators=without_area.indicators.all())
    assert "cleared_m2" not in form.fields


@pytest.mark.django_db
def test_an_overlapping_period_is_warned_about_and_recorded_only_once_confirmed(
    client, members, two_indicators
):
    obligation, area, _remnants = two_indicators
    client.force_login(members[Role.NATIONAL_AUTHORITY])
    url = reverse("obligations:progress_new", args=[obligation.coalition.slug, obligation.pk])
    data = {"indicator": area.pk, "period_start": "2025-03-01", "period_end": "2025-04-30",
            "value": "50"}  # fmt: skip
    before = ProgressEntry.objects.count()
    page = client.post(url, data).content.decode()
    assert "This period overlaps figures already recorded" in page
    assert "counted twice" in page and 'name="confirm_overlap"' in page
    assert ProgressEntry.objects.count() == before
    response = client.post(url, {**data, "confirm_overlap": "on"})
    assert response.status_code == 302
    assert ProgressEntry.objects.count() == before + 1
    # A period next to the others, sharing no day, needs no confirmation.
    response = client.post(url, {**data, "period_start": "2025-05-01", "period_end": "2025-05-31"})
    assert response.status_code == 302
