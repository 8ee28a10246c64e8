from allauth.account.forms import SignupForm as AllauthSignupForm
from django import forms
from django.utils.translation import gettext_lazy as _

from .models import User, time_zone_choices


class SignupForm(AllauthSignupForm):
    name = forms.CharField(label=_("Full name"), max_length=150)
    timezone = forms.ChoiceField(label=_("Time zone"), choices=time_zone_choices, initial="UTC")

    field_order = ["name", "email", "timezone", "password1", "password2"]


class ProfileForm(forms.ModelForm):
    timezone = forms.ChoiceField(label=_("Time zone"), choices=time_zone_choices)

    class Meta:
        model = User
        fields = ["name", "preferred_language", "timezone"]
