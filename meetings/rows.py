"""The meetings list's cards and rows, and the meeting page's lists (agenda, participants,
minutes, decisions), written in Python.

Through the template language each value of a card or row costs a lookup, a filter and an escape
(a meeting of forty agenda items showed some six hundred values); here each is one string, every
value from the database escaped with `html.escape`, the words translated once per list or
language. They say what the templates said: for the list, templates/meetings/meeting_list.html
(the span as `{% meeting_when %}` gives it, a past meeting's start as `in_coalition_zone` does);
for the meeting page, the markup its templates wrote before (actions/rows.py does the same for
the action point lists).
"""

from collections.abc import Callable, Iterable
from html import escape

from django.core.paginator import Page
from django.utils import timezone
from django.utils.html import linebreaks
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import normalize_newlines
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from coalitions.models import Visibility
from config.per_language import per_language
from config.url_tag import cached_reverse

from . import timefmt
from .models import Meeting


@per_language
def _labels() -> dict:
    """The cards' and rows' words, escaped: made once per language."""
    return {
        "kinds": {value: escape(label) for value, label in Meeting.Kind.choices},
        "statuses": {value: escape(label) for value, label in Meeting.Status.choices},
        "draft": escape(_("Draft — invitations not sent")),
        "online": escape(_("Online")),
    }


def _detail_url(slug: str) -> Callable[[int], str]:
    """The address of each meeting's page: reversed once, not once per meeting."""
    head, tail = cached_reverse("meetings:detail", args=[slug, 0]).rsplit("/0/", 1)
    return lambda pk: f"{head}/{pk}/{tail}"


def _is_draft(meeting: Meeting) -> bool:
    return meeting.status == Meeting.Status.PLANNED and meeting.invitations_sent_at is None


def _status(meeting: Meeting, labels: dict) -> str:
    label = labels["draft"] if _is_draft(meeting) else labels["statuses"][meeting.status]
    return f'<span class="status {Meeting.STATUS_CSS[meeting.status]}">{label}</span>'


def upcoming_cards(request, meetings: Iterable[Meeting], *, coalition) -> SafeString:
    """The <li> card of each coming meeting, its time also in the reader's zone."""
    labels, url = _labels(), _detail_url(coalition.slug)
    coalition_zone = coalition.timezone or "UTC"
    reader_zone = getattr(request.user, "timezone", None) or timezone.get_current_timezone_name()
    html = []
    for meeting in meetings:
        draft = f" {_status(meeting, labels)}" if _is_draft(meeting) else ""
        when = timefmt.format_span_for_reader(
            meeting.starts_at, meeting.ends_at, coalition_zone, reader_zone
        )
        venue = escape(meeting.venue) if meeting.venue else labels["online"]
        html.append(
            '\n  <li class="card">\n'
            f'    <h3><a href="{url(meeting.pk)}">{escape(meeting.title)}</a></h3>\n'
            f'    <p><span class="badge">{labels["kinds"][meeting.kind]}</span>{draft}</p>\n'
            f"    <p>{escape(when)}</p>\n"
            f'    <p class="muted">{venue}</p>\n'
            "  </li>\n  "
        )
    return mark_safe("".join(html))


def past_rows(meetings: Iterable[Meeting], *, coalition) -> SafeString:
    """The <tr> of each past, held or cancelled meeting."""
    labels, url = _labels(), _detail_url(coalition.slug)
    zone = coalition.timezone if isinstance(coalition.timezone, str) else ""
    html = []
    for meeting in meetings:
        html.append(
            "\n    <tr>\n"
            f'      <td><a href="{url(meeting.pk)}">{escape(meeting.title)}</a></td>\n'
            f"      <td>{escape(timefmt.format_moment(meeting.starts_at, zone))}</td>\n"
            f"      <td>{labels['kinds'][meeting.kind]}</td>\n"
            f"      <td>{meeting.agenda_count}</td>\n"
            f"      <td>{_status(meeting, labels)}</td>\n"
            "    </tr>\n  "
        )
    return mark_safe("".join(html))


# The meeting page ---------------------------------------------------------------------------


def _restricted_badge() -> str:
    return f'<span class="badge">{escape(_("restricted"))}</span>'


