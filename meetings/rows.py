"""The meetings list's cards and rows, written in Python.

Through the template language each value of a card or row costs a lookup, a filter and an escape;
here each is one string, every value from the database escaped with `html.escape`, the words
translated once per language. They say what templates/meetings/meeting_list.html said: the span
as `{% meeting_when %}` gives it, a past meeting's start as `in_coalition_zone` does.
"""

from collections.abc import Callable, Iterable
from html import escape

from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

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
