from django import forms
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.utils import dateformat
from django.utils.translation import gettext_lazy as _

from coalitions.date_range import EARLIEST, LATEST, validate_date_in_range
from coalitions.models import Visibility
from coalitions.search import SearchChoiceField, bind_search_fields
from coalitions.submissions import SubmittedOnce
from coalitions.text_limits import MINUTES_MAX_LENGTH
from config.form_views import is_record_id

from . import selectors, timefmt
from .models import AgendaItem, Decision, Meeting, Participant, SummaryAmendment
from .uploads import MAX_DOCUMENT_BYTES

PARTICIPANT_CHECKBOXES = 100


class ParticipantsField(forms.ModelMultipleChoiceField):
    def clean(self, value):
        # Checked before any query: some databases fail on an id longer than a bigint.
        if isinstance(value, list | tuple):
            for pk in value:
                if not is_record_id(pk):
                    raise forms.ValidationError(
                        self.error_messages["invalid_pk_value"],
                        code="invalid_pk_value",
                        params={"pk": pk},
                    )
        return super().clean(value)

    def label_from_instance(self, membership):
        return f"{membership.user.name} — {membership.organisation.name}, {membership.get_role_display()}"


DATE_ATTRS = {"type": "date", "min": EARLIEST.isoformat(), "max": LATEST.isoformat()}


