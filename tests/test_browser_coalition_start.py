"""As a new user would: a champion signs up, proposes a coalition for a State Party and invites its national
authority, who signs up from the mail and owns the coalition, adds an Article 4 obligation from the
deposit date and invites an operator and a facilitator; each lands on a Today page that shows what
needs them. Screenshots of each step at desktop width and at 390 px are kept in test-artifacts/."""

import re

import pytest
from playwright.sync_api import expect

from coalitions.models import Coalition, Role
from coalitions.tests.factories import PASSWORD, UserFactory
from outbox.models import OutboxMessage
from users.models import User

DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}


@pytest.fixture
def browser_context_args(browser_context_args):
    return {**browser_context_args, "timezone_id": "Asia/Beirut"}


def shoot(page, artifacts_dir, name: str) -> None:
    for label, size in (("desktop", DESKTOP), ("390", PHONE)):
        page.set_viewport_size(size)
        page.screenshot(path=str(artifacts_dir / f"start-{name}-{label}.png"), full_page=True)
    page.set_viewport_size(DESKTOP)
    # Nothing wider than a phone's screen at 390 px.
    page.set_viewport_size(PHONE)
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    page.set_viewport_size(DESKTOP)
    assert overflow <= 1, f"{name}: {overflow}px wider than the screen at 390 px"


def sign_in(page, base, email):
    page.context.clear_cookies()
    page.goto(f"{base}/accounts/login/")
    page.fill("input[name=login]", email)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(re.compile(r".*/today/"))


def invitation_link(email: str) -> str:
    message = OutboxMessage.objects.filter(to__contains=email).latest("pk")
    return re.search(r"https?://\S+?(/invitations/\S+?/)\s", message.text_body()).group(1)


def invite(page, base, slug, *, email, role, organisation=None, new_organisation=None):
    page.goto(f"{base}/coalitions/{slug}/invitations/new/?role={role}")
    page.fill("input[name=email]", email)
    page.select_option("select[name=role]", role)
    if organisation:
        page.fill("input[name=organisation]", organisation)
    if new_organisation:
        page.fill("input[name=organisation]", "")
        page.fill("input[name=new_organisation_name]", new_organisation[0])
        page.select_option("select[name=new_organisation_kind]", new_organisation[1])
    page.get_by_role("button", name="Send invitation").click()
    expect(page.get_by_text(f"An invitation was sent to {email}")).to_be_visible()


