from django import forms
from django.utils.translation import gettext_lazy as _

from coalitions.search import SearchChoiceField, SearchInput, bind_search_fields
from coalitions.submissions import SubmittedOnce
from config.plain_widgets import (
    PlainCheckboxInput,
    PlainHiddenInput,
    PlainRender,
    PlainSelect,
    PlainTextInput,
)

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


VIEWS = ("all", "mine", "recorded")


class PlainSearchInput(PlainRender, SearchInput):
    pass


class FilterForm(forms.Form):
    """The list's filters: one search field in sight, the rest in a disclosure and as chips.

    Which action points (all, mine, recorded by me) is chosen with the tabs above the list, so
    the form only carries it along. Shown on every visit of the list, its widgets are written
    out in Python (config/plain_widgets.py)."""

    q = forms.CharField(label=_("Search"), required=False, max_length=100, widget=PlainTextInput)
    view = forms.CharField(required=False, max_length=20, widget=PlainHiddenInput)
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        widget=PlainSelect,
        choices=[
            ("", _("Open and in progress")),
            *ActionPoint.Status.choices,
            ("archived", _("Archived (done or dropped)")),
            ("any", _("Any status")),
        ],
    )
    owner_organisation = SearchChoiceField(
        kind="organisations",
        label=_("Owner organisation"),
        required=False,
        help_text=_("Any owner when empty."),
        widget=PlainSearchInput,
    )
    meeting = SearchChoiceField(
        kind="meetings",
        label=_("Meeting"),
        required=False,
        help_text=_("Any meeting when empty."),
        widget=PlainSearchInput,
    )
    overdue = forms.BooleanField(label=_("Overdue only"), required=False, widget=PlainCheckboxInput)
    sort = forms.ChoiceField(
        label=_("Sort by"),
        required=False,
        widget=PlainSelect,
        choices=[
            ("due", _("Due date, soonest first")),
            ("-due", _("Due date, latest first")),
            ("updated", _("Recently changed")),
            ("owner", _("Owner")),
            ("status", _("Status")),
            ("title", _("Title")),
        ],
    )

    def __init__(self, *args, coalition, may_record: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        self.views = VIEWS if may_record else ("all", "mine")
        self.fields["q"].widget.input_type = "search"
        self.fields["q"].widget.attrs["placeholder"] = _("Title or description")
        # The choices are read only to resolve what was typed: a list opened without an owner or
        # a meeting in its filters builds neither query.
        if self.data.get("owner_organisation"):
            self.fields["owner_organisation"].queryset = owner_organisation_choices(
                coalition=coalition
            )
        if self.data.get("meeting"):
            self.fields["meeting"].queryset = meeting_choices(coalition=coalition)
        bind_search_fields(self, coalition)

    def clean_view(self):
        # A tab the person does not have (recorded by me, for a role that records nothing)
        # shows the whole list rather than an error.
        view = self.cleaned_data.get("view") or "all"
        return view if view in self.views else "all"

    def filters(self):
        from .selectors import ActionPointFilters

        # Each field that is valid applies, so one mistyped meeting keeps the other filters.
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        sort = data.get("sort") or "due"
        return ActionPointFilters(
            view=data.get("view") or "all",
            status=data.get("status") or "",
            owner_organisation=data["owner_organisation"].pk
            if data.get("owner_organisation")
            else None,
            meeting=data["meeting"].pk if data.get("meeting") else None,
            overdue=bool(data.get("overdue")),
            sort=sort if sort in SORTS else "due",
            query=(data.get("q") or "").strip(),
        )


class StatusChangeForm(forms.Form):
    """The status set from a list row; the update it writes says what changed."""

    status = forms.ChoiceField(
        label=_("Status"),
        choices=ActionPoint.Status.choices,
        error_messages={
            "invalid_choice": _(
                "“%(value)s” is not a status: choose open, in progress, done or dropped."
            ),
            "required": _("Choose a status."),
        },
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
