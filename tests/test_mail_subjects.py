"""Mail subjects are headers, not HTML: apostrophes, ampersands and angle brackets arrive as typed."""

from pathlib import Path
from types import SimpleNamespace

import pytest
from django.conf import settings

from coalitions.models import Role
from config.mail import render_subject
from tests.fixtures import committed

AWKWARD = "Norway's <new> R&D pledge"
ESCAPES = ("&#x27;", "&#39;", "&amp;", "&lt;", "&gt;", "&quot;")
EMAIL_DIR = Path(settings.BASE_DIR) / "templates" / "email"
# Each subject template's variants: digests by kind, meeting mails by what happened.
VARIANTS = {
    "action_digest": [{"digest": SimpleNamespace(kind=k)} for k in ("mid_term", "weekly", "daily")],
    "meeting_invitation": [
        {"kind": k} for k in ("withdrawn", "cancellation", "update", "invitation")
    ],
}


def subject_templates() -> list[str]:
    names = sorted(p.name.removesuffix("_subject.txt") for p in EMAIL_DIR.glob("*_subject.txt"))
    assert len(names) >= 9, names
    return names


@pytest.mark.parametrize("template", subject_templates())
@pytest.mark.parametrize("language", ["en", "fr", "es"])
def test_every_subject_renders_the_data_as_plain_text(template, language):
    from django.utils import translation

    base = {
        "coalition": SimpleNamespace(name=AWKWARD),
        "items": [SimpleNamespace(title=AWKWARD)],
        "meeting": SimpleNamespace(title=AWKWARD),
    }
    for variant in VARIANTS.get(template, [{}]):
        with translation.override(language):
            subject = render_subject(f"email/{template}_subject.txt", base | variant)
        assert AWKWARD in subject, (template, variant, subject)
        assert not any(escape in subject for escape in ESCAPES), subject


@pytest.mark.django_db
def test_a_sent_invitation_subject_keeps_the_coalition_name_as_typed(
    coalition, members, outbox_messages
):
    from coalitions.services import invitation_create

    coalition.name = AWKWARD
    coalition.save(update_fields=["name"])
    with committed():
        invitation_create(
            coalition=coalition,
            email="newcomer@example.net",
            role=Role.OPERATOR,
            organisation=coalition.memberships.get(role=Role.OPERATOR).organisation,
            actor=members[Role.CHAMPION],
        )
    [message] = outbox_messages
    assert message.subject == f"Invitation to join {AWKWARD}"
