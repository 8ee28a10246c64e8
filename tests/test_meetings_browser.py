"""The whole life of a meeting in a real browser, as the national authority convenes and publishes
and the facilitator takes the minutes: create, agenda, invitations, the meeting screen with live
minutes (and a lost connection), an action point recorded under its agenda item, held, preview of
both copies, publish, correct."""

import re
import subprocess
import tempfile
from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from coalitions.models import Role
from coalitions.tests.factories import PASSWORD
from meetings import timefmt
from meetings.models import Delivery, Meeting, Summary
from outbox.models import OutboxMessage

WIDTHS = {"desktop": 1366, "phone": 390}


def sign_in(page, base, email):
    page.goto(f"{base}/accounts/login/")
    page.fill("input[name=login]", email)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(re.compile(r".*/today/"))


def shoot(page, artifacts_dir, name):
    """The page at desktop and phone width, whole; the window is left at desktop width."""
    for label, width in WIDTHS.items():
        page.set_viewport_size({"width": width, "height": 900})
        page.screenshot(
            path=str(artifacts_dir / f"meeting-life-{name}-{label}.png"), full_page=True
        )
        # Nothing scrolls sideways on a phone.
        overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 1, f"{name} scrolls sideways by {overflow}px at {width}px"
    page.set_viewport_size({"width": WIDTHS["desktop"], "height": 900})


