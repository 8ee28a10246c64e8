"""Every queryset the obligations pages iterate, with its joins and coalition filter (the needs
board's: obligations/assistance/selectors.py)."""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from django.db.models import (
    Count,
    OuterRef,
    Prefetch,
    QuerySet,
    Subquery,
    Window,
)
from django.utils import timezone
from django.utils.safestring import SafeString

from coalitions.models import Coalition

from . import treaty
from .charts import forecast_chart_svg
from .forecast import Forecast, forecast
from .models import Convention, ExtensionRequest, Indicator, Obligation, ProgressEntry

AREA_UNIT = " m²"


@dataclass
class IndicatorStatus:
    indicator: Indicator
    forecast: Forecast
    chart_svg: SafeString


@dataclass
class ObligationStatus:
    """One obligation with the forecast of its headline indicator and that forecast's chart."""

    obligation: Obligation
    indicator: Indicator | None
    forecast: Forecast | None
    chart_svg: SafeString
    indicators: list[IndicatorStatus]
    today: date

    @property
    def status(self) -> str:
        return self.forecast.status if self.forecast else "no_data"

    @property
    def days_left(self) -> int | None:
        """Days to the current deadline, whether or not an indicator gives a forecast yet."""
        deadline = self.obligation.current_deadline
        return None if deadline is None else (deadline - self.today).days


def _validated_entries() -> Prefetch:
    return Prefetch(
        "entries",
        queryset=ProgressEntry.objects.filter(validated_at__isnull=False)
        .only("id", "indicator_id", "period_end", "value")
        .order_by("period_end"),
        to_attr="validated_entries",
    )


def _deadline_for(obligation: Obligation, indicator: Indicator) -> date | None:
    return obligation.current_deadline or indicator.target_date or obligation.plan_end


def indicator_forecast(
    *, obligation: Obligation, indicator: Indicator, today: date | None = None
) -> Forecast:
    """Needs `indicator.validated_entries` (prefetched by the selectors below)."""
    return forecast(
        baseline=indicator.baseline,
        target=indicator.target,
        entries=[(e.period_end, e.value) for e in indicator.validated_entries],
        deadline=_deadline_for(obligation, indicator),
        today=today or timezone.localdate(),
        completed_on=obligation.completed_on if obligation.is_completed else None,
    )


def indicator_status(
    obligation: Obligation, indicator: Indicator, today: date, *, with_chart: bool = True
) -> IndicatorStatus:
    result = indicator_forecast(obligation=obligation, indicator=indicator, today=today)
    title = f"{obligation.code} · {indicator.get_kind_display()}"
    unit = AREA_UNIT if indicator.is_area else ""
    svg = forecast_chart_svg(
        result, title=title, unit=unit, chart_id=f"chart-{obligation.pk}-{indicator.pk}"
    ) if with_chart else SafeString("")  # fmt: skip
    return IndicatorStatus(indicator=indicator, forecast=result, chart_svg=svg)


def obligation_list(*, coalition: Coalition, with_extensions: bool = True) -> QuerySet[Obligation]:
    prefetches = [
        Prefetch("indicators", queryset=Indicator.objects.prefetch_related(_validated_entries()))
    ]
    if with_extensions:
        prefetches.append(
            Prefetch(
                "extension_requests",
                queryset=ExtensionRequest.objects.order_by("submitted_on", "pk"),
            )
        )
    return (
        Obligation.objects.filter(coalition=coalition)
        .prefetch_related(*prefetches)
        .order_by("convention", "article")
    )


def obligation_status_list(
    *, coalition: Coalition, today: date | None = None, with_charts: bool = True
) -> list[ObligationStatus]:
    """Every obligation of the coalition with its forecast and SVG chart, in 3 queries.

    The SVG uses presentation attributes only, so it can be placed in a WeasyPrint PDF as it is.
    """
    today = today or timezone.localdate()
    return _statuses(
        obligation_list(coalition=coalition, with_extensions=False), today, with_charts
    )


