"""Obligations, indicators and progress made through the services, as the pages make them."""

from datetime import date
from decimal import Decimal

from coalitions.models import Role
from obligations import services
from obligations.models import Indicator


def make_obligation(
    coalition, *, article=4, entry_into_force=date(2016, 1, 1), actor=None, **kwargs
):
    return services.obligation_create(
        coalition=coalition,
        article=article,
        entry_into_force=entry_into_force,
        actor=actor,
        **kwargs,
    )


def make_indicator(
    obligation, *, kind=Indicator.Kind.AREA_RELEASED, target=Decimal(1000), actor=None, **kw
):
    return services.indicator_create(
        obligation=obligation, kind=kind, target=target, actor=actor, **kw
    )


def report(indicator, *, start, end, value, organisation=None, actor=None, validate=True, **kw):
    return services.progress_report(
        indicator=indicator,
        period_start=start,
        period_end=end,
        value=Decimal(value),
        organisation=organisation or indicator.obligation.coalition.national_authority,
        actor=actor,
        validate=validate,
        **kw,
    )


def authority(members):
    return members[Role.NATIONAL_AUTHORITY]