class MeetingForm(SubmittedOnce, forms.Form):
    """Dates and times are typed in the coalition's time zone and stored in UTC."""

    kind = forms.ChoiceField(label=_("Kind"), choices=Meeting.Kind.choices)
    title = forms.CharField(label=_("Title"), max_length=200)
    date = forms.DateField(
        label=_("Date"),
        widget=forms.DateInput(attrs=DATE_ATTRS),
        validators=[validate_date_in_range],
    )
    start_time = forms.TimeField(
        label=_("Starts at"), widget=forms.TimeInput(attrs={"type": "time"})
    )
    end_date = forms.DateField(
        label=_("End date"),
        required=False,
        help_text=_("Leave empty when the meeting ends on the same day."),
        widget=forms.DateInput(attrs=DATE_ATTRS),
        validators=[validate_date_in_range],
    )
    end_time = forms.TimeField(label=_("Ends at"), widget=forms.TimeInput(attrs={"type": "time"}))
    venue = forms.CharField(label=_("Venue"), max_length=300, required=False)
    online_link = forms.URLField(
        label=_("Online link"),
        required=False,
        max_length=Meeting._meta.get_field("online_link").max_length,
        assume_scheme="https",
    )
    chair = SearchChoiceField(kind="members", label=_("Chair"), required=False)
    facilitator = SearchChoiceField(kind="members", label=_("Facilitator"), required=False)
    participants = ParticipantsField(
        label=_("Participants"),
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Each participant receives the invitation with a calendar file."),
    )

    # Shown (as a checkbox) only once a likely duplicate was found; see clean().
    confirm_duplicate = forms.BooleanField(
        label=_("Yes, create another meeting that day"), required=False, widget=forms.HiddenInput
    )

    def __init__(self, *args, coalition, memberships, meeting: Meeting | None = None, **kwargs):
        """Up to PARTICIPANT_CHECKBOXES members, each is a checkbox; a larger coalition invites
        every member to a new meeting and keeps an existing meeting's participants as they are,
        so the page stays small whatever the number of members."""
        self.coalition = coalition
        few = memberships.count() <= PARTICIPANT_CHECKBOXES
        if meeting is not None and "initial" not in kwargs:
            start = timefmt.in_zone(meeting.starts_at, coalition.timezone)
            end = timefmt.in_zone(meeting.ends_at, coalition.timezone)
            people = {meeting.chair_id, meeting.facilitator_id} - {None}
            by_user = {m.user_id: m for m in memberships.filter(user_id__in=people)}
            kwargs["initial"] = {
                "kind": meeting.kind,
                "title": meeting.title,
                "date": start.date(),
                "start_time": start.time().replace(second=0),
                "end_date": end.date() if end.date() != start.date() else None,
                "end_time": end.time().replace(second=0),
                "venue": meeting.venue,
                "online_link": meeting.online_link,
                "chair": by_user.get(meeting.chair_id),
                "facilitator": by_user.get(meeting.facilitator_id),
            }
            if few:
                invited = set(meeting.participants.values_list("user_id", flat=True))
                kwargs["initial"]["participants"] = [m for m in memberships if m.user_id in invited]
        elif "initial" not in kwargs and few:
            kwargs["initial"] = {"participants": list(memberships)}
        super().__init__(*args, creates=meeting is None, **kwargs)
        self.meeting = meeting
        if meeting is not None:
            del self.fields["confirm_duplicate"]
        for name in ("chair", "facilitator", "participants"):
            self.fields[name].queryset = memberships
        bind_search_fields(self, coalition)
        if not few:
            del self.fields["participants"]
            self.participants_note = (
                _("Every member of the coalition is invited.")
                if meeting is None
                else _("The participants stay as they are.")
            )
        zone = coalition.timezone
        self.fields["date"].help_text = _("Times are in the coalition's time zone, %(zone)s.") % {
            "zone": zone
        }

    @staticmethod
    def initial_from_proposal(proposal, memberships) -> dict:
        """The form filled in for the next meeting the cadence proposes: the last meeting's
        kind, hours, place, chair and facilitator on the proposed day, every member invited."""
        last = proposal.after
        zone = last.coalition.timezone
        start, end = timefmt.in_zone(last.starts_at, zone), timefmt.in_zone(last.ends_at, zone)
        people = {last.chair_id, last.facilitator_id} - {None}
        by_user = {m.user_id: m for m in memberships.filter(user_id__in=people)}
        initial = {
            "kind": last.kind,
            "title": last.title,
            "date": proposal.date,
            "start_time": start.time().replace(second=0),
            "end_time": end.time().replace(second=0),
            "venue": last.venue,
            "online_link": last.online_link,
            "chair": by_user.get(last.chair_id),
            "facilitator": by_user.get(last.facilitator_id),
        }
        if memberships.count() <= PARTICIPANT_CHECKBOXES:
            initial["participants"] = list(memberships)
        return initial

    def chosen_participants(self) -> list | None:
        """The chosen memberships, or None: every member (new meeting) or unchanged (edit)."""
        if "participants" not in self.fields:
            return None
        return list(self.cleaned_data["participants"])

    def clean(self):
        data = super().clean()
        if not data.get("venue") and not data.get("online_link") and not self.errors:
            raise forms.ValidationError(_("Give a venue, an online link, or both."))
        day, start, end = data.get("date"), data.get("start_time"), data.get("end_time")
        if day and start and end:
            zone = self.coalition.timezone
            # The dates' own validators keep them inside the range, so the conversions below stay
            # inside the calendar.
            try:
                data["starts_at"] = timefmt.local_to_utc(day, start, zone)
            except timefmt.NonexistentLocalTime:
                self.add_error(
                    "start_time",
                    _("This time does not exist in %(zone)s on that day: the clocks go forward.")
                    % {"zone": zone},
                )
                return data
            try:
                data["ends_at"] = timefmt.local_to_utc(data.get("end_date") or day, end, zone)
            except timefmt.NonexistentLocalTime:
                self.add_error(
                    "end_time",
                    _("This time does not exist in %(zone)s on that day: the clocks go forward.")
                    % {"zone": zone},
                )
                return data
            if data["ends_at"] <= data["starts_at"]:
                self.add_error("end_time", _("The meeting must end after it starts."))
        return data

    def ask_about_duplicate(self) -> None:
        """A new meeting of the same kind on the same day is most likely entered twice: raises
        the question (and shows the checkbox that answers it) unless it was answered.

        Called as the creation starts, after the form's one-time token is claimed, so a form
        sent twice goes to the meeting it created instead of asking about it."""
        data = self.cleaned_data
        if data.get("confirm_duplicate"):
            return
        day = data["date"]
        same_day = selectors.likely_duplicates(coalition=self.coalition, kind=data["kind"], day=day)
        existing = same_day.first()
        if existing is None:
            return
        self.fields["confirm_duplicate"].widget = forms.CheckboxInput()
        raise ValidationError(
            _("%(kind)s on %(day)s already exists: “%(title)s”. Create another?")
            % {
                "kind": Meeting.Kind(data["kind"]).label,
                "day": dateformat.format(day, "j F Y"),
                "title": existing.title,
            }
        )

    def service_arguments(self) -> dict:
        data = self.cleaned_data
        return {
            "kind": data["kind"],
            "title": data["title"],
            "starts_at": data["starts_at"],
            "ends_at": data["ends_at"],
            "venue": data["venue"],
            "online_link": data["online_link"],
            "chair": data["chair"].user if data["chair"] else None,
            "facilitator": data["facilitator"].user if data["facilitator"] else None,
        }


class SendInvitationsForm(forms.Form):
    """The confirmation of sending the invitations; without an agenda, it must say so."""

    confirm_empty_agenda = forms.BooleanField(
        label=_("Send the invitations without an agenda"), required=False
    )


class AgendaItemForm(SubmittedOnce, forms.ModelForm):
    class Meta:
        model = AgendaItem
        fields = ["title", "topic", "presenter", "duration_minutes", "visibility"]