@pytest.mark.browser
def test_a_champion_starts_a_coalition_and_everyone_lands_on_today(
    page, live_server, transactional_db, artifacts_dir
):
    base = live_server.url
    page.set_viewport_size(DESKTOP)
    # 0. The champion signs up and confirms the address from the mail; it lands on Today.
    page.goto(f"{base}/accounts/signup/")
    page.get_by_label("Full name").fill("Kari Champion")
    page.fill("input[name=email]", "kari@norway.example.net")
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_label("Password (again)", exact=True).fill(PASSWORD)
    shoot(page, artifacts_dir, "00-sign-up")
    page.get_by_role("button", name="Sign Up").click()
    message = OutboxMessage.objects.filter(to__contains="kari@norway.example.net").latest("pk")
    confirm = re.search(r"https?://\S+?(/accounts/confirm-email/\S+?/)\s", message.text_body())
    page.goto(base + confirm.group(1))
    page.get_by_role("button", name="Confirm").click()
    page.wait_for_url(re.compile(r".*/today/"))
    champion = User.objects.get(email="kari@norway.example.net")
    expect(page.get_by_role("heading", name="Today")).to_be_visible()
    expect(page.get_by_text("You are not a member of any coalition yet.")).to_be_visible()
    shoot(page, artifacts_dir, "01-today-empty")

    # 1. The champion proposes the coalition; its time zone comes from the State Party.
    page.get_by_role("link", name="Start a coalition").click()
    page.fill("input[name=name]", "Country Coalition for Lebanon")
    page.select_option("select[name=state_party]", "LB")
    expect(page.locator("select[name=timezone]")).to_have_value("Asia/Beirut")
    page.check("input[name=role][value=champion]")
    page.fill("input[name=organisation_name]", "Norway")
    page.select_option("select[name=organisation_kind]", "donor_state")
    page.select_option("select[name=organisation_country]", "NO")
    page.fill("input[name=authority_name]", "Lebanon Mine Action Centre")
    shoot(page, artifacts_dir, "02-start-form")
    page.get_by_role("button", name="Start the coalition").click()
    expect(page.get_by_role("heading", name="First steps")).to_be_visible()
    expect(page.locator("[data-awaiting-authority]")).to_be_visible()
    coalition = Coalition.objects.get()
    assert coalition.awaiting_national_authority
    assert coalition.timezone == "Asia/Beirut"
    shoot(page, artifacts_dir, "03-checklist-awaiting")

    # 2. It invites the national authority (role and organisation already filled in).
    page.get_by_role("link", name="Invite the national authority").click()
    expect(page.locator("select[name=role]")).to_have_value(Role.NATIONAL_AUTHORITY)
    page.fill("input[name=email]", "director@lmac.example.net")
    page.get_by_role("button", name="Send invitation").click()
    expect(page.get_by_text("An invitation was sent to director@lmac.example.net")).to_be_visible()

    # 3. The director signs up from the mail and joins: the coalition is the State's own.
    page.context.clear_cookies()
    page.goto(base + invitation_link("director@lmac.example.net"))
    page.get_by_role("link", name="Create an account").click()
    page.get_by_label("Full name").fill("Rania Director")
    # The browser's own zone is suggested (this browser runs in Beirut's).
    expect(page.get_by_label("Time zone")).to_have_value("Asia/Beirut")
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_label("Password (again)", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Sign Up").click()
    # Joining is one step: no second "accept" after signing up.
    expect(page.get_by_text("You joined as National authority")).to_be_visible()
    expect(page.locator("[data-awaiting-authority]")).to_have_count(0)
    shoot(page, artifacts_dir, "04-authority-joined")

    # 4. The authority adds the Article 4 obligation from the deposit date.
    page.goto(f"{base}/coalitions/{coalition.slug}/start/")
    page.get_by_role("link", name="Add the obligations").click()
    page.select_option("select[name=convention]", "ccm")
    page.select_option("select[name=article]", "4")
    page.fill("input[name=instrument_deposited_on]", "2010-11-05")
    page.get_by_role("button", name="Save").click()
    expect(page.locator("[data-entry-into-force]").first).to_contain_text(
        "Entry into force: 1 May 2011."
    )
    shoot(page, artifacts_dir, "05-obligation-from-deposit")

    # 5. It invites an operator and a facilitator, who have accounts already.
    operator = UserFactory(name="Ola Operator", email="ola@npa.example.net")
    facilitator = UserFactory(name="Fatima Facilitator", email="fatima@gichd.example.net")
    invite(
        page,
        base,
        coalition.slug,
        email=operator.email,
        role=Role.OPERATOR,
        new_organisation=("Norwegian People's Aid", "operator"),
    )
    invite(
        page,
        base,
        coalition.slug,
        email=facilitator.email,
        role=Role.FACILITATOR,
        new_organisation=("GICHD", "facilitator"),
    )
    page.goto(f"{base}/today/")
    expect(page.locator('[data-today="invitations"]')).to_contain_text(operator.email)
    expect(page.locator('[data-today="obligations"]')).to_contain_text("CCM-4")
    shoot(page, artifacts_dir, "06-today-authority")

    for person, role_label, name in (
        (operator, "Operator", "operator"),
        (facilitator, "Facilitator", "facilitator"),
    ):
        sign_in(page, base, person.email)
        page.goto(base + invitation_link(person.email))
        page.get_by_role("button", name="Accept and join").click()
        expect(page.get_by_text(f"You joined as {role_label}")).to_be_visible()
        page.get_by_role("link", name="Today").click()
        today = page.locator('[data-today="coalitions"]')
        expect(today).to_contain_text("Country Coalition for Lebanon")
        expect(page.locator('[data-today="obligations"]')).to_contain_text("CCM-4")
        shoot(page, artifacts_dir, f"07-today-{name}")

    # The champion's Today shows the coalition now owned by the State.
    sign_in(page, base, champion.email)
    expect(page.locator('[data-today="coalitions"]')).to_contain_text(
        "Country Coalition for Lebanon"
    )
    expect(page.locator('[data-today="coalitions"]')).not_to_contain_text(
        "awaiting the national authority"
    )
    shoot(page, artifacts_dir, "08-today-champion")
