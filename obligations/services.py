"""Every change to obligations, extension requests, indicators and progress (needs and offers:
obligations/assistance/services.py)."""

from datetime import date
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history

from coalitions import date_range
from coalitions.archive import refuse_if_archived
from coalitions.audit import audited
from coalitions.models import Coalition, Organisation
from users.models import User

from . import treaty
from .models import (
    Convention,
    ExtensionRequest,
    Indicator,
    Obligation,
    ProgressEntry,
)
from .status_cache import figures_changed


def _day(value: date) -> str:
    return date_format(value, "j F Y")


# Obligations -------------------------------------------------------------------------------------


def _check_dates_in_range(**dates: date | None) -> None:
    """Before any date arithmetic: the treaty's sums stay inside the calendar for these dates."""
    errors = {
        field: date_range.out_of_range_message()
        for field, day in dates.items()
        if day is not None and not date_range.in_range(day)
    }
    if errors:
        raise ValidationError(errors)


def _check_obligation(obligation: Obligation, coalition: Coalition) -> None:
    errors = {}
    if obligation.convention == Convention.APMBC:
        if not coalition.under_apmbc:
            errors["convention"] = _(
                "This coalition's State Party is not recorded under the APMBC."
            )
        elif obligation.article not in (4, 5):
            errors["article"] = _(
                "Under the APMBC only article 4 (stockpiles) and article 5 (clearance) have deadlines."
            )
    if obligation.current_deadline and obligation.current_deadline <= obligation.entry_into_force:
        errors["current_deadline"] = _("The deadline must be after the entry into force.")
    if (
        obligation.plan_start
        and obligation.plan_end
        and obligation.plan_end < obligation.plan_start
    ):
        errors["plan_end"] = _("The plan period must end after it starts.")
    if obligation.status == Obligation.Status.COMPLETED:
        if obligation.completed_on is None:
            errors["completed_on"] = _("Give the date on which the obligation was completed.")
        elif obligation.completed_on < obligation.entry_into_force:
            errors["completed_on"] = _("Completion cannot be before the entry into force.")
        elif obligation.completed_on > timezone.localdate():
            errors["completed_on"] = _("Completion cannot be in the future.")
    elif obligation.completed_on is not None:
        errors["completed_on"] = _("Leave the completion date empty until the work is completed.")
    if errors:
        raise ValidationError(errors)


def _entry_into_force(
    *, convention: str, entry_into_force: date | None, instrument_deposited_on: date | None
) -> date:
    """The entry into force given, or worked out from the deposit (Article 17); both must agree."""
    if instrument_deposited_on is None:
        if entry_into_force is None:
            raise ValidationError(
                {
                    "entry_into_force": _(
                        "Give the entry into force, or the date the State deposited its "
                        "instrument of ratification or accession."
                    )
                }
            )
        return entry_into_force
    if instrument_deposited_on > timezone.localdate():
        raise ValidationError(
            {"instrument_deposited_on": _("The deposit cannot be in the future.")}
        )
    derived = treaty.entry_into_force(
        convention=convention, deposited_on=instrument_deposited_on
    ).entry_into_force
    if entry_into_force is not None and entry_into_force != derived:
        raise ValidationError(
            {
                "entry_into_force": _(
                    "From that deposit the entry into force is %(date)s (Article 17); leave this "
                    "empty or give that date."
                )
                % {"date": _day(derived)}
            }
        )
    return derived


