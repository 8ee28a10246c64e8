from datetime import date

from dateutil.relativedelta import relativedelta
from django import forms
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from coalitions.date_range import EARLIEST, LATEST, validate_date_in_range
from coalitions.submissions import SubmittedOnce, sent_before
from coalitions.text_limits import TEXT_MAX_LENGTH

from .forecast import quarter_end, quarter_index, quarter_start
from .models import (
    FIGURE_MAX,
    Article,
    Convention,
    ExtensionRequest,
    Indicator,
    Obligation,
    ProgressEntry,
    validate_figure_not_too_large,
)
from .selectors import progress_latest_by_indicator, progress_overlapping
from .templatetags.obligation_tags import figure


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        attrs = {"min": EARLIEST.isoformat(), "max": LATEST.isoformat()}
        super().__init__(format="%Y-%m-%d", attrs=attrs, **kwargs)


def date_field(label, required=True, help_text=""):
    return forms.DateField(
        label=label,
        required=required,
        widget=DateInput(),
        help_text=help_text,
        validators=[validate_date_in_range],
    )


def amount_field(label, required=True, help_text=""):
    return forms.DecimalField(
        label=label,
        required=required,
        min_value=0,
        max_digits=16,
        decimal_places=2,
        help_text=help_text,
        widget=forms.NumberInput(attrs={"max": str(FIGURE_MAX)}),
        validators=[validate_figure_not_too_large],
        error_messages={"min_value": _("The value cannot be negative.")},
    )


def text_field(label):
    return forms.CharField(
        label=label,
        required=False,
        max_length=TEXT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class ObligationCreateForm(SubmittedOnce, forms.Form):
    convention = forms.ChoiceField(label=_("Convention"), choices=Convention.choices)
    article = forms.TypedChoiceField(label=_("Article"), choices=Article.choices, coerce=int)
    instrument_deposited_on = date_field(
        _("Instrument of ratification or accession deposited on"),
        required=False,
        help_text=_(
            "The entry into force follows from it (Article 17): the first day of the sixth month "
            "after the month of deposit."
        ),
    )
    entry_into_force = date_field(
        _("Entry into force"),
        required=False,
        help_text=_(
            "Leave empty when you give the deposit. The deadline is computed from it: article 3, "
            "8 years; article 4, 10 years. 29 February gives 28 February of a non-leap year."
        ),
    )

    def clean(self):
        cleaned = super().clean()
        if not self.errors and not (
            cleaned.get("entry_into_force") or cleaned.get("instrument_deposited_on")
        ):
            self.add_error(
                "entry_into_force",
                _(
                    "Give the entry into force, or the date the State deposited its instrument "
                    "of ratification or accession."
                ),
            )
        return cleaned

    plan_start = date_field(_("Plan period from"), required=False)
    plan_end = date_field(
        _("Plan period to"), required=False, help_text=_("For article 5, which has no deadline.")
    )
    notes = text_field(_("Notes"))


class ObligationEditForm(forms.Form):
    entry_into_force = date_field(_("Entry into force"))
    plan_start = date_field(_("Plan period from"), required=False)
    plan_end = date_field(_("Plan period to"), required=False)
    status = forms.ChoiceField(label=_("Status"), choices=Obligation.Status.choices)
    completed_on = date_field(_("Completed on"), required=False)
    completion_declaration = text_field(_("Declaration of completion"))
    notes = text_field(_("Notes"))


class ExtensionRequestForm(SubmittedOnce, forms.Form):
    requested_deadline = date_field(_("Requested deadline"))
    submitted_on = date_field(_("Submitted on"))
    notes = text_field(_("Notes"))


class ExtensionDecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[c for c in ExtensionRequest.Decision.choices if c[0] != "pending"],
    )
    decided_on = date_field(_("Decided on"))
    decided_by_meeting = forms.CharField(
        label=_("Meeting of States Parties"),
        required=False,
        max_length=200,
        help_text=_("For example: Eleventh Meeting of States Parties (2023)."),
    )
    granted_deadline = date_field(_("Granted deadline"), required=False)


