"""Every change to organisations, coalitions, memberships and invitations goes through here."""

import zoneinfo
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from simple_history.utils import bulk_update_with_history

from config.mail import build_mail
from mail import pipeline
from mail.models import MailStatus
from users.models import User

from .archive import refuse_if_archived
from .audit import audited
from .home_members import organisations_changed
from .models import Coalition, HandOver, Invitation, Membership, Organisation, Role
from .permissions import organisation_may_hold_role, roles_given_by, sync_role_permissions
from .selectors import (
    coalition_organisations,
    hand_over_candidates,
    organisation_links,
    organisation_merge_conflicts,
    organisation_twin,
)
from .time_zones import suggested_time_zone

INVITATION_SALT = "coalitions.invitation"


class OrganisationExistsError(ValidationError):
    """Refused as a duplicate: `organisation` is the one of this name and country."""

    def __init__(self, organisation: Organisation):
        self.organisation = organisation
        super().__init__(
            {
                "name": _(
                    "%(organisation)s exists already with this name and country; use it instead "
                    "of a second one."
                )
                % {"organisation": organisation.full_label}
            }
        )


@transaction.atomic
def organisation_create(
    *,
    name: str,
    kind: str,
    short_name: str = "",
    country: str = "",
    actor: User | None,
    is_demo: bool = False,
) -> Organisation:
    """`actor` None: made by the system (the demo data), not by a person."""
    organisation = audited(
        Organisation(
            name=Organisation.stored_name(name),
            kind=kind,
            short_name=short_name.strip(),
            country=country,
            is_demo=is_demo,
        ),
        actor,
    )
    twin = organisation_twin(name=organisation.name, country=organisation.country)
    if twin is not None:
        raise OrganisationExistsError(twin)
    organisation.full_clean()
    try:
        with transaction.atomic():
            organisation.save()
    except IntegrityError:
        # Created meanwhile by someone else: the unique index said so.
        twin = organisation_twin(name=organisation.name, country=organisation.country)
        if twin is None:
            raise
        raise OrganisationExistsError(twin) from None
    return organisation


@transaction.atomic
def organisation_add(
    *,
    coalition: Coalition,
    name: str,
    kind: str,
    short_name: str = "",
    country: str = "",
    actor: User,
) -> Organisation:
    """A new organisation, created on its own and added to the coalition's list, so inviters can
    choose it. One of the same name and country is refused, naming the one that exists."""
    _check_not_archived(coalition)
    organisation = organisation_create(
        name=name, kind=kind, short_name=short_name, country=country, actor=actor
    )
    coalition.organisations.add(organisation)
    return organisation


@transaction.atomic
def organisation_list_in(
    *, coalition: Coalition, organisation: Organisation, actor: User
) -> Organisation:
    """An organisation that exists already is added to the coalition's list."""
    _check_not_archived(coalition)
    coalition.organisations.add(organisation)
    return organisation


@transaction.atomic
def coalition_create(
    *,
    name: str,
    slug: str,
    state_party: str,
    national_authority: Organisation,
    champions: list[Organisation] = (),
    cadence: str = Coalition.Cadence.BIANNUAL,
    timezone_name: str = "UTC",
    under_apmbc: bool = False,
    description: str = "",
    awaiting_national_authority: bool = False,
    actor: User | None,
    is_demo: bool = False,
) -> Coalition:
    coalition = audited(
        Coalition(
            awaiting_national_authority=awaiting_national_authority,
            name=name,
            slug=slug,
            state_party=state_party,
            national_authority=national_authority,
            cadence=cadence,
            timezone=timezone_name,
            under_apmbc=under_apmbc,
            description=description,
            is_demo=is_demo,
        ),
        actor,
    )
    coalition.full_clean()
    coalition.save()
    coalition.champions.set(champions)
    return coalition


# Addresses a coalition's short name may not take: they are pages of their own.
RESERVED_SLUGS = frozenset({"new"})
SLUG_MAX_LENGTH = 60


