from django import forms
from django.utils.translation import gettext_lazy as _

from coalitions.search import SearchChoiceField, bind_search_fields
from coalitions.submissions import SubmittedOnce

from .models import ActionPoint, ActionUpdate, NotificationPreference, ReminderSettings
from .selectors import SORTS, meeting_choices, owner_choices, owner_organisation_choices
from .services import EDITABLE_FIELDS


class ActionPointForm(SubmittedOnce, forms.ModelForm):
    """People, organisations and meetings are typed with suggestions: a coalition has hundreds."""

    owner_organisation = SearchChoiceField(
        kind="organisations",
        required=False,
        label=_("Owner organisation"),
        help_text=_(
            "Type a few letters of the organisation's name; left empty, the person's "
            "organisation below."
        ),
    )
    owner = SearchChoiceField(
        kind="people",
        narrowed_by="owner_organisation",
        required=False,
        label=_("Owner (person)"),
        help_text=_(
            "Optional: the person who follows it up; the suggestions are the owner "
            "organisation's people."
        ),
    )
    meeting = SearchChoiceField(
        kind="meetings",
        required=False,
        label=_("Meeting"),
        help_text=_("Optional: the meeting it came from. Type a few letters of its title."),
    )

    class Meta:
        model = ActionPoint
        fields = list(EDITABLE_FIELDS)
        widgets = {
            "due_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "description": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, coalition, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner_organisation"].queryset = owner_organisation_choices(coalition=coalition)
        self.fields["owner"].queryset = owner_choices(coalition=coalition)
        if "meeting" in self.fields:
            self.fields["meeting"].queryset = meeting_choices(coalition=coalition)
        bind_search_fields(self, coalition)

    def clean(self):
        cleaned = super().clean()
        owner, organisation = cleaned.get("owner"), cleaned.get("owner_organisation")
        if "owner_organisation" in self.errors or "owner" in self.errors:
            return cleaned
        if owner and organisation is None:
            # The person's own organisation in this coalition.
            cleaned["owner_organisation"] = self.fields["owner_organisation"].queryset.get(
                pk=owner.organisation_id
            )
        elif owner and owner.organisation_id != organisation.pk:
            self.add_error(
                "owner", _("This person represents another organisation in the coalition.")
            )
        elif organisation is None:
            self.add_error(
                "owner_organisation",
                _("Choose the owner organisation, or a person: their organisation is taken."),
            )
        return cleaned


class QuickEntryForm(ActionPointForm):
    meeting = None  # the meeting is the page's own

    class Meta(ActionPointForm.Meta):
        fields = ["title", "owner_organisation", "owner", "due_date", "visibility"]


class ActionUpdateForm(SubmittedOnce, forms.ModelForm):
    new_status = forms.ChoiceField(label=_("Status"), required=False)

    class Meta:
        model = ActionUpdate
        fields = ["text", "new_status"]
        widgets = {"text": forms.Textarea(attrs={"rows": 4})}
        labels = {"text": _("What happened since the last update?")}

    def __init__(self, *args, action_point: ActionPoint, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["new_status"].choices = ActionPoint.Status.choices
        self.fields["new_status"].initial = action_point.status


class FilterForm(forms.Form):
    view = forms.ChoiceField(
        label=_("Show"),
        required=False,
        choices=[
            ("all", _("All of the coalition's")),
            ("mine", _("Mine and my organisation's")),
            ("recorded", _("Recorded by me")),
        ],
    )
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[
            ("", _("Open and in progress")),
            *ActionPoint.Status.choices,
            ("archived", _("Archived (done or dropped)")),
            ("any", _("Any status")),
        ],
    )
    owner_organisation = SearchChoiceField(
        kind="organisations",
        label=_("Owner"),
        required=False,
        help_text=_("Any owner when empty."),
    )
    meeting = SearchChoiceField(
        kind="meetings", label=_("Meeting"), required=False, help_text=_("Any meeting when empty.")
    )
    overdue = forms.BooleanField(label=_("Overdue only"), required=False)
    sort = forms.ChoiceField(
        label=_("Sort by"),
        required=False,
        choices=[
            ("due", _("Due date, soonest first")),
            ("-due", _("Due date, latest first")),
            ("updated", _("Recently changed")),
            ("owner", _("Owner")),
            ("status", _("Status")),
            ("title", _("Title")),
        ],
    )
    q = forms.CharField(label=_("Title contains"), required=False, max_length=100)

    def __init__(self, *args, coalition, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner_organisation"].queryset = owner_organisation_choices(coalition=coalition)
        self.fields["meeting"].queryset = meeting_choices(coalition=coalition)
        bind_search_fields(self, coalition)

    def filters(self, default_view: str = "all"):
        from .selectors import ActionPointFilters

        data = self.cleaned_data if self.is_valid() else {}
        sort = data.get("sort") or "due"
        return ActionPointFilters(
            view=data.get("view") or default_view,
            status=data.get("status") or "",
            owner_organisation=data["owner_organisation"].pk
            if data.get("owner_organisation")
            else None,
            meeting=data["meeting"].pk if data.get("meeting") else None,
            overdue=bool(data.get("overdue")),
            sort=sort if sort in SORTS else "due",
            query=data.get("q") or "",
        )


class ReminderSettingsForm(forms.ModelForm):
    class Meta:
        model = ReminderSettings
        fields = ["reminders_enabled", "due_soon_days"]


class PreferenceForm(forms.Form):
    cadence = forms.ChoiceField(
        label=_("Action point mails from this coalition"),
        choices=NotificationPreference.Cadence.choices,
        widget=forms.RadioSelect,
        help_text=_(
            "Mandatory mails, such as invitations, always come. Digests go out at 07:00 in your "
            "time zone."
        ),
    )
