from django import forms


class RecipientFilterForm(forms.Form):
    # A CharField refuses a NUL byte, which PostgreSQL cannot compare with.
    to = forms.CharField(required=False, max_length=254, strip=True)
