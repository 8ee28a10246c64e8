from django import forms
from django.core.exceptions import ValidationError
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from users.models import time_zone_choices

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


def _role_choices(giver_role: str | None, coalition: Coalition) -> list[tuple[str, str]]:
    allowed = roles_given_by(giver_role, coalition=coalition)
    return [("", _("Choose a role"))] + [c for c in Role.choices if c[0] in allowed]


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
        choices=[("", _("Choose a kind of organisation"))] + list(Organisation.Kind.choices),
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
        self.fields["role"].choices = _role_choices(inviter_role, coalition)
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
        self.fields["role"].choices = _role_choices(editor_role, self.instance.coalition)
        self.fields["organisation"].queryset = coalition_organisations(
            coalition=self.instance.coalition
        )
        bind_search_fields(self, self.instance.coalition)


class CoalitionStartForm(SubmittedOnce, forms.Form):
    """A new coalition and its first member: the person starting it, for their organisation."""

    name = forms.CharField(
        label=capfirst(_("name of the coalition")),
        max_length=Coalition._meta.get_field("name").max_length,
        help_text=_("For example: Country Coalition for Lebanon."),
    )
    state_party = forms.ChoiceField(
        label=capfirst(_("State Party")), choices=[("", _("Choose a country"))] + list(countries)
    )
    description = forms.CharField(
        label=capfirst(_("description")),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=Coalition._meta.get_field("description").max_length,
        required=False,
    )
    under_apmbc = forms.BooleanField(
        label=_("The State is also party to the Anti-Personnel Mine Ban Convention (APMBC)"),
        required=False,
        help_text=_("Every coalition works under the Convention on Cluster Munitions (CCM)."),
    )
    cadence = forms.ChoiceField(
        label=capfirst(_("meeting cadence")),
        choices=Coalition.Cadence.choices,
        initial=Coalition.Cadence.BIANNUAL,
    )
    timezone = forms.ChoiceField(
        label=capfirst(_("time zone")),
        required=False,
        help_text=_("Meetings are planned in this zone. Left empty: the State Party's main zone."),
    )
    role = forms.ChoiceField(
        label=capfirst(_("you start it as")),
        widget=forms.RadioSelect,
        choices=[
            (
                Role.NATIONAL_AUTHORITY,
                _("The State's national authority, which owns the coalition"),
            ),
            (
                Role.CHAMPION,
                _("A champion proposing the coalition; the national authority joins by invitation"),
            ),
        ],
    )
    organisation_name = forms.CharField(
        label=capfirst(_("your organisation")),
        max_length=Organisation._meta.get_field("name").max_length,
        help_text=_("An organisation already known by this name and country is used as it is."),
    )
    organisation_kind = forms.ChoiceField(
        label=capfirst(_("your organisation: kind")),
        choices=[("", _("Choose a kind of organisation"))] + list(Organisation.Kind.choices),
    )
    organisation_country = forms.ChoiceField(
        label=capfirst(_("your organisation: country")),
        choices=[("", _("None (international)"))] + list(countries),
        required=False,
    )
    authority_name = forms.CharField(
        label=capfirst(_("the State's national authority")),
        max_length=Organisation._meta.get_field("name").max_length,
        required=False,
        help_text=_(
            "Only when you start it as a champion: the national mine action authority or centre "
            "you will invite."
        ),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["timezone"].choices = [("", _("Suggested from the State Party"))] + (
            time_zone_choices()
        )

    def clean(self):
        cleaned = super().clean()
        if (
            cleaned.get("role") == Role.CHAMPION
            and not (cleaned.get("authority_name") or "").strip()
        ):
            self.add_error("authority_name", _("Name the State's national mine action authority."))
        return cleaned


class CoalitionSettingsForm(forms.Form):
    """The national authority's settings (the short address stays: links in mails use it)."""

    name = CoalitionStartForm.base_fields["name"]
    description = CoalitionStartForm.base_fields["description"]
    state_party = CoalitionStartForm.base_fields["state_party"]
    under_apmbc = CoalitionStartForm.base_fields["under_apmbc"]
    cadence = CoalitionStartForm.base_fields["cadence"]
    timezone = forms.ChoiceField(label=capfirst(_("time zone")), choices=time_zone_choices)


class OrganisationForm(forms.Form):
    name = forms.CharField(
        label=capfirst(_("name")), max_length=Organisation._meta.get_field("name").max_length
    )
    short_name = forms.CharField(
        label=capfirst(_("short name")),
        max_length=Organisation._meta.get_field("short_name").max_length,
        required=False,
    )
    kind = forms.ChoiceField(label=capfirst(_("kind")), choices=Organisation.Kind.choices)
    country = forms.ChoiceField(
        label=capfirst(_("country")),
        choices=[("", _("None (international)"))] + list(countries),
        required=False,
    )


class OrganisationNewForm(SubmittedOnce, OrganisationForm):
    """An organisation added to the coalition on its own. `use_existing` is sent back by the
    page that answered "exists already", to add the known one instead."""

    use_existing = forms.BooleanField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, creates=True, **kwargs)


class HandOverForm(forms.Form):
    colleague = forms.ModelChoiceField(
        label=capfirst(_("colleague")),
        queryset=None,
        help_text=_(
            "People you see representing your organisation, in this coalition or in another one "
            "you belong to. Someone else joins by invitation first."
        ),
    )
    confirm = forms.BooleanField(
        label=_("I hand over the national authority's role and leave the coalition"),
    )

    def __init__(self, *args, candidates, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["colleague"].queryset = candidates
        self.fields["colleague"].label_from_instance = lambda user: f"{user.name} <{user.email}>"
