"""The role x URL matrix: every URL pattern from the resolver, filled with the objects of coalition
"alpha" and, under alpha's address, with the objects of coalition "beta"; GET, an empty POST and
every form a page shows; for each of the seven roles, a member of the other coalition only, an
outsider, staff and anonymous.

Expected answers come from the views' own code (tests/view_rules.py: the permission each passes to
`require_access`, its `may_*` object rules, its decorators) and the role table
(`coalitions.permissions.ROLE_PERMISSIONS`): no second list says who may open what. Every page,
CSV, calendar file, PDF and mail is searched for the markers of tests/matrix_data.py: the other
coalition's, restricted records', concerns' and their senders'.
"""

from __future__ import annotations

import io
import time
import warnings

import pytest
from django.conf import settings

from coalitions.models import Role, Visibility
from coalitions.permissions import (
    READ_CONCERNS,
    ROLE_PERMISSIONS,
    VIEW_RESTRICTED,
    CoalitionAccess,
    sees_draft_meetings,
)

from .crawl import (
    Target,
    Visit,
    Visitor,
    files_kept,
    form_actions,
    is_html,
    plausible_data,
)
from .crawl_sites import ANONYMOUS, OTHER_MEMBER, OUTSIDER, STAFF, Site, built_once, site_targets
from .matrix_data import SENDERS, build_coalition, marker
from .view_rules import DYNAMIC, call_rule, view_rule

pytestmark = pytest.mark.django_db

A, B = "ALPHA", "BETA"
ACTORS = (*Role.values, OTHER_MEMBER, OUTSIDER, STAFF, ANONYMOUS)

# Known defects, being fixed under their issues: (URL name prefix, actors, kind of problem,
# defect). A problem is tolerated only where its URL name starts with the prefix, for the listed
# actors, and its description contains the kind. Remove an entry when its fix is merged (the test
# warns about entries that no longer match).
KNOWN_DEFECTS: list[tuple[str, tuple, str, str]] = []


def _models():
    from actions.models import ActionPoint
    from coalitions.models import Invitation, Membership, Organisation
    from concerns.models import Concern
    from meetings.models import AgendaItem, Decision, Document, Meeting
    from obligations.models import (
        ExtensionRequest,
        Indicator,
        Obligation,
        Offer,
        ProgressEntry,
        TransparencyForm,
        TransparencyReport,
    )

    return {
        "meeting": Meeting, "agenda_item": AgendaItem, "decision": Decision,
        "document": Document, "obligation": Obligation, "extension_request": ExtensionRequest,
        "indicator": Indicator, "progress_entry": ProgressEntry, "offer": Offer,
        "action_point": ActionPoint, "concern": Concern, "membership": Membership,
        "invitation": Invitation, "organisation": Organisation,
        "transparency_report": TransparencyReport, "transparency_form": TransparencyForm,
    }  # fmt: skip


def _matrix() -> Site:
    from users.services import user_create

    alpha = build_coalition(A, "alpha")
    beta = build_coalition(B, "beta")
    actors = {**alpha["people"]}
    actors[OTHER_MEMBER] = beta["people"][Role.NATIONAL_AUTHORITY]
    actors[OUTSIDER] = user_create(
        email="outsider.matrix@example.net", name="Olga Outsider", actor=None
    )
    actors[STAFF] = user_create(
        email="staff.matrix@example.net", name="Sam Staff", is_staff=True, actor=None
    )
    actors[ANONYMOUS] = None
    site = Site(coalitions=[alpha["coalition"]], actors=actors)
    # beta's objects under alpha's address: every pattern with a coalition and an object.
    other = Site(coalitions=[beta["coalition"]], actors={})
    site_targets(other, per_kind=None, per_model=1)
    site.cross = [
        Target(t.pattern, t.path.replace("/coalitions/beta/", "/coalitions/alpha/", 1), t.objects)
        for t in other.targets
        if "coalition" in t.objects and set(t.objects) & set(_models())
    ]
    site.people = {**alpha["people"]}
    site.beta_people = beta["people"]
    return site


@pytest.fixture(scope="module")
def matrix_site(django_db_setup, django_db_blocker):
    with built_once(django_db_blocker, _matrix, per_kind=None) as site:
        # The matrix is about coalitions' content: alpha's URLs (all objects), plus the admin and
        # the outbox for staff; the crawl covers the rest.
        site.own = [
            t
            for t in site.targets
            if "coalition" in t.objects or t.name.startswith(("admin:", "outbox:"))
        ]
        yield site


# What each person may not read --------------------------------------------------------------


def perms_of(actor: str) -> frozenset:
    return ROLE_PERMISSIONS.get(actor, frozenset()) if actor in Role.values else frozenset()


