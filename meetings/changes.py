"""What an update mail says changed: the told changes of one batch, folded to one line per field
or agenda item (first old value, last new one), in the reader's language and time zones, and
only the agenda items the reader may see."""

from collections.abc import Iterable
from datetime import datetime

from django.utils.translation import gettext as _

from coalitions import permissions as perms

from . import timefmt
from .models import AgendaItem, MeetingChange

What = MeetingChange.What


def _when(value: dict, coalition_zone: str, reader_zone: str | None) -> str:
    return timefmt.format_span_for_reader(
        datetime.fromisoformat(value["starts_at"]),
        datetime.fromisoformat(value["ends_at"]),
        coalition_zone,
        reader_zone,
    )


def _item(value: dict) -> str:
    details = [str(AgendaItem.Topic(value["topic"]).label)] if value.get("topic") else []
    if value.get("presenter"):
        details.append(value["presenter"])
    if value.get("duration_minutes"):
        details.append(_("%(n)s min") % {"n": value["duration_minutes"]})
    return f"{value['title']} ({', '.join(details)})" if details else value["title"]


def _fold(changes: Iterable[MeetingChange]) -> list[tuple[str, object, object]]:
    """(what, first old, last new) per field and per agenda item, in the order first changed;
    an item added and removed in the same batch is not told at all."""
    folded: dict[tuple, list] = {}
    for change in changes:
        key = (change.agenda_item_id,) if change.agenda_item_id else (change.what,)
        if key not in folded:
            folded[key] = [change.what, change.old, change.new]
            continue
        entry = folded[key]
        entry[2] = change.new
        if change.what == What.AGENDA_REMOVED:
            entry[0] = None if entry[0] == What.AGENDA_ADDED else What.AGENDA_REMOVED
    return [tuple(entry) for entry in folded.values() if entry[0] and entry[1] != entry[2]]


def changes_for_reader(
    changes: Iterable[MeetingChange],
    *,
    reader_perms: frozenset[str],
    coalition_zone: str,
    reader_zone: str | None,
) -> list[dict]:
    """[{"label", "old", "new"}]: `old` empty for an added item, `new` empty for a removed one."""
    visible = perms.visibilities_for(reader_perms)
    lines = []
    for what, old, new in _fold(c for c in changes if c.visibility in visible):
        if what == What.TIME:
            lines.append(
                {
                    "label": _("Time"),
                    "old": _when(old, coalition_zone, reader_zone),
                    "new": _when(new, coalition_zone, reader_zone),
                }
            )
        elif what in (What.TITLE, What.VENUE, What.ONLINE_LINK):
            lines.append({"label": What(what).label, "old": old or "—", "new": new or "—"})
        elif what == What.AGENDA_ADDED:
            lines.append({"label": _("Agenda item added"), "old": "", "new": _item(new)})
        elif what == What.AGENDA_REMOVED:
            lines.append({"label": _("Agenda item removed"), "old": _item(old), "new": ""})
        else:
            lines.append({"label": _("Agenda item changed"), "old": _item(old), "new": _item(new)})
    return lines
