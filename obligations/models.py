import uuid
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from coalitions import date_range
from coalitions.choice_labels import ChoiceLabels
from coalitions.date_range import validate_date_in_range
from coalitions.models import Coalition, Organisation
from coalitions.text_limits import TEXT_MAX_LENGTH, BoundedTextField
from mail.models import MailRecord

from . import treaty

# A short list for the form; any three upper-case letters pass the model's check (ISO 4217 shape).
COMMON_CURRENCIES = [
    ("USD", _("US dollar")),
    ("EUR", _("euro")),
    ("GBP", _("pound sterling")),
    ("CHF", _("Swiss franc")),
    ("NOK", _("Norwegian krone")),
    ("SEK", _("Swedish krona")),
    ("DKK", _("Danish krone")),
    ("JPY", _("yen")),
    ("CAD", _("Canadian dollar")),
    ("AUD", _("Australian dollar")),
    ("NZD", _("New Zealand dollar")),
    ("LBP", _("Lebanese pound")),
    ("BWP", _("Botswana pula")),
]
currency_validator = RegexValidator(
    r"^[A-Z]{3}\Z", _("Enter an ISO 4217 currency code: three capital letters, such as EUR.")
)
positive = MinValueValidator(0)

# The largest baseline, target or progress figure: far above any real one (the whole of Lebanon is
# about 10,452 km², some 10^10 m²), and with its two decimals within the 15 significant digits that
# SQLite keeps, so every database gives back exactly what was stored.
FIGURE_MAX = Decimal(10**12)


def validate_figure_not_too_large(value) -> None:
    if value is not None and value > FIGURE_MAX:
        raise ValidationError(
            gettext("Enter a figure of at most %(limit)s.")
            % {"limit": number_format(FIGURE_MAX, force_grouping=True)},
            code="max_value",
        )


class Convention(models.TextChoices):
    CCM = "ccm", _("Convention on Cluster Munitions")
    APMBC = "apmbc", _("Anti-Personnel Mine Ban Convention")


class Article(models.IntegerChoices):
    STOCKPILE = 3, _("Article 3: stockpile destruction")
    CLEARANCE = 4, _("Article 4: clearance and risk education")
    VICTIM_ASSISTANCE = 5, _("Article 5: victim assistance")


