"""The rows of the action point lists, written in Python.

A list page shows 25 rows of a dozen values each; through the template language each value costs
a lookup, a filter and an escape, which made the rows most of the page's time. Here each row is
one string, every value from the database escaped with `html.escape`, the labels translated once
per page. A row says what the templates would: dates as "j M Y" (Django's `date` filter, in the
reader's time zone and language).
"""

from html import escape

from django.middleware.csrf import get_token
from django.utils import timezone
from django.utils.dates import MONTHS_3
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from config.per_language import per_language

from .models import ActionPoint

OVERDUE_CLASS = ' class="ap-overdue"'
ROW_OVERDUE_CLASS = ' class="row-overdue"'


class _Dates:
    """ "j M Y" as Django's date filter writes it, the month names looked up once per page."""

    def __init__(self):
        self.months: dict[int, str] = {}
        self.zone = timezone.get_current_timezone()

    def __call__(self, value) -> str:
        if hasattr(value, "tzinfo"):  # a moment: its date where the reader is
            value = timezone.localtime(value, self.zone)
        month = self.months.get(value.month)
        if month is None:
            month = self.months[value.month] = escape(str(MONTHS_3[value.month]).title())
        return f"{value.day} {month} {value.year}"


@per_language
def _labels() -> dict:
    """The rows' words, escaped: made once per language."""
    return {
        "overdue": f' <span class="badge badge-overdue">{escape(_("Overdue"))}</span>',
        "restricted": (
            ' <span class="badge" title="'
            f'{escape(_("Restricted: authority, champion, facilitator, secretariat"))}">'
            f"{escape(_('Restricted'))}</span>"
        ),
        "status_of": escape(_("Status of")),
        "set": escape(_("Set")),
        "saved": f' <span class="small ap-saved" role="status">{escape(_("Saved"))}</span>',
        "none": f'<span class="muted">{escape(_("none"))}</span>',
        "statuses": {value: escape(label) for value, label in ActionPoint.Status.choices},
    }


def list_rows(request, rows, *, across: bool = False, next_url: str | None = None) -> SafeString:
    """The <tr> of each action point in `rows` (`actions.selectors.ActionPointRow`), as the list
    pages and the htmx answer show them.

    Each row carries what `actions.views._prepare_rows` set: coalition_name, url, overdue,
    can_update and, where the reader may change the status, status_url and status_options
    (already safe HTML).
    """
    labels = _labels()
    dates = _Dates()
    # Rendered outside a request (no form can then be sent), the rows carry no token.
    token = escape(get_token(request)) if request is not None else ""
    hidden = (
        f'<input type="hidden" name="csrfmiddlewaretoken" value="{token}">'
        + (f'<input type="hidden" name="next" value="{escape(next_url)}">' if next_url else "")
        + ('<input type="hidden" name="across" value="1">' if across else "")
    )
    html = []
    for item in rows:
        pk, title = item.pk, escape(item.title)
        meeting, owner = item.meeting_title, item.owner_name
        if getattr(item, "can_update", False):
            url = escape(item.status_url)
            status = (
                f'<form method="post" action="{url}" hx-post="{url}" hx-target="#ap-{pk}" '
                f'hx-swap="outerHTML" class="ap-status-form">{hidden}'
                f'<label class="visually-hidden" for="ap-st-{pk}">{labels["status_of"]} {title}'
                f'</label><select id="ap-st-{pk}" name="status" class="ap-{escape(item.status)}">'
                f'{item.status_options}</select> <button type="submit">{labels["set"]}</button>'
                "</form>"
            )
        else:
            status = (
                f'<span class="status ap-status ap-{escape(item.status)}">'
                f"{labels['statuses'].get(item.status, escape(item.status))}</span>"
            )
        if getattr(item, "saved", False):
            status += labels["saved"]
        for error in getattr(item, "errors", ()):
            status += f'<p class="errorlist small" role="alert">{escape(str(error))}</p>'
        if item.due_date:
            due = dates(item.due_date) + (labels["overdue"] if item.overdue else "")
        else:
            due = '<span class="muted">—</span>'
        last_update = getattr(item, "last_update_at", None)
        html.append(
            f'<tr id="ap-{pk}"{OVERDUE_CLASS if item.overdue else ""}>\n'
            + (f"<td>{escape(item.coalition_name)}</td>" if across else "")
            + f'<td><a href="{escape(item.url)}">{title}</a>'
            + (labels["restricted"] if item.visibility == "restricted" else "")
            + (
                f'<br><span class="muted small">{escape(meeting)}</span>'
                if meeting is not None
                else ""
            )
            + f"</td>\n<td>{escape(item.owner_organisation_name)}"
            + (f'<br><span class="muted small">{escape(owner)}</span>' if owner is not None else "")
            + f"</td>\n<td>{due}</td>\n<td>{status}</td>\n<td>"
            + (dates(last_update) if last_update else labels["none"])
            + "</td>\n</tr>\n"
        )
    return mark_safe("".join(html))


def meeting_panel_rows(groups, *, grouped: bool, item_url: str) -> SafeString:
    """The <tbody> of each group of `actions.selectors.by_agenda_item` in the meeting's panel
    (the meeting page, the meeting screen and the meeting's action point page), headed by its
    agenda item when `grouped`; each action point carries `overdue`."""
    labels = _labels()
    dates = _Dates()
    url = escape(item_url)
    html = []
    for group in groups:
        html.append("<tbody>" if html else "    <tbody>")
        if grouped:
            # As the templates wrote it: the title escaped, the catalogue's own words as they are.
            heading = (
                _("Agenda item: %(title)s") % {"title": escape(group.item.title)}
                if group.item
                else _("Other action points")
            )
            html.append(
                f'\n      <tr class="ap-group"><th scope="colgroup" colspan="4">{heading}</th></tr>'
            )
        html.append("\n")
        for item in group.points:
            owner = item.owner
            due = dates(item.due_date) if item.due_date else "—"
            html.append(
                f"      <tr{ROW_OVERDUE_CLASS if item.overdue else ''}>"
                f'<td><a href="{url}{item.pk}/">{escape(item.title)}</a></td>\n'
                f"        <td>{escape(str(item.owner_organisation))}"
                + (f'<br><span class="muted small">{escape(owner.name)}</span>' if owner else "")
                + f"</td>\n        <td>{due}</td>\n"
                f'        <td><span class="status ap-status ap-{escape(item.status)}">'
                f"{labels['statuses'].get(item.status, escape(item.status))}</span>"
                + (labels["overdue"] if item.overdue else "")
                + (labels["restricted"] if item.visibility == "restricted" else "")
                + "</td></tr>\n"
            )
        html.append("</tbody>")
    return mark_safe("".join(html))
