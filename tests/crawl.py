"""Walks every URL pattern of the project with real objects, as any kind of person.

Used by the crawl test (no page answers 5xx) and the role x URL matrix (no page answers what the
role table forbids, and nothing leaks). Nothing here lists URLs: they come from the resolver, and
each parameter is filled by what the path segment before it names ("meetings/<pk>" is a meeting),
so a new URL is covered as soon as it exists, and one whose parameter nobody can fill fails the
test that asks for it.
"""

from __future__ import annotations

import html
import re
import traceback
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from html.parser import HTMLParser
from urllib.parse import urlsplit

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.urls import URLPattern, URLResolver, get_resolver, resolve
from django.urls.exceptions import Resolver404
from django.utils.regex_helper import normalize

from .fixtures import committed

# Patterns ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Pattern:
    """One leaf of the resolver: its name, its path as a format string, and its view."""

    name: str
    template: str  # "coalitions/%(slug)s/meetings/%(pk)s/"
    params: tuple[str, ...]
    callback: Callable

    def segment_before(self, param: str) -> str:
        """The literal path segment a parameter follows ("meetings" for pk above)."""
        head = self.template.split(f"%({param})s", 1)[0]
        literals = [s.strip("-.") for s in re.sub(r"%\(\w+\)s", "", head).split("/")]
        literals = [s for s in literals if s]
        return literals[-1] if literals else ""

    def fill(self, values: dict[str, str]) -> str:
        return "/" + self.template % values


def url_patterns() -> list[Pattern]:
    """Every leaf pattern of the project's resolver, with the prefixes of its includes."""

    def walk(patterns, prefix: str, namespace: str) -> Iterator[Pattern]:
        for entry in patterns:
            template, params = normalize(entry.pattern.regex.pattern)[0]
            if isinstance(entry, URLResolver):
                inner = namespace
                if entry.namespace:
                    inner = f"{namespace}:{entry.namespace}" if namespace else entry.namespace
                yield from walk(entry.url_patterns, prefix + template, inner)
            elif isinstance(entry, URLPattern):
                full = prefix + template
                local = entry.name or full
                name = f"{namespace}:{local}" if namespace else local
                all_params = tuple(re.findall(r"%\((\w+)\)s", full))
                yield Pattern(name, full, all_params, entry.callback)

    return list(walk(get_resolver().url_patterns, "", ""))


# Filling parameters with real objects ------------------------------------------------------------

# (segment before the parameter, parameter) -> kind of object. The admin's model pages are
# recognised by the model name instead (see `param_kind`).
PARAM_KINDS: dict[tuple[str, str], str] = {
    ("coalitions", "slug"): "coalition",
    ("meetings", "pk"): "meeting",
    ("agenda", "item_pk"): "agenda_item",
    ("decisions", "decision_pk"): "decision",
    ("documents", "document_pk"): "document",
    ("obligations", "pk"): "obligation",
    ("extensions", "request_pk"): "extension_request",
    ("indicators", "indicator_pk"): "indicator",
    ("progress", "entry_pk"): "progress_entry",
    ("offers", "pk"): "offer",
    ("article7", "year"): "transparency_report",
    ("forms", "letter"): "transparency_form",
    ("action-points", "pk"): "action_point",
    ("concerns", "pk"): "concern",
    ("members", "pk"): "membership",
    ("organisations", "pk"): "organisation",
    ("invitations", "pk"): "invitation",
    ("invitations", "token"): "invitation_token",
    ("unsubscribe", "token"): "unsubscribe_token",
    ("calendar", "token"): "calendar_token",
    ("outbox", "pk"): "outbox_message",
    ("attachments", "index"): "attachment_index",
    ("confirm-email", "key"): "email_confirmation_key",
    ("key", "uidb36"): "password_reset_uid",
    ("key", "key"): "password_reset_key",
    ("search", "kind"): "search_kind",
    ("admin", "app_label"): "admin_app_label",
    ("admin", "url"): "admin_unknown_path",
    ("r", "content_type_id"): "content_type",
    ("r", "object_id"): "content_object",
    ("history", "_1"): "admin_history",
    ("user-manage", "user_id"): "user",
    ("group-manage", "group_id"): "group",
}

