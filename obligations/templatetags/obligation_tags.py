from decimal import Decimal

from django import template
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from obligations.permissions import may_delete_entry, may_move_offer

register = template.Library()


@register.filter
def countdown(days: int | None) -> str:
    """'412 days left', 'due today' or '207 days overdue' (for a forecast's days_left)."""
    if days is None:
        return _("no deadline")
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
    if value is None or value == "":
        return "—"
    value = Decimal(value)
    places = 0 if value == value.to_integral() or abs(value) >= 100 else 2
    return number_format(value, decimal_pos=places, force_grouping=True)


@register.filter
def money(value) -> str:
    if value is None:
        return "—"
    return number_format(Decimal(value), decimal_pos=2, force_grouping=True)


@register.filter
def deletable_by(entry, access) -> bool:
    """`{% if entry|deletable_by:access %}`: the rule is obligations.permissions.may_delete_entry."""
    return may_delete_entry(access, entry)


@register.filter
def movable_by(offer, access) -> bool:
    """`{% if offer|movable_by:access %}`: the rule is obligations.permissions.may_move_offer."""
    return may_move_offer(access, offer)
