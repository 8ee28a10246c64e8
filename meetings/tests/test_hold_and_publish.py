"""Holding a meeting and publishing what came out of it: "held" only once it has started, undone
until publication, minutes locked once published, both copies previewed, corrections mailed again
with what changed, and the summary mail's own text."""

import subprocess
import tempfile
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from actions import services as action_services
from coalitions.models import Role, Visibility
from meetings import services
from meetings.models import AgendaItem, Decision, Delivery, Meeting, Participant, Summary
from meetings.tests.factories import held_meeting_with_record, make_meeting
from tests.fixtures import committed


def pdftotext(data: bytes) -> str:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "copy.pdf"
        path.write_bytes(data)
        return subprocess.run(
            ["pdftotext", "-layout", str(path), "-"], capture_output=True, check=True, text=True
        ).stdout


def url(name, meeting, *args):
    return reverse(f"meetings:{name}", args=[meeting.coalition.slug, meeting.pk, *args])


def publish(meeting, actor):
    with committed():
        return services.summary_publish(meeting=meeting, actor=actor)


# The defect: a meeting on 8 December marked held and its summary published on 25 November -------


def _december_meeting(coalition, actor) -> Meeting:
    with committed():
        return services.meeting_create(
            coalition=coalition,
            actor=actor,
            title="Coalition meeting, December",
            starts_at=datetime(2026, 12, 8, 8, 0, tzinfo=UTC),
            ends_at=datetime(2026, 12, 8, 11, 0, tzinfo=UTC),
            venue="Beirut",
            send_invitations=False,
        )


@pytest.mark.django_db
def test_a_meeting_on_8_december_cannot_be_marked_held_on_25_november(coalition, members):
    authority = members[Role.NATIONAL_AUTHORITY]
    meeting = _december_meeting(coalition, authority)
    on_25_november = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)
    with pytest.raises(ValidationError) as refused:
        services.meeting_mark_held(meeting=meeting, actor=authority, now=on_25_november)
    # Said on the coalition's clock (Beirut), where the convenors read it.
    assert "Tuesday 8 December 2026, 10:00 EET" in refused.value.messages[0]
    meeting.refresh_from_db()
    assert meeting.status == Meeting.Status.PLANNED


@pytest.mark.django_db
def test_a_meeting_on_8_december_cannot_have_its_summary_published_on_25_november(
    coalition, members
):
    """Even a meeting marked held before the rule (the status written directly) is refused."""
    authority = members[Role.NATIONAL_AUTHORITY]
    meeting = _december_meeting(coalition, authority)
    Meeting.objects.filter(pk=meeting.pk).update(status=Meeting.Status.HELD)
    with pytest.raises(ValidationError):
        services.summary_publish(
            meeting=meeting, actor=authority, now=datetime(2026, 11, 25, 12, 0, tzinfo=UTC)
        )
    assert not Summary.objects.filter(meeting=meeting).exists()


@pytest.mark.django_db
def test_marking_a_future_meeting_held_through_the_page_is_refused(client, coalition, members):
    authority = members[Role.NATIONAL_AUTHORITY]
    meeting = make_meeting(coalition, authority, days=13)
    client.force_login(authority)
    page = client.get(url("detail", meeting))
    assert url("held", meeting) not in page.content.decode()
    assert "can be marked as held once it has started" in page.content.decode()
    response = client.post(url("held", meeting))
    assert response.status_code == 422
    assert "has not started yet" in response.content.decode()
    meeting.refresh_from_db()
    assert meeting.status == Meeting.Status.PLANNED


@pytest.mark.django_db
def test_held_asks_for_confirmation_then_can_be_undone_until_publication(
    client, coalition, members
):
    authority = members[Role.NATIONAL_AUTHORITY]
    meeting = make_meeting(coalition, authority, days=-1)
    client.force_login(authority)
    question = client.get(url("held", meeting))
    assert question.status_code == 200
    assert "can be undone" in question.content.decode()
    meeting.refresh_from_db()
    assert meeting.status == Meeting.Status.PLANNED  # asking changes nothing
    response = client.post(url("held", meeting), follow=True)
    assert "The meeting is marked as held" in response.content.decode()
    meeting.refresh_from_db()
    assert meeting.status == Meeting.Status.HELD

    response = client.post(url("reopen", meeting), follow=True)
    assert "no longer marked as held" in response.content.decode()
    meeting.refresh_from_db()
    assert meeting.status == Meeting.Status.PLANNED

    services.meeting_mark_held(meeting=meeting, actor=authority)
    publish(meeting, authority)
    response = client.post(url("reopen", meeting))
    assert response.status_code == 422
    meeting.refresh_from_db()
    assert meeting.status == Meeting.Status.SUMMARY_PUBLISHED


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["held", "reopen"])
def test_only_those_who_manage_meetings_mark_held_or_undo_it(
    client, coalition, members, outsider, name
):
    meeting = make_meeting(coalition, members[Role.NATIONAL_AUTHORITY], days=-1)
    for role in (Role.FACILITATOR, Role.SECRETARIAT, Role.OBSERVER, Role.DONOR):
        client.force_login(members[role])
        assert client.post(url(name, meeting)).status_code == 403, role
    client.force_login(outsider)
    assert client.post(url(name, meeting)).status_code == 404
    meeting.refresh_from_db()
    assert meeting.status == Meeting.Status.PLANNED


