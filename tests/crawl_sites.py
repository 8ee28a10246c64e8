"""Where the crawl gets its objects and its people from: one provider per kind of URL parameter,
and the set of actors every data set is visited by."""

from __future__ import annotations

import time
import warnings
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from io import StringIO

from django.contrib.auth.models import Group
from django.utils import timezone

from coalitions.models import Role

from .crawl import Provider, Target, crawl_as, files_kept, sample, targets, url_patterns
from .fixtures import committed

ROLES = tuple(Role.values)
OTHER_MEMBER = "member_of_another_coalition_only"
OUTSIDER = "outsider"
STAFF = "staff"
ANONYMOUS = "anonymous"
ACTORS = (*ROLES, OTHER_MEMBER, OUTSIDER, STAFF, ANONYMOUS)
MEMBERS = ROLES  # every role of the coalition, for allow-list entries that hit them all


@dataclass
class Site:
    """A data set ready to crawl: the coalitions it covers, its people by actor, its URLs."""

    coalitions: list
    actors: dict[str, object]  # actor label -> user (None: anonymous)
    targets: list[Target] = field(default_factory=list)
    unfillable: list[str] = field(default_factory=list)
    findings: list[str] = field(default_factory=list)
    refused: list[str] = field(default_factory=list)

    def size(self) -> str:
        names = {t.name for t in self.targets}
        return f"{len(names)} patterns, {len(self.targets)} URLs, {len(self.actors)} actors"


def _by_pk(queryset, limit):
    return sample(queryset.order_by("pk"), limit)


