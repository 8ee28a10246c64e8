"""An update after the invitations also says when the agenda was reordered (the new order, once
per batch however many moves) and when a document was attached or removed, in plain words, in
the reader's language, naming only the items and documents the reader may see."""

from datetime import UTC, datetime, timedelta
from html import unescape

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from coalitions import permissions as perms
from coalitions.models import Role, Visibility
from meetings import services
from meetings.models import AgendaItem, Meeting, MeetingChange
from tests.fixtures import committed

pytestmark = pytest.mark.django_db

STARTS = datetime(2026, 12, 8, 8, 0, tzinfo=UTC)
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


def invited(coalition, actor, *titles, restricted=()) -> tuple[Meeting, dict]:
    """A meeting whose agenda was built as a draft, then invited: (meeting, items by title)."""
    with committed():
        meeting = services.meeting_create(
            coalition=coalition, actor=actor, title="Coalition meeting", starts_at=STARTS,
            ends_at=STARTS + timedelta(hours=3), venue="Beirut", draft=True,
        )  # fmt: skip
    items = {
        title: services.agenda_item_create(
            meeting=meeting,
            actor=actor,
            title=title,
            visibility=Visibility.RESTRICTED if title in restricted else Visibility.MEMBERS,
        )
        for title in titles
    }
    with committed():
        services.meeting_send_invitations(meeting=meeting, actor=actor)
    return Meeting.objects.get(pk=meeting.pk), items


def attach(meeting, actor, title, visibility=Visibility.MEMBERS):
    return services.document_upload(
        meeting=meeting,
        actor=actor,
        uploaded=SimpleUploadedFile(f"{title}.png", PNG),
        title=title,
        visibility=visibility,
    )


def send_update(meeting, actor) -> int:
    with committed():
        return services.meeting_send_update(meeting=meeting, actor=actor)


def update_to(outbox_messages, person):
    return outbox_messages.filter(subject__startswith="Changed:").get(to__contains=person.email)


def pending(meeting):
    return MeetingChange.objects.filter(meeting=meeting, sequence__isnull=True)


def page_of(client, person, meeting) -> str:
    client.force_login(person)
    url = reverse("meetings:detail", args=[meeting.coalition.slug, meeting.pk])
    return client.get(url).content.decode()


# A new agenda order ------------------------------------------------------------------------------


def test_moves_are_told_once_as_the_new_order(client, coalition, members, outbox_messages):
    authority, observer = members[Role.NATIONAL_AUTHORITY], members[Role.OBSERVER]
    meeting, items = invited(coalition, authority, "Opening", "Land release", "Risk education")
    client.force_login(members[Role.FACILITATOR])
    move = reverse(
        "meetings:agenda_item_move", args=[coalition.slug, meeting.pk, items["Risk education"].pk]
    )
    client.post(move, {"direction": "up"})
    client.post(move, {"direction": "up"}, HTTP_HX_REQUEST="true")
    [change] = pending(meeting)
    assert change.what == MeetingChange.What.AGENDA_REORDERED
    new_order = "1. Risk education, 2. Opening, 3. Land release"
    page = page_of(client, authority, meeting)
    notice = page.split('id="preparation-h"', 1)[1].split("</section>", 1)[0]
    assert f"The agenda order changed:</strong> {new_order}" in notice

    assert send_update(meeting, authority) == len(members)
    mail = update_to(outbox_messages, observer)
    assert f"The agenda order changed: {new_order}" in mail.text_body()
    assert f"<strong>The agenda order changed:</strong> {new_order}" in mail.html_body()
    assert mail.text_body().count("The agenda order changed") == 1
    assert not pending(meeting).exists()

    # Told: the next move starts a new batch from the order the participants now know.
    services.agenda_move(item=items["Land release"], actor=authority, direction="up")
    [change] = pending(meeting)
    assert change.old == [items[t].pk for t in ("Risk education", "Opening", "Land release")]


