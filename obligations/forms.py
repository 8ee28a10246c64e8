from django import forms
from django.utils.translation import gettext_lazy as _

from coalitions.date_range import EARLIEST, LATEST, validate_date_in_range
from coalitions.submissions import SubmittedOnce
from coalitions.text_limits import TEXT_MAX_LENGTH

from .models import (
    FIGURE_MAX,
    Article,
    Convention,
    ExtensionRequest,
    Indicator,
    Obligation,
    validate_figure_not_too_large,
)


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


class ProgressForm(SubmittedOnce, forms.Form):
    indicator = forms.ModelChoiceField(label=_("Indicator"), queryset=Indicator.objects.none())
    period_start = date_field(_("Period from"))
    period_end = date_field(_("Period to"))
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

    def __init__(self, *args, indicators, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["indicator"].queryset = indicators


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