def unique_slug(*, name: str, state_party: str) -> str:
    """The coalition's short address from its name (or its State Party's code when the name has
    no Latin letters), with -2, -3… when it is taken."""
    base = slugify(name)[: SLUG_MAX_LENGTH - 6].strip("-") or slugify(state_party) or "coalition"
    taken = (
        set(Coalition.objects.filter(slug__startswith=base).values_list("slug", flat=True))
        | RESERVED_SLUGS
    )
    slug, number = base, 1
    while slug in taken:
        number += 1
        slug = f"{base}-{number}"
    return slug


STARTING_ROLES = (Role.NATIONAL_AUTHORITY, Role.CHAMPION)


@transaction.atomic
def coalition_start(
    *,
    name: str,
    state_party: str,
    role: str,
    organisation: "NewOrganisation",
    national_authority: "NewOrganisation | None" = None,
    cadence: str = Coalition.Cadence.BIANNUAL,
    timezone_name: str = "",
    under_apmbc: bool = False,
    description: str = "",
    actor: User,
) -> Coalition:
    """A signed-in person starts a coalition and is its first member: as the State's national
    authority, or as a champion proposing it, who names the authority that is then awaited.

    Organisations are found by name and country (whatever the case) or created.
    """
    if role not in STARTING_ROLES:
        raise ValidationError(
            {"role": _("Start a coalition as its national authority or as a champion.")}
        )
    if not str(state_party or "").strip():
        raise ValidationError({"state_party": _("Choose the State Party.")})
    own = _named_organisation(organisation, field="organisation_name", actor=actor)
    if role == Role.NATIONAL_AUTHORITY:
        authority = own
    else:
        if national_authority is None or not national_authority.name.strip():
            raise ValidationError(
                {"authority_name": _("Name the State's national mine action authority.")}
            )
        authority = _named_organisation(national_authority, field="authority_name", actor=actor)
        if authority.pk == own.pk:
            raise ValidationError(
                {
                    "authority_name": _(
                        "The national authority is another organisation than the champion's."
                    )
                }
            )
    try:
        with transaction.atomic():
            coalition = coalition_create(
                name=" ".join(name.split()),
                slug=unique_slug(name=name, state_party=state_party),
                state_party=state_party,
                national_authority=authority,
                champions=[own] if role == Role.CHAMPION else [],
                cadence=cadence,
                timezone_name=timezone_name or suggested_time_zone(state_party),
                under_apmbc=under_apmbc,
                description=description,
                awaiting_national_authority=role == Role.CHAMPION,
                actor=actor,
            )
    except IntegrityError:
        # Another coalition of the same name took the address meanwhile.
        raise ValidationError(_("Another coalition took this name just now; send again.")) from None
    membership_create(coalition=coalition, user=actor, organisation=own, role=role, actor=actor)
    return coalition


SETTINGS_FIELDS = ("name", "description", "state_party", "under_apmbc", "cadence", "timezone")


def _check_not_archived(coalition: Coalition) -> None:
    refuse_if_archived(coalition)


@transaction.atomic
def coalition_update(*, coalition: Coalition, actor: User, **fields: object) -> Coalition:
    """The national authority's settings; the short address never changes (links in mails)."""
    coalition = Coalition.objects.select_for_update().get(pk=coalition.pk)
    _check_not_archived(coalition)
    unknown = set(fields) - set(SETTINGS_FIELDS)
    if unknown:
        raise TypeError(f"Not a setting: {sorted(unknown)}")
    for field, value in fields.items():
        setattr(coalition, field, value)
    coalition.name = " ".join(coalition.name.split())
    coalition.full_clean()
    audited(coalition, actor).save()
    return coalition


