from django import forms
from django.core.exceptions import ValidationError
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from .models import Coalition, Invitation, Membership, Organisation, Role
from .permissions import roles_given_by
from .search import SearchChoiceField, bind_search_fields
from .selectors import coalition_organisations
from .submissions import SubmittedOnce


def organisation_field(**kwargs) -> SearchChoiceField:
    """One of the coalition's organisations, typed with suggestions: a coalition may count
    hundreds, and a select would list them all."""
    return SearchChoiceField(
        kind="coalition_organisations", label=capfirst(_("organisation")), **kwargs
    )


def _role_choices(giver_role: str | None) -> list[tuple[str, str]]:
    allowed = roles_given_by(giver_role)
    return [("", "---------")] + [c for c in Role.choices if c[0] in allowed]


class InvitationForm(SubmittedOnce, forms.Form):
    """The organisation is one of the coalition's, or a new one named here (never both)."""

    email = forms.EmailField(label=capfirst(_("e-mail address")))
    role = forms.ChoiceField(label=capfirst(_("role")))
    organisation = organisation_field(
        required=False,
        help_text=_("The organisation the person will represent in this coalition."),
    )
    new_organisation_name = forms.CharField(
        label=capfirst(_("or a new organisation: name")),
        max_length=Organisation._meta.get_field("name").max_length,
        required=False,
        help_text=_("Only when the organisation is not in the list above."),
    )
    new_organisation_kind = forms.ChoiceField(
        label=capfirst(_("new organisation: kind")),
        choices=[("", "---------")] + list(Organisation.Kind.choices),
        required=False,
    )
    new_organisation_country = forms.ChoiceField(
        label=capfirst(_("new organisation: country")),
        choices=[("", _("None (international)"))] + list(countries),
        required=False,
    )
    message = forms.CharField(
        label=capfirst(_("personal message")),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=Invitation._meta.get_field("message").max_length,
        required=False,
        help_text=_("Optional: a line of your own, included in the invitation mail."),
    )

    def __init__(self, *args, coalition: Coalition, inviter_role: str | None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["role"].choices = _role_choices(inviter_role)
        self.fields["organisation"].queryset = coalition_organisations(coalition=coalition)
        bind_search_fields(self, coalition)

    def clean(self):
        cleaned = super().clean()
        chosen = cleaned.get("organisation")
        new_name = (cleaned.get("new_organisation_name") or "").strip()
        if "organisation" in self.errors:
            return cleaned
        if chosen and new_name:
            raise ValidationError(
                _("Choose an organisation from the list or name a new one, not both.")
            )
        if not chosen and not new_name:
            self.add_error(
                "organisation", _("Choose an organisation from the list, or name a new one.")
            )
        elif new_name and not cleaned.get("new_organisation_kind"):
            self.add_error("new_organisation_kind", _("Say what kind of organisation it is."))
        return cleaned


class MembershipRoleForm(forms.ModelForm):
    organisation = organisation_field()

    class Meta:
        model = Membership
        fields = ["role", "organisation"]

    def __init__(self, *args, editor_role: str | None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["role"].choices = _role_choices(editor_role)
        self.fields["organisation"].queryset = coalition_organisations(
            coalition=self.instance.coalition
        )
        bind_search_fields(self, self.instance.coalition)
