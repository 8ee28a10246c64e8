"""The national authority adds an organisation on its own (a twin is refused and the known one
offered), then hands its role to a colleague and leaves; the colleague is told by mail and runs
the coalition. Screenshots at desktop width and at 390 px in test-artifacts/."""

import re

import pytest
from playwright.sync_api import expect

from coalitions.models import Membership, Organisation, Role
from coalitions.services import organisation_create
from coalitions.tests.factories import PASSWORD, CoalitionFactory, UserFactory, add_member
from outbox.models import OutboxMessage

DESKTOP = {"width": 1366, "height": 900}
PHONE = {"width": 390, "height": 844}


def shoot(page, artifacts_dir, name: str) -> None:
    for label, size in (("desktop", DESKTOP), ("390", PHONE)):
        page.set_viewport_size(size)
        page.screenshot(
            path=str(artifacts_dir / f"organisations-{name}-{label}.png"), full_page=True
        )
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


@pytest.mark.browser
def test_the_authority_adds_an_organisation_and_hands_over_its_role(
    page, live_server, transactional_db, artifacts_dir
):
    base = live_server.url
    page.set_viewport_size(DESKTOP)
    coalition = CoalitionFactory(name="Country Coalition for Lebanon")
    director = add_member(
        coalition, Role.NATIONAL_AUTHORITY, user=UserFactory(name="Rania Director")
    )
    elsewhere = CoalitionFactory(national_authority=coalition.national_authority)
    add_member(elsewhere, Role.NATIONAL_AUTHORITY, user=director)
    colleague = add_member(
        elsewhere,
        Role.NATIONAL_AUTHORITY,
        user=UserFactory(name="Karim Deputy", email="karim@lmac.example.net"),
    )
    known = organisation_create(
        name="Mines Advisory Group", short_name="MAG", kind="operator", country="GB", actor=None
    )

    sign_in(page, base, director.email)
    page.goto(f"{base}/coalitions/{coalition.slug}/organisations/")
    page.get_by_role("link", name="Add an organisation").click()
    page.fill("input[name=name]", "  mines   ADVISORY group")
    page.select_option("select[name=kind]", "operator")
    page.select_option("select[name=country]", "GB")
    page.get_by_role("button", name="Add the organisation").click()
    expect(page.locator(f'[data-existing="{known.pk}"]')).to_be_visible()
    expect(page.get_by_text("Mines Advisory Group (MAG), Operator, United Kingdom")).to_be_visible()
    shoot(page, artifacts_dir, "01-twin-refused")
    page.get_by_role("button", name="Add Mines Advisory Group to this coalition").click()
    expect(
        page.get_by_text("Mines Advisory Group is among the coalition's organisations")
    ).to_be_visible()
    expect(page.get_by_role("cell", name="Mines Advisory Group")).to_be_visible()
    assert Organisation.objects.filter(name__iexact="mines advisory group").count() == 1
    shoot(page, artifacts_dir, "02-organisations")

    page.goto(f"{base}/coalitions/{coalition.slug}/members/")
    page.get_by_role("link", name="Hand over your role").click()
    page.select_option("select[name=colleague]", str(colleague.pk))
    shoot(page, artifacts_dir, "03-hand-over")
    page.get_by_role("button", name="Hand over and leave").click()
    # The confirmation is required: nothing happens without it.
    expect(page.locator(".field-error")).to_be_visible()
    assert Membership.objects.filter(coalition=coalition, user=director).exists()
    page.check("input[name=confirm]")
    page.get_by_role("button", name="Hand over and leave").click()
    page.wait_for_url(re.compile(r".*/today/"))
    expect(page.get_by_text("Karim Deputy is now the national authority")).to_be_visible()
    shoot(page, artifacts_dir, "04-handed-over")
    assert not Membership.objects.filter(coalition=coalition, user=director).exists()
    assert OutboxMessage.objects.filter(to__contains=colleague.email).exists()

    sign_in(page, base, colleague.email)
    expect(page.locator('[data-today="coalitions"]')).to_contain_text(coalition.name)
    page.goto(f"{base}/coalitions/{coalition.slug}/settings/")
    expect(page.get_by_role("heading", name="Settings")).to_be_visible()
    shoot(page, artifacts_dir, "05-colleague-runs-it")