@transaction.atomic
def coalition_archive(*, coalition: Coalition, actor: User) -> Coalition:
    """Read-only for everyone and no mail from now on; restorable."""
    coalition = Coalition.objects.select_for_update().get(pk=coalition.pk)
    _check_not_archived(coalition)
    coalition.archived_at = timezone.now()
    audited(coalition, actor).save(update_fields=["archived_at"])
    return coalition


@transaction.atomic
def coalition_restore(*, coalition: Coalition, actor: User) -> Coalition:
    coalition = Coalition.objects.select_for_update().get(pk=coalition.pk)
    if coalition.archived_at is None:
        raise ValidationError(_("This coalition is not archived."))
    coalition.archived_at = None
    audited(coalition, actor).save(update_fields=["archived_at"])
    return coalition


def _role_in(coalition: Coalition, user) -> str | None:
    if user is None:
        return None
    return (
        Membership.objects.filter(coalition=coalition, user=user).values_list("role", flat=True)
    ).first()


def _check_role_given_by(*, coalition: Coalition, actor, roles: set[str]) -> None:
    """Who appoints whom: the actor's own role in the coalition must give every role in `roles`."""
    if not roles <= roles_given_by(_role_in(coalition, actor), coalition=coalition):
        raise ValidationError({"role": _("You cannot give someone this role.")})


def _check_organisation(
    *, coalition: Coalition, organisation: Organisation, role: str, of_the_coalition: bool
) -> None:
    if of_the_coalition and not (
        coalition_organisations(coalition=coalition).filter(pk=organisation.pk).exists()
    ):
        raise ValidationError(
            {"organisation": _("Choose one of the coalition's organisations, or name a new one.")}
        )
    if not organisation_may_hold_role(coalition=coalition, organisation=organisation, role=role):
        raise ValidationError(
            {
                "organisation": _(
                    "Only the national authority's own people represent it, with the national "
                    "authority role; choose another organisation."
                )
            }
        )


@transaction.atomic
def membership_create(
    *, coalition: Coalition, user: User, organisation: Organisation, role: str, actor: User | None
) -> Membership:
    """`actor` None: made by the system (the demo data, a new coalition's first member)."""
    if Membership.objects.filter(coalition=coalition, user=user).exists():
        raise ValidationError(
            _("%(person)s is already a member of this coalition.") % {"person": user}
        )
    _check_organisation(
        coalition=coalition, organisation=organisation, role=role, of_the_coalition=False
    )
    membership = audited(
        Membership(coalition=coalition, user=user, organisation=organisation, role=role), actor
    )
    membership.full_clean()
    membership.save()
    sync_role_permissions(user=user, coalition=coalition, role=role)
    if role == Role.NATIONAL_AUTHORITY:
        _national_authority_joined(coalition, actor)
    return membership


def _national_authority_joined(coalition: Coalition, actor) -> None:
    """A coalition proposed by a champion becomes the State's own when its authority joins."""
    if coalition.awaiting_national_authority:
        coalition.awaiting_national_authority = False
        audited(coalition, actor).save(update_fields=["awaiting_national_authority"])


def _ensure_an_authority_remains(membership: Membership) -> None:
    others = Membership.objects.filter(
        coalition_id=membership.coalition_id, role=Role.NATIONAL_AUTHORITY
    ).exclude(pk=membership.pk)
    if membership.role == Role.NATIONAL_AUTHORITY and not others.exists():
        raise ValidationError(
            _(
                "The coalition needs at least one member of the national authority; add another first."
            )
        )


