"""Every change to Article 6 needs and offers: posting a need, an offer (against a need or
freestanding), and moving an offer forward."""

from datetime import date
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from coalitions.audit import audited
from coalitions.models import Coalition, Organisation
from users.models import User

from ..models import Need, Obligation, Offer


def _check_money_period(instance) -> None:
    errors = {}
    if instance.amount is not None and instance.amount <= 0:
        errors["amount"] = _("The amount must be more than zero.")
    if (
        instance.period_start
        and instance.period_end
        and instance.period_end < instance.period_start
    ):
        errors["period_end"] = _("The period must end on or after the day it starts.")
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def need_create(
    *,
    coalition: Coalition,
    activity: str,
    amount: Decimal,
    currency: str,
    period_start: date,
    period_end: date,
    obligation: Obligation | None = None,
    description: str = "",
    is_illustrative: bool = False,
    actor: User | None,
) -> Need:
    if obligation is not None and obligation.coalition_id != coalition.pk:
        raise ValidationError({"obligation": _("Choose one of this coalition's obligations.")})
    need = Need(
        coalition=coalition,
        obligation=obligation,
        activity=activity,
        description=description,
        amount=amount,
        currency=(currency or "").upper(),
        period_start=period_start,
        period_end=period_end,
        posted_by=actor,
        is_illustrative=is_illustrative,
    )
    _check_money_period(need)
    need.full_clean()
    audited(need, actor).save()
    return need


@transaction.atomic
def offer_create(
    *,
    coalition: Coalition,
    donor: Organisation,
    activity: str,
    amount: Decimal,
    currency: str,
    period_start: date,
    period_end: date,
    need: Need | None = None,
    status: str = Offer.Status.PLEDGED,
    is_illustrative: bool = False,
    actor: User | None,
) -> Offer:
    currency = (currency or "").upper()
    if need is not None:
        if need.coalition_id != coalition.pk:
            raise ValidationError({"need": _("Choose one of this coalition's needs.")})
        # Pledged and needed are compared per need, so an offer against a need uses its currency.
        if currency != need.currency:
            raise ValidationError(
                {"currency": _("An offer against this need must be in %(currency)s.")
                 % {"currency": need.currency}}
            )  # fmt: skip
    offer = Offer(
        coalition=coalition,
        need=need,
        donor=donor,
        activity=activity,
        amount=amount,
        currency=currency,
        period_start=period_start,
        period_end=period_end,
        status=status,
        posted_by=actor,
        is_illustrative=is_illustrative,
    )
    _check_money_period(offer)
    offer.full_clean()
    audited(offer, actor).save()
    return offer


STATUS_ORDER = [Offer.Status.PLEDGED, Offer.Status.COMMITTED, Offer.Status.DISBURSED]


@transaction.atomic
def offer_set_status(*, offer: Offer, status: str, actor: User | None) -> Offer:
    """Pledged → committed → disbursed, forward only."""
    offer = Offer.objects.select_for_update().get(pk=offer.pk)
    if status not in STATUS_ORDER:
        raise ValidationError({"status": _("Unknown status.")})
    if STATUS_ORDER.index(status) <= STATUS_ORDER.index(offer.status):
        raise ValidationError(
            {"status": _("An offer moves forward only: pledged, then committed, then disbursed.")}
        )
    offer.status = status
    audited(offer, actor).save(update_fields=["status"])
    return offer
