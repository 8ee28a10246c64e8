"""The extension-request pack: one PDF with an obligation's history, progress, remaining work and
plan, as a national authority needs it when asking the States Parties for more time.

Only validated progress counts; figures awaiting validation are counted and named, not added.
The context costs a fixed number of queries whatever the number of progress entries.
"""

import logging
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db.models import Count, DecimalField, Prefetch, Q, Sum, Value
from django.db.models.functions import Coalesce
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.safestring import SafeString

from coalitions.models import Coalition
from config.pdf import html_to_pdf

from . import treaty
from .forecast import METHOD, Forecast, forecast
from .models import ExtensionRequest, Indicator, Need, Obligation, Offer, ProgressEntry
from .selectors import indicator_status

logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)


@dataclass
class YearRow:
    year: int
    value: Decimal = Decimal(0)
    cancelled: Decimal | None = None
    reduced: Decimal | None = None
    cleared: Decimal | None = None
    entries: int = 0
    illustrative: bool = False

    def add(self, entry: ProgressEntry) -> None:
        self.value += entry.value
        self.entries += 1
        self.illustrative = self.illustrative or entry.is_illustrative
        for name, part in (
            ("cancelled", entry.cancelled_m2),
            ("reduced", entry.reduced_m2),
            ("cleared", entry.cleared_m2),
        ):
            if part is not None:
                setattr(self, name, (getattr(self, name) or Decimal(0)) + part)

    @property
    def has_split(self) -> bool:
        return any(v is not None for v in (self.cancelled, self.reduced, self.cleared))


@dataclass
class PackIndicator:
    indicator: Indicator
    forecast: Forecast
    chart_svg: SafeString
    years: list[YearRow]
    pending_count: int = 0
    # For one more request: the latest deadline it may ask for and the rate needed to reach it.
    latest_deadline: date | None = None
    needed_for_latest: Decimal | None = None
    illustrative: bool = False
    # The latest validated figure's period, as entered (not rounded to a quarter's end).
    last_entry: ProgressEntry | None = None

    @property
    def has_split(self) -> bool:
        return any(y.has_split for y in self.years)

    @property
    def needed_per_year(self) -> Decimal | None:
        needed = self.forecast.needed_per_quarter
        return None if needed is None else needed * 4

    @property
    def rate_per_year(self) -> Decimal | None:
        rate = self.forecast.rate_per_quarter
        return None if rate is None else rate * 4

    @property
    def needed_for_latest_per_year(self) -> Decimal | None:
        return None if self.needed_for_latest is None else self.needed_for_latest * 4


@dataclass
class CurrencyTotal:
    currency: str
    needed: Decimal = Decimal(0)
    pledged: Decimal = Decimal(0)

    @property
    def gap(self) -> Decimal:
        return max(self.needed - self.pledged, Decimal(0))


@dataclass
class Pack:
    obligation: Obligation
    coalition: Coalition
    today: date
    extension_requests: list[ExtensionRequest]
    indicators: list[PackIndicator]
    needs: list[Need]
    needs_count: int
    currency_totals: list[CurrencyTotal]
    max_extension_years: int | None
    latest_deadline: date | None
    illustrative: bool = False
    pending_total: int = 0
    # Lazy: the sentence is read in the language the PDF is rendered in.
    method: object = METHOD


PACK_ENTRY_FIELDS = (
    "id",
    "indicator_id",
    "period_start",
    "period_end",
    "value",
    "cancelled_m2",
    "reduced_m2",
    "cleared_m2",
    "is_illustrative",
)


def _obligation(coalition: Coalition, pk: int) -> Obligation | None:
    # Only the fields the pack adds up: an obligation may hold thousands of figures.
    validated = (
        ProgressEntry.objects.filter(validated_at__isnull=False)
        .only(*PACK_ENTRY_FIELDS)
        .order_by("period_end", "pk")
    )
    # Counted, never added: the pack shows no unvalidated figure.
    pending = Count("entries", filter=Q(entries__validated_at__isnull=True))
    return (
        Obligation.objects.filter(coalition=coalition, pk=pk)
        .select_related("coalition__national_authority")
        .prefetch_related(
            Prefetch(
                "indicators",
                queryset=Indicator.objects.annotate(pending_count=pending).prefetch_related(
                    Prefetch("entries", queryset=validated, to_attr="validated_entries"),
                ),
            ),
            Prefetch(
                "extension_requests",
                queryset=ExtensionRequest.objects.order_by("submitted_on", "pk"),
            ),
        )
        .first()
    )


