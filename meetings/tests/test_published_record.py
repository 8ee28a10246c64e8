"""Once the summary is published, the meeting's documents and its action points are part of the
record, as the minutes are: documents are no longer attached or removed and no new action point
is recorded against the meeting. The services refuse and say why, the pages say why instead of
offering the forms, and a form sent anyway is refused without an error page."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from actions import services as action_services
from actions.models import ActionPoint
from coalitions.models import Role
from meetings import services
from meetings.models import Document
from meetings.tests.factories import held_meeting_with_record
from meetings.timefmt import in_zone
from tests.fixtures import committed

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def upload(name="paper.pdf"):
    return SimpleUploadedFile(name, PDF, "application/pdf")


def url(name, meeting, *args):
    return reverse(name, args=[meeting.coalition.slug, meeting.pk, *args])


@pytest.fixture
def published(coalition, members):
    """A published meeting with one document attached before publication."""
    authority = members[Role.NATIONAL_AUTHORITY]
    meeting = held_meeting_with_record(coalition, members)
    document = services.document_upload(
        meeting=meeting, actor=members[Role.FACILITATOR], uploaded=upload(), title="Workplan"
    )
    with committed():
        services.summary_publish(meeting=meeting, actor=authority)
    meeting.refresh_from_db()
    return meeting, document


def organisation_of(coalition, user):
    return coalition.memberships.get(user=user).organisation


@pytest.mark.django_db
def test_documents_are_neither_attached_nor_removed_after_publication(published, members):
    meeting, document = published
    facilitator = members[Role.FACILITATOR]
    with pytest.raises(ValidationError, match="published on .*documents can no longer") as refused:
        services.document_upload(meeting=meeting, actor=facilitator, uploaded=upload("new.pdf"))
    assert "Record corrections as an amendment" in refused.value.messages[0]
    with pytest.raises(ValidationError, match="documents can no longer be attached or removed"):
        services.document_delete(document=document, actor=facilitator)
    assert list(Document.objects.filter(meeting=meeting)) == [document]
    assert document.file.storage.exists(document.file.name)


@pytest.mark.django_db
def test_no_new_action_point_is_recorded_against_a_published_meeting(published, coalition, members):
    meeting, _document = published
    authority = members[Role.NATIONAL_AUTHORITY]
    organisation = organisation_of(coalition, authority)
    existing = ActionPoint.objects.count()
    with pytest.raises(ValidationError, match="no new action point") as refused:
        action_services.action_point_create(
            coalition=coalition,
            actor=authority,
            title="Late addition",
            owner_organisation=organisation,
            meeting=meeting,
        )
    assert "meeting" in refused.value.message_dict
    assert ActionPoint.objects.count() == existing
    # Moving another action point to the published meeting is recording it there too.
    loose = action_services.action_point_create(
        coalition=coalition,
        actor=authority,
        title="Between meetings",
        owner_organisation=organisation,
    )
    with pytest.raises(ValidationError, match="no new action point"):
        action_services.action_point_edit(action_point=loose, actor=authority, meeting=meeting)
    loose.refresh_from_db()
    assert loose.meeting is None


@pytest.mark.django_db
def test_action_points_of_a_published_meeting_are_still_followed_up(coalition, members):
    authority = members[Role.NATIONAL_AUTHORITY]
    meeting = held_meeting_with_record(coalition, members)
    point = action_services.action_point_create(
        coalition=coalition,
        actor=authority,
        title="Send the figures",
        owner_organisation=organisation_of(coalition, authority),
        meeting=meeting,
    )
    with committed():
        services.summary_publish(meeting=meeting, actor=authority)
    action_services.action_point_edit(
        action_point=point,
        actor=authority,
        title="Send the 2026 figures",
        due_date=timezone.localdate() + timedelta(days=9),
        meeting=meeting,
    )
    action_services.action_update_post(
        action_point=point, actor=authority, text="Sent", new_status="done"
    )
    point.refresh_from_db()
    assert (point.title, point.status, point.meeting_id) == (
        "Send the 2026 figures",
        "done",
        meeting.pk,
    )


@pytest.mark.django_db
def test_the_pages_say_why_and_refuse_what_is_sent_anyway(client, published, coalition, members):
    meeting, document = published
    facilitator = members[Role.FACILITATOR]
    client.force_login(facilitator)
    day = in_zone(meeting.summary.published_at, coalition.timezone).strftime("%-d %B %Y")
    notice = f"Published on {day}: record corrections as an amendment."

    page = client.get(url("meetings:detail", meeting)).content.decode()
    assert url("meetings:document_upload", meeting) not in page
    assert url("meetings:document_delete", meeting, document.pk) not in page
    assert notice in page

    form = client.get(url("meetings:document_upload", meeting))
    assert form.status_code == 200
    assert notice in form.content.decode()
    assert 'enctype="multipart/form-data"' not in form.content.decode()
    sent = client.post(url("meetings:document_upload", meeting), {"file": upload("late.pdf")})
    assert sent.status_code == 422
    assert 'role="alert"' in sent.content.decode()
    for method in (client.get, client.post):
        response = method(url("meetings:document_delete", meeting, document.pk), follow=True)
        assert response.status_code == 200
        assert notice in response.content.decode()
    assert list(Document.objects.filter(meeting=meeting)) == [document]

    screen = client.get(url("meetings:hold", meeting)).content.decode()
    assert "ap-quick-entry" not in screen
    assert notice in screen
    listing = client.get(url("actions:meeting_action_points", meeting)).content.decode()
    assert "ap-quick-entry" not in listing
    assert notice in listing

    entry = {
        "title": "Late addition",
        "owner_organisation": str(organisation_of(coalition, facilitator).pk),
    }
    before = ActionPoint.objects.count()
    htmx = client.post(
        url("actions:meeting_quick_entry", meeting), entry, headers={"HX-Request": "true"}
    )
    assert htmx.status_code == 200
    assert notice in htmx.content.decode()
    plain = client.post(url("actions:meeting_quick_entry", meeting), entry)
    assert plain.status_code == 422
    assert notice in plain.content.decode()
    assert ActionPoint.objects.count() == before


@pytest.mark.django_db
def test_readers_who_record_nothing_are_not_told_about_closed_forms(client, published, members):
    meeting, _document = published
    client.force_login(members[Role.OBSERVER])
    page = client.get(url("meetings:detail", meeting)).content.decode()
    assert "record corrections as an amendment" not in page
    for role in (Role.OBSERVER, Role.DONOR):
        client.force_login(members[role])
        assert client.get(url("meetings:document_upload", meeting)).status_code == 403
        assert client.post(url("actions:meeting_quick_entry", meeting), {}).status_code == 403
