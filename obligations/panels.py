"""What this app adds to pages and documents it does not own (see coalitions.sections): the
compact panel on the coalition's home page (1 query: the panel is kept rendered per version of the
figures, see status_cache) and the obligations' status with charts in a meeting's summary PDF."""

import logging
from collections import OrderedDict
from threading import Lock

from django.core.cache import cache
from django.template.loader import render_to_string
from django.urls import get_script_prefix, get_urlconf
from django.utils import timezone, translation
from django.utils.safestring import SafeString, mark_safe

from coalitions import permissions as perms

from .selectors import (
    figures_to_validate,
    obligation_statuses_everywhere,
    transparency_reports_for,
)
from .status_cache import CACHE_SECONDS, figures_version, obligation_statuses

logger = logging.getLogger(__name__)


def home_panel_context(request, access) -> dict | None:
    """The coalition home's obligations panel as HTML (obligations/_home_panel.html), the same
    for every member: made once per version of the coalition's figures, day and language."""
    return {"html": home_panel_html(coalition=access.coalition)}


# Rendered panels kept by this process, the least recently used going first; and in the shared
# cache (a few kilobytes of HTML, where the statuses behind them are several times that).
PANELS_KEPT = 512
_panels: OrderedDict = OrderedDict()
_panels_lock = Lock()
PANEL_FORMAT = 1


def home_panel_html(*, coalition) -> SafeString:
    today = timezone.localdate()
    version = figures_version(coalition=coalition)
    language = translation.get_language()
    key = (
        coalition.pk,
        coalition.slug,
        version,
        today,
        language,
        get_urlconf(),
        get_script_prefix(),
    )
    with _panels_lock:
        html = _panels.get(key)
        if html is not None:
            _panels.move_to_end(key)
            return html
    shared_key = (
        f"obligations-home-panel:{PANEL_FORMAT}:{coalition.pk}:{version.hex}:"
        f"{today.isoformat()}:{language}:{get_script_prefix()}{coalition.slug}"
    )
    try:
        html = cache.get(shared_key)
    except Exception:  # the cache server unreachable: the panel is rendered as without a cache
        logger.warning("cache unreachable: obligations panel rendered", exc_info=True)
        html = None
    if not isinstance(html, str):
        statuses = obligation_statuses(coalition=coalition, today=today, version=version)
        html = render_to_string(
            "obligations/_home_panel.html",
            {"panel": {"coalition": coalition, "statuses": statuses, "today": today}},
        )
        try:
            cache.set(shared_key, html, CACHE_SECONDS)
        except Exception:
            logger.warning("cache unreachable: obligations panel not kept", exc_info=True)
    html = mark_safe(html)
    with _panels_lock:
        _panels[key] = html
        while len(_panels) > PANELS_KEPT:
            _panels.popitem(last=False)
    return html


def today_figures_panel(request, accesses) -> dict | None:
    """Figures waiting for the person's validation, where the role table lets them validate."""
    coalition_ids = perms.coalition_ids_with(accesses, perms.VALIDATE_PROGRESS)
    if not coalition_ids:
        return None
    entries = figures_to_validate(coalition_ids=coalition_ids)
    return {"entries": entries, "total": entries[0].total if entries else 0}


def today_obligations_panel(request, accesses) -> dict | None:
    """Each coalition's obligations at a glance: on track, at risk, will miss."""
    if not accesses:
        return None
    today = timezone.localdate()
    found = obligation_statuses_everywhere(
        coalition_ids=[access.coalition.pk for access in accesses], today=today
    )
    rows = []
    for access in accesses:
        statuses = found.get(access.coalition.pk, [])
        reports = transparency_reports_for([s.obligation for s in statuses], today)
        rows.append((access.coalition, statuses, reports, access.can(perms.VIEW_RESTRICTED)))
    return {"rows": rows, "today": today}


def meeting_summary_part(*, meeting, reader_perms: frozenset[str]) -> dict | None:
    """Each obligation with its forecast and chart (inline SVG, which WeasyPrint draws), from the
    status cache as the home page reads them: computed once per version of the figures and
    language, not once per copy. Every member reads them, so the copy's perms change nothing."""
    statuses = obligation_statuses(coalition=meeting.coalition)
    return {"statuses": statuses} if statuses else None
