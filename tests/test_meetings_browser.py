"""The national authority runs a meeting in a real browser, from agenda to published summary."""

import re

import pytest
from playwright.sync_api import expect

from coalitions.models import Role
from coalitions.tests.factories import PASSWORD
from meetings.models import Meeting, Summary
from users.services import user_create


def sign_in(page, base, email):
    page.goto(f"{base}/accounts/login/")
    page.fill("input[name=login]", email)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(re.compile(r".*/today/"))


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_authority_runs_a_meeting_to_a_published_summary(
    page, live_server, coalition, members, artifacts_dir
):
    base = live_server.url
    # The national authority convenes and publishes (DESIGN.md); the facilitator edits the
    # agenda and minutes only.
    authority = members[Role.NATIONAL_AUTHORITY]
    sign_in(page, base, authority.email)

    page.goto(f"{base}/coalitions/{coalition.slug}/meetings/")
    page.click("text=Schedule a meeting")
    page.select_option("select[name=kind]", "coalition")
    page.fill("input[name=title]", "Coalition meeting, spring 2027")
    page.fill("input[name=date]", "2027-03-30")
    page.fill("input[name=start_time]", "09:30")
    page.fill("input[name=end_time]", "13:00")
    page.fill("input[name=venue]", "LMAC, Beirut")
    page.click("button:has-text('Save the draft')")
    expect(page.locator("h1")).to_have_text("Coalition meeting, spring 2027")
    expect(page.locator("#facts-h + dl")).to_contain_text("Tuesday 30 March 2027, 09:30–13:00 EEST")

    page.click("text=Add an item")
    for title in ("Opening", "Land release figures", "Any other business"):
        page.fill("input[name=title]", title)
        page.fill("input[name=presenter]", "LMAC")
        page.click("button:has-text('Save and add another')")
    page.click("text=Cancel")
    items = page.locator("ol.agenda strong")
    expect(items).to_have_text(["Opening", "Land release figures", "Any other business"])
    # Move "Any other business" up once: htmx swaps the agenda in place.
    page.locator("ol.agenda li").nth(2).locator("button[title='Move up']").click()
    expect(items).to_have_text(["Opening", "Any other business", "Land release figures"])

    # A draft until the invitations go, after a look at who gets them.
    expect(page.locator("#preparation")).to_contain_text("Draft — invitations not sent")
    page.click("text=Send the invitations…")
    expect(page.locator("h2#recipients-h")).to_contain_text(f"{len(members)} people will get it")
    page.click("button:has-text('Send the invitations')")
    expect(page.locator("#preparation")).to_have_count(0)

    page.click("button:has-text('Mark as held')")
    page.click("text=Record attendance")
    for radio in page.locator("input[type=radio][value=present]").all():
        radio.check()
    page.locator("input[type=radio][value=apologies]").last.check()
    page.click("button:has-text('Save attendance')")
    expect(page.locator("#attendance")).to_contain_text("Apologies")

    page.click("text=Write the minutes")
    page.fill("textarea[name=notes]", "The national authority opened the meeting.")
    page.locator("textarea").nth(1).fill("Figures for 2026 were agreed.")
    page.click("button:has-text('Save the minutes')")
    expect(page.locator("#minutes")).to_contain_text("Figures for 2026 were agreed.")
    page.screenshot(path=str(artifacts_dir / "meeting-detail-before-publish.png"), full_page=True)

    page.click("text=Publish the summary")
    page.click("button:has-text('Publish and send')")
    expect(page.locator("#summary-status")).to_contain_text("Sent")
    expect(page.locator("#summary-status")).to_contain_text(
        f"Sent to {len(members)} of {len(members)} participants"
    )
    page.screenshot(path=str(artifacts_dir / "meeting-summary-published.png"), full_page=True)
    meeting = Meeting.objects.get()
    assert meeting.status == Meeting.Status.SUMMARY_PUBLISHED
    assert Summary.objects.get(meeting=meeting).state == Summary.State.SENT

    page.goto(f"{base}/coalitions/{coalition.slug}/meetings/")
    expect(page.locator("#past-h + .table-wrap")).to_contain_text("Coalition meeting, spring 2027")
    page.screenshot(path=str(artifacts_dir / "meeting-list.png"), full_page=True)

    # Site staff read the outbox: every participant's mail is there with the PDF.
    user_create(
        email="staff@example.net", name="Staff", password=PASSWORD, is_staff=True, actor=None
    )
    page.goto(f"{base}/accounts/logout/")
    page.click("button[type=submit]")
    sign_in(page, base, "staff@example.net")
    page.goto(f"{base}/outbox/")
    summary_rows = page.locator("text=Summary: Coalition meeting, spring 2027")
    expect(summary_rows).to_have_count(len(members))
    page.screenshot(path=str(artifacts_dir / "meeting-outbox.png"), full_page=True)
