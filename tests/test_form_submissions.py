"""Every form answers a submission, and a form that creates does so once.

The cases come from the URL resolver: every URL pattern of the project's apps is filled with a
real object and opened by the first role that may; a page with a POST form (or a POST-only view)
is a form view. A new form view is covered without anyone adding it here; a new create form
fails `test_every_create_form_carries_a_token_and_has_a_case` until it has a case below.
"""

from datetime import date, timedelta
from decimal import Decimal
from html.parser import HTMLParser
from urllib.parse import urlsplit

import pytest
from django.apps import apps
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.urls import URLResolver, get_resolver, resolve, reverse

from coalitions.models import Role
from coalitions.submissions import TOKEN_FIELD

pytestmark = pytest.mark.django_db

PROJECT_APPS = ("actions", "coalitions", "concerns", "meetings", "obligations", "outbox", "users")
ACTOR_ORDER = [
    Role.NATIONAL_AUTHORITY,
    Role.FACILITATOR,
    Role.CHAMPION,
    Role.SECRETARIAT,
    Role.OPERATOR,
    Role.DONOR,
    Role.OBSERVER,
]
PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00"
    b"\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00\x00"
    b"\x00\x00IEND\xaeB`\x82"
)


def project_patterns() -> list[tuple[str, list[str]]]:
    """(namespaced name, argument names) of every URL pattern whose view is the project's own."""
    found = []

    def walk(patterns, namespace):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                walk(pattern.url_patterns, pattern.namespace or namespace)
            elif pattern.name and pattern.callback.__module__.split(".")[0] in PROJECT_APPS:
                name = f"{namespace}:{pattern.name}" if namespace else pattern.name
                found.append((name, list(pattern.pattern.regex.groupindex)))

    walk(get_resolver().url_patterns, None)
    return found


class Forms(HTMLParser):
    """The POST forms of a page: action and the values a browser would send unchanged."""

    def __init__(self):
        super().__init__()
        self.forms: list[dict] = []
        self._select = None
        self._first_option = None
        self._textarea = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            if (attrs.get("method") or "").lower() == "post":
                self.forms.append({"action": attrs.get("action") or "", "data": {}})
            return
        if not self.forms:
            return
        data = self.forms[-1]["data"]
        name = attrs.get("name")
        if tag == "input" and name:
            kind = (attrs.get("type") or "text").lower()
            if kind in ("checkbox", "radio"):
                if "checked" in attrs:
                    data.setdefault(name, []).append(attrs.get("value") or "on")
            elif kind not in ("submit", "button", "file"):
                data[name] = [attrs.get("value") or ""]
        elif tag == "select" and name:
            self._select = name
            self._first_option = None if "multiple" not in attrs else ""
        elif tag == "option" and self._select:
            if self._first_option is None:
                self._first_option = attrs.get("value") or ""
            if "selected" in attrs:
                data.setdefault(self._select, []).append(attrs.get("value") or "")
        elif tag == "textarea" and name:
            self._textarea = name
            data[name] = [""]

    def handle_data(self, text):
        if self._textarea and self.forms:
            self.forms[-1]["data"][self._textarea] = [text.lstrip("\n")]

    def handle_endtag(self, tag):
        if tag == "select" and self.forms and self._select:
            # A browser sends a single select's first option when none is marked selected.
            if self._first_option and self._select not in self.forms[-1]["data"]:
                self.forms[-1]["data"][self._select] = [self._first_option]
            self._select = None
        elif tag == "textarea":
            self._textarea = None


def post_forms(response) -> list[dict]:
    parser = Forms()
    parser.feed(response.content.decode())
    for form in parser.forms:
        form["url"] = urlsplit(form["action"]).path or response.wsgi_request.path
    return parser.forms


