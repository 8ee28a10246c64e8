"""A report as readers see it: the cover, forms A-J with their figures as tables, what is waiting
for validation and what is missing. Built once from a report (its frozen data when submitted, the
coalition's records when a draft) in the active language; the page, the PDF and the .docx all
render this, so the three never disagree.
"""

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.utils import timezone
from django.utils.formats import date_format, number_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from ..models import (
    Article,
    Convention,
    ExtensionRequest,
    Indicator,
    Obligation,
    Offer,
    TransparencyForm,
    TransparencyReport,
)
from .catalogue import FORMS
from .prefill import figures_for


@dataclass
class Table:
    headings: list[str]
    rows: list[list[str]]
    caption: str = ""
    # Column indexes holding numbers (aligned to the end).
    numeric: tuple[int, ...] = ()


@dataclass
class FormSection:
    letter: str
    title: str
    paragraphs: str
    tracked: bool
    mark: str
    mark_label: str
    unchanged_since: int | None
    narrative: str
    facts: list[str] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)
    # Said instead of figures when the year has none: never a zero shown as a fact.
    empty_note: str = ""
    comments: list = field(default_factory=list)


@dataclass
class ReportDocument:
    report: TransparencyReport
    state_party: str
    year: int
    period: str
    point_of_contact: str
    submitted_on: date | None
    sections: list[FormSection]
    waiting: Table | None
    gaps: list[str]
    illustrative: bool
    # Comments on the whole report (those on one form are on its section).
    comments: list = field(default_factory=list)

    @property
    def title(self) -> str:
        return _("Article 7 transparency report of %(state)s for %(year)s") % {
            "state": self.state_party,
            "year": self.year,
        }

    @property
    def filename_stem(self) -> str:
        return f"article-7-{self.report.coalition.slug}-{self.year}"


def _number(value: str | None, unit: str = "") -> str:
    if value is None:
        return "—"
    amount = Decimal(value)
    places = 0 if amount == amount.to_integral_value() else 2
    return number_format(amount, decimal_pos=places, force_grouping=True) + unit


def _day(value: str | None) -> str:
    return "—" if not value else date_format(date.fromisoformat(value), "j F Y")


def _period(start: str, end: str) -> str:
    return f"{_day(start)} – {_day(end)}"


def _indicator(kind: str) -> str:
    return str(Indicator.Kind(kind).label)


def _unit(kind: str) -> str:
    return " m²" if kind == Indicator.Kind.AREA_RELEASED else ""


def _obligation(code: str) -> str:
    convention, article = code.split("-")
    return _("%(convention)s article %(article)s") % {
        "convention": convention,
        "article": article,
    }


def _obligation_fact(facts: dict) -> str:
    label = f"{Convention(facts['convention']).label}, {Article(facts['article']).label}"
    parts = [_("entry into force %(day)s") % {"day": _day(facts["entry_into_force"])}]
    if facts["current_deadline"]:
        parts.append(_("deadline %(day)s") % {"day": _day(facts["current_deadline"])})
        if facts["original_deadline"] and facts["original_deadline"] != facts["current_deadline"]:
            n = facts["extensions_granted"]
            parts.append(
                ngettext(
                    "originally %(day)s, %(n)s extension granted",
                    "originally %(day)s, %(n)s extensions granted",
                    n,
                )
                % {"day": _day(facts["original_deadline"]), "n": n}
            )
    if facts["status"] == Obligation.Status.COMPLETED:
        parts.append(_("completed on %(day)s") % {"day": _day(facts["completed_on"])})
    else:
        parts.append(str(Obligation.Status(facts["status"]).label).lower())
    return f"{label}: " + "; ".join(parts)