@transaction.atomic
def membership_change_role(
    *, membership: Membership, role: str, organisation: Organisation | None = None, actor: User
) -> Membership:
    membership = (
        Membership.objects.select_for_update(of=("self",))
        .select_related("coalition")
        .get(pk=membership.pk)
    )
    coalition = membership.coalition
    _check_role_given_by(coalition=coalition, actor=actor, roles={membership.role, role})
    if role != Role.NATIONAL_AUTHORITY:
        _ensure_an_authority_remains(membership)
    if organisation is not None and organisation.pk != membership.organisation_id:
        _check_organisation(
            coalition=coalition, organisation=organisation, role=role, of_the_coalition=True
        )
        membership.organisation = organisation
    else:
        _check_organisation(
            coalition=coalition,
            organisation=membership.organisation,
            role=role,
            of_the_coalition=False,
        )
    membership.role = role
    audited(membership, actor)
    membership.full_clean()
    membership.save()
    sync_role_permissions(user=membership.user, coalition=membership.coalition, role=role)
    if role == Role.NATIONAL_AUTHORITY:
        _national_authority_joined(coalition, actor)
    return membership


@transaction.atomic
def membership_remove(*, membership: Membership, actor: User) -> None:
    membership = Membership.objects.select_for_update().get(pk=membership.pk)
    _ensure_an_authority_remains(membership)
    sync_role_permissions(user=membership.user, coalition=membership.coalition, role=None)
    audited(membership, actor).delete()


@transaction.atomic
def membership_leave(*, membership: Membership, actor: User) -> None:
    """A member leaves the coalition. The last member of the national authority cannot: it hands
    its role over first, by inviting a colleague of its organisation as national authority."""
    membership = (
        Membership.objects.select_for_update().select_related("coalition").get(pk=membership.pk)
    )
    if membership.user_id != getattr(actor, "pk", None):
        raise ValidationError(_("Only the member themself leaves; others are removed."))
    _check_not_archived(membership.coalition)
    _ensure_an_authority_remains(membership)
    sync_role_permissions(user=membership.user, coalition=membership.coalition, role=None)
    audited(membership, actor).delete()


SEND_HAND_OVER = "coalitions.tasks.send_hand_over_email_task"


@transaction.atomic
def membership_hand_over(*, membership: Membership, to_user: User, actor: User) -> HandOver:
    """The national authority hands its role to a colleague of its organisation, in one step:
    the colleague becomes national authority (joining the coalition if they were not in it), the
    giver leaves, and the colleague is told by mail. The coalition always keeps its authority:
    the colleague holds the role before the giver's membership goes, in one transaction.

    Colleagues are the people the giver already sees representing the same organisation, in
    this coalition or in another one they share (`hand_over_candidates`)."""
    membership = (
        Membership.objects.select_for_update(of=("self",))
        .select_related("coalition", "organisation", "user")
        .get(pk=membership.pk)
    )
    coalition = membership.coalition
    if membership.user_id != getattr(actor, "pk", None):
        raise ValidationError(_("Only the member themself hands over their role."))
    _check_not_archived(coalition)
    if membership.role != Role.NATIONAL_AUTHORITY:
        raise ValidationError(_("Only a member of the national authority hands over its role."))
    if not hand_over_candidates(membership=membership).filter(pk=to_user.pk).exists():
        raise ValidationError(
            {
                "colleague": _("Choose a colleague of %(organisation)s.")
                % {"organisation": membership.organisation}
            }
        )
    theirs = (
        Membership.objects.select_for_update(of=("self",))
        .filter(coalition=coalition, user=to_user)
        .first()
    )
    if theirs is None:
        membership_create(
            coalition=coalition,
            user=to_user,
            organisation=membership.organisation,
            role=Role.NATIONAL_AUTHORITY,
            actor=actor,
        )
    elif theirs.role != Role.NATIONAL_AUTHORITY:
        theirs.role = Role.NATIONAL_AUTHORITY
        audited(theirs, actor)
        theirs.full_clean()
        theirs.save()
        sync_role_permissions(user=to_user, coalition=coalition, role=Role.NATIONAL_AUTHORITY)
    _ensure_an_authority_remains(membership)
    sync_role_permissions(user=membership.user, coalition=coalition, role=None)
    audited(membership, actor).delete()
    hand_over = HandOver.objects.create(
        coalition=coalition,
        organisation=membership.organisation,
        from_user=actor,
        to_user=to_user,
    )
    pipeline.publish_on_commit(SEND_HAND_OVER, hand_over.pk)
    return hand_over