class AttendanceForm(forms.Form):
    """One choice per participant, named by the participant's id."""

    def __init__(self, *args, participants, **kwargs):
        super().__init__(*args, **kwargs)
        self.participants = participants
        for participant in participants:
            self.fields[f"p{participant.pk}"] = forms.ChoiceField(
                label=f"{participant.user.name} ({participant.organisation.name})",
                choices=Participant.Attendance.choices,
                initial=participant.attendance,
                widget=forms.RadioSelect,
            )

    def attendance(self) -> dict[int, str]:
        return {p.pk: self.cleaned_data[f"p{p.pk}"] for p in self.participants}


class MinutesForm(forms.Form):
    notes = forms.CharField(
        label=_("General minutes"),
        required=False,
        max_length=MINUTES_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 5}),
    )

    def __init__(self, *args, meeting, items, first_number: int = 1, **kwargs):
        kwargs.setdefault("initial", {"notes": meeting.notes})
        super().__init__(*args, **kwargs)
        self.items = items
        for position, item in enumerate(items, start=first_number):
            self.fields[f"item{item.pk}"] = forms.CharField(
                label=f"{position}. {item.title}",
                required=False,
                max_length=MINUTES_MAX_LENGTH,
                initial=item.minutes,
                widget=forms.Textarea(attrs={"rows": 4}),
            )

    def item_minutes(self) -> dict[int, str]:
        return {item.pk: self.cleaned_data[f"item{item.pk}"] for item in self.items}


class DecisionForm(SubmittedOnce, forms.ModelForm):
    agenda_item = SearchChoiceField(
        kind="agenda_items",
        label=_("Agenda item"),
        required=False,
        help_text=_("Optional: type a few letters of the item's title."),
    )

    class Meta:
        model = Decision
        fields = ["text", "agenda_item", "visibility"]
        widgets = {"text": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, meeting, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agenda_item"].queryset = meeting.agenda_items.all()
        self.fields["agenda_item"].bind_coalition(meeting.coalition, meeting=meeting.pk)


class DocumentForm(SubmittedOnce, forms.Form):
    file = forms.FileField(label=_("File"))
    title = forms.CharField(label=_("Title"), max_length=200, required=False)
    visibility = forms.ChoiceField(
        label=_("Visible to"), choices=Visibility.choices, initial=Visibility.MEMBERS
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Formatted when the form is made, in the reader's language: `%` on a lazy string at
        # import would fix it in the language active then.
        self.fields["file"].help_text = _("PDF, DOCX, XLSX, ODT, PNG or JPEG, up to %(mb)s MB.") % {
            "mb": MAX_DOCUMENT_BYTES // 1024 // 1024
        }


class SendAgainForm(forms.Form):
    """Send the summary again: to one member, or (no person given) to every participant."""

    user = forms.ModelChoiceField(queryset=None, required=False)
    unsent = forms.BooleanField(required=False)

    def __init__(self, *args, coalition, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = get_user_model().objects.filter(
            memberships__coalition=coalition
        )


class NotesForm(forms.Form):
    notes = forms.CharField(
        label=_("General minutes"),
        required=False,
        max_length=MINUTES_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4}),
    )


class ItemMinutesForm(forms.Form):
    minutes = forms.CharField(
        label=_("Minutes"),
        required=False,
        max_length=MINUTES_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4}),
    )


class HoldDecisionForm(SubmittedOnce, forms.Form):
    """A decision recorded against the agenda item it is typed under, once however often the
    form is sent (a double press, a resent request)."""

    text = forms.CharField(
        label=_("Decision"),
        max_length=Decision._meta.get_field("text").max_length,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    visibility = forms.ChoiceField(
        label=_("Visible to"), choices=Visibility.choices, initial=Visibility.MEMBERS
    )


class AmendmentForm(forms.Form):
    """A correction of published minutes: what changed, then the minutes as they should read."""

    note = forms.CharField(
        label=_("What changed"),
        max_length=SummaryAmendment._meta.get_field("note").max_length,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Said at the top of the corrected summary and of the mail that carries it."),
    )
    notes = forms.CharField(
        label=_("General minutes"),
        required=False,
        max_length=MINUTES_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4}),
    )

    def __init__(self, *args, meeting, items, **kwargs):
        kwargs.setdefault("initial", {"notes": meeting.notes})
        super().__init__(*args, **kwargs)
        self.items = items
        for number, item in enumerate(items, start=1):
            self.fields[f"item{item.pk}"] = forms.CharField(
                label=f"{number}. {item.title}",
                required=False,
                max_length=MINUTES_MAX_LENGTH,
                initial=item.minutes,
                widget=forms.Textarea(attrs={"rows": 3}),
            )

    def item_minutes(self) -> dict[int, str]:
        return {item.pk: self.cleaned_data[f"item{item.pk}"] for item in self.items}
