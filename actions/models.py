from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from coalitions.choice_labels import ChoiceLabels
from coalitions.models import Coalition, Organisation, Visibility
from coalitions.text_limits import TEXT_MAX_LENGTH, BoundedTextField
from mail.models import MailRecord


class ActionPoint(ChoiceLabels, models.Model):
    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        IN_PROGRESS = "in_progress", _("In progress")
        DONE = "done", _("Done")
        DROPPED = "dropped", _("Dropped")

    class Priority(models.TextChoices):
        HIGH = "high", _("High")
        NORMAL = "normal", _("Normal")
        LOW = "low", _("Low")

    ACTIVE = (Status.OPEN, Status.IN_PROGRESS)
    ARCHIVED = (Status.DONE, Status.DROPPED)

    coalition = models.ForeignKey(Coalition, on_delete=models.CASCADE, related_name="action_points")
    meeting = models.ForeignKey(
        "meetings.Meeting",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="action_points",
        verbose_name=_("meeting"),
    )
    # The item of the meeting's agenda it was recorded under; it stays, under "other action
    # points", when the item is removed.
    agenda_item = models.ForeignKey(
        "meetings.AgendaItem",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="action_points",
        verbose_name=_("agenda item"),
    )
    title = models.CharField(_("title"), max_length=300)
    description = BoundedTextField(_("description"), blank=True, max_length=TEXT_MAX_LENGTH)
    owner_organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="owned_action_points",
        verbose_name=_("owner organisation"),
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="owned_action_points",
        verbose_name=_("owner"),
    )
    due_date = models.DateField(_("due date"), null=True, blank=True)
    priority = models.CharField(
        _("priority"), max_length=10, choices=Priority.choices, default=Priority.NORMAL
    )
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.OPEN
    )
    visibility = models.CharField(
        _("visibility"), max_length=12, choices=Visibility.choices, default=Visibility.MEMBERS
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="recorded_action_points",
        verbose_name=_("recorded by"),
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(default=timezone.now)

    history = HistoricalRecords()

    class Meta:
        ordering = ["due_date", "id"]
        indexes = [
            models.Index(fields=["coalition", "status", "due_date"]),
            models.Index(fields=["owner_organisation", "status"]),
            # "Mine" lists read what one organisation owns in one coalition, for each membership.
            models.Index(
                fields=["coalition", "owner_organisation", "status"],
                name="ap_coalition_owner_org",
            ),
            models.Index(fields=["owner", "status"]),
            models.Index(fields=["recorded_by"]),
            # The reminder sweep's due-soon and overdue windows.
            models.Index(
                fields=["due_date"],
                name="action_point_open_due",
                condition=Q(status__in=["open", "in_progress"]),
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def is_overdue_on(self, today) -> bool:
        return bool(self.due_date and self.status in self.ACTIVE and self.due_date < today)


class ActionUpdate(models.Model):
    action_point = models.ForeignKey(ActionPoint, on_delete=models.CASCADE, related_name="updates")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    text = BoundedTextField(_("update"), max_length=TEXT_MAX_LENGTH)
    old_status = models.CharField(max_length=12, choices=ActionPoint.Status.choices)
    new_status = models.CharField(
        _("new status"), max_length=12, choices=ActionPoint.Status.choices, blank=True
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["action_point", "created_at"])]

    def __str__(self) -> str:
        return f"{self.action_point}: {self.text[:40]}"


class ReminderSettings(models.Model):
    """A coalition's choice; a coalition without a row gets the defaults."""

    DEFAULT_DUE_SOON_DAYS = 7

    coalition = models.OneToOneField(
        Coalition, on_delete=models.CASCADE, related_name="reminder_settings"
    )
    reminders_enabled = models.BooleanField(_("send reminders"), default=True)
    due_soon_days = models.PositiveSmallIntegerField(
        _("days before a due date"),
        default=DEFAULT_DUE_SOON_DAYS,
        validators=[MinValueValidator(1), MaxValueValidator(60)],
        help_text=_("A reminder goes to the owner this many days before the due date."),
    )

    history = HistoricalRecords()

    def __str__(self) -> str:
        return f"Reminders for {self.coalition}"


class NotificationPreference(models.Model):
    """How one person wants one coalition's action point mails; no row means immediate."""

    class Topic(models.TextChoices):
        ACTION_POINTS = "action_points", _("Action points: reminders and digests")

    class Cadence(models.TextChoices):
        IMMEDIATE = "immediate", _("Each mail as it happens")
        DAILY = "daily", _("A daily digest")
        WEEKLY = "weekly", _("A weekly digest (Mondays)")
        NONE = "none", _("No mails")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_preferences"
    )
    coalition = models.ForeignKey(Coalition, on_delete=models.CASCADE, related_name="+")
    topic = models.CharField(max_length=20, choices=Topic.choices, default=Topic.ACTION_POINTS)
    cadence = models.CharField(
        _("cadence"), max_length=10, choices=Cadence.choices, default=Cadence.IMMEDIATE
    )
    updated_at = models.DateTimeField(default=timezone.now)

    history = HistoricalRecords()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user", "coalition", "topic"], name="notification_preference_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.coalition} · {self.cadence}"