@pytest.fixture
def world(coalition, members, django_capture_on_commit_callbacks):
    """One real object of every kind a URL names, made through the services."""
    from actions.tests.factories import make_action_point
    from actions.unsubscribe import unsubscribe_token
    from coalitions.services import invitation_create, invitation_token
    from coalitions.tests.factories import UserFactory
    from concerns.tests.factories import raise_concern
    from meetings import services as meeting_services
    from meetings.tests.factories import held_meeting_with_record, make_meeting
    from obligations import services as obligation_services
    from obligations.assistance import services as assistance
    from obligations.tests.factories import make_indicator, make_obligation, report
    from outbox.models import OutboxMessage

    authority = members[Role.NATIONAL_AUTHORITY]
    facilitator = members[Role.FACILITATOR]
    operator = members[Role.OPERATOR]
    donor_organisation = members[Role.DONOR].memberships.get().organisation
    meeting = make_meeting(coalition, authority, days=30)
    item = meeting_services.agenda_item_create(
        meeting=meeting, actor=facilitator, title="Land release", topic="land_release"
    )
    decision = meeting_services.decision_create(
        meeting=meeting, actor=facilitator, text="Adopt the criteria"
    )
    document = meeting_services.document_upload(
        meeting=meeting, actor=facilitator, uploaded=SimpleUploadedFile("map.png", PNG)
    )
    held = held_meeting_with_record(coalition, members)
    meeting_services.summary_publish(meeting=held, actor=authority)
    obligation = make_obligation(coalition, actor=authority)
    indicator = make_indicator(obligation, actor=authority)
    entry = report(
        indicator, start=date(2024, 1, 1), end=date(2024, 12, 31), value=10, actor=operator
    )
    extension = obligation_services.extension_request_create(
        obligation=obligation,
        requested_deadline=obligation.current_deadline + timedelta(days=365),
        submitted_on=date(2025, 3, 1),
        actor=authority,
    )
    # Decided, so that another request may be made.
    obligation_services.extension_request_decide(
        request=extension, decision="refused", decided_on=date(2025, 6, 1), actor=authority
    )
    need = assistance.need_create(
        coalition=coalition,
        activity="Survey",
        amount=Decimal(1000),
        currency="USD",
        period_start=date(2026, 1, 1),
        period_end=date(2026, 12, 31),
        actor=authority,
    )
    offer = assistance.offer_create(
        coalition=coalition,
        donor=donor_organisation,
        activity="Survey",
        amount=Decimal(500),
        currency="USD",
        period_start=date(2026, 1, 1),
        period_end=date(2026, 12, 31),
        need=need,
        actor=members[Role.DONOR],
    )
    action_point = make_action_point(coalition, owner=operator, actor=facilitator)
    concern = raise_concern(coalition, operator)
    invitation = invitation_create(
        coalition=coalition,
        email="invited@example.net",
        role=Role.OBSERVER,
        organisation=donor_organisation,
        actor=authority,
    )
    with django_capture_on_commit_callbacks(execute=True):
        mail.send_mail("Test", "Body", "site@example.net", ["someone@example.net"])
    feed = meeting_services.calendar_feed_for(coalition=coalition, user=authority)
    staff = UserFactory(is_staff=True)
    staff.is_superuser = True
    staff.save()
    membership = operator.memberships.get()
    from obligations.article7 import services as article7

    transparency_report = article7.report_create(
        coalition=coalition, year=2025, actor=authority, today=date(2026, 3, 1)
    )
    values = {
        "slug": coalition.slug,
        ("meetings", "pk"): meeting.pk,
        ("actions:meeting_action_points", "pk"): meeting.pk,
        ("actions:meeting_quick_entry", "pk"): meeting.pk,
        ("actions:item_quick_entry", "pk"): meeting.pk,
        ("actions:item_quick_entry", "item_pk"): item.pk,
        ("meetings", "item_pk"): item.pk,
        ("meetings", "decision_pk"): decision.pk,
        ("meetings", "document_pk"): document.pk,
        ("meetings", "token"): meeting_services.calendar_feed_token(feed),
        ("obligations", "pk"): obligation.pk,
        ("obligations:offer_status", "pk"): offer.pk,
        ("obligations", "request_pk"): extension.pk,
        ("obligations", "indicator_pk"): indicator.pk,
        ("obligations", "entry_pk"): entry.pk,
        ("actions", "pk"): action_point.pk,
        ("actions", "token"): unsubscribe_token(user_id=authority.pk, coalition_id=coalition.pk),
        ("concerns", "pk"): concern.pk,
        ("coalitions:search", "kind"): "people",
        ("coalitions:member_edit", "pk"): membership.pk,
        ("coalitions:member_remove", "pk"): membership.pk,
        ("coalitions:organisation_edit", "pk"): membership.organisation_id,
        ("coalitions:invitation_resend", "pk"): invitation.pk,
        ("coalitions:invitation_revoke", "pk"): invitation.pk,
        ("coalitions", "token"): invitation_token(invitation),
        ("outbox", "pk"): OutboxMessage.objects.latest("pk").pk,
        ("outbox", "index"): 0,
        ("obligations", "year"): transparency_report.year,
        ("obligations", "letter"): "F",
    }
    for name, _arguments in project_patterns():
        if name.startswith("meetings:summary"):
            values[(name, "pk")] = held.pk
    return {
        "values": values,
        "members": members,
        "staff": staff,
        "coalition": coalition,
        "meeting": meeting,
        "obligation": obligation,
        "indicator": indicator,
        "donor_organisation": donor_organisation,
    }