@transaction.atomic
def obligation_create(
    *,
    coalition: Coalition,
    article: int,
    entry_into_force: date | None = None,
    instrument_deposited_on: date | None = None,
    convention: str = Convention.CCM,
    plan_start: date | None = None,
    plan_end: date | None = None,
    status: str = Obligation.Status.IN_PROGRESS,
    completed_on: date | None = None,
    completion_declaration: str = "",
    notes: str = "",
    is_illustrative: bool = False,
    actor: User | None,
) -> Obligation:
    if coalition.awaiting_national_authority:
        raise ValidationError(
            _(
                "The coalition holds no obligations until its national authority has joined: "
                "the obligations are the State's own."
            )
        )
    _check_dates_in_range(
        entry_into_force=entry_into_force,
        instrument_deposited_on=instrument_deposited_on,
        plan_start=plan_start,
        plan_end=plan_end,
        completed_on=completed_on,
    )
    entry_into_force = _entry_into_force(
        convention=convention,
        entry_into_force=entry_into_force,
        instrument_deposited_on=instrument_deposited_on,
    )
    deadline = treaty.original_deadline(
        convention=convention, article=article, entry_into_force=entry_into_force
    )
    obligation = Obligation(
        coalition=coalition,
        convention=convention,
        article=article,
        entry_into_force=entry_into_force,
        instrument_deposited_on=instrument_deposited_on,
        original_deadline=deadline,
        current_deadline=deadline,
        plan_start=plan_start,
        plan_end=plan_end,
        status=status,
        completed_on=completed_on,
        completion_declaration=completion_declaration,
        notes=notes,
        is_illustrative=is_illustrative,
    )
    _check_obligation(obligation, coalition)
    if Obligation.objects.filter(
        coalition=coalition, convention=convention, article=article
    ).exists():
        raise ValidationError({"article": _("This coalition already has this obligation.")})
    obligation.full_clean()
    audited(obligation, actor).save()
    return obligation


@transaction.atomic
def obligation_update(
    *,
    obligation: Obligation,
    entry_into_force: date,
    plan_start: date | None,
    plan_end: date | None,
    status: str,
    completed_on: date | None,
    completion_declaration: str,
    notes: str,
    actor: User | None,
) -> Obligation:
    _check_dates_in_range(
        entry_into_force=entry_into_force,
        plan_start=plan_start,
        plan_end=plan_end,
        completed_on=completed_on,
    )
    obligation = Obligation.objects.select_for_update().get(pk=obligation.pk)
    moved = entry_into_force != obligation.entry_into_force
    obligation.entry_into_force = entry_into_force
    if moved:
        # Set by hand: the deposit's arithmetic no longer explains it.
        obligation.instrument_deposited_on = None
        obligation.original_deadline = treaty.original_deadline(
            convention=obligation.convention,
            article=obligation.article,
            entry_into_force=entry_into_force,
        )
        granted = (
            obligation.extension_requests.filter(decision=ExtensionRequest.Decision.GRANTED)
            .order_by("-granted_deadline")
            .values_list("granted_deadline", flat=True)
            .first()
        )
        obligation.current_deadline = granted or obligation.original_deadline
    obligation.plan_start, obligation.plan_end = plan_start, plan_end
    obligation.status = status
    obligation.completed_on = completed_on
    obligation.completion_declaration = completion_declaration
    obligation.notes = notes
    _check_obligation(obligation, obligation.coalition)
    obligation.full_clean()
    audited(obligation, actor).save()
    return obligation


# Extension requests ------------------------------------------------------------------------------


def _no_extension(obligation: Obligation) -> str:
    return _("%(convention)s Article %(article)s allows no extension of its deadline.") % {
        "convention": obligation.get_convention_display_short(),
        "article": obligation.article,
    }


def _check_extension(obligation: Obligation, deadline_before: date, new_deadline: date, field: str):
    if obligation.extension_max_years is None:
        raise ValidationError({field: _no_extension(obligation)})
    if new_deadline <= deadline_before:
        raise ValidationError(
            {field: _("An extension must move the deadline later than %(date)s.")
             % {"date": _day(deadline_before)}}
        )  # fmt: skip
    latest = treaty.latest_extended_deadline(
        convention=obligation.convention,
        article=obligation.article,
        current_deadline=deadline_before,
    )
    if new_deadline > latest:
        raise ValidationError(
            {
                field: _(
                    "The Convention allows at most %(years)s years per extension request for this "
                    "article: the latest deadline this request may ask for is %(date)s."
                )
                % {"years": obligation.extension_max_years, "date": _day(latest)}
            }
        )


