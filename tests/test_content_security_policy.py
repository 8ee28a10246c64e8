"""Every page sends a strict Content-Security-Policy, and no page needs what it forbids: no inline
script without the response's nonce, no inline event handler, no inline style.

The pages are found by following links from the home page, as each demo person and a visitor who
is not signed in; nothing is listed by hand."""

import io
import re
from collections import deque
from html.parser import HTMLParser
from urllib.parse import urldefrag, urlsplit

import pytest
from django.core.management import call_command

from tests.fixtures import made_once

pytestmark = pytest.mark.django_db

PEOPLE = [
    None,
    "authority@example.org",
    "facilitator@example.org",
    "observer@example.org",
    "admin@example.org",
]
START = ["/", "/accounts/login/", "/accounts/signup/", "/accounts/password/reset/", "/admin/"]
PAGES_PER_PERSON = 120
# Leaving these would end the visit or change state on a GET.
SKIP = ("/accounts/logout/", "/i18n/")
DATA_SCRIPT_TYPES = {"application/json", "application/ld+json", "text/template"}


class InlineCodeFinder(HTMLParser):
    def __init__(self):
        super().__init__()
        self.links: list[str] = []
        self.problems: list[str] = []
        self.script_nonces: list[str | None] = []

    def handle_starttag(self, tag, attrs):
        values = dict(attrs)
        for name, value in attrs:
            if name.startswith("on"):
                self.problems.append(f"<{tag} {name}=…> inline event handler")
            if name == "style":
                self.problems.append(f"<{tag} style=…> inline style")
            if name in ("href", "src", "action") and (value or "").strip().lower().startswith(
                "javascript:"
            ):
                self.problems.append(f"<{tag} {name}=javascript:…>")
        if tag == "a" and values.get("href"):
            self.links.append(values["href"])
        script_type = (values.get("type") or "").lower()
        if tag == "script" and not values.get("src") and script_type not in DATA_SCRIPT_TYPES:
            self.script_nonces.append(values.get("nonce"))
        if tag == "style":
            self.script_nonces.append(values.get("nonce"))


def header_nonce(policy: str) -> str | None:
    found = re.search(r"'nonce-([^']+)'", policy)
    return found.group(1) if found else None


def check_policy(policy: str) -> None:
    directives = {part.split()[0]: part.split()[1:] for part in policy.split(";") if part.strip()}
    assert directives["default-src"] == ["'none'"]
    assert directives["script-src"][0] == "'self'"
    assert directives["style-src"] == ["'self'"]
    assert directives["object-src"] == ["'none'"] and directives["base-uri"] == ["'none'"]
    assert directives["frame-ancestors"] == ["'none'"]
    for name in ("script-src", "style-src"):
        assert not {"'unsafe-inline'", "'unsafe-eval'", "*"} & set(directives[name])


def crawl(client) -> dict[str, list[str]]:
    """Page URL -> problems found on it, for every HTML page reachable from START."""
    seen, queue, report = set(START), deque(START), {}
    while queue and len(report) < PAGES_PER_PERSON:
        url = queue.popleft()
        response = client.get(url)
        if response.status_code in (301, 302):
            target = urldefrag(response["Location"])[0]
            if target.startswith("/") and target not in seen:
                seen.add(target)
                queue.append(target)
            continue
        if not response.get("Content-Type", "").startswith("text/html"):
            continue
        problems = []
        policy = response.get("Content-Security-Policy")
        if policy is None:
            report[url] = ["no Content-Security-Policy header"]
            continue
        if url.startswith("/outbox/") and url.endswith("/html/"):
            # A mail's own markup, in a sandboxed frame under its own stricter-than-page policy.
            assert "script-src" not in policy and "default-src 'none'" in policy
            continue
        check_policy(policy)
        finder = InlineCodeFinder()
        finder.feed(response.content.decode())
        problems += finder.problems
        nonce = header_nonce(policy)
        problems += [
            "inline <script>/<style> without the response's nonce"
            for found in finder.script_nonces
            if found is None or found != nonce
        ]
        report[url] = problems
        for href in finder.links:
            link = urldefrag(href)[0]
            parts = urlsplit(link)
            if parts.scheme or parts.netloc or not link.startswith("/") or link.startswith(SKIP):
                continue
            if link not in seen:
                seen.add(link)
                queue.append(link)
    return report


# Made once for the module, each test rolled back on top of it (tests/fixtures.py made_once).
@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    with made_once(django_db_blocker, call_command, "seed_demo", stdout=io.StringIO()):
        yield


@pytest.mark.parametrize("email", PEOPLE, ids=lambda email: email or "anonymous")
def test_every_page_sends_a_strict_policy_and_has_no_inline_code(client, demo, email):
    from django.contrib.auth import get_user_model

    if email:
        client.force_login(get_user_model().objects.get(email=email))
    report = crawl(client)
    assert len(report) >= (5 if email is None else 15), sorted(report)
    assert {url: problems for url, problems in report.items() if problems} == {}


def test_a_nonce_used_by_a_template_reaches_the_header(rf):
    from csp.middleware import CSPMiddleware
    from django.http import HttpResponse
    from django.template import engines

    template = engines["django"].from_string('<script nonce="{{ request.csp_nonce }}">1</script>')

    def view(request):
        return HttpResponse(template.render({}, request))

    request = rf.get("/")
    response = CSPMiddleware(view)(request)
    finder = InlineCodeFinder()
    finder.feed(response.content.decode())
    assert finder.script_nonces == [header_nonce(response["Content-Security-Policy"])]
