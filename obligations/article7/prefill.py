"""What a report for a calendar year says, drafted from the coalition's records.

`figures_for` reads everything in a fixed number of queries and returns plain data (strings,
numbers as strings, lists and dicts) so that a submitted report can keep exactly what it said in
its `frozen` field and be rendered again, in any of the three languages, from that alone: codes are
stored, never translated words.

Only validated progress figures count. A figure counts for a year when its whole period lies in
that year; one that straddles the year's end is named among the gaps, not split or guessed.
"""

from collections import defaultdict
from datetime import date
from decimal import Decimal

from django.db.models import Q, Sum

from coalitions.models import Coalition

from ..models import ExtensionRequest, Indicator, Need, Obligation, Offer, ProgressEntry
from .catalogue import FORMS

QUARTERS = ((1, 3), (4, 6), (7, 9), (10, 12))


def _quarter_bounds(year: int, quarter: int) -> tuple[date, date]:
    first, last = QUARTERS[quarter - 1]
    end_day = 31 if last in (3, 12) else 30
    return date(year, first, 1), date(year, last, end_day)


def _amount(value: Decimal | None) -> str | None:
    return None if value is None else str(value)


def _day(value: date | None) -> str | None:
    return None if value is None else value.isoformat()


def _part(entries: list[ProgressEntry], name: str) -> str | None:
    """The sum of one part of the area's split, None when no entry gave it."""
    values = [getattr(e, name) for e in entries if getattr(e, name) is not None]
    return _amount(sum(values, Decimal(0))) if values else None


def _obligation_facts(obligation: Obligation, extensions: list[ExtensionRequest]) -> dict:
    return {
        "code": obligation.code,
        "convention": obligation.convention,
        "article": obligation.article,
        "entry_into_force": _day(obligation.entry_into_force),
        "original_deadline": _day(obligation.original_deadline),
        "current_deadline": _day(obligation.current_deadline),
        "status": obligation.status,
        "completed_on": _day(obligation.completed_on),
        "extensions_granted": sum(1 for e in extensions if e.decision == "granted"),
    }


def figures_for(*, coalition: Coalition, year: int, today: date) -> dict:
    """Every figure and fact the report of `year` states, with what is waiting and what is missing."""
    start, end = date(year, 1, 1), date(year, 12, 31)
    obligations = list(
        Obligation.objects.filter(coalition=coalition).order_by("convention", "article")
    )
    indicators = list(
        Indicator.objects.filter(obligation__coalition=coalition).order_by("obligation_id", "kind")
    )
    extensions = list(
        ExtensionRequest.objects.filter(obligation__coalition=coalition).order_by(
            "obligation_id", "submitted_on", "pk"
        )
    )
    touching = Q(period_start__lte=end, period_end__gte=start)
    entries = list(
        ProgressEntry.objects.filter(indicator__obligation__coalition=coalition)
        .filter(touching)
        .select_related("reporting_organisation")
        .order_by("indicator_id", "period_start", "pk")
    )
    # Cumulative validated figure at the year's end, per indicator.
    to_date = dict(
        ProgressEntry.objects.filter(
            indicator__obligation__coalition=coalition,
            validated_at__isnull=False,
            period_end__lte=end,
        )
        .values_list("indicator_id")
        .annotate(total=Sum("value"))
        .values_list("indicator_id", "total")
    )
    needs = list(Need.objects.filter(coalition=coalition).filter(touching).order_by("period_start"))
    offers = list(
        Offer.objects.filter(coalition=coalition)
        .filter(touching)
        .select_related("donor")
        .order_by("period_start", "pk")
    )

    extensions_by_obligation = defaultdict(list)
    for request in extensions:
        extensions_by_obligation[request.obligation_id].append(request)
    obligation_by_id = {o.pk: o for o in obligations}
    entries_by_indicator = defaultdict(list)
    for entry in entries:
        entries_by_indicator[entry.indicator_id].append(entry)

    waiting, gaps = [], []
    indicator_rows = []
    for indicator in indicators:
        obligation = obligation_by_id[indicator.obligation_id]
        counted = [
            e
            for e in entries_by_indicator[indicator.pk]
            if e.is_validated and e.period_start >= start and e.period_end <= end
        ]
        for entry in entries_by_indicator[indicator.pk]:
            if not entry.is_validated:
                waiting.append(
                    {
                        "indicator": indicator.kind,
                        "obligation": obligation.code,
                        "period_start": _day(entry.period_start),
                        "period_end": _day(entry.period_end),
                        "value": _amount(entry.value),
                        "organisation": str(entry.reporting_organisation),
                    }
                )
            elif not (entry.period_start >= start and entry.period_end <= end):
                gaps.append(
                    {
                        "kind": "straddles_year",
                        "indicator": indicator.kind,
                        "obligation": obligation.code,
                        "period_start": _day(entry.period_start),
                        "period_end": _day(entry.period_end),
                    }
                )

        cumulative = indicator.baseline + (to_date.get(indicator.pk) or Decimal(0))
        indicator_rows.append(
            {
                "kind": indicator.kind,
                "obligation": obligation.code,
                "article": obligation.article,
                "entries": len(counted),
                # None, not zero, when nothing validated was recorded for the year.
                "year_total": _amount(sum((e.value for e in counted), Decimal(0)))
                if counted
                else None,
                "cancelled_m2": _part(counted, "cancelled_m2"),
                "reduced_m2": _part(counted, "reduced_m2"),
                "cleared_m2": _part(counted, "cleared_m2"),
                "baseline": _amount(indicator.baseline),
                "target": _amount(indicator.target),
                "cumulative": _amount(cumulative),
                "remaining": _amount(max(indicator.target - cumulative, Decimal(0))),
                "illustrative": any(e.is_illustrative for e in counted),
            }
        )
        active = obligation.completed_on is None or obligation.completed_on >= start
        if active and start <= today:
            if indicator.target <= indicator.baseline:
                gaps.append(
                    {
                        "kind": "no_target",
                        "indicator": indicator.kind,
                        "obligation": obligation.code,
                    }
                )
            for quarter in range(1, 5):
                q_start, q_end = _quarter_bounds(year, quarter)
                if q_end >= today or (
                    obligation.completed_on and obligation.completed_on < q_start
                ):
                    continue
                if not any(
                    e.period_start <= q_end and e.period_end >= q_start
                    for e in entries_by_indicator[indicator.pk]
                    if e.is_validated
                ):
                    gaps.append(
                        {
                            "kind": "quarter_without_figures",
                            "indicator": indicator.kind,
                            "obligation": obligation.code,
                            "quarter": quarter,
                        }
                    )
    with_indicators = {i.obligation_id for i in indicators}
    for obligation in obligations:
        if obligation.pk not in with_indicators:
            gaps.append({"kind": "no_indicators", "obligation": obligation.code})

    forms = {}
    for spec in FORMS:
        if not spec.filled:
            continue
        if spec.letter == "I":
            forms["I"] = _assistance(needs, offers, start, end, gaps)
        elif spec.letter == "J":
            forms["J"] = {
                "obligations": [
                    _obligation_facts(o, extensions_by_obligation[o.pk]) for o in obligations
                ],
                "extensions": [
                    {
                        "obligation": obligation_by_id[e.obligation_id].code,
                        "submitted_on": _day(e.submitted_on),
                        "requested_deadline": _day(e.requested_deadline),
                        "decision": e.decision,
                        "granted_deadline": _day(e.granted_deadline),
                        "decided_on": _day(e.decided_on),
                    }
                    for e in extensions
                    if start <= e.submitted_on <= end
                    or (e.decided_on is not None and start <= e.decided_on <= end)
                ],
                "completions": [
                    {
                        "obligation": o.code,
                        "completed_on": _day(o.completed_on),
                        "declaration": o.completion_declaration,
                    }
                    for o in obligations
                    if o.completed_on is not None and o.completed_on <= end
                ],
            }
        else:
            forms[spec.letter] = {
                "obligations": [
                    _obligation_facts(o, extensions_by_obligation[o.pk])
                    for o in obligations
                    if o.article in spec.articles
                ],
                "indicators": [row for row in indicator_rows if row["kind"] in spec.kinds],
            }

    return {
        "year": year,
        "period_start": _day(start),
        "period_end": _day(end),
        "state_party": coalition.state_party.code,
        "forms": forms,
        "waiting": waiting,
        "gaps": gaps,
    }