def url_of(world, name: str, arguments: list[str]) -> str:
    namespace = name.split(":")[0]
    values = world["values"]
    kwargs = {}
    for argument in arguments:
        for key in ((name, argument), (namespace, argument), argument):
            if key in values:
                kwargs[argument] = values[key]
                break
        else:
            raise AssertionError(f"No object for {argument!r} of {name}: add one to `world`")
    return reverse(name, kwargs=kwargs)


def people(world) -> list:
    return [world["members"][role] for role in ACTOR_ORDER] + [world["staff"]]


def form_views(client, world) -> list[tuple[str, str, object, list[dict]]]:
    """(name, path, the first person who may open it, its POST forms) for every form view; a
    view that only takes a POST comes with no person and no form."""
    found = []
    for name, arguments in project_patterns():
        path = url_of(world, name, arguments)
        for person in people(world):
            client.force_login(person)
            response = client.get(path)
            if response.status_code == 405:
                found.append((name, path, None, []))
                break
            if response.status_code == 200:
                if response.get("Content-Type", "").startswith("text/html"):
                    forms = [f for f in post_forms(response) if f["url"] == path]
                    if forms:
                        found.append((name, path, person, forms))
                break
    return found


def answers_with_errors_or_success(response, path: str) -> bool:
    """A redirect, a plain 400, errors on the page, or a page that no longer shows the form."""
    if response.status_code in (302, 303, 400):
        return True
    if response.status_code in (200, 422):
        body = response.content.decode()
        shows_errors = 'role="alert"' in body or "errorlist" in body
        return shows_errors or not any(f["url"] == path for f in post_forms(response))
    return False


class Sessions:
    """Each person signed in once for the submissions, their cookies put back when it is their
    turn again. Every submission is undone, their session's row with it, so a session is as new
    for the next one; a person is signed in afresh only when a submission changed their session
    cookie (a sign-out, a cycled session)."""

    def __init__(self, client):
        from django.conf import settings

        self.client, self.cookies = client, {}
        self.session_cookie = settings.SESSION_COOKIE_NAME

    def post_undone(self, person, path, data):
        """Each submission is undone afterwards, so a removal does not hide the next view."""
        self._sign_in(person)
        try:
            with transaction.atomic():
                try:
                    return self.client.post(path, data)
                finally:
                    transaction.set_rollback(True)
        finally:
            kept = self.cookies[person.pk][self.session_cookie].value
            now = self.client.cookies.get(self.session_cookie)
            if now is None or now.value != kept:
                del self.cookies[person.pk]

    def _sign_in(self, person) -> None:
        self.client.cookies.clear()
        if person.pk not in self.cookies:
            self.client.force_login(person)
            self.cookies[person.pk] = {n: m.copy() for n, m in self.client.cookies.items()}
        for name, morsel in self.cookies[person.pk].items():
            self.client.cookies[name] = morsel.copy()


def test_every_form_view_answers_an_empty_post_and_the_form_as_shown(client, world):
    """An empty POST, and each form sent back unchanged as its page shows it: the person who may
    use it gets errors or success; site staff who are not members are refused or answered;
    nobody gets an error page."""
    checked, problems = [], []
    views = form_views(client, world)
    sessions = Sessions(client)
    for name, path, person, forms in views:
        for data in [{}] + [form["data"] for form in forms]:
            what = "empty POST" if not data else "form as shown"
            answers = {}
            # A POST-only view: the first person it does not refuse is the one who may use it.
            members = [world["members"][role] for role in ACTOR_ORDER]
            for who in ([person] if person else members) + [world["staff"]]:
                try:
                    answers[who] = sessions.post_undone(who, path, data)
                except Exception as exc:  # noqa: BLE001 - a view that raises is what is sought
                    problems.append(f"{name}, {what} as {who}: {exc!r}")
            for who, answer in answers.items():
                if answer.status_code >= 500:
                    problems.append(f"{name}, {what} as {who}: {answer.status_code}")
            answers.pop(world["staff"], None)
            permitted = [a for a in answers.values() if a.status_code not in (403, 404)]
            if not permitted:
                problems.append(f"{name}: nobody may send it")
            elif not answers_with_errors_or_success(permitted[0], path):
                problems.append(f"{name}, {what}: {permitted[0].status_code} without an error")
        checked.append(name)
    assert problems == [], "\n".join(problems)
    # The resolver gave the forms: the count only guards against finding none.
    assert len(checked) >= 30, checked