def pdftotext(data: bytes) -> str:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "copy.pdf"
        path.write_bytes(data)
        return subprocess.run(
            ["pdftotext", "-layout", str(path), "-"], capture_output=True, check=True, text=True
        ).stdout


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_a_meeting_from_agenda_to_corrected_summary(
    browser, live_server, coalition, members, artifacts_dir
):
    base = live_server.url
    authority, facilitator = members[Role.NATIONAL_AUTHORITY], members[Role.FACILITATOR]
    chair = browser.new_page(viewport={"width": 1366, "height": 900})
    sign_in(chair, base, authority.email)

    # It began half an hour ago, on the coalition's clock.
    start = timefmt.in_zone(timezone.now() - timedelta(minutes=30), coalition.timezone)
    end = start + timedelta(hours=3)
    chair.goto(f"{base}/coalitions/{coalition.slug}/meetings/")
    chair.click("text=Schedule a meeting")
    chair.select_option("select[name=kind]", "coalition")
    chair.fill("input[name=title]", "Coalition meeting, autumn")
    chair.fill("input[name=date]", start.date().isoformat())
    chair.fill("input[name=start_time]", start.strftime("%H:%M"))
    if end.date() != start.date():
        chair.fill("input[name=end_date]", end.date().isoformat())
    chair.fill("input[name=end_time]", end.strftime("%H:%M"))
    chair.fill("input[name=venue]", "LMAC, Beirut")
    chair.locator("form.meeting-form button.primary").click()
    expect(chair.locator("h1")).to_have_text("Coalition meeting, autumn")
    meeting = Meeting.objects.get()
    detail = f"{base}/coalitions/{coalition.slug}/meetings/{meeting.pk}/"

    chair.click("text=Add an item")
    for title, visibility in (
        ("Opening", "members"),
        ("Land release figures", "members"),
        ("Security of the survey teams", "restricted"),
    ):
        chair.fill("input[name=title]", title)
        chair.fill("input[name=presenter]", "LMAC")
        chair.select_option("select[name=visibility]", visibility)
        chair.click("button:has-text('Save and add another')")
    chair.click("text=Cancel")
    items = chair.locator("ol.agenda strong")
    expect(items).to_have_text(["Opening", "Land release figures", "Security of the survey teams"])
    # Move the last item up once: htmx swaps the agenda in place.
    chair.locator("ol.agenda li").nth(2).locator("button[title='Move up']").click()
    expect(items).to_have_text(["Opening", "Security of the survey teams", "Land release figures"])

    # A draft until the invitations go, after a look at who gets them.
    expect(chair.locator("#preparation")).to_contain_text("Draft — invitations not sent")
    chair.click("text=Send the invitations…")
    expect(chair.locator("h2#recipients-h")).to_contain_text(f"{len(members)} people will get it")
    shoot(chair, artifacts_dir, "0-send-invitations")
    chair.click("button:has-text('Send the invitations')")
    expect(chair.locator("#preparation")).to_have_count(0)
    invited = Delivery.objects.filter(meeting=meeting, kind=Delivery.Kind.INVITATION)
    assert invited.count() == len(members)
    chair.goto(detail)
    shoot(chair, artifacts_dir, "1-planned")

    # The facilitator holds the meeting on the meeting screen.
    minutes_taker = browser.new_page(viewport={"width": 1366, "height": 900})
    sign_in(minutes_taker, base, facilitator.email)
    minutes_taker.goto(detail)
    minutes_taker.click("text=Open the meeting screen")
    expect(minutes_taker.locator("h1")).to_have_text("Meeting screen")
    hold = minutes_taker.url
    minutes_taker.locator("#hold-attendance input[type=radio][value=present]").first.check()
    expect(minutes_taker.locator("#hold-attendance .save-slot")).to_contain_text("Saved at")
    for radio in minutes_taker.locator("#hold-attendance input[type=radio][value=present]").all():
        radio.check()
    minutes_taker.locator("#hold-attendance input[type=radio][value=apologies]").last.check()
    expect(minutes_taker.locator("#hold-attendance .save-slot")).to_contain_text("Saved at")

    first, second, third = minutes_taker.locator("li.hold-item").all()
    expect(first.locator("h3")).to_contain_text("1. Opening")
    first.locator("textarea[name$=minutes]").fill("The national authority opened the meeting.")
    expect(first.locator(".save-slot")).to_contain_text("Saved at")
    second.locator("textarea[name$=minutes]").fill("Routes for the survey teams were discussed.")
    expect(second.locator(".save-slot").first).to_contain_text("Saved at")
    third.locator("textarea[name$=minutes]").fill("Figures for 2026 were agreed.")
    expect(third.locator(".save-slot").first).to_contain_text("Saved at")
    third.locator("textarea[name$=text]").fill("Adopt the 2026 land release figures")
    third.locator("button:has-text('Record the decision')").click()
    expect(third.locator(".hold-decisions")).to_contain_text("Adopt the 2026 land release figures")

    # The connection drops while typing: the save fails and says so, the text survives a
    # reload in this browser, and is saved once the server answers again.
    minutes_taker.route("**/hold/notes/", lambda route: route.abort())
    minutes_taker.fill("#id_notes", "Chaired by LMAC; GICHD facilitated.")
    expect(minutes_taker.locator("#hold-notes .save-failed")).to_be_visible(timeout=15000)
    minutes_taker.reload()
    offer = minutes_taker.locator("#hold-notes .draft-offer")
    expect(offer).to_contain_text("Chaired by LMAC; GICHD facilitated.")
    minutes_taker.unroute("**/hold/notes/")
    offer.locator("button", has_text="Restore it").click()
    expect(minutes_taker.locator("#hold-notes .save-slot")).to_contain_text("Saved at")

    # An action point recorded under the item it came from: the item's own small form.
    authority_org = coalition.memberships.get(user=authority).organisation
    third.locator("a", has_text="Add an action point").click()
    expect(third.locator(".ap-item-entry input[name=title]")).to_be_focused()
    field = f"#qe{third.get_attribute('id').removeprefix('item-')}_"
    minutes_taker.fill(f"{field}title", "Publish the 2026 land release figures")
    minutes_taker.type(f"{field}owner_organisation", authority_org.name)
    option = f"{field}owner_organisation-suggestions option[value$='(#{authority_org.pk})']"
    minutes_taker.wait_for_selector(option, state="attached")
    minutes_taker.fill(f"{field}owner_organisation", minutes_taker.get_attribute(option, "value"))
    minutes_taker.fill(f"{field}due_date", (start.date() + timedelta(days=30)).isoformat())
    third.locator(".ap-item-entry button[type=submit]").click()
    expect(third.locator(".hold-action-points")).to_contain_text(
        "Recorded: Publish the 2026 land release figures"
    )
    expect(third.locator(".hold-ap-list")).to_contain_text("Publish the 2026 land release figures")
    third.scroll_into_view_if_needed()
    shoot(minutes_taker, artifacts_dir, "2a-action-point-under-item")

    # An action point, recorded in the meeting.
    operator_org = coalition.memberships.get(user=members[Role.OPERATOR]).organisation
    minutes_taker.fill("#qe_title", "Share the survey team routes")
    minutes_taker.type("#qe_owner_organisation", operator_org.name)
    option = f"#qe_owner_organisation-suggestions option[value$='(#{operator_org.pk})']"
    minutes_taker.wait_for_selector(option, state="attached")
    minutes_taker.fill("#qe_owner_organisation", minutes_taker.get_attribute(option, "value"))
    minutes_taker.click("#meeting-action-points .ap-quick-entry button[type=submit]")
    expect(minutes_taker.locator("#meeting-action-points")).to_contain_text(
        "Share the survey team routes"
    )
    minutes_taker.goto(hold)
    shoot(minutes_taker, artifacts_dir, "2-meeting-screen")
    meeting.refresh_from_db()
    assert meeting.notes == "Chaired by LMAC; GICHD facilitated."
    assert meeting.participants.filter(attendance="apologies").count() == 1

    # The national authority marks it held (asked first), previews both copies, publishes.
    chair.goto(detail)
    chair.click("a:has-text('Mark as held')")
    expect(chair.locator("h1")).to_contain_text("as held?")
    shoot(chair, artifacts_dir, "3-confirm-held")
    chair.click("button:has-text('Mark as held')")
    expect(chair.locator(".messages")).to_contain_text("marked as held")
    chair.click("text=Preview and publish the summary")
    members_copy = chair.request.get(
        base + chair.locator('a:has-text("Preview the members\' copy")').get_attribute("href")
    )
    restricted_copy = chair.request.get(
        base
        + chair.locator("a:has-text('Preview the copy with restricted items')").get_attribute(
            "href"
        )
    )
    members_text, restricted_text = (
        pdftotext(members_copy.body()),
        pdftotext(restricted_copy.body()),
    )
    assert "Figures for 2026 were agreed." in members_text
    assert "Security of the survey teams" not in members_text
    assert "Security of the survey teams" in restricted_text
    assert "Routes for the survey teams were discussed." in restricted_text
    shoot(chair, artifacts_dir, "4-publish")
    chair.click("button:has-text('Publish and send')")
    expect(chair.locator("#summary-status")).to_contain_text(
        f"Sent to {len(members)} of {len(members)} participants", timeout=60000
    )
    shoot(chair, artifacts_dir, "5-published")
    summary = Summary.objects.get(meeting=meeting)
    assert summary.state == Summary.State.SENT

    # The minutes are locked on the meeting screen; a correction is published instead.
    minutes_taker.goto(hold)
    expect(minutes_taker.locator("main")).to_contain_text("the minutes are locked")
    chair.click("text=Publish a correction")
    chair.fill("textarea[name=note]", "The figures were agreed with one reservation.")
    chair.locator("textarea").nth(4).fill(
        "Figures for 2026 were agreed, with a reservation on district 4."
    )
    shoot(chair, artifacts_dir, "6-correction")
    chair.click("button:has-text('Publish the correction and send it')")
    expect(chair.locator("#summary-status")).to_contain_text("Correction 1")
    expect(chair.locator("#summary-status")).to_contain_text(
        f"Sent to {len(members)} of {len(members)} participants", timeout=60000
    )
    shoot(chair, artifacts_dir, "7-corrected")

    corrected = OutboxMessage.objects.filter(subject__startswith="Corrected summary (1)")
    assert corrected.count() == len(members)
    observer_mail = corrected.get(to__contains=members[Role.OBSERVER].email)
    assert "The figures were agreed with one reservation." in observer_mail.text_body()
    assert "Share the survey team routes" in observer_mail.text_body()
    line = next(
        row
        for row in observer_mail.text_body().splitlines()
        if "Publish the 2026 land release figures" in row
    )
    assert line.endswith("Agenda item: Land release figures")
    observer_pdf = pdftotext(observer_mail.attachments()[0][2])
    flat = " ".join(observer_pdf.split())
    assert (
        flat.index("Agenda item: Land release figures")
        < flat.index("Publish the 2026 land release figures")
        < flat.index("Other action points")
        < flat.index("Share the survey team routes")
    )
    assert "with a reservation on district 4" in observer_pdf
    assert "Security of the survey teams" not in observer_pdf
    authority_pdf = pdftotext(corrected.get(to__contains=authority.email).attachments()[0][2])
    assert "Security of the survey teams" in authority_pdf
    chair.close()
    minutes_taker.close()
