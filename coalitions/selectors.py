"""Every queryset a coalition page iterates, with the permission filter and its joins."""

from django.db.models import Count, OuterRef, Prefetch, QuerySet, Subquery
from guardian.shortcuts import get_objects_for_user

from .models import Coalition, Invitation, Membership, Organisation
from .permissions import VIEW


def coalition_list_for_user(*, user) -> QuerySet[Coalition]:
    my_role = Membership.objects.filter(coalition=OuterRef("pk"), user=user).values("role")[:1]
    return (
        get_objects_for_user(user, f"coalitions.{VIEW}", klass=Coalition, accept_global_perms=False)
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


def organisation_choices() -> QuerySet[Organisation]:
    return Organisation.objects.order_by("name")
