"""Action points recorded against an agenda item: on the meeting screen under each item, on the
meeting page, in the summary PDF and mail grouped or marked by the item they came from; an item
of another meeting is refused; removing an item keeps its action points, under "Other"."""

import subprocess
import tempfile
from datetime import date, timedelta
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from actions import services
from actions.models import ActionPoint
from coalitions.models import Role, Visibility
from meetings import services as meeting_services
from meetings.summary import FULL_COPY, MEMBERS_COPY, render_summary_pdf
from meetings.tests.factories import held_meeting_with_record, make_meeting
from tests.fixtures import committed

HTMX = {"HX-Request": "true"}


def pdftotext(data: bytes) -> str:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "copy.pdf"
        path.write_bytes(data)
        return subprocess.run(
            ["pdftotext", "-layout", str(path), "-"], capture_output=True, check=True, text=True
        ).stdout


def organisation_of(coalition, user):
    return coalition.memberships.get(user=user).organisation


def add_url(meeting, item):
    return reverse("actions:item_quick_entry", args=[meeting.coalition.slug, meeting.pk, item.pk])


def hold_url(meeting):
    return reverse("meetings:hold", args=[meeting.coalition.slug, meeting.pk])


def detail_url(meeting):
    return reverse("meetings:detail", args=[meeting.coalition.slug, meeting.pk])


def record(coalition, actor, meeting, title, item=None, **fields):
    return services.action_point_create(
        coalition=coalition,
        actor=actor,
        title=title,
        owner_organisation=organisation_of(coalition, actor),
        meeting=meeting,
        agenda_item=item,
        **fields,
    )


@pytest.fixture
def meeting_today(coalition, members):
    facilitator = members[Role.FACILITATOR]
    meeting = make_meeting(coalition, facilitator, days=0, title="Coalition meeting, autumn")
    opening = meeting_services.agenda_item_create(
        meeting=meeting, actor=facilitator, title="Opening"
    )
    figures = meeting_services.agenda_item_create(
        meeting=meeting, actor=facilitator, title="Land release figures"
    )
    return meeting, opening, figures


# The service -------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_an_item_of_another_meeting_is_refused(coalition, members, meeting_today):
    meeting, _opening, _figures = meeting_today
    facilitator = members[Role.FACILITATOR]
    other = make_meeting(coalition, facilitator, days=3, title="Working group")
    elsewhere = meeting_services.agenda_item_create(
        meeting=other, actor=facilitator, title="Elsewhere"
    )
    for meeting_given in (meeting, None):
        with pytest.raises(ValidationError) as refused:
            record(coalition, facilitator, meeting_given, "Misfiled", elsewhere)
        assert refused.value.message_dict == {
            "agenda_item": ["Choose an item of this meeting's agenda."]
        }
    assert not ActionPoint.objects.exists()


@pytest.mark.django_db
def test_removing_an_item_keeps_its_action_points_under_other(
    client, coalition, members, meeting_today
):
    meeting, opening, figures = meeting_today
    facilitator = members[Role.FACILITATOR]
    point = record(coalition, facilitator, meeting, "Share the figures", figures)
    record(coalition, facilitator, meeting, "Welcome the new donor", opening)
    meeting_services.agenda_item_delete(item=figures, actor=facilitator)
    point.refresh_from_db()
    assert (point.meeting_id, point.agenda_item_id) == (meeting.pk, None)
    client.force_login(members[Role.OBSERVER])
    page = client.get(detail_url(meeting)).content.decode()
    panel = page.split('id="meeting-action-points"')[1]
    assert panel.index("Agenda item: Opening") < panel.index("Welcome the new donor")
    assert panel.index("Welcome the new donor") < panel.index("Other action points")
    assert panel.index("Other action points") < panel.index("Share the figures")


@pytest.mark.django_db
def test_moving_an_action_point_to_another_meeting_leaves_its_item(
    coalition, members, meeting_today
):
    meeting, _opening, figures = meeting_today
    facilitator = members[Role.FACILITATOR]
    point = record(coalition, facilitator, meeting, "Share the figures", figures)
    other = make_meeting(coalition, facilitator, days=3, title="Working group")
    services.action_point_edit(action_point=point, actor=facilitator, meeting=other)
    point.refresh_from_db()
    assert (point.meeting_id, point.agenda_item_id) == (other.pk, None)