def _years(entries: list[ProgressEntry]) -> list[YearRow]:
    """Validated progress per calendar year; an entry counts in the year its period ends."""
    rows: dict[int, YearRow] = {}
    for entry in entries:
        year = entry.period_end.year
        rows.setdefault(year, YearRow(year=year)).add(entry)
    return [rows[y] for y in sorted(rows)]


PACK_NEEDS_SHOWN = 50


def _needs(obligation: Obligation) -> tuple[list[Need], int, list[CurrencyTotal], bool]:
    """The first PACK_NEEDS_SHOWN needs, how many there are, the totals over all of them per
    currency, and whether any is illustrative: four queries, whatever the number of needs."""
    zero = Value(Decimal(0), output_field=DecimalField(max_digits=14, decimal_places=2))
    all_needs = Need.objects.filter(coalition_id=obligation.coalition_id, obligation=obligation)
    needs = list(
        all_needs.annotate(pledged=Coalesce(Sum("offers__amount"), zero)).order_by(
            "currency", "period_start", "pk"
        )[:PACK_NEEDS_SHOWN]
    )
    totals: dict[str, CurrencyTotal] = {}
    count, illustrative = 0, False
    for row in all_needs.values("currency", "is_illustrative").annotate(
        needed=Sum("amount"), n=Count("pk")
    ):
        total = totals.setdefault(row["currency"], CurrencyTotal(currency=row["currency"]))
        total.needed += row["needed"]
        count += row["n"]
        illustrative = illustrative or row["is_illustrative"]
    pledged = (
        Offer.objects.filter(need__in=all_needs)
        .values("need__currency")
        .annotate(pledged=Sum("amount"))
        .order_by()
    )
    for row in pledged:
        totals[row["need__currency"]].pledged += row["pledged"]
    return needs, count, [totals[c] for c in sorted(totals)], illustrative


def pack_build(*, coalition: Coalition, pk: int, today: date | None = None) -> Pack | None:
    """Everything the pack shows, in 7 queries; None when the obligation is not the coalition's.

    The charts' labels and numbers are written in the active language: build and render the pack
    inside the same `translation.override`."""
    today = today or timezone.localdate()
    obligation = _obligation(coalition, pk)
    if obligation is None:
        return None
    max_years = treaty.extension_max_years(
        convention=obligation.convention, article=obligation.article
    )
    latest = None
    if obligation.current_deadline and not obligation.is_completed:
        latest = treaty.latest_extended_deadline(
            convention=obligation.convention,
            article=obligation.article,
            current_deadline=obligation.current_deadline,
        )
    extension_requests = list(obligation.extension_requests.all())
    rows = []
    for indicator in obligation.indicators.all():
        status = indicator_status(obligation, indicator, today)
        chart = status.chart_svg
        needed_for_latest = None
        if latest is not None and status.forecast.status not in ("completed", "no_data"):
            needed_for_latest = forecast(
                baseline=indicator.baseline,
                target=indicator.target,
                entries=[(e.period_end, e.value) for e in indicator.validated_entries],
                deadline=latest,
                today=today,
            ).needed_per_quarter
        rows.append(
            PackIndicator(
                indicator=indicator,
                forecast=status.forecast,
                chart_svg=chart,
                years=_years(indicator.validated_entries),
                pending_count=indicator.pending_count,
                latest_deadline=latest,
                needed_for_latest=needed_for_latest,
                illustrative=any(e.is_illustrative for e in indicator.validated_entries),
                last_entry=max(
                    indicator.validated_entries,
                    key=lambda e: (e.period_end, e.period_start),
                    default=None,
                ),
            )
        )
    needs, needs_count, totals, needs_illustrative = _needs(obligation)
    illustrative = (
        obligation.is_illustrative
        or any(r.is_illustrative for r in extension_requests)
        or any(r.illustrative for r in rows)
        or needs_illustrative
    )
    return Pack(
        obligation=obligation,
        coalition=obligation.coalition,
        today=today,
        extension_requests=extension_requests,
        indicators=rows,
        needs=needs,
        needs_count=needs_count,
        currency_totals=totals,
        max_extension_years=max_years,
        latest_deadline=latest,
        illustrative=illustrative,
        pending_total=sum(r.pending_count for r in rows),
    )


def pack_filename(pack: Pack) -> str:
    obligation = pack.obligation
    return (
        f"extension-pack-{pack.coalition.slug}-{obligation.convention}-article-"
        f"{obligation.article}-{pack.today:%Y-%m-%d}.pdf"
    )


def pack_html(pack: Pack) -> str:
    return render_to_string("pdf/obligations/extension_pack.html", {"pack": pack})


def render_pack_pdf(pack: Pack) -> bytes:
    """Renders in the active language: wrap the call in `translation.override`."""
    return html_to_pdf(pack_html(pack))