def forbidden_markers(actor: str, *, admin_page: bool = False, mail: bool = False) -> list[str]:
    """`mail`: a draft's name reaches members by mail once its invitations are sent (the matrix
    sends them), never on a page before."""
    if actor == STAFF and admin_page:
        # Staff run the admin and the outbox (people's accounts included); concerns never
        # reach them.
        return [marker(tag, kind) for tag in (A, B) for kind in ("CONCERN", "NOTE")]
    if actor in (OUTSIDER, ANONYMOUS, STAFF):
        return [marker(A), marker(B)]
    if actor == OTHER_MEMBER:
        return [marker(A)]
    held = perms_of(actor)
    forbidden = [marker(B)]
    if VIEW_RESTRICTED not in held:
        forbidden.append(marker(A, "RESTRICTED"))
    if not sees_draft_meetings(held) and not mail:
        forbidden.append(marker(A, "DRAFT"))
    if READ_CONCERNS not in held:
        forbidden.append(marker(A, "NOTE"))
        forbidden += [
            marker(A, "CONCERN" + code) for role, code in SENDERS.items() if role != actor
        ]
    return forbidden


def senders_hidden_from(actor: str) -> list[str]:
    """Senders' names, which may not appear beside a concern (its pages, or the agenda item made
    of it) for anyone but the facilitators and the sender."""
    if READ_CONCERNS in perms_of(actor):
        return []
    return [marker(A, "SENDER" + code) for role, code in SENDERS.items() if role != actor]


def readable_text(content_type: str, body: bytes) -> str:
    if content_type.startswith("application/pdf"):
        from pypdf import PdfReader

        reader = PdfReader(io.BytesIO(body))
        return "\n".join(page.extract_text() or "" for page in reader.pages)
    return body.decode("utf-8", "replace")


def leaks(
    actor: str, text: str, *, name: str, admin_page: bool, document: bool = False
) -> list[str]:
    """`document`: a PDF or a mail, which lists only participants; a page may also offer every
    member in a select."""
    found = [
        m for m in forbidden_markers(actor, admin_page=admin_page, mail=name == "mail") if m in text
    ]
    if name.startswith("concerns:") or (document and marker(A, "AGENDA") in text):
        found += [m for m in senders_hidden_from(actor) if m in text]
    return found


def mail_leaks(site: Site, message) -> list[str]:
    """What a mail shows its recipients that they may not read."""
    recipients = {user.email: role for role, user in site.people.items()}
    recipients.update({user.email: OTHER_MEMBER for user in site.beta_people.values()})
    # Someone invited reads the invitation as the role they are offered.
    from coalitions.models import Invitation

    for invitation in Invitation.objects.select_related("coalition"):
        in_alpha = invitation.coalition_id == site.coalitions[0].pk
        recipients[invitation.email] = invitation.role if in_alpha else OTHER_MEMBER
    parts = [message.text_body(), message.html_body()]
    for _filename, content_type, payload in message.attachments():
        parts.append(readable_text(content_type, payload))
    text = "\n".join(parts)
    found = []
    for address in message.recipients:
        actor = recipients.get(address.lower(), OUTSIDER)
        for leak in leaks(actor, text, name="mail", admin_page=False, document=True):
            found.append(f"mail {message.subject!r} to {address} ({actor}) shows {leak}")
    return found


# What each person should be answered ----------------------------------------------------------


def expected(
    site: Site, target: Target, actor: str, *, cross: bool, method: str
) -> set[int] | None:
    """The answers the code and the role table allow; None where they say nothing (pages
    without a coalition, which the crawl covers)."""
    rule = view_rule(target.pattern.callback)
    if actor == ANONYMOUS:
        return {302} if rule.login_required else None
    if not rule.checks_access:
        return None
    if rule.post_only and method == "get":
        return {405}  # refused before anything is read
    if actor not in Role.values:
        return {404}
    if cross:
        return {403, 404}
    if rule.permission == DYNAMIC:
        return None  # its pages are still searched for what the person may not read
    held = perms_of(actor)
    if rule.permission and rule.permission not in held:
        return {403}
    leaf_kind = next((k for k in reversed(target.objects) if k != "coalition"), None)
    if leaf_kind is None:
        return ALLOWED
    obj = _models()[leaf_kind].objects.get(pk=target.objects[leaf_kind])
    user = site.actors[actor]
    access = CoalitionAccess(
        coalition=site.coalitions[0],
        perms=held,
        membership=user.memberships.get(coalition=site.coalitions[0]),
    )
    visibility = getattr(obj, "visibility", Visibility.MEMBERS)
    if leaf_kind == "concern":  # for the facilitators, and the sender's own
        if READ_CONCERNS not in held and obj.raised_by_id != user.pk:
            return {403, 404}
    elif not access.may_see(visibility):
        return {403, 404}
    if not all(call_rule(r, access=access, obj=obj, user=user) for r in rule.object_rules):
        return {403, 404}
    return ALLOWED


