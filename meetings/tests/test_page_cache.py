"""The meeting page's lists are kept per version of the meeting (meetings/page_cache.py): every
writer gives the meeting a new version in its own transaction, so each change shows on the next
request; readers of different permissions never share an entry; no entry holds a CSRF token."""

import re
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from actions import services as action_services
from actions.models import ActionPoint
from coalitions import services as coalition_services
from coalitions.models import Organisation, Role, Visibility
from meetings import page_cache, services
from meetings.models import Participant
from meetings.page_cache import LIST_PARAMS, meetings_changed
from meetings.tests.factories import held_meeting_with_record, make_meeting
from meetings.tests.test_documents import PDF
from tests.fixtures import count_queries
from users import services as user_services


def page(client, meeting) -> str:
    response = client.get(reverse("meetings:detail", args=[meeting.coalition.slug, meeting.pk]))
    assert response.status_code == 200
    return response.content.decode()


@pytest.fixture
def meeting(coalition, members):
    facilitator = members[Role.FACILITATOR]
    meeting = make_meeting(coalition, facilitator, days=-1, title="Spring meeting")
    services.agenda_item_create(
        meeting=meeting, actor=facilitator, title="Opening words", duration_minutes=10
    )
    services.agenda_item_create(
        meeting=meeting, actor=facilitator, title="Clearance plan", duration_minutes=20
    )
    services.decision_create(meeting=meeting, actor=facilitator, text="Adopt the plan")
    action_services.action_point_create(
        coalition=coalition,
        actor=facilitator,
        title="Send the figures",
        owner_organisation=coalition.national_authority,
        meeting=meeting,
        due_date=timezone.localdate() + timedelta(days=10),
    )
    return meeting


def _first(model, meeting, **filters):
    return model.objects.filter(meeting=meeting, **filters).order_by("pk").first()


def _other_meeting(meeting, members):
    return make_meeting(meeting.coalition, members[Role.FACILITATOR], days=20, title="Autumn")


# Each writer: (what it does, text that must appear, text that must go).
def add_item(meeting, members):
    services.agenda_item_create(
        meeting=meeting,
        actor=members[Role.FACILITATOR],
        title="Victim assistance",
        duration_minutes=5,
    )
    return "Victim assistance", None


def rename_item(meeting, members):
    item = meeting.agenda_items.get(title="Opening words")
    services.agenda_item_update(item=item, actor=members[Role.FACILITATOR], title="Welcome")
    return "Welcome", "Opening words"


def move_item(meeting, members):
    item = meeting.agenda_items.get(title="Clearance plan")
    services.agenda_move(item=item, actor=members[Role.FACILITATOR], direction="up")
    return "1.</span> <strong>Clearance plan", "1.</span> <strong>Opening words"


def delete_item(meeting, members):
    item = meeting.agenda_items.get(title="Opening words")
    services.agenda_item_delete(item=item, actor=members[Role.FACILITATOR])
    return None, "Opening words"


def write_minutes(meeting, members):
    item = meeting.agenda_items.get(title="Clearance plan")
    services.minutes_save(
        meeting=meeting,
        actor=members[Role.FACILITATOR],
        notes="",
        item_minutes={item.pk: "Four districts first"},
    )
    return "Four districts first", None


def record_attendance(meeting, members):
    services.attendance_record(
        meeting=meeting,
        actor=members[Role.FACILITATOR],
        attendance={p.pk: Participant.Attendance.APOLOGIES for p in meeting.participants.all()},
    )
    return "status-warn", None


def remove_participants(meeting, members):
    services.meeting_update(
        meeting=meeting,
        actor=members[Role.NATIONAL_AUTHORITY],
        participants=[],
        title=meeting.title,
        starts_at=meeting.starts_at,
        ends_at=meeting.ends_at,
    )
    return "Nobody is invited yet.", None


def add_decision(meeting, members):
    services.decision_create(meeting=meeting, actor=members[Role.FACILITATOR], text="Meet in June")
    return "Meet in June", None


def delete_decision(meeting, members):
    services.decision_delete(
        decision=meeting.decisions.get(text="Adopt the plan"), actor=members[Role.FACILITATOR]
    )
    return "No decisions recorded.", "Adopt the plan"