ADMIN_OBJECT_PARAMS = {"object_id", "_0", "object_pk", "id"}


def admin_models() -> dict[str, type]:
    from django.contrib import admin

    return {model._meta.model_name: model for model in admin.site._registry}


def param_kind(pattern: Pattern, param: str) -> str | None:
    segment = pattern.segment_before(param)
    if pattern.name.startswith("admin:") and param in ADMIN_OBJECT_PARAMS:
        model = admin_models().get(segment)
        if model is not None:
            return f"admin_object:{model._meta.label_lower}"
    return PARAM_KINDS.get((segment, param))


class UnfillableError(Exception):
    pass


@dataclass
class Target:
    """One URL to visit: the pattern, the path, and the objects it was filled with."""

    pattern: Pattern
    path: str
    objects: dict[str, object]

    @property
    def name(self) -> str:
        return self.pattern.name


Provider = Callable[[dict[str, object]], Iterable[tuple[str, object]]]


def targets(
    patterns: list[Pattern], providers: dict[str, Provider]
) -> tuple[list[Target], list[str]]:
    """Every filling of every pattern from the providers: (url value, object) per kind, given the
    objects already chosen for the parameters before it. Returns the targets and the patterns
    that could not be filled (with why)."""
    found: list[Target] = []
    unfillable: list[str] = []
    for pattern in patterns:
        try:
            fillings = list(_fillings(pattern, providers))
        except UnfillableError as exc:
            unfillable.append(f"{pattern.name} ({pattern.template}): {exc}")
            continue
        if not fillings:
            unfillable.append(
                f"{pattern.name} ({pattern.template}): the data set has no object for it"
            )
        for values, objects in fillings:
            path = pattern.fill(values)
            try:
                match = resolve(urlsplit(path).path)
            except Resolver404:
                unfillable.append(f"{pattern.name}: filled as {path}, which does not resolve")
                continue
            if match.func is not pattern.callback:
                unfillable.append(f"{pattern.name}: filled as {path}, which resolves elsewhere")
                continue
            found.append(Target(pattern, path, objects))
    return found, unfillable


def _fillings(pattern: Pattern, providers: dict[str, Provider]):
    kinds = []
    for param in pattern.params:
        kind = param_kind(pattern, param)
        if kind is None:
            raise UnfillableError(
                f"no rule for parameter {param!r} after {pattern.segment_before(param)!r}; "
                "add one to tests/crawl.py PARAM_KINDS and a provider for it"
            )
        provider = providers.get(kind) or providers.get(kind.split(":")[0])
        if provider is None:
            raise UnfillableError(f"the data set provides no {kind!r}")
        kinds.append((param, kind, provider))

    def extend(index: int, values: dict, objects: dict):
        if index == len(kinds):
            yield dict(values), dict(objects)
            return
        param, kind, provider = kinds[index]
        chosen = {**objects, "__kind__": kind}
        for value, obj in provider(chosen):
            values[param] = value
            objects[kind] = obj
            yield from extend(index + 1, values, objects)
        values.pop(param, None)
        objects.pop(kind, None)

    yield from extend(0, {}, {})


def sample(items: Iterable, limit: int) -> list:
    """At most `limit` items, spread from the first to the last (deterministic)."""
    items = list(items)
    if limit is None or len(items) <= limit:
        return items
    if limit == 1:
        return items[:1]
    step = (len(items) - 1) / (limit - 1)
    return [items[round(i * step)] for i in range(limit)]


# Forms on a page, filled the way a person would -----------------------------------------------


@dataclass
class HtmlForm:
    action: str
    method: str
    fields: list[dict] = field(default_factory=list)
    enctype: str = ""