def queue_hand_overs(ids: list[int]) -> None:
    """The dispatcher's door."""
    for pk in ids:
        pipeline.publish(SEND_HAND_OVER, pk)


def hand_over_send_mail(*, hand_over_id: int) -> bool:
    """Tells the colleague they now hold the national authority's role; once. False when there
    is nothing to send (already sent, held by another worker, or the coalition archived)."""
    ids = pipeline.claim(HandOver.objects.filter(pk=hand_over_id))
    if not ids:
        return False
    try:
        hand_over = HandOver.objects.select_related(
            "coalition", "organisation", "from_user", "to_user"
        ).get(pk=hand_over_id)
        coalition = hand_over.coalition
        message = build_mail(
            to=hand_over.to_user.email,
            template="hand_over",
            context={
                "hand_over": hand_over,
                "coalition": coalition,
                "url": settings.SITE_URL + reverse("coalitions:detail", args=[coalition.slug]),
                "site_url": settings.SITE_URL,
            },
            language=hand_over.to_user.preferred_language,
            headers={"Message-ID": pipeline.message_id("hand-over", hand_over.pk)},
        )
        message.send()
        pipeline.mark_sent(HandOver, ids)
    except BaseException as exc:
        pipeline.mark_failed(HandOver, ids, error=pipeline.error_text(exc))
        raise
    return True


@transaction.atomic
def organisation_update(
    *, organisation: Organisation, coalition: Coalition, actor: User, **fields: object
) -> Organisation:
    """The national authority keeps its coalition's organisations right (name, short name, kind,
    country). One that also takes part in a coalition the actor does not run is left to site
    staff, who merge duplicates in the admin."""
    from .permissions import MANAGE_COALITION, accesses_everywhere, coalition_ids_with

    organisation = Organisation.objects.select_for_update().get(pk=organisation.pk)
    _check_not_archived(coalition)
    if not coalition_organisations(coalition=coalition).filter(pk=organisation.pk).exists():
        raise ValidationError(_("This organisation does not take part in this coalition."))
    run_by_actor = set(coalition_ids_with(accesses_everywhere(actor), MANAGE_COALITION))
    elsewhere = set(
        Coalition.objects.filter(
            Q(national_authority=organisation)
            | Q(champions=organisation)
            | Q(organisations=organisation)
            | Q(memberships__organisation=organisation)
            | Q(
                invitations__organisation=organisation,
                invitations__accepted_at__isnull=True,
                invitations__revoked_at__isnull=True,
            )
        ).values_list("pk", flat=True)
    )
    if elsewhere - run_by_actor:
        raise ValidationError(
            _(
                "This organisation also takes part in coalitions you do not run; ask the site's "
                "staff to change it."
            )
        )
    for field in ("name", "short_name", "kind", "country"):
        if field in fields:
            setattr(organisation, field, fields[field])
    organisation.name = Organisation.stored_name(organisation.name)
    twin = organisation_twin(
        name=organisation.name, country=organisation.country, exclude_pk=organisation.pk
    )
    if twin is not None:
        raise OrganisationExistsError(twin)
    organisation.full_clean()
    audited(organisation, actor).save()
    return organisation


# Invitations -------------------------------------------------------------------------------------


def invitation_token(invitation: Invitation) -> str:
    return signing.dumps(
        {"i": invitation.pk, "n": invitation.nonce}, salt=INVITATION_SALT, compress=True
    )


def invitation_url(invitation: Invitation) -> str:
    return settings.SITE_URL + reverse(
        "coalitions:invitation_open", args=[invitation_token(invitation)]
    )


class InvitationLinkError(Exception):
    """A link that cannot be used; `reason` is one of invalid, revoked, used, expired, archived
    (the coalition is archived: nobody joins it until it is restored)."""

    def __init__(self, reason: str, invitation: Invitation | None = None):
        super().__init__(reason)
        self.reason = reason
        self.invitation = invitation


