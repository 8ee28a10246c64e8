"""Filters for the obligations pages and PDFs. Each one answers for any value a template can hand
it (None, "", a string, a number of any size, a missing object): a page never fails on a filter."""

from datetime import date
from decimal import Decimal, InvalidOperation

from django import template
from django.utils.formats import date_format, number_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from obligations.assistance.permissions import may_move_offer
from obligations.models import Offer, ProgressEntry
from obligations.permissions import may_delete_entry

register = template.Library()

NOTHING = "—"


def _whole_number(value) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    try:
        return int(str(value).strip())
    except (TypeError, ValueError):
        return None


def _finite_decimal(value) -> Decimal | None:
    if value is None or isinstance(value, bool):
        return None
    try:
        number = value if isinstance(value, Decimal) else Decimal(str(value).strip())
    except (InvalidOperation, ValueError, TypeError):
        return None
    return number if number.is_finite() else None


@register.filter
def countdown(days) -> str:
    """'412 days left', 'due today' or '207 days overdue' (for a number of days to a deadline)."""
    if days is None:
        return _("no deadline")
    days = _whole_number(days)
    if days is None:
        return NOTHING
    if days == 0:
        return _("due today")
    if days > 0:
        return ngettext("%(n)s day left", "%(n)s days left", days) % {
            "n": number_format(days, force_grouping=True)
        }
    return ngettext("%(n)s day overdue", "%(n)s days overdue", -days) % {
        "n": number_format(-days, force_grouping=True)
    }


@register.filter
def figure(value) -> str:
    """A whole-number figure with thousands grouped; decimals only when they carry something."""
    value = _finite_decimal(value)
    if value is None:
        return NOTHING
    places = 0 if value == value.to_integral_value() or abs(value) >= 100 else 2
    return number_format(value, decimal_pos=places, force_grouping=True)


@register.filter
def money(value) -> str:
    value = _finite_decimal(value)
    if value is None:
        return NOTHING
    return number_format(value, decimal_pos=2, force_grouping=True)


@register.filter
def pledged_share(need) -> str:
    """The whole percent of a need pledged: 1 to 99 while it is partly matched (never a rounded
    0 % or 100 %), '—' when there is nothing to divide."""
    pledged = _finite_decimal(getattr(need, "pledged", None))
    amount = _finite_decimal(getattr(need, "amount", None))
    if pledged is None or not amount or amount <= 0:
        return NOTHING
    share = int(pledged * 100 / amount)
    if 0 < pledged < amount:
        share = min(max(share, 1), 99)
    return number_format(share)


@register.filter
def projected_completion(forecast) -> str:
    """The projected day, 'beyond 2100' when the trend reaches the target later, or a dash."""
    projected = getattr(forecast, "projected_date", None)
    if isinstance(projected, date):
        return date_format(projected, "j F Y")
    if getattr(forecast, "beyond_horizon", False) is True:
        return forecast.beyond_horizon_text
    return NOTHING


@register.filter
def deletable_by(entry, access) -> bool:
    """`{% if entry|deletable_by:access %}`: the rule is obligations.permissions.may_delete_entry."""
    if not isinstance(entry, ProgressEntry) or not callable(getattr(access, "can", None)):
        return False
    return may_delete_entry(access, entry)


@register.filter
def movable_by(offer, access) -> bool:
    """`{% if offer|movable_by:access %}`: the rule is
    obligations.assistance.permissions.may_move_offer."""
    if not isinstance(offer, Offer) or not callable(getattr(access, "can", None)):
        return False
    return may_move_offer(access, offer)