def providers(*, coalitions, per_kind: int = 6, per_model: int = 2) -> dict[str, Provider]:
    """(url value, object) for every kind of parameter, from the given coalitions' objects."""
    from allauth.account.forms import default_token_generator
    from allauth.account.models import EmailAddress, EmailConfirmationHMAC
    from allauth.account.utils import user_pk_to_url_str
    from django.contrib import admin
    from django.contrib.contenttypes.models import ContentType

    from actions.models import ActionPoint
    from actions.unsubscribe import unsubscribe_token
    from coalitions import search
    from coalitions.models import Invitation, Membership
    from coalitions.selectors import coalition_organisations
    from coalitions.services import invitation_token
    from concerns.models import Concern
    from meetings.models import AgendaItem, Decision, Document, Meeting
    from meetings.services import calendar_feed_for, calendar_feed_token
    from obligations.models import (
        ExtensionRequest,
        Indicator,
        Obligation,
        Offer,
        ProgressEntry,
        TransparencyForm,
        TransparencyReport,
    )
    from outbox.models import OutboxMessage
    from users.models import User

    ids = [c.pk for c in coalitions]

    def of(model, limit=per_kind, **parent):
        # Ids only: a row the database cannot read back whole must still get its URLs visited.
        def provide(chosen):
            filters = {key: chosen[kind] for key, kind in parent.items()}
            found = model.objects.filter(**filters).order_by("pk").values_list("pk", flat=True)
            return [(str(pk), pk) for pk in (sample(found, limit) if limit else found)]

        return provide

    def memberships(limit):
        return _by_pk(Membership.objects.filter(coalition_id__in=ids), limit)

    def messages(_chosen):
        queryset = OutboxMessage.objects.order_by("pk")
        with_files = [m for m in queryset.iterator() if m.attachments()][:1]
        chosen = {m.pk: m for m in [*sample(queryset, per_model), *with_files]}
        return [(str(pk), m) for pk, m in chosen.items()]

    def feeds(_chosen):
        return [
            (calendar_feed_token(calendar_feed_for(coalition=m.coalition, user=m.user)), m)
            for m in memberships(2)
        ]

    def admin_objects(chosen):
        label = chosen["__kind__"].split(":", 1)[1]
        model = next(m for m in admin.site._registry if m._meta.label_lower == label)
        return [(str(o.pk), o) for o in _by_pk(model._default_manager.all(), per_model)]

    def admin_history(chosen):
        obj = next(v for k, v in chosen.items() if k.startswith("admin_object:"))
        history = getattr(obj, "history", None)
        if history is None:
            return []
        return [(str(h.history_id), h) for h in history.order_by("history_id")[:1]]

    def reset_uid(_chosen):
        return [(user_pk_to_url_str(u), u) for u in _by_pk(User.objects.all(), 1)]

    def reset_key(chosen):
        user = chosen["password_reset_uid"]
        return [(default_token_generator.make_token(user), user)]

    def confirmation_keys(_chosen):
        return [
            (EmailConfirmationHMAC(a).key, a) for a in _by_pk(EmailAddress.objects.all(), per_model)
        ]

    coalition_type = ContentType.objects.get_for_model(coalitions[0])
    return {
        "coalition": lambda _c: [(c.slug, c) for c in coalitions],
        # Parents unsampled (a coalition has few), so every child finds its URLs.
        "meeting": of(Meeting, limit=None, coalition="coalition"),
        "agenda_item": of(AgendaItem, meeting="meeting"),
        "decision": of(Decision, meeting="meeting"),
        "document": of(Document, meeting="meeting"),
        "obligation": of(Obligation, limit=None, coalition="coalition"),
        "extension_request": of(ExtensionRequest, obligation="obligation"),
        "indicator": of(Indicator, obligation="obligation"),
        "progress_entry": of(ProgressEntry, indicator__obligation__coalition="coalition"),
        "offer": of(Offer, coalition="coalition"),
        # The report's year in the address; its id for the matrix, which reads records back.
        "transparency_report": lambda chosen: list(
            TransparencyReport.objects.filter(coalition=chosen["coalition"])
            .order_by("year")
            .values_list("year", "pk")
        ),
        # A form this product fills and one it does not.
        "transparency_form": lambda chosen: list(
            TransparencyForm.objects.filter(
                report_id=chosen["transparency_report"], letter__in=["A", "F"]
            )
            .order_by("letter")
            .values_list("letter", "pk")
        ),
        "action_point": of(ActionPoint, coalition="coalition"),
        "concern": of(Concern, coalition="coalition"),
        "membership": of(Membership, coalition="coalition"),
        # Ids only, as for the other records (the matrix reads each back by id).
        "organisation": lambda chosen: [
            (str(pk), pk)
            for pk in sample(
                coalition_organisations(coalition=chosen["coalition"]).values_list("pk", flat=True),
                per_kind,
            )
        ],
        "invitation": of(Invitation, coalition="coalition"),
        "invitation_token": lambda _c: [
            (invitation_token(i), i)
            for i in _by_pk(Invitation.objects.filter(coalition_id__in=ids), per_kind)
        ],
        "unsubscribe_token": lambda _c: [
            (unsubscribe_token(user_id=m.user_id, coalition_id=m.coalition_id), m)
            for m in memberships(2)
        ],
        "calendar_token": feeds,
        "outbox_message": messages,
        "attachment_index": lambda c: [
            (str(i), i) for i in range(len(c["outbox_message"].attachments()))
        ],
        "email_confirmation_key": confirmation_keys,
        "password_reset_uid": reset_uid,
        "password_reset_key": reset_key,
        "admin_app_label": lambda _c: sorted(
            {(m._meta.app_label, m._meta.app_label) for m in admin.site._registry}
        ),
        "admin_unknown_path": lambda _c: [("no-such-page/", None)],
        # Every kind of search-as-you-type the apps registered.
        "search_kind": lambda _c: [(kind, kind) for kind in sorted(search._searches)],
        "content_type": lambda _c: [(str(coalition_type.pk), coalition_type)],
        "content_object": lambda _c: [(str(coalitions[0].pk), coalitions[0])],
        "admin_object": admin_objects,
        "admin_history": admin_history,
        "user": lambda _c: [(str(u.pk), u) for u in _by_pk(User.objects.all(), 1)],
        "group": lambda _c: [(str(g.pk), g) for g in _by_pk(Group.objects.all(), 1)],
    }