# A create form's case: who sends it, the page that shows it, what is typed into it. ---------------


def _next_month() -> str:
    # Not the day of the world's own meeting (30 days on): a second coalition meeting on one day
    # asks for confirmation first.
    return (date.today() + timedelta(days=45)).isoformat()


CREATE_CASES = {
    "meetings:new": (
        Role.NATIONAL_AUTHORITY,
        None,
        lambda w: {
            "title": "Technical working group",
            "date": _next_month(),
            "start_time": "10:00",
            "end_time": "12:00",
            "venue": "Beirut",
        },
    ),
    "meetings:agenda_item_new": (
        Role.FACILITATOR,
        None,
        lambda w: {"title": "Donor round", "topic": "donor_coordination"},
    ),
    "meetings:decision_new": (Role.FACILITATOR, None, lambda w: {"text": "Survey the north"}),
    "meetings:hold_decision": (
        Role.FACILITATOR,
        "meetings:hold",
        lambda w: {f"d{w['values'][('meetings', 'item_pk')]}-text": "Survey the north"},
    ),
    "meetings:document_upload": (
        Role.FACILITATOR,
        None,
        lambda w: {"file": SimpleUploadedFile("plan.png", PNG), "title": "Plan"},
    ),
    "obligations:new": (
        Role.NATIONAL_AUTHORITY,
        None,
        lambda w: {"convention": "ccm", "article": "3", "entry_into_force": "2016-01-01"},
    ),
    "obligations:extension_new": (
        Role.NATIONAL_AUTHORITY,
        None,
        lambda w: {
            "requested_deadline": (
                w["obligation"].current_deadline + timedelta(days=700)
            ).isoformat(),
            "submitted_on": "2025-06-01",
        },
    ),
    "obligations:indicator_new": (
        Role.NATIONAL_AUTHORITY,
        None,
        lambda w: {"kind": "remnants_destroyed", "baseline": "0", "target": "500"},
    ),
    "obligations:progress_new": (
        Role.OPERATOR,
        None,
        lambda w: {
            "indicator": str(w["indicator"].pk),
            "period_start": "2025-01-01",
            "period_end": "2025-03-31",
            "value": "12",
        },
    ),
    "obligations:progress_import": (
        Role.NATIONAL_AUTHORITY,
        None,
        lambda w: {
            "file": SimpleUploadedFile(
                "progress.csv",
                (
                    "obligation,indicator,period_start,period_end,value,cancelled_m2,"
                    "reduced_m2,cleared_m2,source\n"
                    f"{w['obligation'].code},area_released,2025-04-01,2025-06-30,20,,,,report\n"
                ).encode(),
            )
        },
    ),
    "obligations:need_new": (
        Role.NATIONAL_AUTHORITY,
        None,
        lambda w: {
            "activity": "Risk education",
            "amount": "2000",
            "currency": "EUR",
            "period_start": "2026-01-01",
            "period_end": "2026-06-30",
        },
    ),
    "obligations:offer_new": (
        Role.DONOR,
        None,
        lambda w: {
            "activity": "Risk education",
            "amount": "1500",
            "currency": "EUR",
            "period_start": "2026-01-01",
            "period_end": "2026-06-30",
        },
    ),
    "actions:new": (
        Role.FACILITATOR,
        None,
        lambda w: {
            "title": "Share the survey",
            "owner_organisation": str(w["coalition"].national_authority.pk),
            "due_date": _next_month(),
        },
    ),
    "actions:update": (Role.NATIONAL_AUTHORITY, None, lambda w: {"text": "Survey started"}),
    "actions:meeting_quick_entry": (
        Role.FACILITATOR,
        "actions:meeting_action_points",
        lambda w: {
            "title": "Call the operators",
            "owner_organisation": str(w["coalition"].national_authority.pk),
        },
    ),
    "actions:item_quick_entry": (
        Role.FACILITATOR,
        None,
        lambda w: {
            "title": "Send the land release figures",
            "owner_organisation": str(w["coalition"].national_authority.pk),
        },
    ),
    "concerns:raise": (
        Role.OPERATOR,
        None,
        lambda w: {"subject": "Delays", "text": "Teams wait at checkpoints."},
    ),
    "concerns:agenda": (
        Role.FACILITATOR,
        None,
        lambda w: {"meeting": str(w["meeting"].pk), "title": "Access to sites"},
    ),
    "coalitions:invitation_new": (
        Role.NATIONAL_AUTHORITY,
        None,
        lambda w: {
            "email": "new.member@example.net",
            "role": Role.OBSERVER,
            "organisation": str(w["donor_organisation"].pk),
        },
    ),
    "coalitions:organisation_new": (
        Role.NATIONAL_AUTHORITY,
        None,
        lambda w: {"name": "The HALO Trust", "short_name": "HALO", "kind": "operator"},
    ),
    "coalitions:new": (
        Role.CHAMPION,
        None,
        lambda w: {
            "name": "Country Coalition for Botswana",
            "state_party": "BW",
            "cadence": "biannual",
            "role": Role.CHAMPION,
            "organisation_name": "Norway",
            "organisation_kind": "donor_state",
            "organisation_country": "NO",
            "authority_name": "Botswana Defence Force",
        },
    ),
}