# Published minutes are locked ---------------------------------------------------------------------


@pytest.mark.django_db
def test_published_minutes_are_refused_by_every_service(coalition, members):
    authority = members[Role.NATIONAL_AUTHORITY]
    meeting = held_meeting_with_record(coalition, members)
    publish(meeting, authority)
    item = meeting.agenda_items.first()
    participant = meeting.participants.first()
    refused = [
        lambda: services.minutes_save(meeting=meeting, actor=authority, notes="x", item_minutes={}),
        lambda: services.notes_save(meeting=meeting, actor=authority, notes="x"),
        lambda: services.item_minutes_save(item=item, actor=authority, text="x"),
        lambda: services.decision_create(meeting=meeting, actor=authority, text="x"),
        lambda: services.decision_delete(decision=meeting.decisions.first(), actor=authority),
        lambda: services.attendance_record(
            meeting=meeting, actor=authority, attendance={participant.pk: "absent"}
        ),
        lambda: services.agenda_item_create(meeting=meeting, actor=authority, title="x"),
        lambda: services.agenda_item_update(item=item, actor=authority, title="x"),
        lambda: services.agenda_item_delete(item=item, actor=authority),
    ]
    for change in refused:
        with pytest.raises(ValidationError, match="locked"):
            change()
    item.refresh_from_db()
    assert item.title == "Land release figures"
    assert meeting.decisions.count() == 2


