"""After the invitations, the convener rearranges the agenda in the browser: each move (htmx) brings
the notice of changes not yet told up to date beside the agenda, and the update goes from it."""

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from coalitions.models import Role
from coalitions.tests.factories import PASSWORD
from meetings import services
from meetings.models import Delivery
from tests.fixtures import committed


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_moves_show_the_new_order_in_the_notice_and_the_update_tells_it(
    page, live_server, coalition, members, artifacts_dir
):
    authority = members[Role.NATIONAL_AUTHORITY]
    starts = timezone.now().replace(microsecond=0) + timedelta(days=20)
    with committed():
        meeting = services.meeting_create(
            coalition=coalition, actor=authority, title="Winter coalition meeting",
            starts_at=starts, ends_at=starts + timedelta(hours=3), venue="Beirut", draft=True,
        )  # fmt: skip
        for title in ("Opening", "Land release figures", "Risk education"):
            services.agenda_item_create(meeting=meeting, actor=authority, title=title)
        services.meeting_send_invitations(meeting=meeting, actor=authority)

    page.goto(live_server.url + reverse("account_login"))
    page.fill("input[name=login]", authority.email)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(re.compile(r".*/today/"))
    page.goto(live_server.url + reverse("meetings:detail", args=[coalition.slug, meeting.pk]))
    page.wait_for_function("window.htmx !== undefined")
    expect(page.locator("#preparation")).to_have_count(0)

    items = page.locator("ol.agenda strong")
    page.locator("ol.agenda li").nth(2).locator("button[title='Move up']").click()
    expect(items).to_have_text(["Opening", "Risk education", "Land release figures"])
    notice = page.locator("#preparation")
    expect(notice).to_contain_text(
        "The agenda order changed: 1. Opening, 2. Risk education, 3. Land release figures"
    )
    page.locator("ol.agenda li").nth(1).locator("button[title='Move up']").click()
    expect(items).to_have_text(["Risk education", "Opening", "Land release figures"])
    expect(notice).to_contain_text(
        "The agenda order changed: 1. Risk education, 2. Opening, 3. Land release figures"
    )
    for label, width in (("desktop", 1366), ("phone", 390)):
        page.set_viewport_size({"width": width, "height": 900})
        page.screenshot(
            path=str(artifacts_dir / f"meeting-update-notice-{label}.png"), full_page=True
        )
    page.set_viewport_size({"width": 1366, "height": 900})

    # Back where the participants know it: nothing to tell, the notice goes.
    page.locator("ol.agenda li").nth(0).locator("button[title='Move down']").click()
    expect(items).to_have_text(["Opening", "Risk education", "Land release figures"])
    page.locator("ol.agenda li").nth(1).locator("button[title='Move down']").click()
    expect(items).to_have_text(["Opening", "Land release figures", "Risk education"])
    expect(page.locator("#preparation")).to_have_count(0)

    page.locator("ol.agenda li").nth(0).locator("button[title='Move down']").click()
    expect(page.locator("#preparation")).to_contain_text("1. Land release figures, 2. Opening")
    page.click("button:has-text('Send the update to the participants')")
    expect(page.locator(".message-success")).to_contain_text("The update is on its way")
    expect(page.locator("#preparation")).to_have_count(0)
    assert Delivery.objects.filter(meeting=meeting, kind=Delivery.Kind.UPDATE).count() == len(
        members
    )
