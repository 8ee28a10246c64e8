"""Server-side SVG charts: cumulative progress against target and deadline, with the forecast.

The markup uses presentation attributes only (no CSS classes, no script), so the same string works
in a page, without JavaScript, and in a WeasyPrint PDF.
"""

from datetime import date
from decimal import Decimal

from django.utils.formats import number_format
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from .forecast import HORIZON, Forecast, Status

INK = "#1f2933"
MUTED = "#5f6b7a"
ACTUAL = "#1d5f99"
FORECAST = {
    Status.ON_TRACK: "#1e7b34",
    Status.AT_RISK: "#a35a00",
    Status.WILL_MISS: "#b3261e",
}
FONT = 'font-family="DejaVu Sans, Arial, sans-serif"'


def _fmt(value: Decimal) -> str:
    return number_format(Decimal(value).quantize(Decimal(1)), decimal_pos=0, force_grouping=True)


def _iso(day: date) -> str:
    return day.strftime("%Y-%m-%d")


def chart_description(forecast: Forecast, *, unit: str = "") -> str:
    """The text alternative: what the chart shows, in one paragraph."""
    parts = [
        _("Cumulative progress %(achieved)s of a target of %(target)s%(unit)s.")
        % {"achieved": _fmt(forecast.achieved), "target": _fmt(forecast.target), "unit": unit}
    ]
    if forecast.deadline:
        parts.append(_("Deadline %(date)s.") % {"date": _iso(forecast.deadline)})
    if forecast.projected_date and forecast.reason == "projection":
        parts.append(
            _("At the recent rate the target is projected to be reached on %(date)s.")
            % {"date": _iso(forecast.projected_date)}
        )
    elif forecast.beyond_horizon:
        parts.append(
            _("At the recent rate the target is not reached before the end of %(year)s.")
            % {"year": HORIZON.year}
        )
    parts.append(str(forecast.reason_text))
    parts.append(_("Status: %(status)s.") % {"status": forecast.status_label})
    return " ".join(parts)