ALLOWED = "allowed"  # anything but a refusal


def answer_problem(visit: Visit, want) -> str:
    if want is None or visit.status >= 500:
        return ""
    if want == ALLOWED:
        # A 404 may still come from the record's state (a summary not yet published); what it
        # shows is checked for leaks all the same.
        if visit.status == 403:
            return "answers 403, but the role table allows it"
        return ""
    if visit.status not in want:
        return f"answers {visit.status}, expected {sorted(want)}"
    return ""


def known(problem: str, name: str, actor: str):
    return next(
        (
            entry
            for entry in KNOWN_DEFECTS
            if name.startswith(entry[0]) and actor in entry[1] and entry[2] in problem
        ),
        None,
    )


def run_matrix(client, site: Site, actor: str) -> tuple[list[str], int]:
    user = site.actors[actor]
    problems: list[str] = []
    requests = 0

    def inspect(visit: Visit):
        admin_page = visit.name.startswith(("admin:", "outbox:"))
        if visit.status < 400 and visit.body:
            text = readable_text(visit.content_type, visit.body)
            document = not visit.content_type.startswith("text/html")
            for leak in leaks(
                actor, text, name=visit.name, admin_page=admin_page, document=document
            ):
                problems.append(f"{visit.method} {visit.path} ({visit.name}) shows {leak}")
        for message in visit.new_mails:
            problems.extend(f"{visit.method} {visit.path}: {p}" for p in mail_leaks(site, message))

    forms = {}
    posted = set()
    targets = [(t, False) for t in site.own] + [(t, True) for t in site.cross]
    with Visitor(client, user) as visitor:
        for target, cross in targets:
            if target.name.startswith(("admin:", "outbox:")) and actor != STAFF:
                continue
            for method in ("get", "post"):
                if method == "post" and (target.name, cross) in posted:
                    continue
                want = expected(site, target, actor, cross=cross, method=method)
                label = "GET" if method == "get" else "POST empty"
                visit = visitor.request(
                    method, target.path, target.name, label=label, inspect=inspect
                )
                requests += 1
                if method == "post":
                    posted.add((target.name, cross))
                problem = answer_problem(visit, want)
                if problem:
                    problems.append(f"{label} {target.path} ({target.name}) {problem}")
                if method == "get" and visit.status == 200 and is_html(visit):
                    for action, form in form_actions(visit):
                        forms.setdefault(action.split("?")[0], (action, form, target.name))
        for action, form, name in forms.values():
            visitor.request(
                "post", action, name, plausible_data(form), label="POST form", inspect=inspect
            )
            requests += 1
    return problems, requests


def test_the_views_say_what_they_require():
    """Every coalition page is checked through require_access, so the matrix can read its rule."""
    from .crawl import url_patterns

    unreadable = [
        p.name
        for p in url_patterns()
        if "slug" in p.params and not view_rule(p.callback).checks_access
    ]
    assert not unreadable


def test_every_mail_of_the_two_coalitions_shows_each_recipient_only_what_they_may_read(
    matrix_site,
):
    from outbox.models import OutboxMessage

    messages = list(OutboxMessage.objects.order_by("pk"))
    assert messages
    problems = [p for message in messages for p in mail_leaks(matrix_site, message)]
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("actor", ACTORS)
def test_each_person_gets_what_the_role_table_gives_and_sees_nothing_else(
    client, matrix_site, actor
):
    started = time.monotonic()
    with files_kept():
        problems, requests = run_matrix(client, matrix_site, actor)
    print(f"matrix as {actor}: {requests} requests, {time.monotonic() - started:.1f}s")
    unknown = []
    matched = set()
    for problem in problems:
        name = problem.split("(", 1)[1].split(")", 1)[0] if "(" in problem else ""
        entry = known(problem, name, actor)
        if entry is None:
            unknown.append(problem)
        else:
            matched.add(entry)
    for entry in KNOWN_DEFECTS:
        if actor in entry[1] and entry not in matched:
            warnings.warn(f"matrix: {entry} no longer matches as {actor}: remove it", stacklevel=1)
    assert not unknown, f"as {actor}:\n" + "\n".join(unknown)


def test_the_matrix_covers_every_coalition_pattern(matrix_site):
    from .crawl import url_patterns

    covered = {t.name for t in matrix_site.own}
    missing = [p.name for p in url_patterns() if "slug" in p.params and p.name not in covered]
    assert not missing, missing
    assert matrix_site.cross
    assert settings.EMAIL_BACKEND == "outbox.backends.OutboxBackend"