class ReminderSent(MailRecord):
    """One reminder about one action point to one person, recorded before it is sent.

    The unique key makes the record the claim: a second sweep (or a retried one) that finds the
    same reminder due cannot insert it again, so it cannot send it again.
    """

    class Kind(models.TextChoices):
        ASSIGNED = "assigned", _("New action point")
        MID_TERM_REQUEST = "mid_term_request", _("Mid-term request for an update")
        DUE_SOON = "due_soon", _("Due soon")
        OVERDUE = "overdue", _("Overdue")

    # The sweep inserts these by the tens of thousands: no index of their own for the coalition
    # and the action point, which lead the (coalition, created_at) index and the unique key.
    coalition = models.ForeignKey(
        Coalition, on_delete=models.CASCADE, related_name="+", db_index=False
    )
    action_point = models.ForeignKey(
        ActionPoint, on_delete=models.CASCADE, related_name="reminders", db_index=False
    )
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    kind = models.CharField(max_length=20, choices=Kind.choices)
    # The due date for due-soon and overdue reminders, "meeting-<id>" for a mid-term request,
    # "assigned" for the notice of a new action point.
    period = models.CharField(max_length=40)

    class Meta(MailRecord.Meta):
        constraints = [
            models.UniqueConstraint(
                fields=["action_point", "recipient", "kind", "period"], name="reminder_once"
            )
        ]
        indexes = [
            models.Index(fields=["coalition", "-created_at"]),
            models.Index(
                fields=["status", "created_at"],
                name="reminder_unfinished",
                condition=Q(status__in=["pending", "sending", "in_digest"]),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.action_point_id} → {self.recipient_id}"


class DigestSent(MailRecord):
    """One digest mail to one person for one coalition and period, recorded before sending."""

    class Kind(models.TextChoices):
        DAILY = "daily", _("Daily digest")
        WEEKLY = "weekly", _("Weekly digest")
        MID_TERM = "mid_term", _("Mid-term digest")

    coalition = models.ForeignKey(Coalition, on_delete=models.CASCADE, related_name="+")
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    kind = models.CharField(max_length=12, choices=Kind.choices)
    # The local date (daily), ISO week (weekly) or "meeting-<id>" (mid-term).
    period = models.CharField(max_length=40)
    since = models.DateTimeField()
    claim = models.UUIDField(null=True, editable=False)

    class Meta(MailRecord.Meta):
        constraints = [
            models.UniqueConstraint(
                fields=["recipient", "coalition", "kind", "period"], name="digest_once"
            )
        ]
        indexes = [
            models.Index(fields=["claim"]),
            models.Index(fields=["coalition", "-created_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.period} → {self.recipient_id}"


class ReminderMark(models.Model):
    """What one kind of the reminder sweep's candidates depended on in one coalition, apart from
    its action points, when a complete sweep last read them: the local date, the due-soon window,
    the mid-term under way, the settings, the archive and the members (a digest of them).

    A sweep reads again only the coalitions and kinds whose digest differs, and the action points
    changed since (`ActionPointChange`); a run with neither reads nothing. `pending` holds the
    digest the running sweep read, written as `inputs` when its last round is done (by `run`).
    """

    coalition = models.ForeignKey(Coalition, on_delete=models.CASCADE, related_name="+")
    # A ReminderSent kind, or "mid_term_digest".
    kind = models.CharField(max_length=20)
    inputs = models.CharField(max_length=64, blank=True)
    pending = models.CharField(max_length=64, blank=True)
    run = models.UUIDField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["coalition", "kind"], name="reminder_mark_once")
        ]

    def __str__(self) -> str:
        return f"{self.kind} · {self.coalition_id}"


class ActionPointChange(models.Model):
    """An action point made, edited or moved to another status since the reminder sweep last
    read it: the next sweep reads its reminders again, and deletes the row when its run is done.
    Written in the change's own transaction, so a change the sweep has not seen stays here."""

    action_point = models.ForeignKey(ActionPoint, on_delete=models.CASCADE, related_name="+")
    # The sweep run that is reading it; a run that dies leaves it for the next.
    run = models.UUIDField(null=True, blank=True, db_index=True)
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"{self.action_point_id} changed {self.created_at:%Y-%m-%d %H:%M}"
