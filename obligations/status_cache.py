"""A coalition's obligation statuses (forecasts and SVG charts), computed once per version of its
figures and kept in Django's cache (Redis in production, each process's memory otherwise).

Every write to an obligation, an extension request, an indicator or a progress figure gives the
coalition's `FiguresVersion` row a new random version in the writer's own transaction (the signals
below; bulk writes call `figures_changed` themselves). The cache key holds the coalition, that
version, the day the forecasts are made for and the language of the charts' text, so a reader is
never handed figures older than the database's, nor another coalition's. What is kept is the same
for every member: no status depends on the reader's role, and every link or button a role adds is
rendered per request by the templates.
"""

import logging
from datetime import date
from uuid import UUID, uuid4

from django.core.cache import cache
from django.db.models import QuerySet
from django.db.models.signals import post_delete, post_save
from django.utils import timezone, translation

from coalitions.models import Coalition
from config.compiled_query import CompiledQueries

from .models import ExtensionRequest, FiguresVersion, Indicator, Obligation, ProgressEntry
from .selectors import ObligationStatus, obligation_status_list

logger = logging.getLogger(__name__)

# Bumped whenever what is kept changes shape, so a new release never reads an older one's entries.
CACHE_FORMAT = 1
# The day is part of the key; a day's entries are not needed after it.
CACHE_SECONDS = 24 * 60 * 60


def figures_changed(*, coalition_id: int) -> None:
    """Gives the coalition's figures a new version (one statement: insert or update)."""
    FiguresVersion.objects.bulk_create(
        [FiguresVersion(coalition_id=coalition_id, version=uuid4())],
        update_conflicts=True,
        unique_fields=["coalition"],
        update_fields=["version"],
    )


def figures_version(*, coalition: Coalition) -> UUID:
    # Compiled once per process (config/compiled_query.py): every coalition home reads it, and
    # building it through the ORM cost more than running it (one row at most: one per coalition).
    compiled = _QUERIES.get("figures version", _version_of, {"coalition": int})
    values = {"coalition": coalition.pk}
    rows = compiled.rows(values) if compiled else list(_version_of(values))
    version = rows[0][0] if rows else None
    if version is None:
        # Figures written before versions existed, or by a bulk load: they get one now.
        version = FiguresVersion.objects.get_or_create(coalition=coalition)[0].version
    return version


_QUERIES = CompiledQueries(size=4)


def _version_of(values: dict) -> QuerySet:
    return FiguresVersion.objects.filter(coalition_id=values["coalition"]).values_list("version")[
        :1
    ]


def _cache_key(coalition: Coalition, version: UUID, today: date) -> str:
    return (
        f"obligation-statuses:{CACHE_FORMAT}:{coalition.pk}:{version.hex}:"
        f"{today.isoformat()}:{translation.get_language()}"
    )


def _without_prefetched_rows(statuses: list[ObligationStatus]) -> list[ObligationStatus]:
    """The statuses as pages read them: the validated figures behind each forecast are dropped,
    so an entry stays a few kilobytes."""
    for status in statuses:
        status.obligation._prefetched_objects_cache = {}
        for row in status.indicators:
            row.indicator.__dict__.pop("validated_entries", None)
    return statuses


def obligation_statuses(
    *, coalition: Coalition, today: date | None = None, version: UUID | None = None
) -> list[ObligationStatus]:
    """`obligation_status_list` (with charts) from the cache when its figures have not changed:
    one query for the version instead of three and the forecasts (none when `version`, the
    coalition's `figures_version`, was read already)."""
    today = today or timezone.localdate()
    key = _cache_key(coalition, version or figures_version(coalition=coalition), today)
    try:
        statuses = cache.get(key)
    except Exception:  # the cache server unreachable: the page is computed as without a cache
        logger.warning("cache unreachable: obligation statuses computed", exc_info=True)
        statuses = None
    if isinstance(statuses, list):
        return statuses
    statuses = _without_prefetched_rows(obligation_status_list(coalition=coalition, today=today))
    try:
        cache.set(key, statuses, CACHE_SECONDS)
    except Exception:
        logger.warning("cache unreachable: obligation statuses not kept", exc_info=True)
    return statuses


# Every save and delete, whoever makes it (services, the admin, factories) ---------------------

WATCHED = (Obligation, ExtensionRequest, Indicator, ProgressEntry)


def _coalition_of(instance) -> int | None:
    if isinstance(instance, Obligation):
        return instance.coalition_id
    if isinstance(instance, ExtensionRequest | Indicator):
        lookup = {"pk": instance.obligation_id}
    else:
        lookup = {"indicators": instance.indicator_id}
    return Obligation.objects.filter(**lookup).values_list("coalition_id", flat=True).first()


def _saved(sender, instance, raw=False, **kwargs) -> None:
    if raw:  # loaddata: the fixture's own rows
        return
    coalition_id = _coalition_of(instance)
    if coalition_id is not None:
        figures_changed(coalition_id=coalition_id)


def _covered_elsewhere(instance, origin) -> bool:
    """The coalition's own deletion takes its figures and their version with it, and a row deleted
    with the obligation or indicator above it is covered by that row's own signal."""
    if isinstance(origin, QuerySet):
        return origin.model is Coalition
    return isinstance(origin, Coalition) or (origin is not instance and isinstance(origin, WATCHED))


def _deleted(sender, instance, origin=None, **kwargs) -> None:
    if _covered_elsewhere(instance, origin):
        return
    coalition_id = _coalition_of(instance)
    if coalition_id is not None:
        figures_changed(coalition_id=coalition_id)


def connect_signals() -> None:
    for model in WATCHED:
        post_save.connect(
            _saved, sender=model, dispatch_uid=f"figures-version-save-{model.__name__}"
        )
        post_delete.connect(
            _deleted, sender=model, dispatch_uid=f"figures-version-delete-{model.__name__}"
        )