class _FormParser(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms: list[HtmlForm] = []
        self._form: HtmlForm | None = None
        self._select: dict | None = None
        self._textarea: dict | None = None
        self._option: dict | None = None

    def handle_starttag(self, tag, attrs):
        a = {k: (v if v is not None else "") for k, v in attrs}
        if tag == "form":
            self._form = HtmlForm(
                action=a.get("action", ""),
                method=a.get("method", "get").lower(),
                enctype=a.get("enctype", ""),
            )
            self.forms.append(self._form)
        elif self._form is None:
            return
        elif tag == "input" and a.get("name"):
            self._form.fields.append({"tag": "input", **a, "type": a.get("type", "text").lower()})
        elif tag == "button" and a.get("name") and a.get("type", "submit") == "submit":
            self._form.fields.append({"tag": "button", **a})
        elif tag == "select" and a.get("name"):
            self._select = {"tag": "select", **a, "options": []}
            self._form.fields.append(self._select)
        elif tag == "option" and self._select is not None:
            self._option = {"value": a.get("value"), "selected": "selected" in a, "text": ""}
            self._select["options"].append(self._option)
        elif tag == "textarea" and a.get("name"):
            self._textarea = {"tag": "textarea", **a, "value": ""}
            self._form.fields.append(self._textarea)

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        elif tag == "select":
            self._select = None
        elif tag == "option":
            self._option = None
        elif tag == "textarea":
            self._textarea = None

    def handle_data(self, data):
        if self._textarea is not None:
            self._textarea["value"] += data
        if self._option is not None:
            self._option["text"] += data


def post_forms(page: str) -> list[HtmlForm]:
    parser = _FormParser()
    parser.feed(page)
    return [f for f in parser.forms if f.method == "post"]


PLAIN_PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
)


def plausible_data(form: HtmlForm, *, csv_body: bytes = b"") -> dict:
    """The form as shown, with every empty field given a value a careful person might type."""
    data: dict[str, object] = {}
    radios_done: set[str] = set()
    button_done = False
    for f in form.fields:
        name, kind = f["name"], f.get("type", "")
        if f["tag"] == "button":
            if not button_done:
                data[name] = f.get("value", "")
                button_done = True
            continue
        if f["tag"] == "select":
            options = [o for o in f["options"] if o["value"] is not None]
            chosen = [o for o in options if o["selected"]] or [o for o in options if o["value"]][:1]
            if chosen:
                values = [o["value"] for o in chosen]
                data[name] = values if "multiple" in f else values[0]
            continue
        if f["tag"] == "textarea":
            data[name] = f["value"].strip("\n") or _typed_text(f)
            continue
        if kind in ("submit", "button", "reset", "image"):
            if kind == "submit" and not button_done:
                data[name] = f.get("value", "")
                button_done = True
            continue
        if kind == "checkbox":
            if "checked" in f:
                data.setdefault(name, [])
                data[name].append(f.get("value", "on"))
            continue
        if kind == "radio":
            if name in radios_done:
                continue
            siblings = [
                g for g in form.fields if g.get("name") == name and g.get("type") == "radio"
            ]
            checked = [g for g in siblings if "checked" in g] or siblings[:1]
            data[name] = checked[0].get("value", "on")
            radios_done.add(name)
            continue
        if kind == "file":
            if "csv" in f.get("accept", "") or "csv" in name:
                data[name] = SimpleUploadedFile("figures.csv", csv_body, "text/csv")
            else:
                data[name] = SimpleUploadedFile("minutes.pdf", PLAIN_PDF, "application/pdf")
            continue
        value = f.get("value", "")
        data[name] = value if value else _typed_value(f)
    return data


def _typed_text(f: dict) -> str:
    text = "Plausible text from the crawl, with accents: Beyrouth, año, تطهير"
    limit = f.get("maxlength")
    return text[: int(limit)] if limit and limit.isdigit() else text