def invitation_from_token(token: str, *, for_update: bool = False) -> Invitation:
    try:
        payload = signing.loads(token, salt=INVITATION_SALT)
        pk, nonce = int(payload["i"]), str(payload["n"])
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        raise InvitationLinkError("invalid") from None
    queryset = Invitation.objects.select_related("coalition", "organisation", "invited_by")
    if for_update:
        queryset = queryset.select_for_update(of=("self",))
    invitation = queryset.filter(pk=pk).first()
    if invitation is None or invitation.nonce != nonce:
        raise InvitationLinkError("invalid")
    if invitation.revoked_at:
        raise InvitationLinkError("revoked", invitation)
    if invitation.accepted_at:
        raise InvitationLinkError("used", invitation)
    if invitation.is_expired:
        raise InvitationLinkError("expired", invitation)
    if invitation.coalition.archived_at is not None:
        raise InvitationLinkError("archived", invitation)
    return invitation


SEND_INVITATION = "coalitions.tasks.send_invitation_email_task"


def _queue_invitation_mail(invitation: Invitation) -> None:
    pipeline.publish_on_commit(SEND_INVITATION, invitation.pk)


def queue_invitations(ids: list[int]) -> None:
    """The dispatcher's door."""
    for pk in ids:
        pipeline.publish(SEND_INVITATION, pk)


def invitations_to_send(queryset: QuerySet[Invitation]) -> QuerySet[Invitation]:
    """Only invitations still open carry a mail worth sending."""
    return queryset.filter(
        accepted_at__isnull=True, revoked_at__isnull=True, expires_at__gt=timezone.now()
    )


@dataclass(frozen=True)
class NewOrganisation:
    """An organisation named on the invitation form, created with the invitation."""

    name: str
    kind: str
    country: str = ""


def _organisation_for(new: NewOrganisation, *, actor) -> Organisation:
    """The organisation of that name and country (whatever the case), created if there is none."""
    known = organisation_twin(name=new.name, country=new.country)
    if known is not None:
        return known
    try:
        with transaction.atomic():
            return organisation_create(
                name=new.name, kind=new.kind, country=new.country, actor=actor
            )
    except OrganisationExistsError as exc:
        # Created meanwhile by someone else.
        return exc.organisation


def _named_organisation(new: NewOrganisation, *, field: str, actor) -> Organisation:
    """`_organisation_for`, its refusals shown on the form field that named the organisation."""
    try:
        return _organisation_for(new, actor=actor)
    except ValidationError as exc:
        raise ValidationError({field: exc.messages}) from None


@transaction.atomic
def invitation_create(
    *,
    coalition: Coalition,
    email: str,
    role: str,
    organisation: Organisation | None = None,
    new_organisation: NewOrganisation | None = None,
    message: str = "",
    actor: User,
) -> Invitation:
    """The person will represent `organisation` (one of the coalition's) or `new_organisation`."""
    email = email.strip().lower()
    _check_role_given_by(coalition=coalition, actor=actor, roles={role})
    if (organisation is None) == (new_organisation is None):
        raise ValidationError(
            {"organisation": _("Choose an organisation from the list, or name a new one.")}
        )
    if Membership.objects.filter(coalition=coalition, user__email__iexact=email).exists():
        raise ValidationError({"email": _("This person is already a member of the coalition.")})
    if Invitation.objects.filter(
        coalition=coalition, email__iexact=email, accepted_at__isnull=True, revoked_at__isnull=True
    ).exists():
        raise ValidationError(
            {
                "email": _(
                    "This address already has a pending invitation; resend it from the list instead."
                )
            }
        )
    if (
        coalition.awaiting_national_authority
        and role == Role.NATIONAL_AUTHORITY
        and (organisation is None or organisation.pk != coalition.national_authority_id)
    ):
        raise ValidationError(
            {
                "organisation": _(
                    "The national authority awaited is %(organisation)s: invite one of its people "
                    "for it."
                )
                % {"organisation": coalition.national_authority}
            }
        )
    if organisation is not None:
        _check_organisation(
            coalition=coalition, organisation=organisation, role=role, of_the_coalition=True
        )
    else:
        organisation = _organisation_for(new_organisation, actor=actor)
        _check_organisation(
            coalition=coalition, organisation=organisation, role=role, of_the_coalition=False
        )
    invitation = audited(
        Invitation(
            coalition=coalition,
            email=email,
            role=role,
            organisation=organisation,
            message=message,
            invited_by=actor,
            expires_at=timezone.now() + timedelta(days=settings.INVITATION_VALID_DAYS),
        ),
        actor,
    )
    invitation.full_clean()
    try:
        with transaction.atomic():
            invitation.save()
    except IntegrityError:
        raise ValidationError(
            {"email": _("This address already has a pending invitation.")}
        ) from None
    _queue_invitation_mail(invitation)
    return invitation


