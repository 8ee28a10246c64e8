from django import forms
from django.utils import timezone
from django.utils.dateformat import format as date_format
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from coalitions.models import Visibility
from coalitions.submissions import SubmittedOnce
from meetings.models import Meeting

from .models import SUBJECT_MAX_LENGTH, TEXT_MAX_LENGTH, Concern


class ConcernForm(SubmittedOnce, forms.ModelForm):
    class Meta:
        model = Concern
        fields = ["subject", "text"]
        widgets = {"text": forms.Textarea(attrs={"rows": 8})}
        labels = {"subject": _("Subject"), "text": _("Your concern")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Interpolated per request, so it is in the reader's language.
        self.fields["text"].help_text = ngettext(
            "Up to %(n)s character.", "Up to %(n)s characters.", TEXT_MAX_LENGTH
        ) % {"n": TEXT_MAX_LENGTH}


class NoteForm(forms.Form):
    note = forms.CharField(
        label=_("Private note (only the facilitators see it)"),
        required=False,
        max_length=TEXT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class MeetingChoiceField(forms.ModelChoiceField):
    zone = None

    def label_from_instance(self, meeting):
        starts = timezone.localtime(meeting.starts_at, self.zone)
        return f"{meeting.title} ({date_format(starts, 'j M Y, H:i T')})"


class AgendaForm(SubmittedOnce, forms.Form):
    meeting = MeetingChoiceField(
        label=_("Planned meeting"),
        queryset=Meeting.objects.none(),
        empty_label=None,
    )
    title = forms.CharField(
        label=_("Agenda item title"),
        max_length=SUBJECT_MAX_LENGTH,
        help_text=_("Say it in your own words; the sender is not named."),
    )
    background = forms.CharField(
        label=_("Background (shown under the item in the minutes)"),
        required=False,
        max_length=TEXT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 6}),
    )
    visibility = forms.ChoiceField(
        label=_("Who sees the agenda item"),
        choices=Visibility.choices,
        initial=Visibility.MEMBERS,
        widget=forms.RadioSelect,
    )

    def __init__(self, *args, meetings, zone, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["meeting"].queryset = meetings
        self.fields["meeting"].zone = zone