def _typed_value(f: dict) -> str:
    kind = f.get("type", "text")
    if kind == "email":
        return "crawl.person@example.net"
    if kind == "url":
        return "https://meet.example.org/crawl"
    if kind == "number":
        low = f.get("min") or "1"
        return low if low not in ("", "0") else "1"
    if kind == "date":
        return f.get("min") or date.today().isoformat()
    if kind == "time":
        return "10:00"
    if kind == "datetime-local":
        return f"{date.today().isoformat()}T10:00"
    if kind == "password":
        return "a-long-crawl-password-42"
    if kind == "hidden" or kind == "search":
        return ""
    return _typed_text(f)


# Visiting ----------------------------------------------------------------------------------------


@dataclass
class Visit:
    """One request and what came back."""

    name: str
    method: str  # "GET", "POST empty", "POST form"
    path: str
    status: int
    content_type: str = ""
    body: bytes = b""
    error: str = ""
    new_mails: list = field(default_factory=list)

    def describe(self) -> str:
        return f"{self.method} {self.path} ({self.name}) -> {self.error or self.status}"


def _body(response) -> bytes:
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content)
    return response.content


def _exception_summary(exc: BaseException) -> str:
    frames = traceback.extract_tb(exc.__traceback__)
    ours = [f for f in frames if "/site-packages/" not in f.filename] or frames
    where = ours[-1]
    return f"{type(exc).__name__}: {str(exc)[:200]} at {where.filename}:{where.lineno}"


def is_html(visit: Visit) -> bool:
    return visit.content_type.startswith("text/html")


def form_actions(visit: Visit) -> list[tuple[str, HtmlForm]]:
    """The POST forms on a page, with the path each one posts to."""
    page = visit.body.decode("utf-8", "replace")
    found = []
    for form in post_forms(page):
        action = html.unescape(form.action) or visit.path
        parts = urlsplit(action)
        if parts.netloc:
            continue
        found.append((action, form))
    return found


def url_name(path: str) -> str:
    try:
        match = resolve(urlsplit(path).path)
    except Resolver404:
        return "(unresolved)"
    return match.view_name if match.url_name else f"{match.namespace}:{match.route}"


@dataclass
class CrawlResult:
    requests: int = 0
    failures: list[Visit] = field(default_factory=list)
    forms_posted: int = 0


