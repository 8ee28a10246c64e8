"""The forms of the needs and offers pages; a need or an offer is in one currency, typed as its
ISO 4217 code with the common ones offered."""

from django import forms
from django.utils.translation import gettext_lazy as _

from coalitions.search import SearchChoiceField, bind_search_fields
from coalitions.submissions import SubmittedOnce

from ..forms import date_field, text_field
from ..models import COMMON_CURRENCIES, Obligation, Offer, currency_validator


class CurrencyInput(forms.TextInput):
    def __init__(self):
        super().__init__(attrs={"list": "currency-codes", "maxlength": 3, "autocomplete": "off"})


def currency_field():
    return forms.CharField(
        label=_("Currency"),
        max_length=3,
        widget=CurrencyInput(),
        validators=[currency_validator],
        help_text=_("ISO 4217 code, e.g. USD, EUR, NOK."),
    )


class NeedForm(SubmittedOnce, forms.Form):
    activity = forms.CharField(label=_("Activity"), max_length=200)
    description = text_field(_("Description"))
    obligation = forms.ModelChoiceField(
        label=_("Obligation"),
        queryset=Obligation.objects.none(),
        required=False,
        empty_label=_("None in particular"),
    )
    amount = forms.DecimalField(
        label=_("Amount needed"), min_value=0.01, max_digits=14, decimal_places=2
    )
    currency = currency_field()
    period_start = date_field(_("Period from"))
    period_end = date_field(_("Period to"))

    def __init__(self, *args, obligations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["obligation"].queryset = obligations


class OfferForm(SubmittedOnce, forms.Form):
    need = SearchChoiceField(
        kind="needs",
        label=_("Against the need"),
        required=False,
        help_text=_("Type a few letters of the need's activity; empty for a freestanding offer."),
    )
    activity = forms.CharField(label=_("Activity"), max_length=200)
    amount = forms.DecimalField(label=_("Amount"), min_value=0.01, max_digits=14, decimal_places=2)
    currency = currency_field()
    period_start = date_field(_("Period from"))
    period_end = date_field(_("Period to"))
    status = forms.ChoiceField(label=_("Status"), choices=Offer.Status.choices)

    def __init__(self, *args, needs, coalition, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["need"].queryset = needs
        bind_search_fields(self, coalition)


class OfferStatusForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=Offer.Status.choices)


CURRENCY_CODES = COMMON_CURRENCIES
