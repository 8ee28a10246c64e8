"""What an update mail says changed: the told changes of one batch, folded to one line per field,
agenda item or document (first old value, last new one), in the reader's language and time zones,
and only the agenda items and documents the reader may see; a new agenda order is told as the
order of the items the reader may see, and only when that order changed."""

from collections.abc import Callable, Iterable
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


def same_order(first: list[int], second: list[int]) -> bool:
    """Whether the items both lists hold come in the same order in each (an item added or
    removed meanwhile is told on its own, not as a new order)."""
    common = set(first) & set(second)
    return [pk for pk in first if pk in common] == [pk for pk in second if pk in common]


def _key(change: MeetingChange) -> tuple:
    if change.agenda_item_id:
        return ("agenda", change.agenda_item_id)
    if change.document_id:
        return ("document", change.document_id)
    return (change.what,)


def _fold(changes: Iterable[MeetingChange]) -> list[tuple[str, object, object]]:
    """(what, first old, last new) per field, agenda item and document, in the order first
    changed; an item added and removed in the same batch is not told at all."""
    folded: dict[tuple, list] = {}
    for change in changes:
        key = _key(change)
        if key not in folded:
            folded[key] = [change.what, change.old, change.new]
            continue
        entry = folded[key]
        entry[2] = change.new
        if change.what == What.AGENDA_REMOVED:
            entry[0] = None if entry[0] == What.AGENDA_ADDED else What.AGENDA_REMOVED
    return [tuple(entry) for entry in folded.values() if entry[0] and entry[1] != entry[2]]


def _order(old: list[int], new: list[int], agenda: Iterable[AgendaItem]) -> str:
    """The new order of the items the reader may see ("1. …, 2. …"), or "" when their order is
    the one the reader knows."""
    titles = {item.pk: item.title for item in agenda}
    shown = [pk for pk in new if pk in titles]
    if same_order([pk for pk in old if pk in titles], shown):
        return ""
    return ", ".join(f"{number}. {titles[pk]}" for number, pk in enumerate(shown, start=1))


def changes_for_reader(
    changes: Iterable[MeetingChange],
    *,
    reader_perms: frozenset[str],
    coalition_zone: str,
    reader_zone: str | None,
    agenda: Callable[[], Iterable[AgendaItem]] = tuple,
) -> list[dict]:
    """[{"label", "old", "new"}]: `old` empty for an added item, `new` empty for a removed one.

    `agenda` gives the meeting's agenda items the reader may see, in their order now; it is read
    only to tell a new order, which names them."""
    visible = perms.visibilities_for(reader_perms)
    lines = []
    for what, old, new in _fold(c for c in changes if c.visibility in visible):
        if what == What.AGENDA_REORDERED:
            order = _order(old, new, agenda())
            if order:
                lines.append({"label": _("The agenda order changed"), "old": "", "new": order})
        elif what == What.DOCUMENT_ADDED:
            lines.append({"label": _("A document was attached"), "old": "", "new": new["title"]})
        elif what == What.DOCUMENT_REMOVED:
            lines.append({"label": _("A document was removed"), "old": old["title"], "new": ""})
        elif what == What.TIME:
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