def _indicator_section(section: FormSection, form: dict, year: int) -> None:
    section.facts = [_obligation_fact(o) for o in form["obligations"]]
    rows = form["indicators"]
    if not rows:
        section.empty_note = (
            _("No indicator of this kind is recorded, so no figures are reported here.")
            if form["obligations"] or section.letter in ("G",)
            else _("Nothing recorded for this form.")
        )
        return
    has_split = any(
        r[name] is not None for r in rows for name in ("cancelled_m2", "reduced_m2", "cleared_m2")
    )
    headings = [_("Indicator"), _("Obligation"), _("Validated in %(year)s") % {"year": year}]
    if has_split:
        headings += [_("Cancelled"), _("Reduced"), _("Cleared")]
    headings += [_("Total at the end of %(year)s") % {"year": year}, _("Target"), _("Remaining")]
    table_rows = []
    for r in rows:
        unit = _unit(r["kind"])
        year_cell = (
            _number(r["year_total"], unit)
            if r["year_total"] is not None
            else _("no validated figure")
        )
        cells = [_indicator(r["kind"]), _obligation(r["obligation"]), year_cell]
        if has_split:
            cells += [
                _number(r[name], unit) for name in ("cancelled_m2", "reduced_m2", "cleared_m2")
            ]
        cells += [
            _number(r["cumulative"], unit),
            _number(r["target"], unit),
            _number(r["remaining"], unit),
        ]
        table_rows.append(cells)
    section.tables.append(
        Table(headings=headings, rows=table_rows, numeric=tuple(range(2, len(headings))))
    )
    if all(r["year_total"] is None for r in rows):
        section.empty_note = _(
            "No validated figures were recorded for %(year)s: the totals above are those of "
            "earlier years."
        ) % {"year": year}


def _money(amount: str, currency: str) -> str:
    return f"{_number(amount)} {currency}"


def _assistance_section(section: FormSection, form: dict, year: int) -> None:
    if not form["needs"] and not form["offers"]:
        section.empty_note = _("No need or offer of assistance was recorded for %(year)s.") % {
            "year": year
        }
        return
    statuses = [Offer.Status.PLEDGED, Offer.Status.COMMITTED, Offer.Status.DISBURSED]
    currencies = sorted(set(form["needed"]) | set(form["received"]))
    section.tables.append(
        Table(
            caption=_("Totals per currency"),
            headings=[_("Currency"), _("Needed")] + [str(s.label) for s in statuses],
            rows=[
                [currency, _number(form["needed"].get(currency))]
                + [_number(form["received"].get(currency, {}).get(s)) for s in statuses]
                for currency in currencies
            ],
            numeric=(1, 2, 3, 4),
        )
    )
    if form["needs"]:
        section.tables.append(
            Table(
                caption=_("Needs posted by the national authority"),
                headings=[_("Activity"), _("Period"), _("Amount")],
                rows=[
                    [
                        n["activity"],
                        _period(n["period_start"], n["period_end"]),
                        _money(n["amount"], n["currency"]),
                    ]
                    for n in form["needs"]
                ],
                numeric=(2,),
            )
        )
    if form["offers"]:
        section.tables.append(
            Table(
                caption=_("Assistance offered, committed or disbursed"),
                headings=[_("Donor"), _("Activity"), _("Status"), _("Period"), _("Amount")],
                rows=[
                    [
                        o["donor"],
                        o["activity"],
                        str(Offer.Status(o["status"]).label),
                        _period(o["period_start"], o["period_end"]),
                        _money(o["amount"], o["currency"]),
                    ]
                    for o in form["offers"]
                ],
                numeric=(4,),
            )
        )


def _matters_section(section: FormSection, form: dict, year: int) -> None:
    section.facts = [_obligation_fact(o) for o in form["obligations"]]
    if form["extensions"]:
        section.tables.append(
            Table(
                caption=_("Extension requests submitted or decided in %(year)s") % {"year": year},
                headings=[
                    _("Obligation"),
                    _("Submitted"),
                    _("Requested deadline"),
                    _("Decision"),
                    _("Granted deadline"),
                ],
                rows=[
                    [
                        _obligation(e["obligation"]),
                        _day(e["submitted_on"]),
                        _day(e["requested_deadline"]),
                        str(ExtensionRequest.Decision(e["decision"]).label),
                        _day(e["granted_deadline"]),
                    ]
                    for e in form["extensions"]
                ],
            )
        )
    for completion in form["completions"]:
        text = _("%(obligation)s: completion declared on %(day)s.") % {
            "obligation": _obligation(completion["obligation"]),
            "day": _day(completion["completed_on"]),
        }
        if completion["declaration"]:
            text += " " + completion["declaration"]
        section.facts.append(text)
    if not section.facts and not section.tables:
        section.empty_note = _("Nothing recorded for this form.")