def test_a_move_on_the_page_brings_the_notice_up_to_date(client, coalition, members):
    """A move by htmx swaps the agenda and, for those who send updates, the notice beside it."""
    authority, facilitator = members[Role.NATIONAL_AUTHORITY], members[Role.FACILITATOR]
    meeting, items = invited(coalition, authority, "Opening", "Land release")
    move = reverse(
        "meetings:agenda_item_move", args=[coalition.slug, meeting.pk, items["Land release"].pk]
    )
    assert 'id="pending-update"' in page_of(client, authority, meeting)

    client.force_login(authority)
    moved = client.post(move, {"direction": "up"}, HTTP_HX_REQUEST="true").content.decode()
    notice = moved.split('id="pending-update"', 1)[1]
    assert notice.startswith(' class="contents" hx-swap-oob="true"')
    assert "The agenda order changed:</strong> 1. Land release, 2. Opening" in notice
    assert moved.index('id="agenda-list"') < moved.index('id="pending-update"')

    back = client.post(move, {"direction": "down"}, HTTP_HX_REQUEST="true").content.decode()
    assert 'id="pending-update"' in back
    assert "Changes the participants have not been told" not in back

    # One who arranges the agenda but sends no updates sees no notice, so none comes with it.
    client.force_login(facilitator)
    moved = client.post(move, {"direction": "up"}, HTTP_HX_REQUEST="true").content.decode()
    assert 'id="agenda-list"' in moved and "pending-update" not in moved


def test_an_agenda_back_in_its_told_order_tells_nothing(client, coalition, members):
    authority = members[Role.NATIONAL_AUTHORITY]
    meeting, items = invited(coalition, authority, "Opening", "Land release", "Risk education")
    opening = items["Opening"]
    services.agenda_move(item=opening, actor=authority, direction="down")
    services.agenda_move(item=opening, actor=authority, direction="down")
    assert pending(meeting).count() == 1
    services.agenda_move(item=opening, actor=authority, direction="up")
    services.agenda_move(item=opening, actor=authority, direction="up")
    assert not pending(meeting).exists()
    # Saving the order as it stands records nothing either.
    services.agenda_reorder(
        meeting=meeting, actor=authority, item_ids=[item.pk for item in items.values()]
    )
    assert not pending(meeting).exists()
    assert "Changes the participants have not been told" not in page_of(client, authority, meeting)
    with pytest.raises(ValidationError, match="Nothing changed"):
        services.meeting_send_update(meeting=meeting, actor=authority)


def test_a_new_order_names_only_the_items_each_reader_may_see(coalition, members, outbox_messages):
    authority, observer, donor = (
        members[Role.NATIONAL_AUTHORITY],
        members[Role.OBSERVER],
        members[Role.DONOR],
    )
    meeting, items = invited(
        coalition, authority, "Opening", "Closed briefing", "Land release",
        restricted=["Closed briefing"],
    )  # fmt: skip
    # The restricted item moves to the top: the order the others see does not change, and they
    # get no update that would name no change.
    services.agenda_move(item=items["Closed briefing"], actor=authority, direction="up")
    send_update(meeting, authority)
    for person in (observer, donor):
        assert not outbox_messages.filter(to__contains=person.email, subject__startswith="Changed")
    assert (
        "The agenda order changed: 1. Closed briefing, 2. Opening, 3. Land release"
        in update_to(outbox_messages, authority).text_body()
    )

    # Then the two items everyone sees swap: told to them without the restricted one.
    outbox_messages.delete()
    services.agenda_reorder(
        meeting=meeting,
        actor=authority,
        item_ids=[items[t].pk for t in ("Land release", "Closed briefing", "Opening")],
    )
    send_update(meeting, authority)
    mail = update_to(outbox_messages, observer)
    assert "The agenda order changed: 1. Land release, 2. Opening" in mail.text_body()
    for body in (mail.text_body(), mail.html_body()):
        assert "Closed briefing" not in body
    assert (
        "The agenda order changed: 1. Land release, 2. Closed briefing, 3. Opening"
        in update_to(outbox_messages, authority).text_body()
    )


def test_a_drafts_agenda_and_documents_change_without_a_record(coalition, members):
    authority = members[Role.NATIONAL_AUTHORITY]
    with committed():
        meeting = services.meeting_create(
            coalition=coalition, actor=authority, title="Draft", starts_at=STARTS,
            ends_at=STARTS + timedelta(hours=2), draft=True,
        )  # fmt: skip
    first = services.agenda_item_create(meeting=meeting, actor=authority, title="Opening")
    services.agenda_item_create(meeting=meeting, actor=authority, title="Close")
    services.agenda_move(item=first, actor=authority, direction="down")
    services.document_delete(document=attach(meeting, authority, "Map"), actor=authority)
    attach(meeting, authority, "Budget")
    assert not MeetingChange.objects.exists()


# Documents ---------------------------------------------------------------------------------------