def _assistance(needs: list[Need], offers: list[Offer], start: date, end: date, gaps: list) -> dict:
    needed = defaultdict(Decimal)
    by_status = defaultdict(lambda: defaultdict(Decimal))
    for need in needs:
        needed[need.currency] += need.amount
    for offer in offers:
        by_status[offer.currency][offer.status] += offer.amount
        if offer.period_start < start or offer.period_end > end:
            gaps.append(
                {
                    "kind": "offer_spans_years",
                    "donor": str(offer.donor),
                    "activity": offer.activity,
                    "period_start": _day(offer.period_start),
                    "period_end": _day(offer.period_end),
                }
            )
    return {
        "needs": [
            {
                "activity": n.activity,
                "amount": _amount(n.amount),
                "currency": n.currency,
                "period_start": _day(n.period_start),
                "period_end": _day(n.period_end),
            }
            for n in needs
        ],
        "offers": [
            {
                "donor": str(o.donor),
                "activity": o.activity,
                "amount": _amount(o.amount),
                "currency": o.currency,
                "status": o.status,
                "period_start": _day(o.period_start),
                "period_end": _day(o.period_end),
            }
            for o in offers
        ],
        "needed": {currency: _amount(total) for currency, total in sorted(needed.items())},
        "received": {
            currency: {status: _amount(total) for status, total in sorted(parts.items())}
            for currency, parts in sorted(by_status.items())
        },
    }


def has_figures(form: dict) -> bool:
    """Whether a pre-filled form states anything for its year."""
    if "indicators" in form:
        return any(row["year_total"] is not None for row in form["indicators"])
    if "needs" in form:
        return bool(form["needs"] or form["offers"])
    return bool(form.get("extensions") or form.get("completions"))


def _comparable(form: dict) -> dict:
    """A form's standing facts, without the year's own totals: what "unchanged" compares."""
    if "indicators" in form:
        return {
            "obligations": form["obligations"],
            "targets": [(r["kind"], r["obligation"], r["target"]) for r in form["indicators"]],
        }
    if "needs" in form:
        return {}
    return {"obligations": form.get("obligations", [])}


def preset_mark(letter: str, figures: dict, previous: dict | None) -> tuple[str, int | None]:
    """The changed / unchanged / not applicable mark a form starts with, and the year it is
    unchanged since. `previous` is the last submitted report's frozen data, or None."""
    form = figures["forms"].get(letter)
    previous_form = (previous or {}).get("forms", {}).get(letter) if previous else None
    if form is None:
        # A form this product does not track: the authority says; unchanged if reported before.
        if previous:
            return "unchanged", previous["year"]
        return "", None
    if has_figures(form):
        return "changed", None
    if letter == "I":
        # National resources are reported whether or not the coalition recorded assistance.
        return ("unchanged", previous["year"]) if previous else ("", None)
    applicable = bool(form.get("obligations")) or has_figures(form)
    if not applicable:
        return "not_applicable", None
    if previous_form is not None and _comparable(previous_form) == _comparable(form):
        return "unchanged", previous["year"]
    return "changed", None