@transaction.atomic
def extension_request_create(
    *,
    obligation: Obligation,
    requested_deadline: date,
    submitted_on: date,
    notes: str = "",
    is_illustrative: bool = False,
    actor: User | None,
) -> ExtensionRequest:
    obligation = Obligation.objects.select_for_update().get(pk=obligation.pk)
    if obligation.current_deadline is None:
        raise ValidationError(_("This obligation has no treaty deadline to extend."))
    if obligation.is_completed:
        raise ValidationError(_("This obligation is completed; there is nothing to extend."))
    if obligation.extension_max_years is None:
        raise ValidationError(_no_extension(obligation))
    if obligation.extension_requests.filter(decision=ExtensionRequest.Decision.PENDING).exists():
        raise ValidationError(
            _("A request is already pending; record its decision before making another.")
        )
    if submitted_on < obligation.entry_into_force or submitted_on > timezone.localdate():
        raise ValidationError(
            {
                "submitted_on": _(
                    "The submission date must be between the entry into force and today."
                )
            }
        )
    _check_extension(
        obligation, obligation.current_deadline, requested_deadline, "requested_deadline"
    )
    request = ExtensionRequest(
        obligation=obligation,
        deadline_before=obligation.current_deadline,
        requested_deadline=requested_deadline,
        submitted_on=submitted_on,
        notes=notes,
        is_illustrative=is_illustrative,
    )
    request.full_clean()
    audited(request, actor).save()
    return request


@transaction.atomic
def extension_request_decide(
    *,
    request: ExtensionRequest,
    decision: str,
    decided_on: date,
    decided_by_meeting: str = "",
    granted_deadline: date | None = None,
    actor: User | None,
) -> ExtensionRequest:
    """A granted request moves the obligation's current deadline; the request keeps the history."""
    request = ExtensionRequest.objects.select_for_update().get(pk=request.pk)
    obligation = Obligation.objects.select_for_update().get(pk=request.obligation_id)
    if request.decision != ExtensionRequest.Decision.PENDING:
        raise ValidationError(_("This request has already been decided."))
    if decision == ExtensionRequest.Decision.PENDING:
        raise ValidationError({"decision": _("Choose the decision taken.")})
    if decided_on < request.submitted_on:
        raise ValidationError({"decided_on": _("The decision cannot come before the submission.")})
    if decision == ExtensionRequest.Decision.GRANTED:
        if granted_deadline is None:
            raise ValidationError({"granted_deadline": _("Give the deadline that was granted.")})
        _check_extension(obligation, request.deadline_before, granted_deadline, "granted_deadline")
    else:
        granted_deadline = None
    request.decision = decision
    request.decided_on = decided_on
    request.decided_by_meeting = decided_by_meeting
    request.granted_deadline = granted_deadline
    request.full_clean()
    audited(request, actor).save()
    if granted_deadline:
        obligation.current_deadline = granted_deadline
        audited(obligation, actor).save(update_fields=["current_deadline"])
    return request


# Indicators --------------------------------------------------------------------------------------


def _save_indicator(indicator: Indicator, actor) -> Indicator:
    if (
        indicator.target is not None
        and indicator.baseline is not None
        and indicator.target < indicator.baseline
    ):
        raise ValidationError({"target": _("The target cannot be below the baseline.")})
    if (
        Indicator.objects.filter(obligation_id=indicator.obligation_id, kind=indicator.kind)
        .exclude(pk=indicator.pk)
        .exists()
    ):
        raise ValidationError({"kind": _("This obligation already has this indicator.")})
    indicator.full_clean(validate_constraints=False)
    if indicator.is_headline:
        Indicator.objects.filter(obligation_id=indicator.obligation_id, is_headline=True).exclude(
            pk=indicator.pk
        ).update(is_headline=False)
    elif (
        not Indicator.objects.filter(obligation_id=indicator.obligation_id, is_headline=True)
        .exclude(pk=indicator.pk)
        .exists()
    ):
        # The first indicator of an obligation gives its status until another is chosen.
        indicator.is_headline = True
    audited(indicator, actor).save()
    return indicator


