"""A meeting link as long as the meeting form takes (video-call links are long and have no spaces)
fits a phone on every page that shows it; tests/test_responsive_browser.py covers the demo's
short links."""

import re

import pytest
from django.urls import reverse

from coalitions.models import Role
from coalitions.tests.factories import PASSWORD
from meetings.forms import MeetingForm
from meetings.tests.factories import make_meeting

PHONE = {"width": 390, "height": 844}


def longest_link() -> str:
    start = "https://teams.example.org/l/meetup-join/19%3ameeting_"
    return start + "N" * (MeetingForm.base_fields["online_link"].max_length - len(start))


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_longest_meeting_link_does_not_push_a_phone_page_sideways(
    browser, live_server, coalition, members, artifacts_dir
):
    authority = members[Role.NATIONAL_AUTHORITY]
    meeting = make_meeting(coalition, authority, days=3, online_link=longest_link())
    page = browser.new_page(viewport=PHONE)
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("input[name=login]", authority.email)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(re.compile(r".*/today/"))
    too_wide = []
    for path in [
        "/today/",
        f"/coalitions/{coalition.slug}/",
        reverse("meetings:detail", args=[coalition.slug, meeting.pk]),
    ]:
        page.goto(live_server.url + path)
        overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        if overflow > 1:
            name = re.sub(r"[^a-z0-9]+", "-", path.strip("/")) or "root"
            page.screenshot(path=str(artifacts_dir / f"long-link-{name}.png"))
            too_wide.append(f"{path} scrolls sideways by {overflow}px")
    assert page.locator(f'a[href="{longest_link()}"]').count() == 1  # the meeting's page
    assert too_wide == []


# The shape of a Microsoft Teams invitation's link (tenant and organiser ids are made up).
TEAMS_LINK = (
    "https://teams.microsoft.com/l/meetup-join/19%3ameeting_NjM4ZTY0ZGMtYTc3Ni00ZWQ2LWJmZGQtOTgz"
    "ZjQ1ZjQ0YTg4%40thread.v2/0?context=%7b%22Tid%22%3a%2272f988bf-86f1-41af-91ab-2d7cd011db47"
    "%22%2c%22Oid%22%3a%22a1b2c3d4-e5f6-7890-abcd-ef1234567890%22%7d"
)


@pytest.mark.django_db
def test_a_teams_meeting_link_is_taken_by_the_meeting_form(client, coalition, members):
    assert len(TEAMS_LINK) > 200
    client.force_login(members[Role.NATIONAL_AUTHORITY])
    response = client.post(
        reverse("meetings:new", args=[coalition.slug]),
        {
            "kind": "coalition",
            "title": "Coordination",
            "date": "2027-02-10",
            "start_time": "10:00",
            "end_time": "11:00",
            "online_link": TEAMS_LINK,
        },
    )
    assert response.status_code == 302, response.context and response.context["form"].errors
    assert coalition.meetings.get().online_link == TEAMS_LINK