def token_of(form: dict) -> str:
    """The form's one-time token; a form shown several times on a page names it with a prefix
    (the in-meeting screen's decision form under each agenda item)."""
    for name, values in form["data"].items():
        if name == TOKEN_FIELD or name.endswith(f"-{TOKEN_FIELD}"):
            return values[0]
    return ""


def test_every_create_form_carries_a_token_and_has_a_case(client, world):
    with_token = set()
    for _name, _path, _person, forms in form_views(client, world):
        for form in forms:
            if token_of(form):
                with_token.add(resolve(form["url"]).view_name)
    # A page can also show another view's form (the quick entry on the meeting's page).
    for role, page, _typed in CREATE_CASES.values():
        if page:
            path = url_of(world, page, dict(project_patterns())[page])
            client.force_login(world["members"][role])
            for form in post_forms(client.get(path)):
                if token_of(form):
                    with_token.add(resolve(form["url"]).view_name)
    assert with_token == set(CREATE_CASES)
    creating = {n for n, _a in project_patterns() if n.endswith(("new", "upload", "import"))}
    assert creating <= with_token


def row_counts() -> dict[str, int]:
    return {
        model._meta.label: model.objects.count()
        for app in PROJECT_APPS
        for model in apps.get_app_config(app).get_models()
    }


def submit_twice(client, world, name, capture) -> str | None:
    """What is wrong when the create form `name` is sent twice with one token, or None."""
    role, page, typed = CREATE_CASES[name]
    arguments = dict(project_patterns())
    action = url_of(world, name, arguments[name])
    shown_on = url_of(world, page, arguments[page]) if page else action
    client.force_login(world["members"][role])
    forms = [f for f in post_forms(client.get(shown_on)) if f["url"] == action]
    if len(forms) != 1 or not token_of(forms[0]):
        return "the page shows no form with a token"
    answers, counts = [], [row_counts()]
    for _attempt in range(2):
        with capture(execute=True):
            answers.append(client.post(action, {**forms[0]["data"], **typed(world)}))
        counts.append(row_counts())
    if [a.status_code for a in answers] != [302, 302]:
        form = answers[0].context and answers[0].context.get("form")
        return f"answered {[a.status_code for a in answers]}: {form and form.errors}"
    if answers[0]["Location"] != answers[1]["Location"]:
        return "the second submission went elsewhere"
    if counts[1] == counts[0]:
        return "the first submission created nothing"
    if counts[2] != counts[1]:
        changed = {k for k in counts[1] if counts[2][k] != counts[1][k]}
        return f"the second submission wrote again: {sorted(changed)}"
    return None


def test_every_create_form_submitted_twice_creates_one_record(
    client, world, django_capture_on_commit_callbacks
):
    problems = []
    for name in sorted(CREATE_CASES):
        # Each case is undone afterwards (its mails too), so the cases do not meet.
        with transaction.atomic():
            problem = submit_twice(client, world, name, django_capture_on_commit_callbacks)
            transaction.set_rollback(True)
        if problem:
            problems.append(f"{name}: {problem}")
    assert problems == [], "\n".join(problems)