class IndicatorForm(SubmittedOnce, forms.Form):
    kind = forms.ChoiceField(label=_("Indicator"), choices=Indicator.Kind.choices)
    baseline = amount_field(
        _("Baseline"), help_text=_("What was already done when recording began.")
    )
    target = amount_field(
        _("Target"), help_text=_("The cumulative figure at which the work is done.")
    )
    target_date = date_field(_("Target date"), required=False)
    is_headline = forms.BooleanField(
        label=_("Headline indicator (gives the obligation's status)"), required=False
    )


# The unit each indicator counts in, shown beside the value.
UNITS = {
    Indicator.Kind.AREA_RELEASED: _("m²"),
    Indicator.Kind.REMNANTS_DESTROYED: _("remnants"),
    Indicator.Kind.MUNITIONS_DESTROYED: _("cluster munitions"),
    Indicator.Kind.SUBMUNITIONS_DESTROYED: _("submunitions"),
    Indicator.Kind.PEOPLE_REACHED: _("people"),
    Indicator.Kind.VICTIMS_ASSISTED: _("people"),
}
AREA_SPLIT = ("cancelled_m2", "reduced_m2", "cleared_m2")
PRESET_QUARTERS = 5
PRESET_MONTHS = 4


def period_presets(today: date) -> list[tuple[str, str, date, date]]:
    """Recent quarters and months, newest first, as (value, label, first day, last day); the one
    under way ends today, as a period cannot end in the future."""
    presets = []
    quarter = quarter_index(today)
    for index in range(quarter, quarter - PRESET_QUARTERS, -1):
        first, last = quarter_start(index), min(quarter_end(index), today)
        label = _("Quarter %(n)s of %(year)s") % {"n": index % 4 + 1, "year": index // 4}
        if last < quarter_end(index):
            label = _("%(period)s, to date") % {"period": label}
        presets.append((f"q{index // 4}-{index % 4 + 1}", label, first, last))
    month = today.replace(day=1)
    for _step in range(PRESET_MONTHS):
        last = min(month + relativedelta(months=1, days=-1), today)
        label = capfirst(date_format(month, "YEAR_MONTH_FORMAT"))
        if last < month + relativedelta(months=1, days=-1):
            label = _("%(period)s, to date") % {"period": label}
        presets.append((f"m{month:%Y-%m}", label, month, last))
        month -= relativedelta(months=1)
    return presets


def indicator_hint(indicator: Indicator, latest: ProgressEntry | None) -> str:
    """The unit an indicator counts in and its last figure, in one line."""
    unit = UNITS[indicator.kind]
    if latest is None:
        return _("Counted in %(unit)s. No figure yet.") % {"unit": unit}
    return _("Counted in %(unit)s. Last figure: %(value)s for %(start)s – %(end)s (%(by)s).") % {
        "unit": unit,
        "value": figure(latest.value),
        "start": date_format(latest.period_start, "j M Y"),
        "end": date_format(latest.period_end, "j M Y"),
        "by": latest.reporting_organisation,
    }


class ProgressForm(SubmittedOnce, forms.Form):
    """One figure. The period is typed, or taken from a recent quarter or month; a period that
    overlaps figures already recorded for the indicator is accepted only once confirmed, as both
    figures may count the same work."""

    indicator = forms.ModelChoiceField(
        label=_("Indicator"),
        queryset=Indicator.objects.none(),
        empty_label=_("Choose an indicator"),
    )
    preset = forms.ChoiceField(
        label=_("Period"),
        required=False,
        help_text=_("A recent quarter or month, or type the dates below."),
    )
    period_start = date_field(_("Period from"), required=False)
    period_end = date_field(_("Period to"), required=False)
    value = amount_field(_("Value"))
    cancelled_m2 = amount_field(_("of which cancelled (m²)"), required=False)
    reduced_m2 = amount_field(_("of which reduced (m²)"), required=False)
    cleared_m2 = amount_field(
        _("of which cleared (m²)"),
        required=False,
        help_text=_("Area released only; the three parts add up to the value."),
    )
    source = forms.CharField(
        label=_("Source"),
        required=False,
        max_length=300,
        help_text=_("Where the figure comes from, e.g. the operator's monthly report."),
    )

    def __init__(self, *args, indicators, today: date | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        today = self.today = today or timezone.localdate()
        self.fields["indicator"].queryset = indicators
        self.presets = {value: (start, end) for value, _l, start, end in period_presets(today)}
        self.fields["preset"].choices = [("", _("Other dates (type them below)"))] + [
            (value, label) for value, label, _s, _e in period_presets(today)
        ]
        indicators = list(indicators)
        if len(indicators) == 1:
            self.fields["indicator"].initial = indicators[0].pk
        if not any(indicator.is_area for indicator in indicators):
            for name in AREA_SPLIT:
                del self.fields[name]
        latest = progress_latest_by_indicator(indicators=indicators)
        # What the page's script shows as another indicator is chosen.
        self.indicator_facts = {
            str(i.pk): {"area": i.is_area, "hint": str(indicator_hint(i, latest.get(i.pk)))}
            for i in indicators
        }
        chosen = (
            self.data.get("indicator")
            if self.is_bound
            else self.initial.get("indicator") or self.fields["indicator"].initial
        )
        facts = self.indicator_facts.get(str(getattr(chosen, "pk", chosen) or ""))
        self.fields["indicator"].help_text = (
            facts["hint"] if facts else _("Choose one to see its unit and last figure.")
        )
        if self.data.get("confirm_overlap"):
            self._add_confirm_field()

    def _add_confirm_field(self) -> None:
        self.fields["confirm_overlap"] = forms.BooleanField(
            label=_("Record it anyway: this figure does not repeat the ones listed"),
            required=False,
        )

    def clean(self):
        cleaned = super().clean()
        # Neither is a figure's own: the service gets the dates and the figure.
        preset = cleaned.pop("preset", None)
        cleaned.pop("confirm_overlap", None)
        if preset:
            start, end = self.presets[preset]
            typed = (cleaned.get("period_start"), cleaned.get("period_end"))
            if any(typed) and typed != (start, end):
                self.add_error(
                    "preset",
                    _("The dates typed differ from the period chosen: choose one or the other."),
                )
                return cleaned
            cleaned["period_start"], cleaned["period_end"] = start, end
        for name in ("period_start", "period_end"):
            if not cleaned.get(name) and name not in self.errors:
                self.add_error(name, _("Give the date, or choose a period above."))
        indicator, start, end = (
            cleaned.get("indicator"),
            cleaned.get("period_start"),
            cleaned.get("period_end"),
        )
        if self.errors or not (indicator and start and end) or start > end:
            return cleaned
        if start < indicator.obligation.entry_into_force or end > self.today:
            return cleaned  # refused anyway, with its own reason
        if sent_before(self):
            return cleaned  # the same form again: it goes where the first sending went
        overlapping = list(
            progress_overlapping(indicator=indicator, period_start=start, period_end=end)[:5]
        )
        if overlapping and not self.data.get("confirm_overlap"):
            self._add_confirm_field()
            listed = "; ".join(
                _("%(value)s for %(start)s – %(end)s (%(by)s)")
                % {
                    "value": figure(entry.value),
                    "start": date_format(entry.period_start, "j M Y"),
                    "end": date_format(entry.period_end, "j M Y"),
                    "by": entry.reporting_organisation,
                }
                for entry in overlapping
            )
            self.add_error(
                "confirm_overlap",
                _(
                    "This period overlaps figures already recorded for %(indicator)s: "
                    "%(listed)s. If they include the same work, it would be counted twice. "
                    "Change the dates, or tick the box to record it anyway."
                )
                % {"indicator": indicator, "listed": listed},
            )
        return cleaned


class CsvUploadForm(SubmittedOnce, forms.Form):
    file = forms.FileField(
        label=_("CSV file"),
        help_text=_("UTF-8, comma-separated, at most 1 MB, in the format of the export."),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith(".csv"):
            raise forms.ValidationError(_("Choose a file ending in .csv."))
        return upload
