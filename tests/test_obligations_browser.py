"""In a real Chromium: the dashboard draws its charts, and recording a figure moves the forecast."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from coalitions.models import Role
from coalitions.tests.factories import PASSWORD, CoalitionFactory, add_member
from obligations.forecast import quarter_end, quarter_index
from obligations.tests.factories import make_indicator, make_obligation, report


def sign_in(page, live_server, user):
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("input[name=login]", user.email)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(lambda url: "/accounts/login/" not in url)


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_dashboard_renders_its_charts_and_the_forecast_moves(live_server, page, artifacts_dir):
    coalition = CoalitionFactory(name="Browser Coalition")
    authority = add_member(coalition, Role.NATIONAL_AUTHORITY)
    today = timezone.localdate()
    clearance = make_obligation(
        coalition, article=4, entry_into_force=today - timedelta(days=6 * 365)
    )
    area = make_indicator(clearance, target=Decimal(40000))
    last = quarter_index(today) - 1
    for q in range(last - 7, last + 1):
        end = quarter_end(q)
        report(area, start=end.replace(day=1), end=end, value=1000)
    stockpile = make_obligation(
        coalition, article=3, entry_into_force=date(2011, 12, 1), status="completed",
        completed_on=date(2018, 9, 18),
    )  # fmt: skip
    submunitions = make_indicator(stockpile, kind="submunitions_destroyed", target=Decimal(14400))
    report(submunitions, start=date(2018, 1, 1), end=date(2018, 9, 18), value=14400)

    sign_in(page, live_server, authority)
    page.goto(f"{live_server.url}/coalitions/{coalition.slug}/obligations/")
    charts = page.locator("figure.chart svg[role=img]")
    assert charts.count() == 2
    card = page.locator(f"#obligation-{clearance.pk}")
    chart = card.locator("svg[role=img]")
    box = chart.bounding_box()
    assert box["width"] > 300 and box["height"] > 100
    assert chart.locator("polyline").count() == 1
    assert "Deadline" in chart.locator("desc").text_content()
    status = card.locator("[data-status]").get_attribute("data-status")
    assert status in {"on_track", "at_risk", "will_miss"}
    assert (
        page.locator(f"#obligation-{stockpile.pk} [data-status]").get_attribute("data-status")
        == "completed"
    )
    before = card.locator(".obligation-facts").inner_text()
    page.screenshot(path=str(artifacts_dir / "obligations-dashboard.png"), full_page=True)

    # Record a large figure for the quarter just finished; the projected date moves.
    page.click("text=CCM · Article 4: clearance and risk education")
    page.click("text=Report progress")
    page.select_option("select[name=indicator]", str(area.pk))
    page.fill("input[name=period_start]", (quarter_end(last) - timedelta(days=10)).isoformat())
    page.fill("input[name=period_end]", quarter_end(last).isoformat())
    page.fill("input[name=value]", "20000")
    page.fill("input[name=source]", "Browser test")
    page.click("main form button.primary")
    # The quarter already has a figure: the form asks before counting the same work twice.
    page.wait_for_selector("text=overlaps figures already recorded")
    page.check("input[name=confirm_overlap]")
    page.click("main form button.primary")
    page.wait_for_selector("text=counts in the forecast")
    page.goto(f"{live_server.url}/coalitions/{coalition.slug}/obligations/")
    after = page.locator(f"#obligation-{clearance.pk} .obligation-facts").inner_text()
    assert after != before
    page.screenshot(path=str(artifacts_dir / "obligations-dashboard-after.png"), full_page=True)