def upload_document(meeting, members):
    services.document_upload(
        meeting=meeting,
        actor=members[Role.FACILITATOR],
        uploaded=SimpleUploadedFile("roadmap.pdf", PDF),
        title="Clearance roadmap",
    )
    return "Clearance roadmap", "No documents attached."


def add_action_point(meeting, members):
    action_services.action_point_create(
        coalition=meeting.coalition,
        actor=members[Role.FACILITATOR],
        title="Book the venue",
        owner_organisation=meeting.coalition.national_authority,
        meeting=meeting,
    )
    return "Book the venue", None


def set_action_point_status(meeting, members):
    point = _first(ActionPoint, meeting)
    action_services.action_point_status_set(
        action_point=point, actor=members[Role.NATIONAL_AUTHORITY], status="done"
    )
    return "ap-done", "ap-open"


def move_action_point_to_another_meeting(meeting, members):
    other = _other_meeting(meeting, members)
    action_services.action_point_edit(
        action_point=_first(ActionPoint, meeting),
        actor=members[Role.NATIONAL_AUTHORITY],
        meeting=other,
    )
    return "No action points recorded for this meeting yet.", "Send the figures"


def rename_owner_organisation(meeting, members):
    organisation = meeting.coalition.national_authority
    coalition_services.organisation_update(
        organisation=organisation,
        coalition=meeting.coalition,
        actor=members[Role.NATIONAL_AUTHORITY],
        name="Renamed Mine Action Centre",
        short_name="RMAC",
    )
    return "RMAC", None


def rename_participant(meeting, members):
    person = members[Role.OPERATOR]
    user_services.user_update_profile(
        user=person, name="Renamed Operator", preferred_language="en", timezone=person.timezone
    )
    return "Renamed Operator", None


WRITERS = [
    add_item,
    rename_item,
    move_item,
    delete_item,
    write_minutes,
    record_attendance,
    remove_participants,
    add_decision,
    delete_decision,
    upload_document,
    add_action_point,
    set_action_point_status,
    move_action_point_to_another_meeting,
    rename_owner_organisation,
    rename_participant,
]


@pytest.mark.django_db
@pytest.mark.parametrize("writer", WRITERS, ids=lambda w: w.__name__)
def test_every_change_shows_on_the_next_request(client, members, meeting, writer):
    client.force_login(members[Role.FACILITATOR])
    page(client, meeting)
    page(client, meeting)  # the second from the cache
    appears, goes = writer(meeting, members)
    after = page(client, meeting)
    if appears:
        assert appears in after
    if goes:
        assert goes not in after


@pytest.mark.django_db
def test_an_organisation_merge_shows_on_the_next_request(client, members, meeting):
    point = _first(ActionPoint, meeting)
    duplicate = Organisation.objects.create(
        name="LMAC duplicate", kind=point.owner_organisation.kind
    )
    ActionPoint.objects.filter(pk=point.pk).update(owner_organisation=duplicate)
    meetings_changed(meeting_ids=[meeting.pk])
    client.force_login(members[Role.FACILITATOR])
    assert "LMAC duplicate" in page(client, meeting)
    assert "LMAC duplicate" in page(client, meeting)
    staff = user_services.user_create(
        email="staff-merge@example.org", name="Staff", password="x" * 12, is_staff=True, actor=None
    )
    coalition_services.organisation_merge(
        keep=meeting.coalition.national_authority, duplicates=[duplicate], actor=staff
    )
    assert "LMAC duplicate" not in page(client, meeting)


@pytest.mark.django_db
def test_held_shows_on_the_next_request(client, members, meeting):
    client.force_login(members[Role.NATIONAL_AUTHORITY])
    assert "No minutes yet: they are written during the meeting" in page(client, meeting)
    services.meeting_mark_held(meeting=meeting, actor=members[Role.NATIONAL_AUTHORITY])
    assert "No minutes yet: they are written during the meeting" not in page(client, meeting)