@pytest.mark.django_db
def test_published_minutes_are_refused_by_the_forms_and_the_meeting_screen(
    client, coalition, members
):
    authority = members[Role.NATIONAL_AUTHORITY]
    meeting = held_meeting_with_record(coalition, members)
    publish(meeting, authority)
    item = meeting.agenda_items.first()
    client.force_login(members[Role.FACILITATOR])
    response = client.post(url("minutes", meeting), {"notes": "Rewritten"})
    assert "locked" in response.content.decode()
    response = client.post(
        url("hold_item_minutes", meeting, item.pk),
        {f"i{item.pk}-minutes": "Rewritten"},
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 422
    assert "locked" in response.content.decode()
    screen = client.get(url("hold", meeting)).content.decode()
    assert "the minutes are locked" in screen
    assert "hx-post" not in screen.split('id="hold-agenda"')[1].split("</section>")[0]
    page = client.get(url("detail", meeting)).content.decode()
    assert url("minutes", meeting) not in page
    meeting.refresh_from_db()
    assert "Rewritten" not in meeting.notes


# The in-meeting screen -----------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_meeting_screen_saves_each_item_as_people_type(client, coalition, members):
    facilitator = members[Role.FACILITATOR]
    meeting = make_meeting(coalition, facilitator, days=0, send_invitations=False)
    first = services.agenda_item_create(meeting=meeting, actor=facilitator, title="Opening")
    second = services.agenda_item_create(meeting=meeting, actor=facilitator, title="Figures")
    client.force_login(facilitator)
    screen = client.get(url("hold", meeting)).content.decode()
    assert screen.index("1. Opening") < screen.index("2. Figures")
    htmx = {"HX-Request": "true"}
    saved = client.post(
        url("hold_item_minutes", meeting, second.pk),
        {f"i{second.pk}-minutes": "Figures for 2026 agreed."},
        headers=htmx,
    )
    assert saved.status_code == 200
    assert "Saved at" in saved.content.decode()
    client.post(url("hold_notes", meeting), {"notes": "Opened at ten."}, headers=htmx)
    decided = client.post(
        url("hold_decision", meeting, first.pk),
        {f"d{first.pk}-text": "Adopt the workplan", f"d{first.pk}-visibility": "members"},
        headers=htmx,
    )
    assert "Adopt the workplan" in decided.content.decode()
    participant = meeting.participants.get(user=members[Role.OPERATOR])
    client.post(url("hold_attendance", meeting), {f"p{participant.pk}": "present"}, headers=htmx)
    second.refresh_from_db()
    meeting.refresh_from_db()
    participant.refresh_from_db()
    assert second.minutes == "Figures for 2026 agreed."
    assert meeting.notes == "Opened at ten."
    assert Decision.objects.get(meeting=meeting).agenda_item == first
    assert participant.attendance == Participant.Attendance.PRESENT
    # Without script: each form posts and comes back to its item with a notice.
    response = client.post(
        url("hold_item_minutes", meeting, first.pk), {f"i{first.pk}-minutes": "Welcome."}
    )
    assert response.status_code == 302
    assert response.url.endswith(f"hold/#item-{first.pk}")


@pytest.mark.django_db
def test_the_meeting_screen_refuses_bad_input_and_says_so(client, coalition, members):
    facilitator = members[Role.FACILITATOR]
    meeting = make_meeting(coalition, facilitator, days=0)
    item = services.agenda_item_create(meeting=meeting, actor=facilitator, title="Opening")
    client.force_login(facilitator)
    htmx = {"HX-Request": "true"}
    too_long = "x" * (AgendaItem._meta.get_field("minutes").max_length + 1)
    response = client.post(
        url("hold_item_minutes", meeting, item.pk), {f"i{item.pk}-minutes": too_long}, headers=htmx
    )
    assert response.status_code == 422
    assert "Not saved" in response.content.decode()
    response = client.post(url("hold_notes", meeting), {"notes": too_long}, headers=htmx)
    assert response.status_code == 422
    response = client.post(
        url("hold_decision", meeting, item.pk), {f"d{item.pk}-text": ""}, headers=htmx
    )
    assert response.status_code == 422
    assert not meeting.decisions.exists()
    participant = meeting.participants.first()
    for value in ("maybe", ""):
        response = client.post(url("hold_attendance", meeting), {f"p{participant.pk}": value})
        assert response.status_code == 400
    assert client.post(url("hold_attendance", meeting), {}).status_code == 400
    other = make_meeting(coalition, facilitator, days=0)
    foreign = services.agenda_item_create(meeting=other, actor=facilitator, title="Elsewhere")
    response = client.post(
        url("hold_item_minutes", meeting, foreign.pk), {f"i{foreign.pk}-minutes": "x"}
    )
    assert response.status_code == 404
    item.refresh_from_db()
    assert item.minutes == ""


@pytest.mark.django_db
def test_only_minute_takers_open_the_meeting_screen(client, coalition, members, outsider):
    meeting = make_meeting(coalition, members[Role.NATIONAL_AUTHORITY], days=0)
    item = services.agenda_item_create(
        meeting=meeting, actor=members[Role.FACILITATOR], title="Opening"
    )
    posts = [
        (url("hold_attendance", meeting), {}),
        (url("hold_notes", meeting), {"notes": "x"}),
        (url("hold_item_minutes", meeting, item.pk), {f"i{item.pk}-minutes": "x"}),
        (url("hold_decision", meeting, item.pk), {f"d{item.pk}-text": "x"}),
    ]
    for role in (Role.NATIONAL_AUTHORITY, Role.FACILITATOR, Role.SECRETARIAT):
        client.force_login(members[role])
        assert client.get(url("hold", meeting)).status_code == 200, role
    for role in (Role.CHAMPION, Role.DONOR, Role.OPERATOR, Role.OBSERVER):
        client.force_login(members[role])
        assert client.get(url("hold", meeting)).status_code == 403, role
        for address, data in posts:
            assert client.post(address, data).status_code == 403, (role, address)
    client.force_login(outsider)
    assert client.get(url("hold", meeting)).status_code == 404
    for address, data in posts:
        assert client.post(address, data).status_code == 404
    item.refresh_from_db()
    assert item.minutes == "" and not meeting.decisions.exists()


# Preview, publication and corrections -------------------------------------------------------------


@pytest.mark.django_db
def test_preview_shows_both_copies_as_publication_renders_them(client, coalition, members):
    meeting = held_meeting_with_record(coalition, members)
    client.force_login(members[Role.NATIONAL_AUTHORITY])
    page = client.get(url("summary_publish", meeting)).content.decode()
    assert url("summary_preview_members", meeting) in page
    assert url("summary_preview_restricted", meeting) in page
    members_copy = client.get(url("summary_preview_members", meeting))
    restricted_copy = client.get(url("summary_preview_restricted", meeting))
    assert members_copy["Content-Type"] == "application/pdf"
    members_text, restricted_text = (
        pdftotext(members_copy.content),
        pdftotext(restricted_copy.content),
    )
    assert "Land release figures" in members_text
    assert "Closed security briefing" not in members_text
    assert "Review the guarded depot plan" not in members_text
    assert "Closed security briefing" in restricted_text
    assert "Review the guarded depot plan" in restricted_text
    assert "Includes restricted items" in restricted_text
    # Nothing is published by looking.
    meeting.refresh_from_db()
    assert meeting.status == Meeting.Status.HELD


@pytest.mark.django_db
def test_only_publishers_preview_or_correct_the_summary(client, coalition, members, outsider):
    meeting = held_meeting_with_record(coalition, members)
    addresses = [url("summary_preview_members", meeting), url("summary_amend", meeting)]
    for role in (Role.FACILITATOR, Role.CHAMPION, Role.SECRETARIAT, Role.OBSERVER):
        client.force_login(members[role])
        for address in addresses:
            assert client.get(address).status_code == 403, (role, address)
    client.force_login(outsider)
    for address in addresses:
        assert client.get(address).status_code == 404
    client.force_login(members[Role.NATIONAL_AUTHORITY])
    # A correction is of a published summary only.
    assert client.get(url("summary_amend", meeting)).status_code == 404
    planned = make_meeting(coalition, members[Role.NATIONAL_AUTHORITY], days=5)
    assert client.get(url("summary_preview_members", planned)).status_code == 404


@pytest.mark.django_db
def test_a_correction_says_what_changed_and_is_mailed_again(
    client, coalition, members, outbox_messages
):
    authority = members[Role.NATIONAL_AUTHORITY]
    meeting = held_meeting_with_record(coalition, members)
    publish(meeting, authority)
    meeting.refresh_from_db()
    first_round = outbox_messages.count()
    assert first_round == len(members)
    client.force_login(authority)
    secret = meeting.agenda_items.get(title="Closed security briefing")
    form = client.get(url("summary_amend", meeting)).content.decode()
    assert "Convoy routes discussed" in form
    with committed():
        response = client.post(
            url("summary_amend", meeting),
            {
                "note": "The convoy routes were agreed, not only discussed.",
                "notes": meeting.notes,
                f"item{secret.pk}": "Convoy routes agreed",
            },
        )
    assert response.status_code == 302
    summary = Summary.objects.get(meeting=meeting)
    assert summary.revision == 1
    assert summary.state == Summary.State.SENT
    amendment = summary.amendments.get()
    assert amendment.changed_parts == ["Closed security briefing"]
    mails = list(outbox_messages[first_round:])
    assert len(mails) == len(members)
    mail = next(m for m in mails if members[Role.OBSERVER].email in m.recipients)
    assert mail.subject.startswith("Corrected summary (1)")
    assert "The convoy routes were agreed, not only discussed." in mail.text_body()
    ((_name, _type, pdf),) = mail.attachments()
    text = pdftotext(pdf)
    assert "Correction 1" in text
    assert "The convoy routes were agreed" in text
    # The restricted item's new minutes stay in the full copy only.
    assert "Convoy routes agreed" not in text
    authority_mail = next(m for m in mails if authority.email in m.recipients)
    assert "Convoy routes agreed" in pdftotext(authority_mail.attachments()[0][2])
    page = client.get(url("detail", meeting)).content.decode()
    assert "Correction 1" in page
    assert f"Sent to {len(members)} of {len(members)} participants" in page


@pytest.mark.django_db
def test_a_correction_needs_its_note_and_fits_the_limits(client, coalition, members):
    authority = members[Role.NATIONAL_AUTHORITY]
    meeting = held_meeting_with_record(coalition, members)
    publish(meeting, authority)
    client.force_login(authority)
    too_long = "x" * (AgendaItem._meta.get_field("minutes").max_length + 1)
    for data in ({"note": "", "notes": "x"}, {"note": "Typo", "notes": too_long}):
        response = client.post(url("summary_amend", meeting), data)
        assert response.status_code == 422
    assert not Summary.objects.get(meeting=meeting).amendments.exists()
    with pytest.raises(ValidationError):
        services.summary_publish(meeting=meeting, actor=authority)


@pytest.mark.django_db
def test_the_summary_mail_lists_decisions_and_action_points_the_readers_own_first(
    coalition, members, outbox_messages
):
    authority, operator = members[Role.NATIONAL_AUTHORITY], members[Role.OPERATOR]
    meeting = held_meeting_with_record(coalition, members)
    operator_org = coalition.memberships.get(user=operator).organisation
    authority_org = coalition.memberships.get(user=authority).organisation
    due = timezone.localdate() + timedelta(days=20)
    for title, organisation, owner in (
        ("Send the 2026 figures", authority_org, authority),
        ("Clear the northern plots", operator_org, operator),
    ):
        action_services.action_point_create(
            coalition=coalition,
            actor=authority,
            title=title,
            owner_organisation=organisation,
            owner=owner,
            due_date=due,
            meeting=meeting,
        )
    publish(meeting, authority)
    body = outbox_messages.get(to__contains=operator.email).text_body()
    assert "Adopt the prioritisation criteria" in body
    assert "Review the guarded depot plan" not in body  # restricted: not the operator's copy
    assert body.index("Clear the northern plots") < body.index("Send the 2026 figures")
    assert "(the first is yours)" in body
    body = outbox_messages.get(to__contains=authority.email).text_body()
    assert body.index("Send the 2026 figures") < body.index("Clear the northern plots")
    assert "Review the guarded depot plan" in body


@pytest.mark.django_db
def test_send_again_reaches_only_those_not_reached_when_some_failed(coalition, members):
    authority = members[Role.NATIONAL_AUTHORITY]
    meeting = held_meeting_with_record(coalition, members)
    publish(meeting, authority)
    failed = Delivery.objects.filter(meeting=meeting, kind=Delivery.Kind.SUMMARY).first()
    Delivery.objects.filter(pk=failed.pk).update(status="failed")
    count = services.summary_send_again(meeting=meeting, actor=authority, only_unsent=True)
    assert count == 1


# The meeting page ------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_meeting_page_reads_in_the_order_of_the_meeting(client, coalition, members):
    meeting = held_meeting_with_record(coalition, members)
    client.force_login(members[Role.OBSERVER])
    page = client.get(url("detail", meeting)).content.decode()
    order = ["When and where", 'id="agenda-h"', 'id="attendance-h"', 'id="minutes-h"']
    order += ['id="decisions-h"', 'id="map-h"', 'id="summary-h"']
    positions = [page.index(marker) for marker in order]
    assert positions == sorted(positions)
    # An observer changes nothing: no forms, no tokens.
    assert "csrfmiddlewaretoken" not in page.split('id="agenda-h"')[1]


@pytest.mark.django_db
def test_empty_panels_say_so(client, coalition, members):
    meeting = make_meeting(coalition, members[Role.NATIONAL_AUTHORITY], days=5)
    client.force_login(members[Role.OBSERVER])
    page = client.get(url("detail", meeting)).content.decode()
    for text in (
        "The agenda is empty",
        "No documents attached",
        "No minutes yet",
        "No decisions recorded",
        "No action points recorded",
        "The summary is published after the meeting has been held",
    ):
        assert text in page


@pytest.mark.django_db
def test_overdue_action_points_are_flagged_on_the_meeting_page(client, coalition, members):
    authority = members[Role.NATIONAL_AUTHORITY]
    meeting = held_meeting_with_record(coalition, members)
    action_services.action_point_create(
        coalition=coalition,
        actor=authority,
        title="Overdue report",
        owner_organisation=coalition.memberships.get(user=authority).organisation,
        due_date=timezone.localdate() - timedelta(days=3),
        meeting=meeting,
    )
    client.force_login(members[Role.OBSERVER])
    page = client.get(url("detail", meeting)).content.decode()
    assert "1 action point is overdue." in page
    assert 'class="row-overdue"' in page


@pytest.mark.django_db
def test_meeting_page_queries_stay_pinned_with_many_rows(
    client, coalition, members, django_assert_max_num_queries
):
    authority = members[Role.NATIONAL_AUTHORITY]
    meeting = held_meeting_with_record(coalition, members)
    organisation = coalition.memberships.get(user=authority).organisation
    for n in range(40):
        services.agenda_item_create(meeting=meeting, actor=authority, title=f"Item {n}")
        services.decision_create(meeting=meeting, actor=authority, text=f"Decision {n}")
        action_services.action_point_create(
            coalition=coalition,
            actor=authority,
            title=f"Action {n}",
            owner_organisation=organisation,
            due_date=timezone.localdate() + timedelta(days=n - 5),
            meeting=meeting,
            visibility=Visibility.MEMBERS,
        )
    publish(meeting, authority)
    for role in (Role.NATIONAL_AUTHORITY, Role.FACILITATOR, Role.OBSERVER):
        client.force_login(members[role])
        client.get(url("detail", meeting))
        with django_assert_max_num_queries(7):
            assert client.get(url("detail", meeting)).status_code == 200
    client.force_login(members[Role.FACILITATOR])
    with django_assert_max_num_queries(15):
        assert client.get(url("hold", meeting)).status_code == 200