def complete_for_the_crawl(*, coalition, staff, people: dict) -> None:
    """What a data set may lack for every URL to have an object: invitations in each state, a
    document of each visibility, reminder settings, a mail preference, the reminders and digests
    due now, and for the admin a group and a second factor (the staff person's own).
    `people`: role -> user in `coalition`."""
    from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.core.management import call_command

    from actions.models import NotificationPreference
    from actions.services import notification_preference_set, reminder_settings_update
    from coalitions.models import Membership
    from coalitions.services import invitation_accept, invitation_create, invitation_revoke
    from meetings.models import Meeting
    from meetings.services import document_upload
    from users.services import user_create

    from .crawl import PLAIN_PDF

    authority = people[Role.NATIONAL_AUTHORITY]
    invitations = []
    for n, role in enumerate((Role.OBSERVER, Role.DONOR, Role.OPERATOR)):
        invitations.append(
            invitation_create(
                coalition=coalition,
                email=f"invited.{n}.{coalition.slug}@example.net",
                role=role,
                organisation=Membership.objects.get(
                    coalition=coalition, user=people[role]
                ).organisation,
                actor=authority,
                message="Welcome to the coalition.",
            )
        )
    invitation_revoke(invitation=invitations[1], actor=authority)
    from coalitions.services import invitation_token

    newcomer = user_create(email=invitations[2].email, name="Nadia Newcomer", actor=None)
    invitation_accept(token=invitation_token(invitations[2]), user=newcomer)

    # Documents are attached until the summary is published.
    meeting = (
        Meeting.objects.filter(coalition=coalition)
        .exclude(status=Meeting.Status.SUMMARY_PUBLISHED)
        .order_by("starts_at")
        .first()
    )
    if meeting is not None:
        for visibility in ("members", "restricted"):
            document_upload(
                meeting=meeting,
                actor=authority,
                uploaded=SimpleUploadedFile(f"{visibility}.pdf", PLAIN_PDF, "application/pdf"),
                title=f"Briefing for {visibility}",
                visibility=visibility,
            )
    reminder_settings_update(
        coalition=coalition, actor=authority, reminders_enabled=True, due_soon_days=7
    )
    for user in people.values():
        notification_preference_set(
            user=user, coalition=coalition, cadence=NotificationPreference.Cadence.DAILY
        )
    call_command("send_due_reminders", "--with-digests", stdout=StringIO())

    from obligations.article7 import services as article7
    from obligations.models import Obligation, TransparencyReport

    today = timezone.localdate()
    if (
        Obligation.objects.filter(coalition=coalition).exists()
        and not TransparencyReport.objects.filter(coalition=coalition).exists()
    ):
        draft = article7.report_create(
            coalition=coalition, year=today.year - 1, actor=authority, today=today
        )
        article7.comment_add(
            report=draft, letter="F", text="Please add the operators' returns.", actor=authority
        )

    Group.objects.get_or_create(name="Outbox readers")
    if not staff.authenticator_set.exists():
        TOTP.activate(staff, generate_totp_secret())


def site_targets(site: Site, **options) -> Site:
    site.targets, site.unfillable = targets(
        url_patterns(), providers(coalitions=site.coalitions, **options)
    )
    return site


# The admin answers by `is_staff` alone: every non-staff person gets the same sign-in redirect, so
# its pages are visited by staff, an outsider and anonymous, not by each role again.
ADMIN_VISITORS = (STAFF, OUTSIDER, ANONYMOUS)


@contextmanager
def built_once(django_db_blocker, build: Callable[[], Site], **sampling) -> Iterator[Site]:
    """A data set made once for a test module, its mails in the outbox and what it queued run;
    rolled back when the module is done (each test runs in a savepoint on top of it)."""
    from django.db import transaction
    from django.test import override_settings

    with (
        django_db_blocker.unblock(),
        override_settings(EMAIL_BACKEND="outbox.backends.OutboxBackend"),
        transaction.atomic(),
    ):
        with committed():
            site = build()
        with committed():
            site_targets(site, **{"per_kind": 2, "per_model": 1, **sampling})
        yield site
        transaction.set_rollback(True)


def crawl_site(client, site: Site, data_set: str, actor: str, known_defects) -> None:
    """Crawls the site as `actor`; fails on any 5xx not listed in `known_defects` ((data set,
    URL name, actors, error text, defect) entries), and warns about entries that no longer fail."""
    targets = [
        t for t in site.targets if actor in ADMIN_VISITORS or not t.name.startswith("admin:")
    ]
    started = time.monotonic()
    with files_kept():
        result = crawl_as(client, site.actors[actor], targets)
    took = time.monotonic() - started
    print(f"{data_set} as {actor}: {result.requests} requests, {took:.1f}s")
    known = [
        (name, error, defect)
        for set_name, name, actors, error, defect in known_defects
        if set_name == data_set and actor in actors
    ]

    def known_defect(visit):
        return next((k for k in known if k[0] == visit.name and k[1] in visit.error), None)

    unknown = [v for v in result.failures if known_defect(v) is None]
    matched = {known_defect(v) for v in result.failures}
    for entry in known:
        if entry not in matched:
            warnings.warn(
                f"{data_set}: {entry[0]} as {actor} no longer fails with {entry[1]} ({entry[2]}): "
                "remove the entry",
                stacklevel=1,
            )
    assert not unknown, f"{data_set} as {actor}:\n" + "\n".join(v.describe() for v in unknown)