@pytest.mark.django_db
def test_readers_of_other_permissions_never_share_the_lists(client, coalition, members):
    meeting = held_meeting_with_record(coalition, members)
    client.force_login(members[Role.FACILITATOR])
    assert "Closed security briefing" in page(client, meeting)
    client.force_login(members[Role.OBSERVER])
    observed = page(client, meeting)
    assert "Closed security briefing" not in observed
    assert "Review the guarded depot plan" not in observed
    assert "/agenda/new/" not in observed and "/decisions/" not in observed
    client.force_login(members[Role.FACILITATOR])
    assert "Closed security briefing" in page(client, meeting)


@pytest.mark.django_db
def test_no_kept_entry_holds_a_csrf_token(client, members, meeting, monkeypatch):
    kept = []
    real_set = page_cache.cache.set
    monkeypatch.setattr(
        page_cache.cache,
        "set",
        lambda key, value, timeout: kept.append(value) or real_set(key, value, timeout),
    )
    client.force_login(members[Role.FACILITATOR])
    first = page(client, meeting)
    assert len(kept) == 1
    assert "csrfmiddlewaretoken" not in repr(kept)
    tokens = re.findall(r'name="csrfmiddlewaretoken" value="([^"]+)"', first)
    # The agenda's move buttons carry the token of the person asking, put in on every request.
    assert tokens and all(len(token) == 64 for token in tokens)
    assert not any(token in repr(kept) for token in tokens)
    client.logout()
    client.force_login(members[Role.NATIONAL_AUTHORITY])
    second = page(client, meeting)
    assert re.findall(r'name="csrfmiddlewaretoken" value="([^"]+)"', second)
    assert len(kept) == 2  # another role, another entry


@pytest.mark.django_db
def test_a_page_asked_with_other_parameters_is_rendered_afresh(client, members, meeting):
    client.force_login(members[Role.FACILITATOR])
    url = reverse("meetings:detail", args=[meeting.coalition.slug, meeting.pk])
    assert "agenda" in LIST_PARAMS
    assert client.get(url + "?agenda=1&utm=x").status_code == 200
    assert client.get(url + "?agenda=abc").status_code == 200
    assert client.get(url + "?agenda=99999999").status_code == 200


@pytest.mark.django_db
def test_a_kept_page_costs_fewer_queries_and_does_not_grow(client, coalition, members):
    facilitator = members[Role.FACILITATOR]
    meeting = held_meeting_with_record(coalition, members)
    services.document_upload(
        meeting=meeting, actor=facilitator, uploaded=SimpleUploadedFile("plan.pdf", PDF)
    )
    client.force_login(facilitator)
    url = reverse("meetings:detail", args=[coalition.slug, meeting.pk])
    fresh = count_queries(client, url)
    kept = count_queries(client, url)
    assert kept < fresh
    for n in range(30):
        services.agenda_item_create(
            meeting=meeting, actor=facilitator, title=f"Item {n}", duration_minutes=5
        )
        services.decision_create(meeting=meeting, actor=facilitator, text=f"Decision {n}")
        action_services.action_point_create(
            coalition=coalition,
            actor=facilitator,
            title=f"Point {n}",
            owner_organisation=coalition.national_authority,
            meeting=meeting,
            visibility=Visibility.RESTRICTED if n % 3 else Visibility.MEMBERS,
        )
        services.document_upload(
            meeting=meeting,
            actor=facilitator,
            uploaded=SimpleUploadedFile(f"paper-{n}.pdf", PDF),
            visibility=Visibility.RESTRICTED if n % 2 else Visibility.MEMBERS,
        )
    assert count_queries(client, url) == fresh
    assert count_queries(client, url) == kept
    assert fresh <= 15
    with CaptureQueriesContext(connection) as ctx:
        client.get(url)
    assert not any("meetings_agendaitem" in q["sql"] for q in ctx.captured_queries)


@pytest.mark.django_db
def test_a_change_in_the_admin_shows_on_the_next_request(client, admin_client, members, meeting):
    client.force_login(members[Role.FACILITATOR])
    assert "Send the figures" in page(client, meeting)
    point = _first(ActionPoint, meeting)
    url = reverse("admin:actions_actionpoint_delete", args=[point.pk])
    assert admin_client.post(url, {"post": "yes"}).status_code == 302
    assert "Send the figures" not in page(client, meeting)
