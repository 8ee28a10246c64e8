"""Demo obligations for `seed_demo`: public figures where they exist, the rest marked illustrative.

Public: Lebanon's CCM entry into force (1 May 2011), article 4 deadline (1 May 2021) and its first
extension to 1 May 2026, about 7.29 km² left at the end of 2020, 2015 (1.69 km², 3,329
submunitions) and 2017 (1.4 km², 5,525); Montenegro's stockpile (353 munitions, 51,891
submunitions, October 2010) and clearance completed in July 2020; Botswana's stockpile destroyed
on 18 September 2018 (510 munitions, 14,400 submunitions).
Illustrative (flagged `is_illustrative` in the data): the other years' figures, the quarterly
figures from 2024, a second Lebanese extension to 1 May 2031 (the first extended deadline has
passed by the demo's date), the submission and decision dates, the needs and offers.
"""

from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from coalitions.models import Coalition

from . import services
from .assistance import services as assistance
from .models import ExtensionRequest, Indicator, Obligation, ProgressEntry
from .status_cache import figures_changed

KM2 = Decimal(1_000_000)
Kind = Indicator.Kind
Status = Obligation.Status


def _user(email):
    return get_user_model().objects.filter(email=email).first()


def _km2(value: str) -> Decimal:
    return Decimal(value) * KM2


def _report(indicator, organisation, actor, start, end, value, *, source, illustrative, validator):
    entry = services.progress_report(
        indicator=indicator,
        period_start=start,
        period_end=end,
        value=value,
        source=source,
        organisation=organisation,
        actor=actor,
        is_illustrative=illustrative,
    )
    if validator is not None:
        services.progress_validate(entry=entry, actor=validator)
    return entry


