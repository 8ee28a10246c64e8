import secrets
import uuid

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from coalitions import date_range
from coalitions.choice_labels import ChoiceLabels
from coalitions.date_range import validate_instant_in_range
from coalitions.models import Coalition, Organisation, Visibility
from coalitions.text_limits import MINUTES_MAX_LENGTH, TEXT_MAX_LENGTH, BoundedTextField
from mail.models import MailRecord

# The statuses of a meeting whose invitations never went out that hide it (`unannounced`).
UNANNOUNCED_STATUSES = ("planned", "cancelled")


def unannounced() -> Q:
    """Meetings whose invitations never went out: drafts, and drafts cancelled. Only those who
    prepare meetings see them (`coalitions.permissions.sees_draft_meetings`)."""
    return Q(invitations_sent_at__isnull=True, status__in=list(UNANNOUNCED_STATUSES))


class Meeting(ChoiceLabels, models.Model):
    class Kind(models.TextChoices):
        COALITION = "coalition", _("Coalition meeting")
        TECHNICAL_WORKING_GROUP = "twg", _("Technical working group")
        AD_HOC = "ad_hoc", _("Ad hoc meeting")

    class Status(models.TextChoices):
        PLANNED = "planned", _("Planned")
        HELD = "held", _("Held")
        SUMMARY_PUBLISHED = "summary_published", _("Summary published")
        CANCELLED = "cancelled", _("Cancelled")

    # How each status is shown wherever it appears (classes of static/css/app.css).
    STATUS_CSS = {
        Status.PLANNED: "status-warn",
        Status.HELD: "status-warn",
        Status.SUMMARY_PUBLISHED: "status-ok",
        Status.CANCELLED: "status-bad",
    }

    coalition = models.ForeignKey(Coalition, on_delete=models.CASCADE, related_name="meetings")
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.COALITION)
    title = models.CharField(_("title"), max_length=200)
    # Stored in UTC; entered and shown in the coalition's time zone.
    starts_at = models.DateTimeField(_("starts"), validators=[validate_instant_in_range])
    ends_at = models.DateTimeField(_("ends"), validators=[validate_instant_in_range])
    venue = models.CharField(_("venue"), max_length=300, blank=True)
    # Video-call links run long (a Teams link is often 250 characters or more).
    online_link = models.URLField(_("online link"), max_length=500, blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.PLANNED
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    chair = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("chair"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    facilitator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("facilitator"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    # iCalendar: the UID never changes; SEQUENCE goes up with every change of time or place.
    sequence = models.PositiveIntegerField(default=0, editable=False)
    # A planned meeting is a draft, seen only by those who prepare it, until its invitations go.
    invitations_sent_at = models.DateTimeField(_("invitations sent"), null=True, blank=True)
    notes = BoundedTextField(_("general minutes"), blank=True, max_length=MINUTES_MAX_LENGTH)

    history = HistoricalRecords()

    class Meta:
        ordering = ["-starts_at"]
        indexes = [models.Index(fields=["coalition", "starts_at"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=F("starts_at")), name="meeting_ends_after_start"
            ),
            models.CheckConstraint(
                condition=Q(starts_at__gte=date_range.EARLIEST_INSTANT)
                & Q(ends_at__lt=date_range.LATEST_INSTANT),
                name="meeting_in_date_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.starts_at:%Y-%m-%d})"

    @property
    def ical_uid(self) -> str:
        return f"meeting-{self.pk}@country-coalitions"

    @property
    def is_cancelled(self) -> bool:
        return self.status == self.Status.CANCELLED

    @property
    def is_draft(self) -> bool:
        return self.status == self.Status.PLANNED and self.invitations_sent_at is None

    @property
    def status_label(self) -> str:
        """The status as every page shows it; a draft says why nobody else sees it."""
        if self.is_draft:
            return _("Draft — invitations not sent")
        return self.get_status_display()

    @property
    def status_css(self) -> str:
        return self.STATUS_CSS[self.status]


class AgendaItem(ChoiceLabels, models.Model):
    class Topic(models.TextChoices):
        STRATEGY = "strategy", _("Strategy")
        EXTENSION_REQUEST = "extension_request", _("Extension request")
        DONOR_COORDINATION = "donor_coordination", _("Donor coordination")
        PRIORITISATION = "prioritisation", _("Prioritisation")
        LAND_RELEASE = "land_release", _("Land release")
        STANDARDS = "standards", _("Standards")
        VICTIM_ASSISTANCE = "victim_assistance", _("Victim assistance")
        OTHER = "other", _("Other")

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="agenda_items")
    position = models.PositiveIntegerField(_("order"), default=0)
    title = models.CharField(_("title"), max_length=200)
    topic = models.CharField(_("topic"), max_length=30, choices=Topic.choices, default=Topic.OTHER)
    presenter = models.CharField(_("presenter"), max_length=200, blank=True)
    duration_minutes = models.PositiveSmallIntegerField(
        _("duration (minutes)"),
        default=15,
        validators=[MinValueValidator(1), MaxValueValidator(600)],
    )
    minutes = BoundedTextField(_("minutes"), blank=True, max_length=MINUTES_MAX_LENGTH)
    visibility = models.CharField(
        _("visibility"), max_length=20, choices=Visibility.choices, default=Visibility.MEMBERS
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["position", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(duration_minutes__gt=0) & Q(duration_minutes__lte=600),
                name="agenda_item_duration_in_range",
            )
        ]

    def __str__(self) -> str:
        return self.title


class Participant(ChoiceLabels, models.Model):
    """A person invited to a meeting, and whether they came."""

    class Attendance(models.TextChoices):
        INVITED = "invited", _("Not recorded")
        PRESENT = "present", _("Present")
        APOLOGIES = "apologies", _("Apologies")
        ABSENT = "absent", _("Absent")

    ATTENDANCE_CSS = {
        Attendance.INVITED: "",
        Attendance.PRESENT: "status-ok",
        Attendance.APOLOGIES: "status-warn",
        Attendance.ABSENT: "status-bad",
    }

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="participants")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    attendance = models.CharField(
        _("attendance"), max_length=20, choices=Attendance.choices, default=Attendance.INVITED
    )

    history = HistoricalRecords()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["meeting", "user"], name="one_participation_per_person")
        ]

    def __str__(self) -> str:
        return f"{self.user} at {self.meeting_id}"

    @property
    def attendance_css(self) -> str:
        return self.ATTENDANCE_CSS[self.attendance]


class Decision(models.Model):
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="decisions")
    agenda_item = models.ForeignKey(
        AgendaItem,
        verbose_name=_("agenda item"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="decisions",
    )
    text = BoundedTextField(_("decision"), max_length=TEXT_MAX_LENGTH)
    visibility = models.CharField(
        _("visibility"), max_length=20, choices=Visibility.choices, default=Visibility.MEMBERS
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    history = HistoricalRecords()

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return self.text[:60]


def document_path(instance, filename: str) -> str:
    # A random name: the stored file is never reachable by guessing, and is served by a view only.
    return f"meetings/{instance.meeting.coalition_id}/{secrets.token_hex(16)}"


class Document(models.Model):
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="documents")
    file = models.FileField(upload_to=document_path)
    filename = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    title = models.CharField(_("title"), max_length=200, blank=True)
    visibility = models.CharField(
        _("visibility"), max_length=20, choices=Visibility.choices, default=Visibility.MEMBERS
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    uploaded_at = models.DateTimeField(default=timezone.now, editable=False)

    history = HistoricalRecords()

    class Meta:
        ordering = ["uploaded_at", "pk"]

    def __str__(self) -> str:
        return self.title or self.filename


def summary_path(instance, filename: str) -> str:
    return f"summaries/{instance.meeting.coalition_id}/{secrets.token_hex(16)}.pdf"


class Summary(models.Model):
    """The published summary of a meeting and where its rendering and mailing stand."""

    class State(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RENDERING = "rendering", _("Rendering")
        SENDING = "sending", _("Sending")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")

    STATE_CSS = {
        State.QUEUED: "status-warn",
        State.RENDERING: "status-warn",
        State.SENDING: "status-warn",
        State.SENT: "status-ok",
        State.FAILED: "status-bad",
    }

    meeting = models.OneToOneField(Meeting, on_delete=models.CASCADE, related_name="summary")
    state = models.CharField(max_length=20, choices=State.choices, default=State.QUEUED)
    error = models.CharField(max_length=500, blank=True)
    # Two stored copies: one with restricted items, one for every member.
    pdf_full = models.FileField(upload_to=summary_path, blank=True)
    pdf_members = models.FileField(upload_to=summary_path, blank=True)
    rendered_at = models.DateTimeField(null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    published_at = models.DateTimeField(default=timezone.now)
    # 0 for the summary as first published, then the number of its latest amendment; the summary
    # mails of each revision are the deliveries of that sequence.
    revision = models.PositiveIntegerField(default=0)

    history = HistoricalRecords()

    def __str__(self) -> str:
        return f"Summary of {self.meeting_id}"

    @property
    def state_css(self) -> str:
        return self.STATE_CSS[self.state]


class SummaryAmendment(models.Model):
    """A correction of published minutes: what changed, said by the person who published it, and
    mailed again with the corrected summary."""

    summary = models.ForeignKey(Summary, on_delete=models.CASCADE, related_name="amendments")
    number = models.PositiveIntegerField()
    note = BoundedTextField(_("what changed"), max_length=TEXT_MAX_LENGTH)
    # The parts of the minutes the amendment changed, as their titles read then.
    changed_parts = models.JSONField(default=list, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    history = HistoricalRecords()

    class Meta:
        ordering = ["number"]
        constraints = [
            models.UniqueConstraint(fields=["summary", "number"], name="one_amendment_per_number"),
            models.CheckConstraint(condition=Q(number__gte=1), name="amendment_numbered_from_one"),
        ]

    def __str__(self) -> str:
        return f"Amendment {self.number} of {self.summary_id}"


class Delivery(ChoiceLabels, MailRecord):
    """One meeting mail to one person, recorded so a retried or duplicated task never sends it
    twice; its sending state is the mail pipeline's (mail/models.py)."""

    class Kind(models.TextChoices):
        INVITATION = "invitation", _("Invitation")
        UPDATE = "update", _("Update")
        CANCELLATION = "cancellation", _("Cancellation")
        WITHDRAWN = "withdrawn", _("No longer invited")
        SUMMARY = "summary", _("Summary")

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="deliveries")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    # The meeting's iCalendar SEQUENCE for invitations; 0 for summaries.
    sequence = models.PositiveIntegerField(default=0)

    class Meta(MailRecord.Meta):
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "user", "kind", "sequence"], name="one_delivery_per_mail"
            )
        ]
        indexes = [models.Index(fields=["meeting", "kind", "status"])]

    def __str__(self) -> str:
        return f"{self.kind} to {self.user_id} ({self.status})"


class MeetingChange(ChoiceLabels, models.Model):
    """One change to a meeting whose invitations went out, told to its participants in the next
    update mail: pending (`sequence` empty) until that mail is recorded, then the mail's SEQUENCE.

    `old` and `new` hold the values as stored (times as ISO instants), so each reader gets them in
    their own language and time zone; an agenda change names its item, which may since be gone.
    A new agenda order holds the items' ids, old and new order (one pending change per batch,
    named by each reader's visible items when told); a document change names its document."""

    class What(models.TextChoices):
        TITLE = "title", _("Title")
        TIME = "time", _("Time")
        VENUE = "venue", _("Venue")
        ONLINE_LINK = "online_link", _("Online link")
        AGENDA_ADDED = "agenda_added", _("Agenda item added")
        AGENDA_REMOVED = "agenda_removed", _("Agenda item removed")
        AGENDA_CHANGED = "agenda_changed", _("Agenda item changed")
        AGENDA_REORDERED = "agenda_reordered", _("Agenda order changed")
        DOCUMENT_ADDED = "document_added", _("Document attached")
        DOCUMENT_REMOVED = "document_removed", _("Document removed")

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="changes")
    what = models.CharField(max_length=20, choices=What.choices)
    agenda_item_id = models.PositiveIntegerField(null=True, blank=True)
    document_id = models.PositiveIntegerField(null=True, blank=True)
    old = models.JSONField(null=True, blank=True)
    new = models.JSONField(null=True, blank=True)
    # An agenda or document change is told only to those who may see the item or document.
    visibility = models.CharField(
        max_length=20, choices=Visibility.choices, default=Visibility.MEMBERS
    )
    sequence = models.PositiveIntegerField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["created_at", "pk"]
        indexes = [models.Index(fields=["meeting", "sequence"])]

    def __str__(self) -> str:
        return f"{self.what} of {self.meeting_id}"


def new_feed_key() -> str:
    return secrets.token_urlsafe(24)


class CalendarFeed(models.Model):
    """A person's secret calendar address for one coalition; a new key revokes the old address."""

    coalition = models.ForeignKey(Coalition, on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=64, default=new_feed_key, unique=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["coalition", "user"], name="one_feed_per_person")
        ]

    def __str__(self) -> str:
        return f"Feed of {self.user_id} for {self.coalition_id}"


class MeetingVersion(models.Model):
    """Changes with every write to what the meeting page's lists show (the meeting, its agenda,
    participants, decisions, documents and action points, and the names of the people and
    organisations in them), in the writer's transaction: the key under which those lists are
    cached (meetings/page_cache.py). A row of its own, so that no save of the meeting from an
    older copy can bring an old version back."""

    meeting = models.OneToOneField(
        Meeting, on_delete=models.CASCADE, primary_key=True, related_name="page_version"
    )
    version = models.UUIDField(default=uuid.uuid4)

    def __str__(self) -> str:
        return f"{self.meeting_id}: {self.version}"