# The meeting screen ------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_meeting_screen_records_an_action_point_under_its_item(
    client, coalition, members, meeting_today
):
    meeting, opening, figures = meeting_today
    facilitator = members[Role.FACILITATOR]
    operator = members[Role.OPERATOR]
    client.force_login(facilitator)
    screen = client.get(hold_url(meeting)).content.decode()
    assert add_url(meeting, figures) in screen
    assert screen.count("Add an action point") == 2
    # The form is fetched when asked for: in place on the screen, or as a page without script.
    assert 'name="title"' not in screen.split('id="hold-agenda"')[1].split("</section>")[0]
    fetched = client.get(add_url(meeting, figures), headers=HTMX).content.decode()
    assert fetched.startswith(
        f'<div class="hold-action-points" id="item-action-points-{figures.pk}"'
    )
    assert f'id="qe{figures.pk}_title"' in fetched
    page = client.get(add_url(meeting, figures)).content.decode()
    assert "Agenda item: Land release figures" in page
    assert f'value="{hold_url(meeting)}#item-{figures.pk}"' in page
    due = (timezone.localdate() + timedelta(days=30)).isoformat()
    entry = {
        "title": "Send the 2026 figures",
        "owner": str(operator.pk),
        "due_date": due,
        "visibility": "members",
    }
    saved = client.post(add_url(meeting, figures), entry, headers=HTMX)
    assert saved.status_code == 200
    body = saved.content.decode()
    assert f'id="item-action-points-{figures.pk}"' in body
    assert "Recorded: Send the 2026 figures" in body
    # The meeting's own panel on the screen is swapped too, counting the new one.
    meeting_panel = body.split('id="meeting-action-points"')[1]
    assert meeting_panel.startswith(' aria-labelledby="map-h" hx-swap-oob="true">')
    assert "1 action point<" in meeting_panel
    point = ActionPoint.objects.get()
    assert (point.meeting, point.agenda_item, point.owner) == (meeting, figures, operator)
    assert point.owner_organisation == organisation_of(coalition, operator)
    assert point.due_date == date.fromisoformat(due)
    # Without script: back to the item on the screen, with a notice.
    plain = client.post(
        add_url(meeting, opening),
        {**entry, "title": "Welcome the donor", "next": f"{hold_url(meeting)}#item-{opening.pk}"},
    )
    assert plain.status_code == 302
    assert plain.url == f"{hold_url(meeting)}#item-{opening.pk}"
    screen = client.get(hold_url(meeting)).content.decode()
    opening_part = screen.split(f'id="item-{opening.pk}"')[1].split(f'id="item-{figures.pk}"')[0]
    assert "Welcome the donor" in opening_part
    assert "Send the 2026 figures" not in opening_part
    assert "Send the 2026 figures" in screen.split(f'id="item-{figures.pk}"')[1]


@pytest.mark.django_db
def test_the_item_form_refuses_bad_input_and_another_meetings_item(
    client, coalition, members, meeting_today
):
    meeting, _opening, figures = meeting_today
    facilitator = members[Role.FACILITATOR]
    client.force_login(facilitator)
    empty = client.post(add_url(meeting, figures), {"title": ""}, headers=HTMX)
    assert empty.status_code == 422
    assert 'role="alert"' in empty.content.decode()
    plain = client.post(add_url(meeting, figures), {"title": ""})
    assert plain.status_code == 422
    assert "Agenda item: Land release figures" in plain.content.decode()
    other = make_meeting(coalition, facilitator, days=3, title="Working group")
    elsewhere = meeting_services.agenda_item_create(
        meeting=other, actor=facilitator, title="Elsewhere"
    )
    entry = {
        "title": "Misfiled",
        "owner_organisation": str(organisation_of(coalition, facilitator).pk),
        "visibility": "members",
    }
    refused = client.post(add_url(meeting, elsewhere), entry, headers=HTMX)
    assert refused.status_code == 422
    assert "Choose an item of this meeting&#x27;s agenda." in refused.content.decode()
    assert not ActionPoint.objects.exists()


@pytest.mark.django_db
def test_only_those_who_record_action_points_use_the_item_form(
    client, coalition, members, outsider, meeting_today
):
    meeting, _opening, figures = meeting_today
    entry = {
        "title": "Not theirs",
        "owner_organisation": str(coalition.national_authority_id),
        "visibility": "members",
    }
    for role in (Role.DONOR, Role.OPERATOR, Role.OBSERVER):
        client.force_login(members[role])
        assert client.post(add_url(meeting, figures), entry).status_code == 403, role
        assert client.get(add_url(meeting, figures)).status_code == 403, role
    client.force_login(outsider)
    assert client.post(add_url(meeting, figures), entry).status_code == 404
    assert client.get(add_url(meeting, figures)).status_code == 404
    assert not ActionPoint.objects.exists()
    # The champion records action points without taking the minutes: the form answers it.
    client.force_login(members[Role.CHAMPION])
    assert client.post(add_url(meeting, figures), entry).status_code == 302
    assert ActionPoint.objects.get().agenda_item == figures