@transaction.atomic
def invitation_resend(*, invitation: Invitation, actor: User) -> Invitation:
    """A fresh link and a fresh expiry; the previous link stops working."""
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if not invitation.is_pending:
        raise ValidationError(_("This invitation is no longer pending."))
    invitation.nonce = Invitation._meta.get_field("nonce").default()
    invitation.expires_at = timezone.now() + timedelta(days=settings.INVITATION_VALID_DAYS)
    invitation.sent_at = None
    invitation.status = MailStatus.PENDING
    invitation.attempts = 0
    invitation.last_error = ""
    invitation.locked_at = None
    invitation.next_attempt_at = timezone.now()
    audited(invitation, actor).save()
    _queue_invitation_mail(invitation)
    return invitation


@transaction.atomic
def invitation_revoke(*, invitation: Invitation, actor: User) -> Invitation:
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if not invitation.is_pending:
        raise ValidationError(_("This invitation is no longer pending."))
    invitation.revoked_at = timezone.now()
    audited(invitation, actor).save()
    return invitation


class WrongPersonError(Exception):
    pass


@transaction.atomic
def invitation_accept(*, token: str, user: User) -> Membership:
    """Single use: the row is locked, checked again and stamped in one transaction."""
    invitation = invitation_from_token(token, for_update=True)
    if invitation.email.lower() != user.email.lower():
        raise WrongPersonError
    if Membership.objects.filter(coalition=invitation.coalition, user=user).exists():
        raise InvitationLinkError("used", invitation)
    membership = membership_create(
        coalition=invitation.coalition,
        user=user,
        organisation=invitation.organisation,
        role=invitation.role,
        actor=user,
    )
    invitation.accepted_at = timezone.now()
    invitation.accepted_by = user
    audited(invitation, user).save()
    return membership


def invitation_send_mail(*, invitation_id: int) -> bool:
    """Sends the invitation mail with its current link, once; False when there is nothing to send
    (already sent, accepted, revoked, expired, or held by another worker)."""
    ids = pipeline.claim(invitations_to_send(Invitation.objects.filter(pk=invitation_id)))
    if not ids:
        return False
    try:
        invitation = Invitation.objects.select_related(
            "coalition", "organisation", "invited_by"
        ).get(pk=invitation_id)
        context = {
            "invitation": invitation,
            "coalition": invitation.coalition,
            "url": invitation_url(invitation),
            "site_url": settings.SITE_URL,
        }
        # Dates in the mail read in the coalition's own time zone, named in the text.
        with timezone.override(zoneinfo.ZoneInfo(invitation.coalition.timezone)):
            message = build_mail(
                to=invitation.email,
                template="invitation",
                context=context,
                headers={
                    "Message-ID": pipeline.message_id("invitation", invitation.pk, invitation.nonce)
                },
            )
        message.send()
        pipeline.mark_sent(Invitation, ids)
    except BaseException as exc:
        pipeline.mark_failed(Invitation, ids, error=pipeline.error_text(exc))
        raise
    return True


