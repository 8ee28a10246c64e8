"""Other apps add their pages to a coalition's navigation and panels to its home page here,
from their AppConfig.ready(), so the coalition app does not need to know them."""

from collections.abc import Callable
from dataclasses import dataclass

from django.urls import reverse


@dataclass(frozen=True)
class Section:
    key: str
    label: str
    url_name: str
    order: int = 50
    perm: str | None = None


@dataclass(frozen=True)
class HomePanel:
    template: str
    context: Callable  # (request, access) -> dict; a fixed number of queries
    order: int = 50


_sections: dict[str, Section] = {}
_panels: dict[str, HomePanel] = {}


def register_section(section: Section) -> None:
    _sections[section.key] = section


def register_home_panel(panel: HomePanel) -> None:
    _panels[panel.template] = panel


def sections_for(access) -> list[dict]:
    return [
        {"key": s.key, "label": s.label, "url": reverse(s.url_name, args=[access.coalition.slug])}
        for s in sorted(_sections.values(), key=lambda s: s.order)
        if s.perm is None or access.can(s.perm)
    ]


def home_panels_for(request, access) -> list[dict]:
    panels = []
    for panel in sorted(_panels.values(), key=lambda p: p.order):
        context = panel.context(request, access)
        if context is not None:
            panels.append({"template": panel.template, "context": context})
    return panels