def test_documents_attached_and_removed_after_the_invitations_are_told(
    client, coalition, members, outbox_messages
):
    authority, observer = members[Role.NATIONAL_AUTHORITY], members[Role.OBSERVER]
    with committed():
        meeting = services.meeting_create(
            coalition=coalition, actor=authority, title="Coalition meeting", starts_at=STARTS,
            ends_at=STARTS + timedelta(hours=3), draft=True,
        )  # fmt: skip
    old_map = attach(meeting, authority, "Old map")
    with committed():
        services.meeting_send_invitations(
            meeting=meeting, actor=authority, confirm_empty_agenda=True
        )
    attach(meeting, authority, "Budget 2027")
    attach(meeting, authority, "Security assessment", Visibility.RESTRICTED)
    services.document_delete(document=old_map, actor=authority)
    # Attached and removed again before anyone was told: nothing to tell.
    services.document_delete(document=attach(meeting, authority, "Wrong file"), actor=authority)
    assert pending(meeting).count() == 3

    notice = page_of(client, authority, meeting).split('id="preparation-h"', 1)[1]
    assert "A document was attached:</strong> Budget 2027" in notice
    assert "A document was removed:</strong> <del>Old map</del>" in notice
    client.force_login(authority)
    with committed():
        client.post(reverse("meetings:send_update", args=[coalition.slug, meeting.pk]))

    mail = update_to(outbox_messages, observer)
    text, html = mail.text_body(), mail.html_body()
    assert "A document was attached: Budget 2027" in text
    assert "A document was removed: Old map" in text
    assert "<strong>A document was attached:</strong> Budget 2027" in html
    for body in (text, html):
        assert "Security assessment" not in body and "Wrong file" not in body
    restricted_reader = update_to(outbox_messages, authority).text_body()
    assert "A document was attached: Security assessment" in restricted_reader
    assert "Wrong file" not in restricted_reader


def test_a_restricted_document_alone_is_told_only_to_those_who_may_see_it(
    coalition, members, outbox_messages
):
    authority = members[Role.NATIONAL_AUTHORITY]
    meeting, _items = invited(coalition, authority, "Opening")
    attach(meeting, authority, "Security assessment", Visibility.RESTRICTED)
    told = send_update(meeting, authority)
    updates = outbox_messages.filter(subject__startswith="Changed:")
    may_see = [
        person
        for person in members.values()
        if perms.VIEW_RESTRICTED in perms.ROLE_PERMISSIONS[person.memberships.get().role]
    ]
    assert told == len(may_see) == updates.count()
    assert {mail.to for mail in updates} == {p.email for p in may_see}
    for mail in updates:
        assert "A document was attached: Security assessment" in mail.text_body()


def test_a_document_removed_after_it_was_told_is_told_as_removed(
    coalition, members, outbox_messages
):
    authority, donor = members[Role.NATIONAL_AUTHORITY], members[Role.DONOR]
    meeting, _items = invited(coalition, authority, "Opening")
    budget = attach(meeting, authority, "Budget 2027")
    send_update(meeting, authority)
    outbox_messages.delete()
    services.document_delete(document=budget, actor=authority)
    send_update(meeting, authority)
    text = update_to(outbox_messages, donor).text_body()
    assert "A document was removed: Budget 2027" in text
    assert "A document was attached" not in text


# In the reader's language ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "language,reordered,attached",
    [
        ("fr", "L'ordre du jour a été réorganisé", "Un document a été joint"),
        ("es", "Los puntos del orden del día cambiaron de orden", "Se adjuntó un documento"),
    ],
)
def test_the_update_says_it_in_the_readers_language(
    coalition, members, outbox_messages, language, reordered, attached
):
    authority, operator = members[Role.NATIONAL_AUTHORITY], members[Role.OPERATOR]
    operator.preferred_language = language
    operator.save(update_fields=["preferred_language"])
    meeting, items = invited(coalition, authority, "Opening", "Land release")
    services.agenda_move(item=items["Land release"], actor=authority, direction="up")
    attach(meeting, authority, "Budget 2027")
    outbox_messages.delete()
    send_update(meeting, authority)
    mail = outbox_messages.get(to__contains=operator.email)
    for body in (mail.text_body(), unescape(mail.html_body())):
        assert reordered in body and "1. Land release, 2. Opening" in body
        assert attached in body and "Budget 2027" in body


# Changes that tell nothing -----------------------------------------------------------------------


def add_then_remove(meeting, actor):
    item = services.agenda_item_create(meeting=meeting, actor=actor, title="Wrong item")
    services.agenda_item_delete(item=item, actor=actor)


def add_edit_then_remove(meeting, actor):
    item = services.agenda_item_create(meeting=meeting, actor=actor, title="Wrong item")
    services.agenda_item_update(item=item, actor=actor, title="Still wrong", presenter="NPA")
    services.agenda_item_delete(item=item, actor=actor)


