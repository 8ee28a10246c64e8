"""A mail's HTML says the language it is written in (lang, dir), for every kind of mail, so a
reader's mail program and screen reader read a French or Spanish mail as such."""

import re
from datetime import UTC, datetime, timedelta
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.conf import settings

from coalitions.models import Role
from config.mail import build_mail
from tests.fixtures import committed

EMAIL_DIR = Path(settings.BASE_DIR) / "templates" / "email"
OTHER_LANGUAGES = [code for code, _name in settings.LANGUAGES if code != settings.LANGUAGE_CODE]
STARTS = datetime(2026, 12, 8, 8, 0, tzinfo=UTC)
# What each kind's templates read, enough for every sentence of its text to be written.
ITEM = SimpleNamespace(title="Land release plan", due_date=STARTS.date(), pk=1, get_absolute_url="")
MEETING = SimpleNamespace(
    title="Coalition meeting", venue="Beirut", online_link="", starts_at=STARTS, pk=1
)
PERSON = SimpleNamespace(name="Rana", timezone="Europe/Paris")
CONTEXT = {
    "coalition": SimpleNamespace(name="Lebanon coalition", timezone="Asia/Beirut", slug="lb"),
    "meeting": MEETING,
    "items": [ITEM],
    "action_point": ITEM,
    "action_points": [ITEM],
    "recipient": PERSON,
    "person": PERSON,
    "invitation": SimpleNamespace(email="new@example.org", expires_at=STARTS, role="operator"),
    "overdue_count": 0,
    "today": STARTS.date(),
    "url": "http://testserver/",
    "site_url": "http://testserver",
}
VARIANTS = {
    "action_digest": [
        {"digest": SimpleNamespace(kind=k, since=STARTS)} for k in ("mid_term", "weekly", "daily")
    ],
    "meeting_invitation": [
        {"kind": k} for k in ("invitation", "update", "cancellation", "withdrawn")
    ],
}


def mail_kinds() -> list[str]:
    names = sorted(p.name.removesuffix("_subject.txt") for p in EMAIL_DIR.glob("*_subject.txt"))
    assert len(names) >= 11, names
    return names


def opening_tag(html: str) -> str:
    return re.search(r"<html[^>]*>", html).group(0)


@pytest.mark.parametrize("template", mail_kinds())
@pytest.mark.parametrize("language", OTHER_LANGUAGES)
def test_every_kind_of_mail_says_its_language_in_its_html(template, language):
    for variant in VARIANTS.get(template, [{}]):
        context = CONTEXT | variant
        english = build_mail(to="a@example.org", template=template, context=context)
        message = build_mail(
            to="a@example.org", template=template, context=context, language=language
        )
        [(html, _mimetype)] = message.alternatives
        assert opening_tag(html) == f'<html lang="{language}" dir="ltr">', (template, variant)
        assert opening_tag(english.alternatives[0][0]) == '<html lang="en" dir="ltr">'
        # The mail is written in that language, not only labelled so.
        assert message.subject != english.subject, (template, variant)
        assert message.body != english.body, (template, variant)
        assert html != english.alternatives[0][0], (template, variant)


# Mails sent by the services, to a reader who chose French or Spanish -----------------------------


@pytest.fixture
def reader(members, request):
    person = members[Role.OPERATOR]
    person.preferred_language = request.param
    person.save(update_fields=["preferred_language"])
    return person


@pytest.mark.parametrize("reader", OTHER_LANGUAGES, indirect=True)
def test_meeting_invitation_update_and_cancellation_are_in_the_readers_language(
    coalition, members, reader, outbox_messages
):
    from meetings import services

    authority = members[Role.NATIONAL_AUTHORITY]
    language = reader.preferred_language
    with committed():
        meeting = services.meeting_create(
            coalition=coalition, actor=authority, title="Coalition meeting", starts_at=STARTS,
            ends_at=STARTS + timedelta(hours=3), venue="Beirut", draft=True,
        )  # fmt: skip
        services.agenda_item_create(meeting=meeting, actor=authority, title="Opening")
        services.meeting_send_invitations(meeting=meeting, actor=authority)
        services.agenda_item_create(meeting=meeting, actor=authority, title="Land release")
        services.meeting_send_update(meeting=meeting, actor=authority)
        services.meeting_cancel(meeting=meeting, actor=authority)
    to_reader = outbox_messages.filter(to__contains=reader.email)
    to_english = outbox_messages.filter(to__contains=members[Role.DONOR].email)
    assert to_reader.count() == to_english.count() == 3
    for mail, english in zip(to_reader, to_english, strict=True):
        assert opening_tag(mail.html_body()) == f'<html lang="{language}" dir="ltr">'
        assert opening_tag(english.html_body()) == '<html lang="en" dir="ltr">'
        assert mail.subject != english.subject and mail.text_body() != english.text_body()


@pytest.mark.parametrize("language", OTHER_LANGUAGES)
def test_the_concern_notice_is_in_the_facilitators_language(
    coalition, members, outbox_messages, language
):
    from concerns.tests.factories import raise_concern

    facilitator = members[Role.FACILITATOR]
    facilitator.preferred_language = language
    facilitator.save(update_fields=["preferred_language"])
    raise_concern(coalition, members[Role.DONOR])
    mail = outbox_messages.get(to__contains=facilitator.email)
    assert opening_tag(mail.html_body()) == f'<html lang="{language}" dir="ltr">'
    assert "a confidential concern was raised" not in mail.subject


def test_an_invitation_to_join_is_written_and_labelled_in_the_sites_language(
    coalition, members, outbox_messages
):
    """Whoever is invited has no language chosen yet: the mail is in the site's language."""
    from coalitions.services import invitation_create

    with committed():
        invitation_create(
            coalition=coalition,
            email="newcomer@example.net",
            role=Role.OPERATOR,
            organisation=coalition.memberships.get(role=Role.OPERATOR).organisation,
            actor=members[Role.CHAMPION],
        )
    [mail] = outbox_messages
    assert mail.subject.startswith("Invitation to join")
    assert opening_tag(mail.html_body()) == f'<html lang="{settings.LANGUAGE_CODE}" dir="ltr">'