def agenda_rows(agenda: Page, *, meeting_url: str, edit_agenda: bool) -> SafeString:
    """The <li> of each agenda item on the page `agenda`; with the move, edit and remove tools
    when the reader may change the agenda (`edit_agenda`)."""
    restricted = _restricted_badge()
    url = escape(meeting_url)
    if edit_agenda:
        move_up, move_down = escape(_("Move up")), escape(_("Move down"))
        edit, remove = escape(_("Edit")), escape(_("Remove"))
        number = agenda.number
        has_previous, has_next = agenda.has_previous(), agenda.has_next()
    minutes_labels: dict[int, str] = {}
    items = list(agenda)
    last = len(items) - 1
    html = []
    for index, item in enumerate(items):
        title = escape(item.title)
        duration = item.duration_minutes
        minutes = minutes_labels.get(duration)
        if minutes is None:
            minutes = minutes_labels[duration] = escape(
                ngettext("%(n)s minute", "%(n)s minutes", duration) % {"n": duration}
            )
        presenter = f" · {escape(item.presenter)}" if item.presenter else ""
        html.append(
            '  <li class="agenda-item">\n    <div class="agenda-main">\n'
            f'      <span class="agenda-num">{index + agenda.start_index()}.</span> '
            f"<strong>{title}</strong>\n"
            f'      <span class="muted small">{escape(str(item.get_topic_display()))}'
            f"{presenter} · {minutes}</span>\n"
            + (f"      {restricted}\n" if item.visibility == Visibility.RESTRICTED else "")
            + "    </div>\n"
        )
        if edit_agenda:
            move = f"{url}agenda/{item.pk}/move/?agenda={number}"
            buttons = []
            if index > 0 or has_previous:
                buttons.append(_move_button(move, "up", "↑", move_up, title))
            if index < last or has_next:
                buttons.append(_move_button(move, "down", "↓", move_down, title))
            html.append(
                '    <div class="agenda-tools">\n'
                + "".join(buttons)
                + f'      <a href="{url}agenda/{item.pk}/edit/">{edit}'
                f'<span class="visually-hidden"> {title}</span></a>\n'
                f'      <a class="danger" href="{url}agenda/{item.pk}/delete/">{remove}'
                f'<span class="visually-hidden"> {title}</span></a>\n'
                "    </div>\n"
            )
        html.append("  </li>\n")
    return mark_safe("".join(html))


def _move_button(move: str, direction: str, arrow: str, label: str, title: str) -> str:
    return (
        f'      <button type="submit" name="direction" value="{direction}" formaction="{move}" '
        f'hx-post="{move}" hx-target="#agenda-list" hx-swap="outerHTML" title="{label}">'
        f'{arrow}<span class="visually-hidden"> {label}: {title}</span></button>\n'
    )


def participant_rows(participants) -> SafeString:
    """The <tr> of each participant: name, organisation and attendance."""
    html = []
    for p in participants:
        html.append(
            f"      <tr><td>{escape(p.user.name)}</td><td>{escape(p.organisation.name)}</td>\n"
            f'        <td><span class="status {p.attendance_css}">'
            f"{escape(str(p.get_attendance_display()))}</span></td></tr>\n"
        )
    return mark_safe("".join(html))


def decision_rows(decisions, *, meeting_url: str, edit_minutes: bool) -> SafeString:
    """The <li> of each decision, with its agenda item, and its remove link for those who edit
    the minutes."""
    restricted = _restricted_badge()
    url = escape(meeting_url)
    remove = escape(_("Remove")) if edit_minutes else ""
    html = []
    for d in decisions:
        text = escape(normalize_newlines(d.text)).replace("\n", "<br>")
        html.append(
            f"    <li>{text}\n"
            + (
                f'      <span class="muted small">· {escape(d.agenda_item.title)}</span>\n'
                if d.agenda_item_id
                else ""
            )
            + (f"      {restricted}\n" if d.visibility == Visibility.RESTRICTED else "")
            + (
                f'      <a class="danger small" href="{url}decisions/{d.pk}/delete/">{remove}</a>'
                if edit_minutes
                else ""
            )
            + "</li>\n"
        )
    return mark_safe("".join(html))


def minutes_blocks(minutes) -> SafeString:
    """Each agenda item's minutes under its number and title."""
    return mark_safe(
        "".join(
            f"    <h3>{item.number}. {escape(item.title)}</h3>\n"
            f'    <div class="minutes-text">{linebreaks(item.minutes, autoescape=True)}</div>\n'
            for item in minutes
        )
    )
