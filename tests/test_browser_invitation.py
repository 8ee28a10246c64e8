"""A champion invites a new operator, who follows the mailed link, signs up and sees the coalition."""

import re

import pytest
from playwright.sync_api import expect

from coalitions.models import Role
from coalitions.tests.factories import PASSWORD
from outbox.models import OutboxMessage


@pytest.mark.browser
def test_champion_invites_an_operator_who_signs_up_from_the_mail(
    page, live_server, transactional_db, coalition, members, artifacts_dir
):
    champion = members[Role.CHAMPION]
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Email").fill(champion.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign In").click()
    expect(page.get_by_role("heading", name="Today")).to_be_visible()

    page.get_by_role("link", name=coalition.name).first.click()
    page.get_by_role("link", name="Invite someone").first.click()
    page.get_by_label("E-mail address").fill("new.operator@example.net")
    page.get_by_label("Role").select_option(Role.OPERATOR)
    operator_organisation = members[Role.OPERATOR].memberships.get().organisation
    # Typed without waiting for suggestions, as without JavaScript: the server finds the name.
    page.fill("input[name=organisation]", operator_organisation.name)
    page.get_by_role("button", name="Send invitation").click()
    expect(page.get_by_text("An invitation was sent to new.operator@example.net")).to_be_visible()
    expect(page.get_by_role("cell", name="new.operator@example.net", exact=True)).to_be_visible()

    message = OutboxMessage.objects.get(to__contains="new.operator@example.net")
    link = re.search(r"https?://\S+?(/invitations/\S+?/)\s", message.text_body()).group(1)

    page.context.clear_cookies()
    page.goto(live_server.url + link)
    expect(page.get_by_role("heading", name=f"You are invited to {coalition.name}")).to_be_visible()
    page.get_by_role("link", name="Create an account").click()
    page.get_by_label("Full name").fill("Nadia Operator")
    expect(page.get_by_label("Email")).to_have_value("new.operator@example.net")
    page.get_by_label("Time zone").select_option("Asia/Beirut")
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_label("Password (again)", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Sign Up").click()

    expect(page.get_by_role("heading", name=coalition.name, exact=True)).to_be_visible()
    expect(page.get_by_text("You joined as Operator")).to_be_visible()
    expect(page.locator(".people").get_by_text("Nadia Operator")).to_be_visible()
    page.screenshot(path=str(artifacts_dir / "coalition_home_new_operator.png"), full_page=True)
