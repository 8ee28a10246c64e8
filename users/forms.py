from allauth.account.forms import SignupForm as AllauthSignupForm
from django import forms
from django.core.validators import MaxLengthValidator
from django.utils.translation import gettext_lazy as _

from .models import User, time_zone_choices

PASSWORD_MAX_LENGTH = 256


class SignupForm(AllauthSignupForm):
    name = forms.CharField(label=_("Full name"), max_length=150)
    timezone = forms.ChoiceField(
        label=_("Time zone"),
        choices=time_zone_choices,
        initial="UTC",
        # static/js/app.js puts the browser's own zone here while the field is untouched.
        widget=forms.Select(attrs={"data-browser-zone": ""}),
    )

    field_order = ["name", "email", "timezone", "password1", "password2"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Far beyond what a password manager generates; a longer one is refused before hashing.
        for name in ("password1", "password2"):
            if name in self.fields:
                field = self.fields[name]
                field.max_length = PASSWORD_MAX_LENGTH
                field.validators.append(MaxLengthValidator(PASSWORD_MAX_LENGTH))
                field.widget.attrs["maxlength"] = str(PASSWORD_MAX_LENGTH)


class ProfileForm(forms.ModelForm):
    timezone = forms.ChoiceField(label=_("Time zone"), choices=time_zone_choices)

    class Meta:
        model = User
        fields = ["name", "preferred_language", "timezone"]