def add_move_then_remove(meeting, actor):
    item = services.agenda_item_create(meeting=meeting, actor=actor, title="Wrong item")
    services.agenda_move(item=item, actor=actor, direction="up")
    services.agenda_move(item=item, actor=actor, direction="up")
    services.agenda_item_delete(item=item, actor=actor)


def add_restricted_then_remove(meeting, actor):
    item = services.agenda_item_create(
        meeting=meeting, actor=actor, title="Wrong item", visibility=Visibility.RESTRICTED
    )
    services.agenda_item_delete(item=item, actor=actor)


@pytest.mark.parametrize(
    "steps",
    [add_then_remove, add_edit_then_remove, add_move_then_remove, add_restricted_then_remove],
)
def test_an_item_added_and_removed_before_anyone_was_told_leaves_nothing_to_tell(
    client, coalition, members, outbox_messages, steps
):
    authority = members[Role.NATIONAL_AUTHORITY]
    meeting, _items = invited(coalition, authority, "Opening", "Land release")
    outbox_messages.delete()
    steps(meeting, authority)
    assert not pending(meeting).exists()
    assert "Changes the participants have not been told" not in page_of(client, authority, meeting)

    with committed():
        response = client.post(
            reverse("meetings:send_update", args=[coalition.slug, meeting.pk]), follow=True
        )
    assert "Nothing changed since the participants were last told." in response.content.decode()
    assert Meeting.objects.get(pk=meeting.pk).sequence == meeting.sequence
    assert not outbox_messages.exists()


def test_changes_that_cancel_out_are_cleared_without_an_update(
    client, coalition, members, outbox_messages
):
    """A told item renamed and named back again: the changes wait, but tell nobody anything."""
    authority = members[Role.NATIONAL_AUTHORITY]
    meeting, items = invited(coalition, authority, "Opening")
    outbox_messages.delete()
    opening = AgendaItem.objects.get(pk=items["Opening"].pk)
    services.agenda_item_update(item=opening, actor=authority, title="Welcome")
    services.agenda_item_update(item=opening, actor=authority, title="Opening")
    assert pending(meeting).count() == 2
    assert "Changes the participants have not been told" not in page_of(client, authority, meeting)

    with committed():
        response = client.post(
            reverse("meetings:send_update", args=[coalition.slug, meeting.pk]), follow=True
        )
    assert "These changes tell the participants nothing new" in response.content.decode()
    assert not pending(meeting).exists()
    assert Meeting.objects.get(pk=meeting.pk).sequence == meeting.sequence
    assert not outbox_messages.exists()
    with pytest.raises(ValidationError, match="Nothing changed"):
        services.meeting_send_update(meeting=meeting, actor=authority)


def test_a_removed_item_leaves_the_new_order_told_of_the_others(
    coalition, members, outbox_messages
):
    authority, observer = members[Role.NATIONAL_AUTHORITY], members[Role.OBSERVER]
    meeting, items = invited(coalition, authority, "Opening", "Land release", "Close")
    services.agenda_move(item=items["Close"], actor=authority, direction="up")
    services.agenda_move(item=items["Close"], actor=authority, direction="up")
    services.agenda_item_delete(
        item=AgendaItem.objects.get(pk=items["Opening"].pk), actor=authority
    )
    outbox_messages.delete()
    assert send_update(meeting, authority) == len(members)
    text = update_to(outbox_messages, observer).text_body()
    assert "Agenda item removed: Opening" in text
    assert "The agenda order changed: 1. Close, 2. Land release" in text


def test_a_restricted_item_added_is_told_only_to_those_who_may_see_it(
    coalition, members, outbox_messages
):
    authority = members[Role.NATIONAL_AUTHORITY]
    meeting, _items = invited(coalition, authority, "Opening")
    outbox_messages.delete()
    services.agenda_item_create(
        meeting=meeting, actor=authority, title="Closed briefing", visibility=Visibility.RESTRICTED
    )
    told = send_update(meeting, authority)
    may_see = {
        person.email
        for person in members.values()
        if perms.VIEW_RESTRICTED in perms.ROLE_PERMISSIONS[person.memberships.get().role]
    }
    updates = outbox_messages.filter(subject__startswith="Changed:")
    assert told == len(may_see) == updates.count()
    assert {address for mail in updates for address in mail.recipients} == may_see
    for mail in updates:
        assert "Agenda item added: Closed briefing" in mail.text_body()
    assert Meeting.objects.get(pk=meeting.pk).sequence == meeting.sequence + 1