def _lebanon(coalition: Coalition, organisations: dict) -> None:
    authority = _user("authority@example.org")
    npa_user, mag_user = _user("operator@example.org"), _user("operator.mag@example.org")
    lmac, npa, mag = organisations["LMAC"], organisations["NPA"], organisations["MAG"]
    obligation = services.obligation_create(
        coalition=coalition,
        article=4,
        entry_into_force=date(2011, 5, 1),
        notes=(
            "Public: entry into force, deadline, first extension, 2015 and 2017 figures and the "
            "7.29 km² left at the end of 2020. Other figures and the second extension are "
            "illustrative."
        ),
        actor=authority,
    )
    first = services.extension_request_create(
        obligation=obligation,
        requested_deadline=date(2026, 5, 1),
        submitted_on=date(2020, 3, 2),
        notes="Submission date illustrative.",
        is_illustrative=True,
        actor=authority,
    )
    services.extension_request_decide(
        request=first,
        decision=ExtensionRequest.Decision.GRANTED,
        granted_deadline=date(2026, 5, 1),
        decided_on=date(2020, 11, 27),
        decided_by_meeting="Second Review Conference",
        actor=authority,
    )
    second = services.extension_request_create(
        obligation=obligation,
        requested_deadline=date(2031, 5, 1),
        submitted_on=date(2025, 3, 3),
        notes="Illustrative: a second request, so that the demo has a current deadline.",
        is_illustrative=True,
        actor=authority,
    )
    services.extension_request_decide(
        request=second,
        decision=ExtensionRequest.Decision.GRANTED,
        granted_deadline=date(2031, 5, 1),
        decided_on=date(2025, 9, 19),
        decided_by_meeting="Thirteenth Meeting of States Parties (illustrative)",
        actor=authority,
    )
    # Area released since 1 January 2015: the target is what was contaminated then, so that
    # 7.29 km² remain at the end of 2020.
    annual = [
        (2015, "1.69", False), (2016, "1.50", True), (2017, "1.40", False), (2018, "1.25", True),
        (2019, "1.16", True), (2020, "0.95", True), (2021, "0.80", True), (2022, "0.70", True),
        (2023, "0.65", True),
    ]  # fmt: skip
    target = sum(_km2(v) for y, v, _i in annual if y <= 2020) + _km2("7.29")
    area = services.indicator_create(
        obligation=obligation,
        kind=Kind.AREA_RELEASED,
        baseline=Decimal(0),
        target=target,
        target_date=date(2031, 5, 1),
        is_headline=True,
        actor=authority,
    )
    for year, value, illustrative in annual:
        _report(
            area, lmac, authority, date(year, 1, 1), date(year, 12, 31), _km2(value),
            source="LMAC annual report" + (" (illustrative figure)" if illustrative else ""),
            illustrative=illustrative, validator=authority,
        )  # fmt: skip
    # Quarterly operator returns since 2024, validated by LMAC (illustrative).
    quarterly = [
        "0.17",
        "0.20",
        "0.18",
        "0.21",
        "0.19",
        "0.18",
        "0.20",
        "0.19",
        "0.21",
        "0.18",
        "0.19",
    ]
    quarter = (2024, 1)
    for index, value in enumerate(quarterly):
        year, q = quarter
        start = date(year, 3 * q - 2, 1)
        end = date(year + (q == 4), (3 * q) % 12 + 1, 1)
        end = date.fromordinal(end.toordinal() - 1)
        organisation, user = (npa, npa_user) if index % 2 == 0 else (mag, mag_user)
        _report(
            area, organisation, user, start, end, _km2(value),
            source=f"{organisation} quarterly return (illustrative)",
            illustrative=True, validator=authority,
        )  # fmt: skip
        quarter = (year + (q == 4), q % 4 + 1)
    # One return waiting for validation: validating it moves the forecast.
    _report(
        area, npa, npa_user, date(2026, 10, 1), date(2026, 10, 31), _km2("0.07"),
        source="NPA monthly return (illustrative)", illustrative=True, validator=None,
    )  # fmt: skip
    remnants = services.indicator_create(
        obligation=obligation,
        kind=Kind.REMNANTS_DESTROYED,
        target=Decimal(40000),
        target_date=date(2031, 5, 1),
        actor=authority,
    )
    for year, value, illustrative in [(2015, 3329, False), (2016, 4100, True), (2017, 5525, False)]:
        _report(
            remnants, lmac, authority, date(year, 1, 1), date(year, 12, 31), Decimal(value),
            source="LMAC annual report" + (" (illustrative figure)" if illustrative else ""),
            illustrative=illustrative, validator=authority,
        )  # fmt: skip

    need = assistance.need_create(
        coalition=coalition,
        obligation=obligation,
        activity="Clearance of cluster munition remnants, South Lebanon (illustrative)",
        amount=Decimal("4500000"),
        currency="USD",
        period_start=date(2027, 1, 1),
        period_end=date(2027, 12, 31),
        is_illustrative=True,
        actor=authority,
    )
    assistance.need_create(
        coalition=coalition,
        obligation=obligation,
        activity="Risk education in the Bekaa (illustrative)",
        amount=Decimal("350000"),
        currency="EUR",
        period_start=date(2027, 1, 1),
        period_end=date(2027, 12, 31),
        is_illustrative=True,
        actor=authority,
    )
    assistance.offer_create(
        coalition=coalition,
        need=need,
        donor=organisations["Norway"],
        activity="Clearance by NPA, South Lebanon (illustrative)",
        amount=Decimal("1500000"),
        currency="USD",
        period_start=date(2027, 1, 1),
        period_end=date(2027, 12, 31),
        status="committed",
        is_illustrative=True,
        actor=_user("champion@example.org"),
    )
    assistance.offer_create(
        coalition=coalition,
        donor=organisations["Netherlands"],
        activity="Non-technical survey expertise (illustrative)",
        amount=Decimal("120000"),
        currency="EUR",
        period_start=date(2027, 1, 1),
        period_end=date(2027, 6, 30),
        is_illustrative=True,
        actor=_user("donor@example.org"),
    )