GAP_TEXTS = {
    "quarter_without_figures": lambda g, year: _(
        "%(indicator)s (%(obligation)s): no validated figure for quarter %(quarter)s of %(year)s."
    ) % {"indicator": _indicator(g["indicator"]), "obligation": _obligation(g["obligation"]),
         "quarter": g["quarter"], "year": year},
    "straddles_year": lambda g, year: _(
        "%(indicator)s (%(obligation)s): a figure for %(period)s spans the year's boundary and "
        "is not counted."
    ) % {"indicator": _indicator(g["indicator"]), "obligation": _obligation(g["obligation"]),
         "period": _period(g["period_start"], g["period_end"])},
    "no_target": lambda g, year: _(
        "%(indicator)s (%(obligation)s): no target beyond its baseline."
    ) % {"indicator": _indicator(g["indicator"]), "obligation": _obligation(g["obligation"])},
    "no_indicators": lambda g, year: _(
        "%(obligation)s: no indicator, so no figure can be reported for it."
    ) % {"obligation": _obligation(g["obligation"])},
    "offer_spans_years": lambda g, year: _(
        "%(donor)s's offer for %(activity)s runs %(period)s: its whole amount is shown, not the "
        "share of %(year)s."
    ) % {"donor": g["donor"], "activity": g["activity"],
         "period": _period(g["period_start"], g["period_end"]), "year": year},
}  # fmt: skip


def document_for(report: TransparencyReport, *, with_comments: bool = False) -> ReportDocument:
    """The report in the active language. A fixed number of queries."""
    coalition = report.coalition
    if report.is_submitted:
        data = report.frozen
        texts = data.get("texts", {})
        point_of_contact = data.get("point_of_contact", "")
    else:
        data = figures_for(coalition=coalition, year=report.year, today=timezone.localdate())
        texts = {
            f.letter: {
                "mark": f.mark,
                "unchanged_since": f.unchanged_since,
                "narrative": f.narrative,
            }
            for f in report.forms.all()
        }
        point_of_contact = report.point_of_contact
    comments: dict[str, list] = {}
    if with_comments:
        for comment in report.comments.select_related("author"):
            comments.setdefault(comment.letter, []).append(comment)
    year = report.year
    sections = []
    for spec in FORMS:
        text = texts.get(spec.letter, {"mark": "", "unchanged_since": None, "narrative": ""})
        mark = text["mark"]
        section = FormSection(
            letter=spec.letter,
            title=str(spec.title),
            paragraphs=spec.paragraphs,
            tracked=spec.filled,
            mark=mark,
            mark_label=_mark_label(mark, text["unchanged_since"]),
            unchanged_since=text["unchanged_since"],
            narrative=text["narrative"],
            comments=comments.get(spec.letter, []),
        )
        form = data["forms"].get(spec.letter)
        if form is None:
            pass
        elif spec.letter == "I":
            _assistance_section(section, form, year)
        elif spec.letter == "J":
            _matters_section(section, form, year)
        else:
            _indicator_section(section, form, year)
        sections.append(section)
    waiting = None
    if data["waiting"]:
        waiting = Table(
            headings=[_("Indicator"), _("Obligation"), _("Period"), _("Value"), _("Reported by")],
            rows=[
                [
                    _indicator(w["indicator"]),
                    _obligation(w["obligation"]),
                    _period(w["period_start"], w["period_end"]),
                    _number(w["value"], _unit(w["indicator"])),
                    w["organisation"],
                ]
                for w in data["waiting"]
            ],
            numeric=(3,),
        )
    illustrative = any(
        row.get("illustrative")
        for form in data["forms"].values()
        for row in form.get("indicators", [])
    )
    return ReportDocument(
        report=report,
        state_party=coalition.state_party.name,
        year=year,
        period=_period(data["period_start"], data["period_end"]),
        point_of_contact=point_of_contact,
        submitted_on=report.submitted_on,
        sections=sections,
        waiting=waiting,
        gaps=[GAP_TEXTS[g["kind"]](g, year) for g in data["gaps"]],
        illustrative=illustrative,
        comments=comments.get("", []),
    )


def _mark_label(mark: str, since: int | None) -> str:
    if mark == TransparencyForm.Mark.UNCHANGED and since:
        return _("Unchanged since the report for %(year)s") % {"year": since}
    if mark:
        return str(TransparencyForm.Mark(mark).label)
    return _("Not yet marked")
