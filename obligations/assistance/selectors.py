"""Every queryset the needs and offers pages iterate, with its joins and coalition filter."""

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Case, Count, DecimalField, F, Prefetch, QuerySet, Sum, Value, When
from django.db.models.functions import Coalesce

from coalitions.models import Coalition

from ..models import Need, Offer


@dataclass
class NeedsBoard:
    needs: QuerySet[Need]
    freestanding_offers: QuerySet[Offer]
    # {currency: {"needed": Decimal, "pledged": Decimal}}: never added up across currencies.
    totals: dict[str, dict[str, Decimal]]


# A need lists its first offers on the board; all of them are one link away, in pages.
OFFERS_SHOWN_PER_NEED = 5


def needs_board(*, coalition: Coalition, need: Need | None = None) -> NeedsBoard:
    """The board, or only `need` when the reader asked for one need's offers."""
    zero = Value(Decimal(0), output_field=DecimalField(max_digits=14, decimal_places=2))
    needs = Need.objects.filter(coalition=coalition)
    if need is not None:
        needs = needs.filter(pk=need.pk)
    needs = (
        needs.select_related("obligation")
        .annotate(pledged=Coalesce(Sum("offers__amount"), zero), offer_count=Count("offers"))
        .annotate(
            is_met=Case(When(pledged__gte=F("amount"), then=Value(True)), default=Value(False))
        )
        .prefetch_related(
            Prefetch(
                "offers",
                queryset=Offer.objects.select_related("donor").order_by("pk")[
                    :OFFERS_SHOWN_PER_NEED
                ],
                to_attr="first_offers",
            )
        )
        .order_by("is_met", "period_start", "pk")
    )
    freestanding = (
        Offer.objects.filter(coalition=coalition, need__isnull=True)
        .select_related("donor")
        .order_by("period_start", "pk")
    )
    totals: dict[str, dict[str, Decimal]] = defaultdict(
        lambda: {"needed": Decimal(0), "pledged": Decimal(0)}
    )
    for row in (
        Need.objects.filter(coalition=coalition).values("currency").annotate(s=Sum("amount"))
    ):
        totals[row["currency"]]["needed"] = row["s"]
    for row in (
        Offer.objects.filter(coalition=coalition).values("currency").annotate(s=Sum("amount"))
    ):
        totals[row["currency"]]["pledged"] = row["s"]
    return NeedsBoard(
        needs=needs, freestanding_offers=freestanding, totals=dict(sorted(totals.items()))
    )


def need_offers(*, need: Need) -> QuerySet[Offer]:
    return Offer.objects.filter(need=need).select_related("donor").order_by("pk")


def need_choices(*, coalition: Coalition) -> QuerySet[Need]:
    return Need.objects.filter(coalition=coalition).order_by("period_start", "pk")


def offer_get(*, coalition: Coalition, pk: int) -> Offer | None:
    return Offer.objects.filter(coalition=coalition, pk=pk).select_related("donor", "need").first()