# Merging duplicate organisations (site staff, in the admin) -------------------------------------

MERGE_BATCH_SIZE = 500

# An app whose records feed work of its own hears, in the merge's transaction, which of them now
# name the organisation kept (actions: the reminder sweep reads those action points again, as
# their owner organisation's members may have changed; the meeting page's lists show them).
_merge_followers: dict[type[models.Model], list[Callable[[list[int]], None]]] = {}


def follow_organisation_merge(
    model: type[models.Model], moved: Callable[[list[int]], None]
) -> None:
    """Called from an AppConfig.ready(): `moved(ids)` runs after a merge moves rows of `model`."""
    followers = _merge_followers.setdefault(model, [])
    if moved not in followers:
        followers.append(moved)


@transaction.atomic
def organisation_merge(
    *, keep: Organisation, duplicates: list[Organisation], actor: User
) -> dict[str, int]:
    """Site staff merge duplicates into the one they keep, in one transaction: every record that
    names a duplicate (memberships, invitations, action points, figures, offers, participants,
    concerns, a coalition's authority, champions and listed organisations, and any record added
    later) names `keep` instead, each change in the audit trail with the staff member; then the
    duplicates are deleted. Refused, with nothing changed, when `organisation_merge_conflicts`
    finds anything. Returns how many records moved, by kind."""
    ids = sorted({d.pk for d in duplicates} - {keep.pk})
    if not ids:
        raise ValidationError(_("Choose at least one other organisation to merge into this one."))
    locked = list(
        Organisation.objects.select_for_update().filter(pk__in=[keep.pk, *ids]).order_by("pk")
    )
    if len(locked) != len(ids) + 1:
        raise ValidationError(_("One of these organisations no longer exists."))
    keep = next(o for o in locked if o.pk == keep.pk)
    duplicates = [o for o in locked if o.pk != keep.pk]
    problems = organisation_merge_conflicts(keep=keep, duplicates=duplicates)
    if problems:
        raise ValidationError(problems)
    reason = _("merged %(duplicates)s into %(organisation)s") % {
        "duplicates": ", ".join(f"{d.name} (#{d.pk})" for d in duplicates),
        "organisation": f"{keep.name} (#{keep.pk})",
    }
    # The moves below bypass the signals: the homes naming a duplicate get a new members version.
    organisations_changed(organisation_ids=ids)
    moved = {}
    for link in organisation_links():
        name = link.field.name
        rows = link.model._default_manager.filter(**{f"{name}__in": ids})
        followers = _merge_followers.get(link.model, [])
        moved_ids: list[int] = []
        if link.is_m2m_table:
            # The table's other column: the coalition that lists them.
            owner = next(
                f.name for f in link.model._meta.local_fields if f.is_relation and f.name != name
            )
            already = link.model._default_manager.filter(**{name: keep}).values(owner)
            rows.filter(**{f"{owner}__in": already}).delete()
            number = rows.update(**{name: keep})
        elif hasattr(link.model, "history"):
            objects = list(rows.select_for_update(of=("self",)))
            moved_ids = [record.pk for record in objects]
            for record in objects:
                setattr(record, name, keep)
            bulk_update_with_history(
                objects,
                link.model,
                [name],
                batch_size=MERGE_BATCH_SIZE,
                default_user=actor,
                default_change_reason=reason,
            )
            number = len(objects)
        else:
            if followers:
                moved_ids = list(rows.values_list("pk", flat=True))
            number = rows.update(**{name: keep})
        if number:
            moved[link.label] = moved.get(link.label, 0) + number
        if moved_ids:
            for follower in followers:
                follower(moved_ids)
    for duplicate in duplicates:
        duplicate._change_reason = reason
        audited(duplicate, actor).delete()
    return moved