@pytest.mark.django_db
def test_the_item_form_is_closed_once_the_summary_is_published(client, coalition, members):
    authority = members[Role.NATIONAL_AUTHORITY]
    meeting = held_meeting_with_record(coalition, members)
    item = meeting.agenda_items.get(title="Land release figures")
    with committed():
        meeting_services.summary_publish(meeting=meeting, actor=authority)
    client.force_login(members[Role.FACILITATOR])
    screen = client.get(hold_url(meeting)).content.decode()
    assert add_url(meeting, item) not in screen
    assert "record corrections as an amendment" in screen
    page = client.get(add_url(meeting, item))
    assert page.status_code == 200
    assert "record corrections as an amendment" in page.content.decode()
    assert 'name="title"' not in page.content.decode()
    entry = {
        "title": "Late",
        "owner_organisation": str(coalition.national_authority_id),
        "visibility": "members",
    }
    for headers in (HTMX, {}):
        response = client.post(add_url(meeting, item), entry, headers=headers)
        assert response.status_code == 422
        assert "record corrections as an amendment" in response.content.decode()
    assert not ActionPoint.objects.exists()


# Pages, PDF and mail -----------------------------------------------------------------------------


def _meeting_with_points(coalition, members, count: int):
    """A held meeting with `count` extra items, an action point under each, and one without."""
    facilitator = members[Role.FACILITATOR]
    meeting = held_meeting_with_record(coalition, members)
    for n in range(count):
        item = meeting_services.agenda_item_create(
            meeting=meeting, actor=facilitator, title=f"Item {n}"
        )
        record(
            coalition,
            facilitator,
            meeting,
            f"Action {n}",
            item,
            due_date=timezone.localdate() + timedelta(days=n - 2),
        )
    record(coalition, facilitator, meeting, "Action without an item")
    return meeting


@pytest.mark.django_db
@pytest.mark.parametrize("count", [2, 12])
def test_hold_and_meeting_page_queries_do_not_grow_with_items_and_points(
    client, coalition, members, count, django_assert_max_num_queries
):
    meeting = _meeting_with_points(coalition, members, count)
    client.force_login(members[Role.FACILITATOR])
    client.get(hold_url(meeting))
    with django_assert_max_num_queries(16):
        screen = client.get(hold_url(meeting))
    assert screen.content.decode().count("Add an action point") == count + 2
    for role in (Role.FACILITATOR, Role.OBSERVER):
        client.force_login(members[role])
        client.get(detail_url(meeting))
        with django_assert_max_num_queries(15):
            page = client.get(detail_url(meeting))
        assert f"Agenda item: Item {count - 1}" in page.content.decode()


@pytest.mark.django_db
def test_the_summary_pdf_lists_action_points_under_their_items(coalition, members):
    facilitator = members[Role.FACILITATOR]
    meeting = held_meeting_with_record(coalition, members)
    figures = meeting.agenda_items.get(title="Land release figures")
    secret = meeting.agenda_items.get(title="Closed security briefing")
    record(coalition, facilitator, meeting, "Send the 2026 figures", figures)
    record(coalition, facilitator, meeting, "Brief the convoy leads", secret)
    record(coalition, facilitator, meeting, "Book the next venue")
    full = " ".join(pdftotext(render_summary_pdf(meeting, FULL_COPY)).split())
    order = [
        "Agenda item: Land release figures",
        "Send the 2026 figures",
        "Agenda item: Closed security briefing",
        "Brief the convoy leads",
        "Other action points",
        "Book the next venue",
    ]
    positions = [full.index(text) for text in order]
    assert positions == sorted(positions)
    # Members do not learn the restricted item's title: its action point falls under "Other".
    members_copy = " ".join(pdftotext(render_summary_pdf(meeting, MEMBERS_COPY)).split())
    assert "Closed security briefing" not in members_copy
    assert members_copy.index("Other action points") < members_copy.index("Brief the convoy leads")


@pytest.mark.django_db
def test_the_summary_mail_says_which_item_each_action_point_came_from(
    coalition, members, outbox_messages
):
    authority, operator = members[Role.NATIONAL_AUTHORITY], members[Role.OPERATOR]
    meeting = held_meeting_with_record(coalition, members)
    figures = meeting.agenda_items.get(title="Land release figures")
    secret = meeting.agenda_items.get(title="Closed security briefing")
    services.action_point_create(
        coalition=coalition,
        actor=authority,
        title="Clear the northern plots",
        owner_organisation=organisation_of(coalition, operator),
        owner=operator,
        meeting=meeting,
        agenda_item=secret,
        visibility=Visibility.MEMBERS,
    )
    record(coalition, authority, meeting, "Send the 2026 figures", figures)
    with committed():
        meeting_services.summary_publish(meeting=meeting, actor=authority)
    body = outbox_messages.get(to__contains=operator.email).text_body()
    # The operator's own first, without the restricted item's title; then the figures.
    assert body.index("Clear the northern plots") < body.index("Send the 2026 figures")
    assert "Closed security briefing" not in body
    assert "Send the 2026 figures" in body
    line = next(row for row in body.splitlines() if "Send the 2026 figures" in row)
    assert line.endswith("Agenda item: Land release figures")
    authority_body = outbox_messages.get(to__contains=authority.email).text_body()
    line = next(row for row in authority_body.splitlines() if "Clear the northern plots" in row)
    assert line.endswith("Agenda item: Closed security briefing")
