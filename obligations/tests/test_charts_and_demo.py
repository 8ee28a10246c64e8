import io
from datetime import date
from decimal import Decimal
from xml.etree import ElementTree

import pytest
from django.core.management import call_command

from coalitions.models import Coalition
from obligations.charts import forecast_chart_svg
from obligations.forecast import Status, forecast
from obligations.models import ProgressEntry
from obligations.selectors import obligation_status_list

SVG = "{http://www.w3.org/2000/svg}"


def make(entries, **kwargs):
    return forecast(
        baseline=Decimal(0), target=Decimal(1000), entries=entries,
        deadline=kwargs.pop("deadline", date(2030, 1, 1)), today=date(2026, 1, 15), **kwargs,
    )  # fmt: skip


def test_chart_is_well_formed_svg_with_a_text_alternative():
    entries = [(date(2025, 3, 31), Decimal(100)), (date(2025, 6, 30), Decimal(100))]
    svg = forecast_chart_svg(make(entries), title="CCM-4 · Area <released>")
    root = ElementTree.fromstring(str(svg))
    assert root.get("role") == "img"
    assert root.find(f"{SVG}title").text == "CCM-4 · Area <released>"
    description = root.find(f"{SVG}desc").text
    assert "Deadline 2030-01-01" in description and "Status" in description
    assert root.findall(f"{SVG}polyline"), "the progress line"
    # No classes, scripts or styles: the same markup must render in a PDF.
    assert "<script" not in svg and "class=" not in svg.replace('class="forecast-chart"', "")


def test_chart_without_data_says_so():
    svg = str(forecast_chart_svg(make([]), title="x"))
    ElementTree.fromstring(svg)
    assert "No validated progress yet." in svg


def test_far_projection_runs_off_the_edge_without_breaking_the_chart():
    entries = [(date(2025, 12, 31), Decimal(1))]
    result = make(entries, deadline=date(2027, 1, 1))
    assert result.status == Status.WILL_MISS
    ElementTree.fromstring(str(forecast_chart_svg(result, title="x")))


def test_chart_renders_in_a_weasyprint_pdf():
    from weasyprint import HTML

    entries = [(date(2025, 3, 31), Decimal(100)), (date(2025, 6, 30), Decimal(150))]
    svg = forecast_chart_svg(make(entries), title="CCM-4")
    pdf = HTML(string=f"<html><body><h1>Forecast</h1>{svg}</body></html>").write_pdf()
    assert pdf.startswith(b"%PDF")


@pytest.mark.django_db
def test_demo_shows_lebanon_at_risk_and_the_completed_obligations():
    call_command("seed_demo", stdout=io.StringIO())
    call_command("seed_demo", stdout=io.StringIO())  # a second run changes nothing
    # The demo's date: the figures run to October 2026.
    lebanon = obligation_status_list(
        coalition=Coalition.objects.get(slug="lebanon"), today=date(2026, 11, 24)
    )
    assert [(s.obligation.article, s.forecast.status) for s in lebanon] == [(4, Status.AT_RISK)]
    assert lebanon[0].obligation.current_deadline == date(2031, 5, 1)
    assert lebanon[0].obligation.original_deadline == date(2021, 5, 1)
    assert lebanon[0].forecast.remaining == Decimal("3040000.00")
    assert lebanon[0].forecast.projected_date == date(2030, 9, 5)
    assert (
        ProgressEntry.objects.filter(indicator__obligation__coalition__slug="lebanon").count() == 24
    )
    montenegro = obligation_status_list(coalition=Coalition.objects.get(slug="montenegro"))
    assert [(s.obligation.article, s.forecast.status) for s in montenegro] == [
        (3, Status.COMPLETED),
        (4, Status.COMPLETED),
    ]
    assert montenegro[0].forecast.achieved == Decimal(51891)
    botswana = obligation_status_list(coalition=Coalition.objects.get(slug="botswana"))
    assert botswana[0].obligation.completed_on == date(2018, 9, 18)
    assert botswana[0].forecast.status == Status.COMPLETED
