"""A concern brought to a meeting names neither the sender nor their organisation: not on the
agenda item, not on the meeting page, not in the summary PDF, not in any mail."""

import io
import re

import pytest
from django.urls import reverse
from pypdf import PdfReader

from coalitions import permissions as perms
from coalitions.models import Membership, Role
from coalitions.tests.factories import OrganisationFactory, UserFactory, add_member
from concerns import services
from concerns.models import Concern
from concerns.tests.factories import raise_concern
from meetings import services as meeting_services
from meetings.models import AgendaItem
from meetings.summary import render_summary_pdf
from meetings.tests.factories import make_meeting

pytestmark = pytest.mark.django_db

SUBJECT = "Access delays at the southern checkpoints"
TEXT = "Our survey teams lose a day in five waiting at checkpoints."


@pytest.fixture
def sender(coalition, members):
    organisation = OrganisationFactory(name="Quillfeather Demining Group", short_name="QFDG")
    user = UserFactory(name="Zainab Quillfeather", email="zainab.quillfeather@ops.example")
    return add_member(coalition, Role.OPERATOR, user=user, organisation=organisation)


def traces_of(user) -> list[str]:
    organisation = user.memberships.get().organisation
    return [user.name, user.email, organisation.name, organisation.short_name, "Quillfeather"]


def assert_anonymous(text: str, user) -> None:
    for trace in traces_of(user):
        assert trace not in text, trace


@pytest.fixture
def on_agenda(client, coalition, members, sender):
    """The facilitator brings the sender's concern to a planned meeting the sender is not
    invited to, so any trace of the sender would come from the concern."""
    facilitator = members[Role.FACILITATOR]
    others = Membership.objects.filter(coalition=coalition).exclude(user=sender)
    meeting = make_meeting(coalition, facilitator, participants=others, title="Autumn meeting")
    concern = raise_concern(coalition, sender, subject=SUBJECT, text=TEXT)
    client.force_login(facilitator)
    response = client.post(
        reverse("concerns:agenda", args=[coalition.slug, concern.pk]),
        {
            "meeting": meeting.pk,
            "title": "Access for survey teams at checkpoints",
            "background": "Some teams report long waits at checkpoints.",
            "visibility": "members",
        },
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("meetings:detail", args=[coalition.slug, meeting.pk])
    concern.refresh_from_db()
    return concern, meeting


def test_agenda_item_carries_the_facilitators_words_only(on_agenda, members, sender):
    concern, meeting = on_agenda
    item = concern.agenda_item
    assert concern.status == Concern.Status.ON_AGENDA
    assert item.meeting == meeting and item.topic == AgendaItem.Topic.OTHER
    facilitator_org = members[Role.FACILITATOR].memberships.get().organisation
    assert item.presenter == facilitator_org.short_name
    assert item.title == "Access for survey teams at checkpoints"
    for field in ("title", "presenter", "minutes"):
        assert_anonymous(getattr(item, field), sender)
    history = item.history.get()
    assert history.history_user == members[Role.FACILITATOR]


@pytest.mark.parametrize("role", [Role.NATIONAL_AUTHORITY, Role.OBSERVER, Role.FACILITATOR])
def test_meeting_page_does_not_name_the_sender(client, coalition, members, sender, on_agenda, role):
    _concern, meeting = on_agenda
    client.force_login(members[role])
    page = client.get(reverse("meetings:detail", args=[coalition.slug, meeting.pk]))
    html = page.content.decode()
    assert "Access for survey teams at checkpoints" in html
    # The action-point quick entry lists every member as a possible owner: that is the member
    # list, which anyone with the role may read, not a trace of the concern.
    assert_anonymous(re.sub(r"<select.*?</select>", "", html, flags=re.S), sender)


def test_summary_pdf_does_not_name_the_sender(coalition, members, sender, on_agenda):
    _concern, meeting = on_agenda
    facilitator = members[Role.FACILITATOR]
    # The summary of the planned meeting, as it will read once the meeting has begun.
    meeting = meeting_services.meeting_mark_held(
        meeting=meeting, actor=facilitator, now=meeting.starts_at
    )
    reader_perms = perms.perms_by_user(coalition_id=coalition.pk, user_ids=[facilitator.pk])
    pdf = render_summary_pdf(meeting, reader_perms[facilitator.pk])
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    assert "Access for survey teams at checkpoints" in " ".join(text.split())
    assert_anonymous(" ".join(text.split()), sender)
    assert_anonymous(text, sender)


def test_restricted_agenda_item_is_hidden_from_members_without_restricted(
    client, coalition, members, sender, django_capture_on_commit_callbacks
):
    facilitator = members[Role.FACILITATOR]
    meeting = make_meeting(coalition, facilitator)
    concern = raise_concern(coalition, sender)
    with django_capture_on_commit_callbacks(execute=True):
        services.concern_bring_to_agenda(
            concern=concern,
            actor=facilitator,
            meeting=meeting,
            title="A sensitive access question",
            visibility="restricted",
        )
    url = reverse("meetings:detail", args=[coalition.slug, meeting.pk])
    client.force_login(members[Role.OBSERVER])
    assert "A sensitive access question" not in client.get(url).content.decode()
    client.force_login(members[Role.NATIONAL_AUTHORITY])
    assert "A sensitive access question" in client.get(url).content.decode()


def test_bringing_the_same_concern_twice_is_refused(coalition, members, on_agenda):
    from django.core.exceptions import ValidationError

    concern, meeting = on_agenda
    with pytest.raises(ValidationError, match="already on an agenda"):
        services.concern_bring_to_agenda(
            concern=concern, actor=members[Role.FACILITATOR], meeting=meeting, title="Again"
        )
    assert meeting.agenda_items.count() == 1


def test_mails_to_others_do_not_name_the_sender(
    coalition, members, sender, on_agenda, outbox_messages
):
    """Every mail of the whole flow (the notice, the meeting invitations) is free of the sender."""
    for message in outbox_messages:
        for part in (message.subject, message.text_body(), message.html_body()):
            assert_anonymous(part or "", sender)
        assert SUBJECT not in message.text_body() and TEXT not in message.text_body()
