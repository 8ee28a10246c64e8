"""Input an outside tester types on purpose: a NUL character in one field of a form, and
garbage in the query string of every page. PostgreSQL refuses NUL in text, so a value that
reaches a query unchecked is an error page; each must get a form error, a plain 4xx or the page.

The cases come from the resolver and the pages, as in tests/test_form_submissions.py (whose
`world` holds one object of every kind a URL names): every field of every POST form the first
permitted person sees, and every query parameter the project's views or the pages' GET forms read.
"""

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.conf import settings
from django.db import transaction

from coalitions.submissions import TOKEN_FIELD

from .test_form_submissions import (
    PROJECT_APPS,
    form_views,
    people,
    project_patterns,
    url_of,
    world,  # noqa: F401 - the fixture, shared with the form submission tests
)

pytestmark = pytest.mark.django_db

NUL = "Land\x00release"
# A page number past any list and past the database's bigint, a NUL, text a parser may choke on.
# Downloads (PDF, Word, CSV, calendars) are slow to make: they get the NUL only.
QUERY_VALUES = ["9" * 25, "\x00", "x" * 3000]
DOWNLOAD_VALUES = ["\x00"]
NOT_TYPED = {"csrfmiddlewaretoken", TOKEN_FIELD}


def post_undone(client, person, path, data):
    """One submission, undone afterwards, so that a removal does not hide the next form."""
    with transaction.atomic():
        client.force_login(person)
        try:
            return client.post(path, data)
        finally:
            transaction.set_rollback(True)


def typed_fields(form: dict) -> list[str]:
    return [
        name
        for name in form["data"]
        if name not in NOT_TYPED and not name.endswith(f"-{TOKEN_FIELD}")
    ]


def test_a_nul_character_in_any_one_field_is_refused_without_an_error_page(client, world):  # noqa: F811
    problems, sent = [], 0
    for name, path, person, forms in form_views(client, world):
        if person is None:
            continue
        for form in forms:
            for field in typed_fields(form):
                data = {**form["data"], field: [NUL]}
                try:
                    answer = post_undone(client, person, path, data)
                except Exception as exc:  # noqa: BLE001 - a view that raises is what is sought
                    problems.append(f"{name} ({field}): {exc!r}"[:300])
                    continue
                sent += 1
                if answer.status_code >= 500:
                    problems.append(f"{name} ({field}): {answer.status_code}")
    assert problems == [], "\n".join(problems)
    assert sent >= 60, sent


class GetFields(HTMLParser):
    """The names of the fields of a page's GET forms (filters, searches)."""

    def __init__(self):
        super().__init__()
        self.names: set[str] = set()
        self._in_get_form = False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self._in_get_form = (attrs.get("method") or "get").lower() == "get"
        elif self._in_get_form and tag in ("input", "select", "textarea") and attrs.get("name"):
            self.names.add(attrs["name"])

    def handle_endtag(self, tag):
        if tag == "form":
            self._in_get_form = False


def parameters_read_by_views() -> set[str]:
    """Every query parameter a view of the project reads by name."""
    found = set()
    for app in PROJECT_APPS + ("config",):
        for source in Path(settings.BASE_DIR, app).rglob("*.py"):
            if "tests" in source.parts:
                continue
            found |= set(re.findall(r"GET\.get(?:list)?\(\s*\"(\w+)\"", source.read_text()))
    return found


def test_every_page_answers_garbage_in_its_query_string(client, world):  # noqa: F811
    pages = []
    for name, arguments in project_patterns():
        path = url_of(world, name, arguments)
        for person in people(world):
            client.force_login(person)
            response = client.get(path)
            if response.status_code == 200:
                if response.get("Content-Type", "").startswith("text/html"):
                    parser = GetFields()
                    parser.feed(response.content.decode())
                    pages.append((name, path, person, parser.names, QUERY_VALUES))
                else:
                    pages.append((name, path, person, set(), DOWNLOAD_VALUES))
                break
    read = parameters_read_by_views()
    assert {"page", "status", "need"} <= read, read
    problems = []
    for name, path, person, fields, values in pages:
        client.force_login(person)
        for value in values:
            with transaction.atomic():
                try:
                    answer = client.get(path, dict.fromkeys(read | fields, value))
                except Exception as exc:  # noqa: BLE001 - a view that raises is what is sought
                    problems.append(f"{name} with {value[:25]!r}: {exc!r}"[:300])
                    continue
                finally:
                    transaction.set_rollback(True)
            if answer.status_code >= 500:
                problems.append(f"{name} with {value[:25]!r}: {answer.status_code}")
    assert problems == [], "\n".join(problems)
    assert len(pages) >= 60, len(pages)