class Obligation(ChoiceLabels, models.Model):
    class Status(models.TextChoices):
        IN_PROGRESS = "in_progress", _("In progress")
        COMPLETED = "completed", _("Completed")

    coalition = models.ForeignKey(Coalition, on_delete=models.CASCADE, related_name="obligations")
    convention = models.CharField(
        _("convention"), max_length=8, choices=Convention.choices, default=Convention.CCM
    )
    article = models.PositiveSmallIntegerField(_("article"), choices=Article.choices)
    entry_into_force = models.DateField(_("entry into force"), validators=[validate_date_in_range])
    # When the entry into force was worked out from the deposit (treaty.entry_into_force).
    instrument_deposited_on = models.DateField(
        _("instrument of ratification or accession deposited on"),
        null=True,
        blank=True,
        validators=[validate_date_in_range],
    )
    original_deadline = models.DateField(_("original deadline"), null=True, blank=True)
    current_deadline = models.DateField(_("current deadline"), null=True, blank=True)
    plan_start = models.DateField(
        _("plan period from"), null=True, blank=True, validators=[validate_date_in_range]
    )
    plan_end = models.DateField(
        _("plan period to"), null=True, blank=True, validators=[validate_date_in_range]
    )
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.IN_PROGRESS
    )
    completed_on = models.DateField(
        _("completed on"), null=True, blank=True, validators=[validate_date_in_range]
    )
    completion_declaration = BoundedTextField(
        _("declaration of completion"), blank=True, max_length=TEXT_MAX_LENGTH
    )
    notes = BoundedTextField(_("notes"), blank=True, max_length=TEXT_MAX_LENGTH)
    is_illustrative = models.BooleanField(_("illustrative figures"), default=False)

    history = HistoricalRecords()

    class Meta:
        ordering = ["coalition", "convention", "article"]
        constraints = [
            models.UniqueConstraint(
                fields=["coalition", "convention", "article"], name="obligation_one_per_article"
            ),
            models.CheckConstraint(
                condition=Q(current_deadline__isnull=True)
                | Q(current_deadline__gt=F("entry_into_force")),
                name="obligation_deadline_after_entry_into_force",
            ),
            models.CheckConstraint(
                condition=Q(status="in_progress") | Q(completed_on__isnull=False),
                name="obligation_completed_has_date",
            ),
            models.CheckConstraint(
                condition=Q(entry_into_force__range=(date_range.EARLIEST, date_range.LATEST)),
                name="obligation_entry_into_force_in_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_convention_display_short()} {self.get_article_display()}"

    def get_convention_display_short(self) -> str:
        return self.convention.upper()

    @property
    def code(self) -> str:
        """The short name used in CSV files, e.g. CCM-4."""
        return f"{self.convention.upper()}-{self.article}"

    @property
    def is_completed(self) -> bool:
        return self.status == self.Status.COMPLETED

    @property
    def extension_max_years(self) -> int | None:
        """Years one extension request may add under its convention's rule; None: no extension."""
        return treaty.extension_max_years(convention=self.convention, article=self.article)

    @property
    def entry_into_force_arithmetic(self) -> "treaty.EntryIntoForce | None":
        """How the entry into force follows from the deposit, when it was given."""
        if self.instrument_deposited_on is None:
            return None
        return treaty.entry_into_force(
            convention=self.convention, deposited_on=self.instrument_deposited_on
        )


class ExtensionRequest(ChoiceLabels, models.Model):
    class Decision(models.TextChoices):
        PENDING = "pending", _("Pending")
        GRANTED = "granted", _("Granted")
        REFUSED = "refused", _("Refused")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    obligation = models.ForeignKey(
        Obligation, on_delete=models.CASCADE, related_name="extension_requests"
    )
    # The deadline in force when the request was made: what the request extends.
    deadline_before = models.DateField(_("deadline before the request"))
    requested_deadline = models.DateField(
        _("requested deadline"), validators=[validate_date_in_range]
    )
    submitted_on = models.DateField(_("submitted on"), validators=[validate_date_in_range])
    decision = models.CharField(
        _("decision"), max_length=10, choices=Decision.choices, default=Decision.PENDING
    )
    granted_deadline = models.DateField(
        _("granted deadline"), null=True, blank=True, validators=[validate_date_in_range]
    )
    decided_on = models.DateField(
        _("decided on"), null=True, blank=True, validators=[validate_date_in_range]
    )
    decided_by_meeting = models.CharField(
        _("Meeting of States Parties that decided"), max_length=200, blank=True
    )
    notes = BoundedTextField(_("notes"), blank=True, max_length=TEXT_MAX_LENGTH)
    is_illustrative = models.BooleanField(_("illustrative"), default=False)

    history = HistoricalRecords()

    class Meta:
        ordering = ["obligation", "submitted_on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(requested_deadline__gt=F("deadline_before")),
                name="extension_requests_a_later_deadline",
            ),
            models.CheckConstraint(
                condition=~Q(decision="granted") | Q(granted_deadline__isnull=False),
                name="extension_granted_has_deadline",
            ),
        ]

    def __str__(self) -> str:
        return (
            f"{self.obligation}: {self.requested_deadline:%Y-%m-%d} ({self.get_decision_display()})"
        )


class Indicator(ChoiceLabels, models.Model):
    class Kind(models.TextChoices):
        AREA_RELEASED = "area_released", _("Area released (m²)")
        REMNANTS_DESTROYED = "remnants_destroyed", _("Cluster munition remnants destroyed")
        MUNITIONS_DESTROYED = "munitions_destroyed", _("Stockpiled cluster munitions destroyed")
        SUBMUNITIONS_DESTROYED = (
            "submunitions_destroyed",
            _("Stockpiled submunitions destroyed"),
        )
        PEOPLE_REACHED = "people_reached", _("People reached by risk education")
        VICTIMS_ASSISTED = "victims_assisted", _("Victims assisted")

    obligation = models.ForeignKey(Obligation, on_delete=models.CASCADE, related_name="indicators")
    kind = models.CharField(_("indicator"), max_length=32, choices=Kind.choices)
    # Cumulative figures: the baseline is what was already done when recording began; the target
    # is the cumulative figure at which the work is complete.
    baseline = models.DecimalField(
        _("baseline"), max_digits=16, decimal_places=2, default=0,
        validators=[positive, validate_figure_not_too_large],
    )  # fmt: skip
    target = models.DecimalField(
        _("target"), max_digits=16, decimal_places=2,
        validators=[positive, validate_figure_not_too_large],
    )  # fmt: skip
    target_date = models.DateField(
        _("target date"), null=True, blank=True, validators=[validate_date_in_range]
    )
    is_headline = models.BooleanField(
        _("headline indicator"),
        default=False,
        help_text=_("The indicator whose forecast gives the obligation's status."),
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["obligation", "-is_headline", "kind"]
        constraints = [
            models.UniqueConstraint(fields=["obligation", "kind"], name="indicator_one_per_kind"),
            models.UniqueConstraint(
                fields=["obligation"],
                condition=Q(is_headline=True),
                name="indicator_one_headline",
            ),
            models.CheckConstraint(
                condition=Q(target__gte=F("baseline")), name="indicator_target_not_below_baseline"
            ),
            models.CheckConstraint(
                condition=Q(target__lte=FIGURE_MAX), name="indicator_target_at_most_figure_max"
            ),
        ]

    def __str__(self) -> str:
        return self.get_kind_display()

    @property
    def is_area(self) -> bool:
        return self.kind == self.Kind.AREA_RELEASED


class ProgressEntry(models.Model):
    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="entries")
    period_start = models.DateField(_("period from"), validators=[validate_date_in_range])
    period_end = models.DateField(_("period to"), validators=[validate_date_in_range])
    value = models.DecimalField(
        _("value"), max_digits=16, decimal_places=2,
        validators=[positive, validate_figure_not_too_large],
    )  # fmt: skip
    # Area released is broken down by method; the parts, when given, add up to the value.
    cancelled_m2 = models.DecimalField(
        _("cancelled (m²)"), max_digits=16, decimal_places=2, null=True, blank=True,
        validators=[positive, validate_figure_not_too_large],
    )  # fmt: skip
    reduced_m2 = models.DecimalField(
        _("reduced (m²)"), max_digits=16, decimal_places=2, null=True, blank=True,
        validators=[positive, validate_figure_not_too_large],
    )  # fmt: skip
    cleared_m2 = models.DecimalField(
        _("cleared (m²)"), max_digits=16, decimal_places=2, null=True, blank=True,
        validators=[positive, validate_figure_not_too_large],
    )  # fmt: skip
    source = models.CharField(_("source"), max_length=300, blank=True)
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    reporting_organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="progress_entries"
    )
    reported_at = models.DateTimeField(default=timezone.now, editable=False)
    validated_at = models.DateTimeField(null=True, blank=True)
    validated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    is_illustrative = models.BooleanField(_("illustrative"), default=False)

    history = HistoricalRecords()

    class Meta:
        ordering = ["indicator", "period_end", "pk"]
        verbose_name_plural = _("progress entries")
        indexes = [models.Index(fields=["indicator", "period_end"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(period_end__gte=F("period_start")), name="progress_period_in_order"
            ),
            models.CheckConstraint(condition=Q(value__gte=0), name="progress_value_not_negative"),
            models.CheckConstraint(
                condition=Q(value__lte=FIGURE_MAX), name="progress_value_at_most_figure_max"
            ),
            models.UniqueConstraint(
                fields=["indicator", "period_start", "period_end", "reporting_organisation"],
                name="progress_one_per_period_and_reporter",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.indicator}: {self.value} ({self.period_start:%Y-%m-%d}–{self.period_end:%Y-%m-%d})"

    @property
    def is_validated(self) -> bool:
        return self.validated_at is not None


class Need(models.Model):
    """An Article 6 need posted by the national authority."""

    coalition = models.ForeignKey(Coalition, on_delete=models.CASCADE, related_name="needs")
    obligation = models.ForeignKey(
        Obligation,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="needs",
        verbose_name=_("obligation"),
    )
    activity = models.CharField(_("activity"), max_length=200)
    description = BoundedTextField(_("description"), blank=True, max_length=TEXT_MAX_LENGTH)
    amount = models.DecimalField(
        _("amount needed"), max_digits=14, decimal_places=2, validators=[MinValueValidator(0.01)]
    )
    currency = models.CharField(_("currency"), max_length=3, validators=[currency_validator])
    period_start = models.DateField(_("period from"), validators=[validate_date_in_range])
    period_end = models.DateField(_("period to"), validators=[validate_date_in_range])
    posted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    is_illustrative = models.BooleanField(_("illustrative"), default=False)

    history = HistoricalRecords()

    class Meta:
        ordering = ["period_start", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(period_end__gte=F("period_start")), name="need_period_in_order"
            ),
            models.CheckConstraint(condition=Q(amount__gt=0), name="need_amount_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.activity} ({self.amount} {self.currency})"


class Offer(models.Model):
    """A donor's offer or pledge, against a need or freestanding."""

    class Status(models.TextChoices):
        PLEDGED = "pledged", _("Pledged")
        COMMITTED = "committed", _("Committed")
        DISBURSED = "disbursed", _("Disbursed")

    coalition = models.ForeignKey(Coalition, on_delete=models.CASCADE, related_name="offers")
    need = models.ForeignKey(
        Need,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="offers",
        verbose_name=_("need"),
    )
    donor = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="offers", verbose_name=_("donor")
    )
    activity = models.CharField(_("activity"), max_length=200)
    amount = models.DecimalField(
        _("amount"), max_digits=14, decimal_places=2, validators=[MinValueValidator(0.01)]
    )
    currency = models.CharField(_("currency"), max_length=3, validators=[currency_validator])
    period_start = models.DateField(_("period from"), validators=[validate_date_in_range])
    period_end = models.DateField(_("period to"), validators=[validate_date_in_range])
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PLEDGED
    )
    posted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    is_illustrative = models.BooleanField(_("illustrative"), default=False)

    history = HistoricalRecords()

    class Meta:
        ordering = ["period_start", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(period_end__gte=F("period_start")), name="offer_period_in_order"
            ),
            models.CheckConstraint(condition=Q(amount__gt=0), name="offer_amount_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.donor}: {self.amount} {self.currency} ({self.get_status_display()})"


class FiguresVersion(models.Model):
    """Changes with every write to a coalition's obligations, extension requests, indicators or
    progress figures, in the writer's transaction: the key under which their forecasts and charts
    are cached (obligations/status_cache.py). A row of its own, so that no save of the coalition
    from an older copy can bring an old version back."""

    coalition = models.OneToOneField(
        Coalition, on_delete=models.CASCADE, primary_key=True, related_name="+"
    )
    version = models.UUIDField(default=uuid.uuid4)

    def __str__(self) -> str:
        return f"{self.coalition_id}: {self.version}"


# Article 7 transparency reports (obligations/article7/) ----------------------------------------


class ReportingCalendar(models.Model):
    """A coalition's choices about its Article 7 reports; made on first use, with the defaults."""

    coalition = models.OneToOneField(
        Coalition, on_delete=models.CASCADE, related_name="reporting_calendar"
    )
    remind_days_before = models.PositiveSmallIntegerField(
        _("remind the national authority this many days before a report is due"),
        default=60,
        validators=[MinValueValidator(1), MaxValueValidator(365)],
    )

    def __str__(self) -> str:
        return f"{self.coalition}: {self.remind_days_before} days"


class TransparencyReport(ChoiceLabels, models.Model):
    """One Article 7 report of a coalition's State Party: a draft for a calendar year until the
    national authority marks it submitted; then it is frozen with the figures it reported."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Submitted")

    coalition = models.ForeignKey(
        Coalition, on_delete=models.CASCADE, related_name="transparency_reports"
    )
    year = models.PositiveSmallIntegerField(
        _("calendar year covered"),
        validators=[MinValueValidator(2010), MaxValueValidator(2100)],
    )
    point_of_contact = BoundedTextField(
        _("point of contact"),
        blank=True,
        max_length=2000,
        help_text=_("Name, organisation, address, telephone and e-mail of the person to contact."),
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    submitted_on = models.DateField(
        _("date of submission"), null=True, blank=True, validators=[validate_date_in_range]
    )
    # What the submitted report said, figures included: a later correction of a figure does not
    # change a report already sent to the United Nations.
    frozen = models.JSONField(default=dict, blank=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    history = HistoricalRecords()

    class Meta:
        ordering = ["coalition", "-year"]
        constraints = [
            models.UniqueConstraint(
                fields=["coalition", "year"], name="transparency_report_one_per_year"
            ),
            models.CheckConstraint(
                condition=Q(status="draft") | Q(submitted_on__isnull=False),
                name="transparency_report_submitted_has_date",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.coalition}: {self.year} ({self.get_status_display()})"

    @property
    def is_submitted(self) -> bool:
        return self.status == self.Status.SUBMITTED


class TransparencyForm(models.Model):
    """One form (A-J) of a report: the authority's narrative and whether it changed."""

    class Mark(models.TextChoices):
        CHANGED = "changed", _("Changed")
        UNCHANGED = "unchanged", _("Unchanged since the last report")
        NOT_APPLICABLE = "not_applicable", _("Not applicable")

    report = models.ForeignKey(TransparencyReport, on_delete=models.CASCADE, related_name="forms")
    letter = models.CharField(_("form"), max_length=1)
    mark = models.CharField(_("this form is"), max_length=16, choices=Mark.choices, blank=True)
    # The year of the report this form is unchanged since (with the mark "unchanged").
    unchanged_since = models.PositiveSmallIntegerField(_("unchanged since"), null=True, blank=True)
    narrative = BoundedTextField(_("narrative"), blank=True, max_length=TEXT_MAX_LENGTH)

    history = HistoricalRecords()

    class Meta:
        ordering = ["report", "letter"]
        constraints = [
            models.UniqueConstraint(
                fields=["report", "letter"], name="transparency_form_one_per_letter"
            ),
            models.CheckConstraint(
                condition=Q(letter__in=list("ABCDEFGHIJ")), name="transparency_form_letter_a_to_j"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.report}: form {self.letter}"


class TransparencyComment(models.Model):
    """A reader's comment on a draft (the champion, the facilitator, the secretariat)."""

    report = models.ForeignKey(
        TransparencyReport, on_delete=models.CASCADE, related_name="comments"
    )
    letter = models.CharField(_("on form"), max_length=1, blank=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    text = BoundedTextField(_("comment"), max_length=TEXT_MAX_LENGTH)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["report", "created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.report}: {self.text[:40]}"


class TransparencyReminder(MailRecord):
    """The reminder to one national authority member that a report falls due: one row per report
    due date and person, so a sweep run twice never mails twice."""

    coalition = models.ForeignKey(
        Coalition, on_delete=models.CASCADE, related_name="transparency_reminders"
    )
    due_on = models.DateField()
    initial = models.BooleanField(default=False)
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )

    class Meta(MailRecord.Meta):
        constraints = [
            models.UniqueConstraint(
                fields=["coalition", "due_on", "recipient"],
                name="transparency_reminder_once_per_due_date",
            )
        ]

    def __str__(self) -> str:
        return f"{self.coalition_id} {self.due_on} → {self.recipient_id}"