@transaction.atomic
def indicator_create(
    *,
    obligation: Obligation,
    kind: str,
    target: Decimal,
    baseline: Decimal = Decimal(0),
    target_date: date | None = None,
    is_headline: bool = False,
    actor: User,
) -> Indicator:
    Obligation.objects.select_for_update().filter(pk=obligation.pk).first()
    return _save_indicator(
        Indicator(
            obligation=obligation,
            kind=kind,
            baseline=baseline,
            target=target,
            target_date=target_date,
            is_headline=is_headline,
        ),
        actor,
    )


@transaction.atomic
def indicator_update(
    *,
    indicator: Indicator,
    baseline: Decimal,
    target: Decimal,
    target_date: date | None,
    is_headline: bool,
    actor: User,
) -> Indicator:
    Obligation.objects.select_for_update().filter(pk=indicator.obligation_id).first()
    indicator = Indicator.objects.get(pk=indicator.pk)
    indicator.baseline, indicator.target = baseline, target
    indicator.target_date, indicator.is_headline = target_date, is_headline
    return _save_indicator(indicator, actor)


# Progress ----------------------------------------------------------------------------------------


def _check_progress(entry: ProgressEntry, indicator: Indicator) -> None:
    obligation = indicator.obligation
    errors = {}
    if entry.period_end < entry.period_start:
        errors["period_end"] = _("The period must end on or after the day it starts.")
    if entry.period_start < obligation.entry_into_force:
        errors["period_start"] = _(
            "The period starts before the obligation entered into force (%(date)s)."
        ) % {"date": _day(obligation.entry_into_force)}
    if entry.period_end > timezone.localdate():
        errors["period_end"] = _("The period cannot end in the future.")
    elif obligation.completed_on and entry.period_start > obligation.completed_on:
        errors["period_start"] = _(
            "The period starts after the obligation was completed (%(date)s)."
        ) % {"date": _day(obligation.completed_on)}
    if entry.value is not None and entry.value < 0:
        errors["value"] = _("The value cannot be negative.")
    parts = [entry.cancelled_m2, entry.reduced_m2, entry.cleared_m2]
    if any(p is not None for p in parts):
        if not indicator.is_area:
            errors["cancelled_m2"] = _("Only area released is broken down by method.")
        elif any(p is not None and p < 0 for p in parts):
            errors["cancelled_m2"] = _("Areas cannot be negative.")
        elif entry.value is not None and sum(p or 0 for p in parts) != entry.value:
            errors["value"] = _(
                "Cancelled, reduced and cleared areas must add up to the area released."
            )
    if errors:
        raise ValidationError(errors)


def _new_entry(
    *,
    indicator: Indicator,
    period_start: date,
    period_end: date,
    value: Decimal,
    organisation: Organisation,
    actor,
    source: str = "",
    cancelled_m2: Decimal | None = None,
    reduced_m2: Decimal | None = None,
    cleared_m2: Decimal | None = None,
    validate: bool = False,
    is_illustrative: bool = False,
    check_duplicate: bool = True,
) -> ProgressEntry:
    now = timezone.now()
    entry = ProgressEntry(
        indicator=indicator,
        period_start=period_start,
        period_end=period_end,
        value=value,
        cancelled_m2=cancelled_m2,
        reduced_m2=reduced_m2,
        cleared_m2=cleared_m2,
        source=source,
        reported_by=actor,
        reporting_organisation=organisation,
        validated_at=now if validate else None,
        validated_by=actor if validate else None,
        is_illustrative=is_illustrative,
    )
    _check_progress(entry, indicator)
    # The related rows are objects in hand; checking them again would cost queries per row.
    entry.full_clean(
        exclude=["indicator", "reporting_organisation", "reported_by", "validated_by"],
        validate_constraints=False,
    )
    if (
        check_duplicate
        and ProgressEntry.objects.filter(
            indicator=indicator,
            period_start=period_start,
            period_end=period_end,
            reporting_organisation=organisation,
        ).exists()
    ):
        raise ValidationError(
            _("%(organisation)s has already reported this indicator for this period.")
            % {"organisation": organisation}
        )
    return entry


