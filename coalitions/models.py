import secrets
import uuid

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Lower
from django.utils import timezone as django_timezone
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField
from guardian.models import UserObjectPermissionBase
from simple_history.models import HistoricalRecords

from mail.models import MailRecord
from users.models import validate_time_zone

from .choice_labels import ChoiceLabels
from .text_limits import NOTE_MAX_LENGTH, TEXT_MAX_LENGTH, BoundedTextField


class Role(models.TextChoices):
    NATIONAL_AUTHORITY = "national_authority", _("National authority")
    CHAMPION = "champion", _("Champion")
    DONOR = "donor", _("Donor")
    OPERATOR = "operator", _("Operator")
    FACILITATOR = "facilitator", _("Facilitator")
    SECRETARIAT = "secretariat", _("Secretariat")
    OBSERVER = "observer", _("Observer")


class Visibility(models.TextChoices):
    MEMBERS = "members", _("All members")
    RESTRICTED = "restricted", _("Restricted (authority, champion, facilitator, secretariat)")


class Organisation(ChoiceLabels, models.Model):
    class Kind(models.TextChoices):
        STATE_AUTHORITY = "state_authority", _("State authority")
        DONOR_STATE = "donor_state", _("Donor state")
        OPERATOR = "operator", _("Operator")
        FACILITATOR = "facilitator", _("Facilitator")
        SECRETARIAT = "secretariat", _("Secretariat")
        UN_AGENCY = "un_agency", _("UN agency")
        OTHER = "other", _("Other")

    name = models.CharField(_("name"), max_length=200)
    short_name = models.CharField(_("short name"), max_length=40, blank=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    country = CountryField(_("country"), blank=True)
    is_demo = models.BooleanField(_("demo data"), default=False)

    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        permissions = [("merge_organisation", "Merge duplicate organisations")]
        constraints = [
            # One organisation per name and country, whatever the case: an inviter who types a
            # known name gets the known organisation, not a twin.
            models.UniqueConstraint(
                Lower("name"), "country", name="organisation_unique_name_country_ci"
            ),
        ]

    def __str__(self) -> str:
        return self.short_name or self.name

    @staticmethod
    def stored_name(name: str) -> str:
        """A name as it is stored: no spaces at the ends, one space between words."""
        return " ".join(str(name or "").split())

    @property
    def full_label(self) -> str:
        """The name with its short name, kind and country, to tell organisations apart."""
        name = f"{self.name} ({self.short_name})" if self.short_name else self.name
        country = str(self.country.name) if self.country else str(_("international"))
        return ", ".join([name, str(self.get_kind_display()), country])


class KeptVersionField(models.UUIDField):
    """A version that only a queryset's `update()` changes (`home_members.members_changed`): saving
    the row keeps the database's value, so that a form saved from a copy read before a change
    never puts back the version that what was kept before it is kept under."""

    def pre_save(self, model_instance, add):
        if add:
            return super().pre_save(model_instance, add)
        return F(self.attname)


class Coalition(models.Model):
    class Cadence(models.TextChoices):
        BIANNUAL = "biannual", _("Twice a year")
        QUARTERLY = "quarterly", _("Quarterly")

    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(_("short address"), max_length=60, unique=True)
    state_party = CountryField(_("State Party"))
    national_authority = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="coalitions_as_authority",
        verbose_name=_("national authority"),
    )
    champions = models.ManyToManyField(
        Organisation,
        related_name="coalitions_as_champion",
        blank=True,
        verbose_name=_("champion states"),
    )
    # Organisations added to the coalition on their own, before anyone represents them, so that
    # inviters can choose them; the others take part through the fields above, memberships and
    # invitations (`coalition_organisations`).
    organisations = models.ManyToManyField(
        Organisation,
        related_name="coalitions_listed",
        blank=True,
        verbose_name=_("other organisations"),
    )
    cadence = models.CharField(
        _("meeting cadence"), max_length=12, choices=Cadence.choices, default=Cadence.BIANNUAL
    )
    timezone = models.CharField(
        _("time zone"), max_length=64, default="UTC", validators=[validate_time_zone]
    )
    under_apmbc = models.BooleanField(
        _("also under the Anti-Personnel Mine Ban Convention"), default=False
    )
    description = BoundedTextField(_("description"), blank=True, max_length=TEXT_MAX_LENGTH)
    # A champion who proposes a coalition names the State's authority, which has not joined yet:
    # until one of its people accepts an invitation, nothing is done in its name.
    awaiting_national_authority = models.BooleanField(
        _("awaiting the national authority"), default=False
    )
    # Archived: read-only for everyone and sends nothing, until the national authority restores it.
    archived_at = models.DateTimeField(_("archived"), null=True, blank=True)
    is_demo = models.BooleanField(_("demo data"), default=False)
    created_at = models.DateTimeField(default=django_timezone.now, editable=False)
    # New whenever the members the home shows change (coalitions/home_members.py).
    members_version = KeptVersionField(default=uuid.uuid4, editable=False)

    history = HistoricalRecords(excluded_fields=["members_version"])

    class Meta:
        ordering = ["name"]
        permissions = [
            ("manage_coalition", "Edit the coalition's settings"),
            ("manage_members", "Change roles and remove members"),
            ("invite_members", "Invite stakeholders"),
            ("view_restricted", "See restricted items"),
            ("manage_meetings", "Create and edit meetings"),
            ("edit_agenda", "Edit agendas"),
            ("edit_minutes", "Edit minutes and attendance"),
            ("publish_summary", "Publish meeting summaries"),
            ("record_action_points", "Record action points for anyone"),
            ("update_own_action_points", "Update the action points one's organisation owns"),
            ("update_any_action_point", "Update any action point"),
            ("manage_obligations", "Edit obligations, targets and extension requests"),
            ("report_progress", "Report progress figures"),
            ("validate_progress", "Validate progress figures"),
            ("post_needs", "Post Article 6 needs"),
            ("post_offers", "Post Article 6 offers and pledges"),
            ("raise_concern", "Raise a confidential concern"),
            ("read_concerns", "Read confidential concerns"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def conventions_label(self) -> str:
        return "CCM + APMBC" if self.under_apmbc else "CCM"


class CoalitionUserObjectPermission(UserObjectPermissionBase):
    """Direct foreign-key permission rows (django-guardian's faster form)."""

    content_object = models.ForeignKey(Coalition, on_delete=models.CASCADE)


class Membership(ChoiceLabels, models.Model):
    coalition = models.ForeignKey(Coalition, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="memberships"
    )
    role = models.CharField(_("role"), max_length=24, choices=Role.choices)
    joined_at = models.DateTimeField(default=django_timezone.now)

    history = HistoricalRecords()

    class Meta:
        ordering = ["organisation__name", "user__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["coalition", "user"], name="membership_one_per_coalition"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} ({self.get_role_display()}, {self.organisation}) in {self.coalition}"


def _new_nonce() -> str:
    return secrets.token_urlsafe(16)


class Invitation(ChoiceLabels, MailRecord):
    """An invitation and the sending state of its mail (mail pipeline): a resend draws a new
    nonce and puts the mail back to pending, so the new link goes out once."""

    coalition = models.ForeignKey(Coalition, on_delete=models.CASCADE, related_name="invitations")
    email = models.EmailField(_("e-mail address"))
    role = models.CharField(_("role"), max_length=24, choices=Role.choices)
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="invitations"
    )
    message = BoundedTextField(_("personal message"), blank=True, max_length=NOTE_MAX_LENGTH)
    # The link is signed and carries this nonce; a resend draws a new one so older links stop working.
    nonce = models.CharField(max_length=32, default=_new_nonce, editable=False)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="invitations_sent",
    )
    expires_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    revoked_at = models.DateTimeField(null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                "coalition",
                models.functions.Lower("email"),
                condition=Q(accepted_at__isnull=True, revoked_at__isnull=True),
                name="invitation_one_pending_per_email",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.email} → {self.coalition} ({self.get_role_display()})"

    @property
    def is_pending(self) -> bool:
        return self.accepted_at is None and self.revoked_at is None

    @property
    def is_expired(self) -> bool:
        return django_timezone.now() >= self.expires_at


class HandOver(MailRecord):
    """The national authority handed its role to a colleague of its organisation and left; the
    row is also the mail that tells the colleague (mail pipeline)."""

    coalition = models.ForeignKey(Coalition, on_delete=models.CASCADE, related_name="hand_overs")
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="hand_overs"
    )
    from_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    to_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="hand_overs_received"
    )

    def __str__(self) -> str:
        return f"{self.from_user} → {self.to_user} ({self.coalition})"


class FormSubmission(models.Model):
    """A create form's one-time token, claimed in the same transaction that creates the record.

    The unique token makes a second POST of the same form (a double click, a resent request)
    wait for the first one's transaction and then find what it created, in any process.
    """

    token = models.UUIDField(unique=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    url = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(default=django_timezone.now)

    class Meta:
        indexes = [models.Index(fields=["user", "created_at"], name="formsubmission_user_time")]

    def __str__(self) -> str:
        return f"{self.token} → {self.url or '…'}"
