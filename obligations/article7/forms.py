from django import forms
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from coalitions.submissions import SubmittedOnce
from coalitions.text_limits import TEXT_MAX_LENGTH

from ..models import TransparencyForm
from .catalogue import FORMS

LANGUAGES = (("en", "English"), ("fr", "Français"), ("es", "Español"))


class ReportStartForm(SubmittedOnce, forms.Form):
    year = forms.TypedChoiceField(label=_("Calendar year to report on"), coerce=int)

    def __init__(self, *args, years: list[int], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"].choices = [(y, str(y)) for y in years]


class ContactForm(forms.Form):
    point_of_contact = forms.CharField(
        label=_("Point of contact"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Name, organisation, address, telephone and e-mail of the person to contact."),
    )


class SectionForm(forms.Form):
    mark = forms.ChoiceField(
        label=_("This form is"),
        choices=TransparencyForm.Mark.choices,
        widget=forms.RadioSelect,
    )
    unchanged_since = forms.IntegerField(
        label=_("Unchanged since the report for"),
        required=False,
        min_value=2010,
        max_value=2100,
        help_text=_("The year of the last report that said the same."),
    )
    narrative = forms.CharField(
        label=_("Narrative"),
        required=False,
        max_length=TEXT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 10}),
    )


class CommentForm(SubmittedOnce, forms.Form):
    letter = forms.ChoiceField(
        label=_("On"),
        required=False,
        choices=[("", _("The whole report"))]
        + [(spec.letter, format_lazy("{} {}", _("Form"), spec.letter)) for spec in FORMS],
    )
    text = forms.CharField(
        label=_("Comment"), max_length=TEXT_MAX_LENGTH, widget=forms.Textarea(attrs={"rows": 3})
    )


class SubmitForm(forms.Form):
    submitted_on = forms.DateField(
        label=_("Date of submission to the United Nations"),
        widget=forms.DateInput(attrs={"type": "date"}),
    )


class CalendarForm(forms.Form):
    remind_days_before = forms.IntegerField(
        label=_("Remind the national authority this many days before a report is due"),
        min_value=1,
        max_value=365,
    )


class LanguageForm(forms.Form):
    lang = forms.ChoiceField(label=_("Language"), choices=LANGUAGES, required=False)