@transaction.atomic
def progress_report(
    *, indicator: Indicator, actor: User, validate: bool = False, **fields: object
) -> ProgressEntry:
    """`validate` is set when the reporter may validate (the national authority's own figures)."""
    entry = _new_entry(indicator=indicator, actor=actor, validate=validate, **fields)
    try:
        with transaction.atomic():
            audited(entry, actor).save()
    except IntegrityError:
        raise ValidationError(_("This period has already been reported.")) from None
    return entry


@transaction.atomic
def progress_validate(*, entry: ProgressEntry, actor: User) -> ProgressEntry:
    entry = ProgressEntry.objects.select_for_update().get(pk=entry.pk)
    if entry.validated_at is None:
        entry.validated_at = timezone.now()
        entry.validated_by = actor
        audited(entry, actor).save(update_fields=["validated_at", "validated_by"])
    return entry


@transaction.atomic
def progress_delete(*, entry: ProgressEntry, actor: User) -> None:
    audited(entry, actor).delete()


@transaction.atomic
def progress_import(
    *,
    coalition: Coalition,
    rows: list[dict],
    organisation: Organisation,
    actor: User | None,
    validate: bool,
    read_errors: list[tuple[int, str]] = (),
) -> list[ProgressEntry]:
    """Rows parsed by `obligations.csv_io` (with the lines it could not read): all or nothing.

    Every row is checked, so one upload lists every problem, by line.
    """
    from .csv_io import CsvImportError

    refuse_if_archived(coalition)
    indicators = {
        (i.obligation.code, i.kind): i
        for i in Indicator.objects.filter(obligation__coalition=coalition).select_related(
            "obligation"
        )
    }
    # Figures this organisation already reported, read once rather than row by row.
    seen = set(
        ProgressEntry.objects.filter(
            indicator__obligation__coalition=coalition, reporting_organisation=organisation
        ).values_list("indicator_id", "period_start", "period_end")
    )
    entries, errors = [], list(read_errors)
    for row in rows:
        indicator = indicators.get((row["obligation"], row["indicator"]))
        if indicator is None:
            errors.append(
                (row["line"], _("Unknown obligation or indicator: %(o)s / %(i)s.")
                 % {"o": row["obligation"], "i": row["indicator"]})
            )  # fmt: skip
            continue
        key = (indicator.pk, row["period_start"], row["period_end"])
        if key in seen:
            errors.append(
                (row["line"], _("%(organisation)s has already reported this indicator for this "
                                "period (in this file or before).") % {"organisation": organisation})
            )  # fmt: skip
            continue
        seen.add(key)
        try:
            entries.append(
                _new_entry(
                    indicator=indicator,
                    period_start=row["period_start"],
                    period_end=row["period_end"],
                    value=row["value"],
                    cancelled_m2=row["cancelled_m2"],
                    reduced_m2=row["reduced_m2"],
                    cleared_m2=row["cleared_m2"],
                    source=row["source"],
                    organisation=organisation,
                    actor=actor,
                    validate=validate,
                    check_duplicate=False,
                )
            )
        except ValidationError as exc:
            errors.append((row["line"], " ".join(exc.messages)))
    if errors:
        raise CsvImportError(sorted(errors, key=lambda error: error[0] or 0))
    # One insert for the whole file, with its history rows and the importing person as author.
    created = bulk_create_with_history(entries, ProgressEntry, default_user=actor)
    figures_changed(coalition_id=coalition.pk)  # a bulk insert sends no signals
    return created