class Visitor:
    """`user` (None: anonymous) visiting pages on `client`, each request undone after it, so every
    request starts from the same data and a failing one cannot spoil the next. Use as a context.

    The requests share one savepoint, rolled back to after each (one query, where a savepoint of
    their own would cost three). The next request also gets the cookies the person had when
    signed in: they are signed in afresh only when a request changed the session cookie (a
    sign-out, a flushed or a cycled session), as their session's row is rolled back with the
    rest; any other cookie a request set (a message, a language) is put back as it was."""

    def __init__(self, client, user):
        from django.conf import settings

        from outbox.models import OutboxMessage

        self.client, self.user = client, user
        self.session_cookie = settings.SESSION_COOKIE_NAME
        self.outbox_table = OutboxMessage._meta.db_table
        self.savepoint = None

    def __enter__(self) -> Visitor:
        from outbox.models import OutboxMessage

        self._sign_in()
        self.savepoint = transaction.savepoint()
        # Every request is undone: the mails before each are those before the first.
        self.last_mail = OutboxMessage.objects.order_by("-pk").values_list("pk", flat=True).first()
        return self

    def __exit__(self, *exc_info) -> None:
        transaction.set_rollback(False)
        transaction.savepoint_rollback(self.savepoint)
        transaction.savepoint_commit(self.savepoint)

    def request(
        self,
        method: str,
        path: str,
        name: str,
        data=None,
        *,
        label: str | None = None,
        keep_body: bool = False,
        inspect: Callable[[Visit], None] | None = None,
    ) -> Visit:
        """One request, with what it queued on commit run; `inspect` sees the visit and the
        mails it wrote before all is rolled back."""
        from outbox.models import OutboxMessage

        visit = Visit(name, label or method.upper(), path, 0)
        wrote_mail = []

        def note_mail(execute, sql, params, many, context):
            if sql.startswith("INSERT") and self.outbox_table in sql:
                wrote_mail.append(True)
            return execute(sql, params, many, context)

        try:
            with transaction.get_connection().execute_wrapper(note_mail), committed():
                if method == "get":
                    response = self.client.get(path, data or {})
                else:
                    response = self.client.post(path, data or {})
        except Exception as exc:  # the page answers 500
            visit.status = 500
            visit.error = _exception_summary(exc)
        else:
            visit.status = response.status_code
            visit.content_type = response.get("Content-Type", "")
            if keep_body or inspect is not None:
                visit.body = _body(response)
            if inspect is not None:
                if wrote_mail:
                    visit.new_mails = list(
                        OutboxMessage.objects.filter(pk__gt=self.last_mail or 0).order_by("pk")
                    )
                inspect(visit)
        finally:
            # As an atomic block does before rolling back to its savepoint: a request that failed
            # in an atomic block without a savepoint of its own marked the whole for rollback.
            transaction.set_rollback(False)
            transaction.savepoint_rollback(self.savepoint)
            self._restore_cookies()
        return visit

    def _sign_in(self) -> None:
        self.client.cookies.clear()
        if self.user is not None:
            self.client.force_login(self.user)
        self.cookies = self._cookies()

    def _restore_cookies(self) -> None:
        now = self._cookies()
        if now == self.cookies:
            return
        if _value(now, self.session_cookie) == _value(self.cookies, self.session_cookie):
            self.client.cookies.clear()
            for name, morsel in self.cookies.items():
                self.client.cookies[name] = morsel.copy()
            return
        # The new session's row must outlive the rollbacks: it goes under a new savepoint.
        transaction.savepoint_commit(self.savepoint)
        self._sign_in()
        self.savepoint = transaction.savepoint()

    def _cookies(self) -> dict:
        return {name: morsel.copy() for name, morsel in self.client.cookies.items()}


def _value(cookies: dict, name: str) -> str | None:
    """A cookie's value: a session saved again under the same key is sent with a new expiry."""
    morsel = cookies.get(name)
    return None if morsel is None else morsel.value


def crawl_as(client, user, site_targets: list[Target]) -> CrawlResult:
    """GET every target, POST every target empty, then POST every form the pages showed, filled
    as a person would; a 5xx or an exception anywhere is a failure."""
    result = CrawlResult()

    def record(visit: Visit):
        result.requests += 1
        if visit.status >= 500:
            result.failures.append(visit)

    with Visitor(client, user) as visitor:
        forms: dict[tuple, tuple[str, HtmlForm]] = {}
        exports: dict[str, bytes] = {}  # namespace -> a CSV it exported, to upload to its imports
        for target in site_targets:
            visit = visitor.request("get", target.path, target.name, keep_body=True)
            record(visit)
            if visit.status == 200 and visit.content_type.startswith("text/csv"):
                exports.setdefault(target.name.split(":")[0], visit.body)
            if visit.status == 200 and is_html(visit):
                for action, form in form_actions(visit):
                    forms.setdefault(url_name(action), (action, form))
        # An empty POST per pattern: what it finds does not depend on the object.
        posted = set()
        for target in site_targets:
            key = target.name
            if key in posted:
                continue
            posted.add(key)
            record(visitor.request("post", target.path, target.name, label="POST empty"))
        for name, (action, form) in forms.items():
            data = plausible_data(form, csv_body=exports.get(name.split(":")[0], b""))
            record(visitor.request("post", action, name, data, label="POST form"))
            result.forms_posted += 1
    return result


@contextmanager
def files_kept():
    """Requests are rolled back, files are not: a rolled-back request that replaced a stored file
    (a summary published again) must not take away the file the data still points to."""
    from django.core.files.storage import FileSystemStorage

    delete = FileSystemStorage.delete
    FileSystemStorage.delete = lambda self, name: None
    try:
        yield
    finally:
        FileSystemStorage.delete = delete