def _statuses(obligations, today: date, with_charts: bool) -> list[ObligationStatus]:
    statuses = []
    for obligation in obligations:
        rows = [
            indicator_status(obligation, i, today, with_chart=with_charts)
            for i in obligation.indicators.all()
        ]
        headline = next((r for r in rows if r.indicator.is_headline), rows[0] if rows else None)
        statuses.append(
            ObligationStatus(
                obligation=obligation,
                indicator=headline.indicator if headline else None,
                forecast=headline.forecast if headline else None,
                chart_svg=headline.chart_svg if headline else SafeString(""),
                indicators=rows,
                today=today,
            )
        )
    return statuses


def obligation_get(*, coalition: Coalition, pk: int) -> Obligation | None:
    return obligation_list(coalition=coalition).filter(pk=pk).first()


def progress_list(*, obligation: Obligation) -> QuerySet[ProgressEntry]:
    return (
        ProgressEntry.objects.filter(indicator__obligation=obligation)
        .select_related("indicator", "reporting_organisation", "reported_by", "validated_by")
        .order_by("-period_end", "indicator__kind", "pk")
    )


def progress_export_list(*, coalition: Coalition) -> QuerySet[ProgressEntry]:
    return (
        ProgressEntry.objects.filter(indicator__obligation__coalition=coalition)
        .select_related("indicator__obligation")
        .order_by(
            "indicator__obligation__convention",
            "indicator__obligation__article",
            "indicator__kind",
            "period_start",
            "period_end",
            "pk",
        )
    )


# Across coalitions (the Today page) ---------------------------------------------------------------

TODAY_FIGURES = 10


def obligation_statuses_everywhere(*, coalition_ids: list[int], today: date) -> dict[int, list]:
    """Each coalition's obligations with their forecast status (no charts), in 3 queries
    whatever the number of coalitions."""
    obligations = (
        Obligation.objects.filter(coalition_id__in=coalition_ids)
        .prefetch_related(
            Prefetch(
                "indicators", queryset=Indicator.objects.prefetch_related(_validated_entries())
            )
        )
        .order_by("coalition_id", "convention", "article")
    )
    found: dict[int, list] = defaultdict(list)
    for status in _statuses(obligations, today, with_charts=False):
        found[status.obligation.coalition_id].append(status)
    return found


def figures_to_validate(*, coalition_ids: list[int]) -> list[ProgressEntry]:
    """Reported figures not yet validated in the given coalitions, the oldest period first, with
    their total as `total` (1 query)."""
    return list(
        ProgressEntry.objects.filter(
            validated_at__isnull=True, indicator__obligation__coalition_id__in=coalition_ids
        )
        .select_related("indicator__obligation__coalition", "reporting_organisation")
        .annotate(total=Window(Count("pk")))
        .order_by("period_end", "pk")[:TODAY_FIGURES]
    )


def transparency_reports_for(obligations: Iterable[Obligation], today: date) -> dict | None:
    """Article 7 dates of the State, from its CCM entry into force (the one its CCM obligations
    share), or None when no CCM obligation is recorded; no query."""
    in_force = [o.entry_into_force for o in obligations if o.convention == Convention.CCM]
    if not in_force:
        return None
    return treaty.transparency_reports(entry_into_force=min(in_force), today=today)


# The progress form ------------------------------------------------------------------------------


def progress_overlapping(
    *, indicator: Indicator, period_start: date, period_end: date
) -> QuerySet[ProgressEntry]:
    """Figures of the same indicator whose period shares at least one day with the one given: the
    same work may be counted twice."""
    return (
        ProgressEntry.objects.filter(
            indicator=indicator, period_start__lte=period_end, period_end__gte=period_start
        )
        .select_related("reporting_organisation")
        .order_by("period_start", "pk")
    )


def progress_latest_by_indicator(*, indicators: Iterable[Indicator]) -> dict[int, ProgressEntry]:
    """Each indicator's most recent figure (by the end of its period), in one query."""
    latest = ProgressEntry.objects.filter(indicator=OuterRef("indicator")).order_by(
        "-period_end", "-pk"
    )
    entries = ProgressEntry.objects.filter(
        indicator__in=list(indicators), pk=Subquery(latest.values("pk")[:1])
    ).select_related("reporting_organisation")
    return {entry.indicator_id: entry for entry in entries}