def _stockpile(coalition, organisation, actor, *, eif, completed, munitions, submunitions, start):
    obligation = services.obligation_create(
        coalition=coalition,
        article=3,
        entry_into_force=eif,
        status=Status.COMPLETED,
        completed_on=completed,
        completion_declaration=(
            f"{munitions} cluster munitions and {submunitions:,} submunitions destroyed."
        ),
        actor=actor,
    )
    for kind, total in [
        (Kind.MUNITIONS_DESTROYED, munitions),
        (Kind.SUBMUNITIONS_DESTROYED, submunitions),
    ]:
        indicator = services.indicator_create(
            obligation=obligation, kind=kind, target=Decimal(total),
            is_headline=kind == Kind.SUBMUNITIONS_DESTROYED, actor=actor,
        )  # fmt: skip
        _report(
            indicator, organisation, actor, start, completed, Decimal(total),
            source="Article 7 report", illustrative=False, validator=actor,
        )  # fmt: skip
    return obligation


def _montenegro(coalition, organisations):
    authority = _user("authority.me@example.org")
    moi = organisations["MOI Montenegro"]
    _stockpile(
        coalition, moi, authority, eif=date(2010, 8, 1), completed=date(2010, 10, 31),
        munitions=353, submunitions=51891, start=date(2010, 8, 1),
    )  # fmt: skip
    clearance = services.obligation_create(
        coalition=coalition,
        article=4,
        entry_into_force=date(2010, 8, 1),
        status=Status.COMPLETED,
        completed_on=date(2020, 7, 21),
        completion_declaration="Clearance completed in July 2020, within the deadline.",
        notes="Area figures are illustrative.",
        actor=authority,
    )
    area = services.indicator_create(
        obligation=clearance,
        kind=Kind.AREA_RELEASED,
        target=_km2("1.70"),
        is_headline=True,
        actor=authority,
    )
    for year, value in [(2016, "0.30"), (2017, "0.35"), (2018, "0.40"), (2019, "0.40")]:
        _report(
            area, moi, authority, date(year, 1, 1), date(year, 12, 31), _km2(value),
            source="Illustrative figure", illustrative=True, validator=authority,
        )  # fmt: skip
    _report(
        area, moi, authority, date(2020, 1, 1), date(2020, 7, 21), _km2("0.25"),
        source="Illustrative figure", illustrative=True, validator=authority,
    )  # fmt: skip


def _botswana(coalition, organisations):
    _stockpile(
        coalition, organisations["BDF"], _user("authority.bw@example.org"),
        eif=date(2011, 12, 1), completed=date(2018, 9, 18), munitions=510, submunitions=14400,
        start=date(2018, 1, 1),
    )  # fmt: skip


@transaction.atomic
def seed_obligations(*, coalitions: dict, organisations: dict, stdout) -> None:
    for slug, build in [
        ("lebanon", _lebanon),
        ("montenegro", _montenegro),
        ("botswana", _botswana),
    ]:
        coalition = coalitions.get(slug)
        if coalition is None or Obligation.objects.filter(coalition=coalition).exists():
            continue
        build(coalition, organisations)
        stdout.write(f"Obligations and progress: {coalition.name}")


# A figure is validated some weeks after the period it reports ends.
VALIDATED_AFTER = timedelta(days=45)


def date_figures(*, coalitions: dict, since) -> None:
    """Past figures this run validated were validated, and reported no later than, some weeks
    after the period they report ends."""
    now = timezone.now()
    validated = ProgressEntry.objects.filter(
        indicator__obligation__coalition__in=list(coalitions.values()), validated_at__gte=since
    )
    for entry in validated:
        moment = datetime.combine(entry.period_end, time(12), tzinfo=UTC) + VALIDATED_AFTER
        if moment < now:
            ProgressEntry.objects.filter(pk=entry.pk).update(
                validated_at=moment, reported_at=min(moment, entry.reported_at)
            )
    for coalition in coalitions.values():
        figures_changed(coalition_id=coalition.pk)  # updates of a queryset send no signals
