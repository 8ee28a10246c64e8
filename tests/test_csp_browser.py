"""Under the strict Content-Security-Policy the pages still work in a real browser, and the
browser reports no blocked script or style."""

import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from actions.tests.factories import make_meeting
from coalitions.models import Role
from meetings.models import AgendaItem
from meetings.services import agenda_item_create
from tests.test_meetings_browser import sign_in

WATCH_VIOLATIONS = """
window.__violations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__violations.push(event.violatedDirective + " " + (event.blockedURI || "inline"));
});
"""


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_pages_work_and_nothing_is_blocked(page, live_server, coalition, members):
    base = live_server.url
    console = []
    page.on("console", lambda message: console.append(message.text))
    page.add_init_script(WATCH_VIOLATIONS)
    facilitator = members[Role.FACILITATOR]
    meeting = make_meeting(
        coalition, starts_at=timezone.now() + timezone.timedelta(days=20), status="planned"
    )
    for title in ("Opening", "Land release"):
        agenda_item_create(
            meeting=meeting, actor=facilitator, title=title, topic=AgendaItem.Topic.OTHER
        )
    sign_in(page, base, facilitator.email)
    violations = []

    # htmx swaps the agenda in place.
    page.goto(f"{base}/coalitions/{coalition.slug}/meetings/{meeting.pk}/")
    items = page.locator("ol.agenda strong")
    expect(items).to_have_text(["Opening", "Land release"])
    page.locator("ol.agenda li").nth(1).locator("button[title='Move up']").click()
    expect(items).to_have_text(["Land release", "Opening"])
    violations += page.evaluate("window.__violations")

    # The calendar feed's address is selected on focus (app.js, not an inline handler).
    page.goto(f"{base}/coalitions/{coalition.slug}/meetings/calendar/")
    page.focus("#feed-url")
    selected = page.evaluate(
        "() => { const f = document.getElementById('feed-url');"
        " return f.selectionEnd - f.selectionStart; }"
    )
    assert selected == len(page.input_value("#feed-url")) > 0
    violations += page.evaluate("window.__violations")

    # The language menu submits itself on change.
    page.select_option("#language-select", "fr")
    page.wait_for_load_state()
    expect(page.locator("html")).to_have_attribute("lang", "fr")
    violations += page.evaluate("window.__violations")

    assert violations == []
    assert [text for text in console if re.search("Content.Security.Policy", text)] == []