def forecast_chart_svg(
    forecast: Forecast,
    *,
    title: str,
    unit: str = "",
    width: int = 640,
    height: int = 240,
    chart_id: str = "chart",
) -> SafeString:
    # Room on the left for the longest axis label, at about 7 px per character.
    left = 16 + 7 * len(_fmt(max(forecast.target, forecast.achieved)))
    right, top, bottom = 16, 16, 28
    plot_w, plot_h = width - left - right, height - top - bottom
    title_id, desc_id = f"{chart_id}-title", f"{chart_id}-desc"
    description = chart_description(forecast, unit=unit)
    head = (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
        f'width="{width}" height="{height}" role="img" '
        f'aria-labelledby="{title_id} {desc_id}" class="forecast-chart">'
        f'<title id="{title_id}">{escape(title)}</title>'
        f'<desc id="{desc_id}">{escape(description)}</desc>'
    )
    points = forecast.points
    if not points:
        text = _("No validated progress yet.")
        return mark_safe(
            head + f'<rect x="0" y="0" width="{width}" height="{height}" fill="#f6f8fa"/>'
            f'<text x="{width / 2}" y="{height / 2}" text-anchor="middle" font-size="14" '
            f'fill="{MUTED}" {FONT}>{escape(text)}</text></svg>'
        )

    x_min = points[0][0]
    if forecast.deadline and forecast.deadline < x_min:
        # Figures recorded only after the deadline: the axis starts at the deadline.
        x_min = forecast.deadline
    candidates = [points[-1][0]]
    if forecast.status != Status.COMPLETED:
        candidates.append(forecast.today)
    if forecast.deadline:
        candidates.append(forecast.deadline)
    x_max = max(candidates)
    projected = forecast.projected_date if forecast.reason == "projection" else None
    span = (x_max - x_min).days or 1
    if projected and projected > x_max:
        # Show a far-off projection only up to half the span again; the line runs off the edge.
        x_max = min(projected, date.fromordinal(x_max.toordinal() + span // 2))
    span = (x_max - x_min).days or 1
    y_max = max(forecast.target, forecast.achieved) * Decimal("1.08") or Decimal(1)

    def x(day: date) -> float:
        return round(left + plot_w * (day - x_min).days / span, 1)

    def y(value: Decimal) -> float:
        return round(top + plot_h - float(plot_h * Decimal(value) / y_max), 1)

    parts = [
        head,
        f'<rect x="{left}" y="{top}" width="{plot_w}" height="{plot_h}" fill="#fbfcfd" stroke="#d6dde5"/>',
    ]
    # Horizontal grid: zero, half the target and the target.
    for fraction in (Decimal(0), Decimal("0.5")):
        value = forecast.target * fraction
        parts.append(
            f'<line x1="{left}" x2="{left + plot_w}" y1="{y(value)}" y2="{y(value)}" stroke="#e3e8ee"/>'
            f'<text x="{left - 6}" y="{y(value) + 4}" text-anchor="end" font-size="11" fill="{MUTED}" {FONT}>{_fmt(value)}</text>'
        )
    ty = y(forecast.target)
    parts.append(
        f'<line x1="{left}" x2="{left + plot_w}" y1="{ty}" y2="{ty}" stroke="{INK}" stroke-dasharray="6 4"/>'
        f'<text x="{left - 6}" y="{ty + 4}" text-anchor="end" font-size="11" fill="{INK}" {FONT}>{_fmt(forecast.target)}</text>'
        f'<text x="{left + 6}" y="{ty - 5}" font-size="11" fill="{INK}" {FONT}>{escape(_("Target"))}</text>'
    )
    # Year ticks along the bottom.
    years = range(x_min.year + 1, x_max.year + 1)
    step = max(1, len(years) // 8 + (1 if len(years) % 8 else 0))
    for year in list(years)[::step]:
        tx = x(date(year, 1, 1))
        parts.append(
            f'<line x1="{tx}" x2="{tx}" y1="{top + plot_h}" y2="{top + plot_h + 4}" stroke="{MUTED}"/>'
            f'<text x="{tx}" y="{height - 8}" text-anchor="middle" font-size="11" fill="{MUTED}" {FONT}>{year}</text>'
        )
    if forecast.deadline and forecast.deadline <= x_max:
        dx = x(forecast.deadline)
        label = _("Deadline %(date)s") % {"date": _iso(forecast.deadline)}
        anchor = "end" if dx > left + plot_w * 0.6 else "start"
        offset = -4 if anchor == "end" else 4
        parts.append(
            f'<line x1="{dx}" x2="{dx}" y1="{top}" y2="{top + plot_h}" stroke="#b3261e" stroke-width="1.5"/>'
            f'<text x="{dx + offset}" y="{top + plot_h - 8}" text-anchor="{anchor}" font-size="11" fill="#b3261e" {FONT}>{escape(label)}</text>'
        )
    # Forecast: from the latest point along the trend, to the projected date or the edge.
    last_day, last_value = points[-1]
    if projected:
        colour = FORECAST.get(forecast.status, MUTED)
        end_day, end_value = projected, forecast.target
        if projected > x_max:
            share = Decimal((x_max - last_day).days) / Decimal((projected - last_day).days)
            end_day, end_value = x_max, last_value + (forecast.target - last_value) * share
        parts.append(
            f'<line x1="{x(last_day)}" y1="{y(last_value)}" x2="{x(end_day)}" y2="{y(end_value)}" '
            f'stroke="{colour}" stroke-width="2" stroke-dasharray="5 4"/>'
        )
        if end_day == projected:
            label = _("Projected %(date)s") % {"date": _iso(projected)}
            px = x(projected)
            anchor = "end" if px > left + plot_w * 0.6 else "start"
            parts.append(
                f'<circle cx="{px}" cy="{y(forecast.target)}" r="4" fill="{colour}"/>'
                f'<text x="{px + (-6 if anchor == "end" else 6)}" y="{ty - 6}" text-anchor="{anchor}" font-size="11" fill="{colour}" {FONT}>{escape(label)}</text>'
            )
    elif forecast.beyond_horizon and forecast.rate_per_quarter and x_max > last_day:
        # Too far off to name a day: the trend runs to the edge of the chart.
        colour = FORECAST.get(forecast.status, MUTED)
        quarters = Decimal((x_max - last_day).days * 16) / 1461
        end_value = min(last_value + forecast.rate_per_quarter * quarters, forecast.target)
        parts.append(
            f'<line x1="{x(last_day)}" y1="{y(last_value)}" x2="{x(x_max)}" y2="{y(end_value)}" '
            f'stroke="{colour}" stroke-width="2" stroke-dasharray="5 4"/>'
        )
    path = " ".join(f"{x(d)},{y(v)}" for d, v in points)
    parts.append(
        f'<polyline points="{path}" fill="none" stroke="{ACTUAL}" stroke-width="2.5" stroke-linejoin="round"/>'
    )
    parts.append(f'<circle cx="{x(last_day)}" cy="{y(last_value)}" r="3.5" fill="{ACTUAL}"/>')
    parts.append("</svg>")
    return mark_safe("".join(parts))
