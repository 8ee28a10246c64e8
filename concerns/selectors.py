"""Every queryset the concern pages iterate: one place decides who sees which concern."""

from django.db.models import Count, QuerySet, Window
from django.http import Http404

from coalitions import permissions as perms
from coalitions.models import Coalition, Membership
from meetings.models import Meeting
from users.models import User

from .models import Concern


def coalition_has_concern_reader(*, coalition: Coalition) -> bool:
    """Whether anyone in the coalition reads concerns (a facilitator has been appointed)."""
    return Membership.objects.filter(
        coalition=coalition, role__in=perms.roles_with(perms.READ_CONCERNS)
    ).exists()


def concerns_raised_by(*, coalition: Coalition, user: User) -> QuerySet[Concern]:
    """The sender's own concerns, without the facilitator's private note."""
    return (
        Concern.objects.filter(coalition=coalition, raised_by=user)
        .defer("facilitator_note")
        .order_by("-created_at", "-pk")
    )


def concern_inbox(*, coalition: Coalition, status: str = "") -> QuerySet[Concern]:
    """All concerns of the coalition, for the people who read them."""
    queryset = Concern.objects.filter(coalition=coalition).select_related(
        "raised_by", "raised_by_organisation", "agenda_item__meeting"
    )
    if status:
        queryset = queryset.filter(status=status)
    return queryset.order_by("-created_at", "-pk")


def concern_for_reader(*, coalition: Coalition, pk: int) -> Concern:
    concern = concern_inbox(coalition=coalition).filter(pk=pk).first()
    if concern is None:
        raise Http404
    return concern


def concern_for_sender(*, coalition: Coalition, user: User, pk: int) -> Concern:
    concern = (
        concerns_raised_by(coalition=coalition, user=user)
        .select_related("agenda_item__meeting")
        .filter(pk=pk)
        .first()
    )
    if concern is None:
        raise Http404
    return concern


def planned_meetings(*, coalition: Coalition) -> QuerySet[Meeting]:
    return Meeting.objects.filter(coalition=coalition, status=Meeting.Status.PLANNED).order_by(
        "starts_at"
    )


TODAY_CONCERNS = 10


def concerns_waiting_everywhere(*, coalition_ids: list[int]) -> list[Concern]:
    """New concerns of the given coalitions (those whose concerns the person reads), the oldest
    first, with their total as `total`; neither sender nor private note is read (1 query)."""
    return list(
        Concern.objects.filter(coalition_id__in=coalition_ids, status=Concern.Status.NEW)
        .select_related("coalition")
        .only("pk", "subject", "created_at", "status", "coalition__slug", "coalition__name")
        .annotate(total=Window(Count("pk")))
        .order_by("created_at", "pk")[:TODAY_CONCERNS]
    )
