"""Every page reachable from the coalition menu and the lists fits the screen: at 390 px (a phone)
and at 1366 px (a desk) nothing scrolls sideways, for three demo people. Screenshots of each page
are saved in test-artifacts/ for a look by eye."""

import re
from io import StringIO
from urllib.parse import urlsplit

import pytest
from django.core.management import call_command

from coalitions.management.commands.seed_demo import DEMO_PASSWORD

WIDTHS = {"phone": (390, 844), "desk": (1366, 900)}
PEOPLE = {
    "authority": "authority@example.org",
    "facilitator": "facilitator@example.org",
    "operator": "operator@example.org",
}
COALITION = "/coalitions/lebanon/"
# The first record each list links to: (list in the coalition menu, its records' addresses).
RECORDS = [
    ("meetings/", re.compile(r"/coalitions/lebanon/meetings/\d+/$")),
    ("action-points/", re.compile(r"/coalitions/lebanon/action-points/\d+/$")),
    ("obligations/", re.compile(r"/coalitions/lebanon/obligations/\d+/$")),
]
MEASURE = "() => [document.documentElement.scrollWidth, window.innerWidth]"
# Where the page's own content starts, and whether the coalition menu shows the current section.
MENU = """() => {
  const menu = document.querySelector(".subnav ul");
  const current = menu && menu.querySelector('[aria-current="page"]');
  let shown = true;
  if (current) {
    const box = menu.getBoundingClientRect(), item = current.getBoundingClientRect();
    shown = item.left >= box.left - 1 && item.right <= box.right + 1;
  }
  return [document.getElementById("main").getBoundingClientRect().top, shown];
}"""
# Header and coalition menu on a phone: brand and language, the main menu, the coalition's name
# (two lines) and its one-row menu.
PHONE_HEADER_MAX = 170


def sign_in(page, base, email):
    page.context.clear_cookies()
    page.goto(f"{base}/accounts/login/")
    page.fill("input[name=login]", email)
    page.fill("input[name=password]", DEMO_PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(re.compile(r".*/today/"))


def links(page, selector="a[href]"):
    hrefs = page.eval_on_selector_all(selector, "links => links.map(a => a.href)")
    return [urlsplit(href).path for href in hrefs]


def pages_to_visit(page, base):
    """Today, the coalition home, every item of the coalition menu and the first record of each
    list, in the order a person would open them."""
    page.goto(f"{base}{COALITION}")
    paths = ["/", "/today/", COALITION, *links(page, ".subnav a[href]")]
    for list_path, record in RECORDS:
        page.goto(f"{base}{COALITION}{list_path}")
        first = next((path for path in links(page) if record.search(path)), None)
        assert first, f"no record linked from {list_path}"
        paths.append(first)
    return list(dict.fromkeys(paths))


def name_of(path):
    return re.sub(r"[^a-z0-9]+", "-", path.strip("/").lower()) or "root"


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_no_page_scrolls_sideways_on_a_phone_or_a_desk(page, live_server, artifacts_dir):
    call_command("seed_demo", stdout=StringIO())
    base = live_server.url
    too_wide = []
    widths = []
    visited = 0
    for role, email in PEOPLE.items():
        page.set_viewport_size({"width": 1366, "height": 900})
        sign_in(page, base, email)
        paths = pages_to_visit(page, base)
        assert {"/today/", COALITION} <= set(paths)
        for width_name, (width, height) in WIDTHS.items():
            page.set_viewport_size({"width": width, "height": height})
            for path in paths:
                response = page.goto(f"{base}{path}")
                assert response.ok, f"{role} {path}: {response.status}"
                scroll_width, inner_width = page.evaluate(MEASURE)
                assert inner_width == width
                widths.append(f"{role}\t{width}\t{path}\t{scroll_width}")
                if scroll_width > inner_width:
                    too_wide.append(f"{role} {width}px {path}: scrollWidth {scroll_width}")
                if width_name == "phone":
                    content_top, current_shown = page.evaluate(MENU)
                    assert content_top <= PHONE_HEADER_MAX, f"{role} {path}: {content_top}px"
                    assert current_shown, f"{role} {path}: current section hidden in the menu"
                page.screenshot(
                    path=artifacts_dir / f"responsive-{role}-{width_name}-{name_of(path)}.png",
                    full_page=True,
                )
                visited += 1
    (artifacts_dir / "responsive-widths.tsv").write_text("\n".join(widths) + "\n")
    assert visited >= 3 * 2 * 10
    assert too_wide == [], "\n".join(too_wide)
