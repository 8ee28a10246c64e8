"""Every queryset a coalition page iterates, with the permission filter and its joins."""

from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet, Subquery, Window

from users.models import User

from .models import (
    Coalition,
    CoalitionUserObjectPermission,
    Invitation,
    Membership,
    Organisation,
    Role,
)
from .permissions import VIEW


def coalition_list_for_user(*, user: User) -> QuerySet[Coalition]:
    my_role = Membership.objects.filter(coalition=OuterRef("pk"), user=user).values("role")[:1]
    may_view = CoalitionUserObjectPermission.objects.filter(
        content_object=OuterRef("pk"), user=user, permission__codename=VIEW
    )
    return (
        Coalition.objects.filter(
            Exists(may_view), Exists(Membership.objects.filter(coalition=OuterRef("pk"), user=user))
        )
        .select_related("national_authority")
        .prefetch_related(Prefetch("champions", queryset=Organisation.objects.order_by("name")))
        .annotate(member_count=Count("memberships", distinct=True), my_role=Subquery(my_role))
        .order_by("name")
    )


def membership_list(*, coalition: Coalition) -> QuerySet[Membership]:
    return (
        Membership.objects.filter(coalition=coalition)
        .select_related("user", "organisation")
        .order_by("organisation__name", "user__name")
    )


def pending_invitation_list(*, coalition: Coalition) -> QuerySet[Invitation]:
    return (
        Invitation.objects.filter(
            coalition=coalition, accepted_at__isnull=True, revoked_at__isnull=True
        )
        .select_related("organisation", "invited_by")
        .order_by("-created_at")
    )


def coalition_organisations(*, coalition: Coalition) -> QuerySet[Organisation]:
    """The organisations an inviter may choose: the authority, the champions, those added to the
    coalition on their own, those represented by a member and those named in a pending invitation
    (a new one is created with its invitation)."""
    return Organisation.objects.filter(
        Q(pk=coalition.national_authority_id)
        | Q(pk__in=coalition.champions.values("pk"))
        | Q(pk__in=coalition.organisations.values("pk"))
        | Q(pk__in=Membership.objects.filter(coalition=coalition).values("organisation_id"))
        | Q(
            pk__in=Invitation.objects.filter(
                coalition=coalition, accepted_at__isnull=True, revoked_at__isnull=True
            ).values("organisation_id")
        )
    ).order_by("name")


def coalition_start_steps(*, coalition: Coalition) -> dict[str, bool]:
    """What of a new coalition's first steps is done, in one query: who has joined or been
    invited for the three roles that start a coalition, and whether it has obligations and a
    meeting (their apps' tables, reached through the coalition's relations)."""
    members = Membership.objects.filter(coalition=OuterRef("pk"))
    invited = Invitation.objects.filter(
        coalition=OuterRef("pk"), accepted_at__isnull=True, revoked_at__isnull=True
    )

    def related(name: str):
        model = Coalition._meta.get_field(name).related_model
        return Exists(model.objects.filter(coalition=OuterRef("pk")))

    annotations = {}
    for role in (Role.NATIONAL_AUTHORITY, Role.CHAMPION, Role.FACILITATOR):
        annotations[f"{role}_joined"] = Exists(members.filter(role=role))
        annotations[f"{role}_invited"] = Exists(invited.filter(role=role))
    annotations["has_obligations"] = related("obligations")
    annotations["has_meetings"] = related("meetings")
    return (
        Coalition.objects.filter(pk=coalition.pk).annotate(**annotations).values(*annotations).get()
    )


TODAY_INVITATIONS = 10


def invitations_sent_pending(*, user: User, coalition_ids: list[int]) -> list[Invitation]:
    """The person's own invitations still waiting for an answer, in the coalitions where they
    may still invite, with their total as `total` (1 query)."""
    return list(
        Invitation.objects.filter(
            invited_by=user,
            coalition_id__in=coalition_ids,
            accepted_at__isnull=True,
            revoked_at__isnull=True,
        )
        .select_related("coalition", "organisation")
        .annotate(total=Window(Count("pk")))
        .order_by("-created_at", "-pk")[:TODAY_INVITATIONS]
    )


def hand_over_candidates(*, membership: Membership) -> QuerySet[User]:
    """Whom a national authority may hand its role to: the people it already sees representing
    its organisation, in this coalition or in another it belongs to (never someone of another
    coalition it cannot see), except members of this coalition for another organisation."""
    shared = Membership.objects.filter(user_id=membership.user_id).values("coalition_id")
    colleagues = Membership.objects.filter(
        organisation_id=membership.organisation_id, coalition_id__in=shared
    ).values("user_id")
    here_for_another = (
        Membership.objects.filter(coalition_id=membership.coalition_id)
        .exclude(organisation_id=membership.organisation_id)
        .values("user_id")
    )
    return (
        User.objects.filter(pk__in=colleagues, is_active=True)
        .exclude(pk=membership.user_id)
        .exclude(pk__in=here_for_another)
        .order_by("name", "email")
    )
