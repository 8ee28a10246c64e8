"""Other apps add pages to a coalition's navigation, and panels to pages they do not own, here,
from their AppConfig.ready(), so that no app needs to import the app that shows its panel.

Slots in use: "coalition_home" (context function gets request, access), "meeting_detail"
(request, access, meeting=...), "meeting_hold_item" (a panel under each agenda item of the meeting
screen; see `item_panels_for`) and "today" (request, accesses: the person's CoalitionAccess in
every coalition they belong to; see `today_panels_for`). A context function returns a dict for its template, or None to
show nothing, and costs a fixed number of queries.

Parts are the same for what the app sends rather than shows: documents and mails that one app
renders and another fills in. Slots in use: "meeting_summary" (the summary PDF; context function
gets meeting=..., reader_perms=..., the perms of the copy being rendered; template: an HTML
fragment; its context says "holds_restricted": True when it shows a restricted item, for the
copy's footer) and "meeting_invitation" (the invitation mail; meeting=..., recipient=...,
reader_perms=...; template: a name that gets ".txt" and ".html" added for the two bodies).

Every coalition page's context starts from `page_context`: the person's access, the coalition and
the section of the navigation it belongs to.
"""

from collections.abc import Callable
from dataclasses import dataclass

from config.url_tag import cached_reverse


@dataclass(frozen=True)
class Section:
    key: str
    label: str
    url_name: str
    order: int = 50
    perm: str | None = None


@dataclass(frozen=True)
class Panel:
    slot: str
    template: str
    context: Callable
    order: int = 50


@dataclass(frozen=True)
class Part:
    slot: str
    template: str
    context: Callable
    order: int = 50


_sections: dict[str, Section] = {}
_panels: dict[tuple[str, str], Panel] = {}
_parts: dict[tuple[str, str], Part] = {}


def register_section(section: Section) -> None:
    _sections[section.key] = section


def register_panel(panel: Panel) -> None:
    _panels[(panel.slot, panel.template)] = panel


def register_part(part: Part) -> None:
    _parts[(part.slot, part.template)] = part


def page_context(access, section: str | None, **extra) -> dict:
    """The context every page of a coalition starts from: the person's access, the coalition,
    and the section of its navigation the page belongs to."""
    return {"access": access, "coalition": access.coalition, "section": section, **extra}


def sections_for(access) -> list[dict]:
    return [
        {
            "key": s.key,
            "label": s.label,
            "url": cached_reverse(s.url_name, args=[access.coalition.slug]),
        }
        for s in sorted(_sections.values(), key=lambda s: s.order)
        if s.perm is None or access.can(s.perm)
    ]


def panels_for(slot: str, request, access, **kwargs) -> list[dict]:
    """[{"template": ..., "context": {...}}] for `{% include p.template with panel=p.context %}`."""
    rendered = []
    for panel in sorted((p for p in _panels.values() if p.slot == slot), key=lambda p: p.order):
        context = panel.context(request, access, **kwargs)
        if context is not None:
            rendered.append({"template": panel.template, "context": context})
    return rendered


def item_panels_for(slot: str, request, access, *, items: list, **kwargs) -> dict[int, list]:
    """{item pk: [{"template": ..., "context": {...}}]}: panels shown under each of `items`. Each
    context function is called once for all the items and returns {item pk: context}, so what
    it costs does not grow with the items."""
    rendered: dict[int, list] = {item.pk: [] for item in items}
    for panel in sorted((p for p in _panels.values() if p.slot == slot), key=lambda p: p.order):
        contexts = panel.context(request, access, items=items, **kwargs) or {}
        for pk, context in contexts.items():
            rendered[pk].append({"template": panel.template, "context": context})
    return rendered


def today_panels_for(request, accesses: list) -> list[dict]:
    """The Today page's panels, each in a fixed number of queries over all the coalitions."""
    rendered = []
    for panel in sorted((p for p in _panels.values() if p.slot == "today"), key=lambda p: p.order):
        context = panel.context(request, accesses)
        if context is not None:
            rendered.append({"template": panel.template, "context": context})
    return rendered


def parts_for(slot: str, **kwargs) -> list[dict]:
    """[{"template": ..., "context": {...}}] for `{% include p.template with part=p.context %}`."""
    rendered = []
    for part in sorted((p for p in _parts.values() if p.slot == slot), key=lambda p: p.order):
        context = part.context(**kwargs)
        if context is not None:
            rendered.append({"template": part.template, "context": context})
    return rendered
