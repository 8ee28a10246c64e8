"""An "edge" data set, made through the services at the limits the forms accept: the biggest
numbers, the earliest and latest dates, the longest texts, time zones fourteen hours ahead and
twelve behind, empty collections, an obligation without indicators, a coalition without a
facilitator.

Each limit is found by asking the form (and the service) rather than written here: a value is
used when the form's field accepts it and the service saves it. So when a form gets a narrower
range, the data set follows. A value the form accepts but the service cannot save without an
exception is a defect: it is recorded in `findings`, never hidden.
"""

from __future__ import annotations

import traceback
from collections.abc import Callable, Iterable
from datetime import date, time, timedelta
from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator
from django.db import transaction
from django.utils import timezone

from coalitions.models import Organisation, Role, Visibility

from .fixtures import committed

AHEAD = "Pacific/Kiritimati"  # UTC+14
BEHIND = "Etc/GMT+12"  # UTC-12
TEXT_WITHOUT_LIMIT = 5000  # where a form sets no limit: long enough to wrap every layout
WORDS = "Énoncé très long — año de progreso, تطهير الأراضي, 地雷 «clearance» & <b>markup</b> "


def long_text(length: int) -> str:
    return (WORDS * (length // len(WORDS) + 1))[:length]


def longest(model, field_name: str) -> int:
    return model._meta.get_field(field_name).max_length or TEXT_WITHOUT_LIMIT


def highest(model, field_name: str) -> int:
    """The largest whole number the model field takes (its own limit, or the database's)."""
    validators = model._meta.get_field(field_name).validators
    return min(v.limit_value for v in validators if isinstance(v, MaxValueValidator))


def largest(field: forms.DecimalField) -> Decimal:
    """The largest value the field takes: all its digits, else the largest power of ten it
    accepts (a maximum may be a validator of its own)."""
    whole = field.max_digits - field.decimal_places
    candidates = [Decimal("9" * whole + "." + "9" * field.decimal_places)]
    candidates += [Decimal(10) ** k for k in range(whole, -1, -1)]
    for value in candidates:
        try:
            field.clean(str(value))
        except ValidationError:
            continue
        return value
    raise AssertionError(f"{field!r} takes no positive number")


def latest_dates() -> list[date]:
    today = timezone.localdate()
    return [
        date(9999, 12, 31),
        date(2100, 12, 31),
        date(2099, 12, 31),
        today.replace(year=today.year + 20),
    ]


def earliest_dates() -> list[date]:
    today = timezone.localdate()
    return [
        date(1, 1, 1),
        date(1900, 1, 1),
        date(1990, 1, 1),
        date(2000, 1, 1),
        today.replace(year=today.year - 10),
    ]


def field_accepts(form: forms.Form, name: str, value) -> bool:
    """Whether the form's field takes the value (the rest of the form may be incomplete)."""
    form_field = form.fields[name]
    widget_value = value.isoformat() if isinstance(value, date | time) else str(value)
    try:
        cleaned = form_field.clean(widget_value)
        clean_method = getattr(form, f"clean_{name}", None)
        if clean_method is not None:
            form.cleaned_data = {name: cleaned}
            clean_method()
    except ValidationError:
        return False
    return True


class EdgeBuilder:
    def __init__(self):
        self.findings: list[str] = []
        self.refused: list[str] = []  # the data set could not make something: fix the builder

    def first_saved(
        self,
        step: str,
        candidates: Iterable,
        make: Callable,
        accepts: Callable[[object], bool] = lambda _value: True,
    ):
        """The first candidate the form accepts and the service saves."""
        refused = "the form accepts none of the candidates"
        for value in candidates:
            if not accepts(value):
                continue
            connection = transaction.get_connection()
            start = len(connection.run_on_commit)
            try:
                with transaction.atomic():
                    made = make(value)
            except ValidationError as exc:
                refused = f"the service refuses {value!r}: {exc.messages}"
                continue
            except Exception as exc:  # the form took it and the service broke: a defect
                self._found(step, value, exc)
                refused = ""
                continue
            # What the service queued runs now, as after its commit; a failure there (a mail that
            # cannot be written) leaves the record in place, as in production, and is a defect.
            queued = connection.run_on_commit[start:]
            del connection.run_on_commit[start:]
            for _savepoints, callback, _robust in queued:
                try:
                    with committed(), transaction.atomic():
                        callback()
                except Exception as exc:
                    self._found(f"{step} (after commit)", value, exc)
            return made
        if refused:
            self.refused.append(f"{step}: {refused}")
        return None

    def _found(self, step: str, value, exc: Exception) -> None:
        frames = traceback.extract_tb(exc.__traceback__)
        ours = [f for f in frames if "site-packages" not in f.filename] or frames
        self.findings.append(
            f"{step} with {value!r}: {type(exc).__name__}: {str(exc)[:120]} "
            f"at {ours[-1].filename}:{ours[-1].lineno}"
        )

    def step(self, name: str, make: Callable):
        return self.first_saved(name, [None], lambda _v: make())


def build_edge_data(*, staff) -> dict:
    """Two coalitions: "edge" with every role and every record at its limits, and "edge-empty"
    with a national authority and an operator only (no facilitator, no records).
    Returns {"coalitions": [...], "people": {role: user}, "other": user, "findings": [...]}"""
    from actions import services as actions
    from actions.models import ActionPoint, ActionUpdate, ReminderSettings
    from coalitions.services import coalition_create, membership_create, organisation_create
    from concerns import services as concerns
    from concerns.models import Concern
    from meetings import services as meetings
    from meetings.forms import MeetingForm
    from meetings.models import AgendaItem, Meeting
    from obligations import services as obligations
    from obligations.assistance import services as assistance
    from obligations.assistance.forms import NeedForm, OfferForm
    from obligations.forms import (
        ExtensionRequestForm,
        IndicatorForm,
        ObligationCreateForm,
        ProgressForm,
    )
    from obligations.models import Indicator, Need, Obligation
    from users.models import User
    from users.services import user_create

    builder = EdgeBuilder()
    name_length = longest(User, "name")

    def organisation(n: int, kind: str) -> Organisation:
        suffix = f" {n}"
        return organisation_create(
            name=long_text(longest(Organisation, "name") - len(suffix)) + suffix,
            short_name=long_text(longest(Organisation, "short_name") - len(suffix)) + suffix,
            kind=kind,
            country="KI",
            actor=None,
        )

    def person(n: int, zone: str) -> User:
        return user_create(
            email=f"edge.person.{n}@example.net",
            name=long_text(name_length - 3) + f" {n:02d}",
            timezone=zone,
            preferred_language=("en", "fr", "es")[n % 3],
            actor=None,
        )

    authority = organisation(0, Organisation.Kind.STATE_AUTHORITY)
    kinds = {
        Role.NATIONAL_AUTHORITY: Organisation.Kind.STATE_AUTHORITY,
        Role.CHAMPION: Organisation.Kind.DONOR_STATE,
        Role.DONOR: Organisation.Kind.DONOR_STATE,
        Role.OPERATOR: Organisation.Kind.OPERATOR,
        Role.FACILITATOR: Organisation.Kind.FACILITATOR,
        Role.SECRETARIAT: Organisation.Kind.SECRETARIAT,
        Role.OBSERVER: Organisation.Kind.OTHER,
    }
    organisations = {
        role: authority if role == Role.NATIONAL_AUTHORITY else organisation(n, kind)
        for n, (role, kind) in enumerate(kinds.items(), start=1)
    }
    from coalitions.models import Coalition

    edge = coalition_create(
        name=long_text(longest(Coalition, "name")),
        slug="edge",
        state_party="KI",
        national_authority=authority,
        champions=[organisations[Role.CHAMPION]],
        cadence=Coalition.Cadence.QUARTERLY,
        timezone_name=AHEAD,
        under_apmbc=True,
        description=long_text(longest(Coalition, "description")),
        actor=None,
    )
    people = {}
    for n, role in enumerate(Role.values):
        people[role] = person(n, AHEAD if n % 2 else BEHIND)
        membership_create(
            coalition=edge, user=people[role], organisation=organisations[role], role=role,
            actor=None,
        )  # fmt: skip
    na = people[Role.NATIONAL_AUTHORITY]
    facilitator = people[Role.FACILITATOR]

    empty = coalition_create(
        name="Edge coalition without a facilitator or any record",
        slug="edge-empty",
        state_party="KI",
        national_authority=organisation(9, Organisation.Kind.STATE_AUTHORITY),
        timezone_name=BEHIND,
        actor=None,
    )
    other = person(20, BEHIND)
    membership_create(
        coalition=empty, user=other, organisation=empty.national_authority,
        role=Role.NATIONAL_AUTHORITY, actor=None,
    )  # fmt: skip
    membership_create(
        coalition=empty, user=people[Role.OPERATOR], organisation=organisations[Role.OPERATOR],
        role=Role.OPERATOR, actor=None,
    )  # fmt: skip

    # Obligations: latest entry into force (article 4), earliest (article 3), none (article 5).
    creating = ObligationCreateForm()
    clearance = builder.first_saved(
        "obligation with the latest entry into force",
        latest_dates(),
        lambda d: obligations.obligation_create(
            coalition=edge, article=4, entry_into_force=d, actor=na,
            notes=long_text(longest(Obligation, "notes")),
        ),
        lambda d: field_accepts(creating, "entry_into_force", d),
    )  # fmt: skip
    stockpile = builder.first_saved(
        "obligation with the earliest entry into force",
        earliest_dates(),
        lambda d: obligations.obligation_create(
            coalition=edge, article=3, entry_into_force=d, actor=na
        ),
        lambda d: field_accepts(creating, "entry_into_force", d),
    )
    builder.step(
        "obligation without indicators",
        lambda: obligations.obligation_create(
            coalition=edge, article=5, entry_into_force=timezone.localdate(), actor=na
        ),
    )
    indicator_form = IndicatorForm()
    biggest = largest(indicator_form.fields["target"])
    progress_form = ProgressForm(indicators=Indicator.objects.none())
    for obligation in [o for o in (stockpile, clearance) if o is not None]:
        headline = builder.first_saved(
            f"headline indicator with the largest target on article {obligation.article}",
            # The deadline as target date where the form takes it, else none.
            [(t, d) for t in (biggest, Decimal(10**9)) for d in (obligation.current_deadline, None)],
            lambda choice, o=obligation: obligations.indicator_create(
                obligation=o, kind=Indicator.Kind.SUBMUNITIONS_DESTROYED if o.article == 3
                else Indicator.Kind.AREA_RELEASED, target=choice[0], is_headline=True, actor=na,
                target_date=choice[1],
            ),
            lambda choice: field_accepts(indicator_form, "target", choice[0]),
        )  # fmt: skip
        if headline is None or obligation.entry_into_force > timezone.localdate():
            continue
        start = max(obligation.entry_into_force, timezone.localdate() - timedelta(days=400))
        for n, value in enumerate([Decimal("0.01"), largest(progress_form.fields["value"])]):
            builder.first_saved(
                f"progress figure of {value} on article {obligation.article}",
                [value],
                lambda v, n=n, h=headline, s=start: obligations.progress_report(
                    indicator=h, period_start=s + timedelta(days=40 * n),
                    period_end=s + timedelta(days=40 * n + 30), value=v,
                    source=long_text(300), organisation=authority, actor=na, validate=n == 0,
                ),
                lambda v: field_accepts(progress_form, "value", v),
            )  # fmt: skip
    if stockpile is not None:
        extension_form = ExtensionRequestForm()
        request = builder.first_saved(
            "extension request to the latest deadline",
            [
                *latest_dates(),
                *(stockpile.current_deadline + timedelta(days=d) for d in (4 * 365, 365)),
            ],
            lambda d: obligations.extension_request_create(
                obligation=stockpile, requested_deadline=d, submitted_on=timezone.localdate(),
                notes=long_text(longest(Obligation, "notes")), actor=na,
            ),
            lambda d: field_accepts(extension_form, "requested_deadline", d),
        )  # fmt: skip
        if request is not None:
            builder.step(
                "extension granted to the latest deadline",
                lambda: obligations.extension_request_decide(
                    request=request, decision="granted", decided_on=timezone.localdate(),
                    granted_deadline=request.requested_deadline,
                    decided_by_meeting=long_text(200), actor=na,
                ),
            )  # fmt: skip
            stockpile.refresh_from_db()
            builder.step(
                "a second request, pending",
                lambda: obligations.extension_request_create(
                    obligation=stockpile, requested_deadline=stockpile.current_deadline
                    + timedelta(days=365), submitted_on=timezone.localdate(), actor=na,
                ),
            )  # fmt: skip

    # Needs and offers at the largest amounts over the widest period.
    need_form = NeedForm(obligations=Obligation.objects.none())
    need_amount = largest(need_form.fields["amount"])
    first_day = next(
        (d for d in earliest_dates() if field_accepts(need_form, "period_start", d)), None
    )
    last_day = next((d for d in latest_dates() if field_accepts(need_form, "period_end", d)), None)
    need = builder.first_saved(
        "need at the largest amount",
        [(first_day, last_day), (date(2000, 1, 1), date(2099, 12, 31))],
        lambda period: assistance.need_create(
            coalition=edge, obligation=clearance, activity=long_text(longest(Need, "activity")),
            description=long_text(longest(Need, "description")), amount=need_amount,
            currency="XAF", period_start=period[0], period_end=period[1], actor=na,
        ),
    )  # fmt: skip
    offer_form = OfferForm(needs=Need.objects.none(), coalition=edge)
    for n, target_need in enumerate([need, None]):
        builder.first_saved(
            f"offer at the largest amount ({'against a need' if target_need else 'freestanding'})",
            [largest(offer_form.fields["amount"])],
            lambda amount, target_need=target_need, n=n: assistance.offer_create(
                coalition=edge, need=target_need,
                donor=organisations[(Role.CHAMPION, Role.DONOR)[n]],
                activity=long_text(200), amount=amount,
                currency=target_need.currency if target_need else "JPY",
                period_start=date(2000, 1, 1), period_end=date(2099, 12, 31),
                actor=people[(Role.CHAMPION, Role.DONOR)[n]],
            ),
        )  # fmt: skip

    # Meetings: the earliest and latest days the form accepts, a long one, a cancelled one.
    meeting_form = MeetingForm(coalition=edge, memberships=edge.memberships.none())
    title = long_text(longest(Meeting, "title"))
    venue = long_text(longest(Meeting, "venue"))

    def meeting_on(day: date, start: time, end: time, **extra):
        from meetings import timefmt

        return meetings.meeting_create(
            coalition=edge, actor=na, title=title, venue=venue,
            starts_at=timefmt.local_to_utc(day, start, edge.timezone),
            ends_at=timefmt.local_to_utc(day, end, edge.timezone),
            chair=na, facilitator=facilitator, **extra,
        )  # fmt: skip

    builder.first_saved(
        "meeting on the earliest day",
        earliest_dates(),
        lambda d: meeting_on(d, time(0, 30), time(1, 30)),
        lambda d: field_accepts(meeting_form, "date", d),
    )
    builder.first_saved(
        "meeting on the latest day",
        latest_dates(),
        lambda d: meeting_on(d, time(22, 0), time(23, 59)),
        lambda d: field_accepts(meeting_form, "date", d),
    )
    today = timezone.localdate()
    held = builder.step(
        "held meeting", lambda: meeting_on(today - timedelta(days=3), time(9), time(17))
    )
    planned = builder.step(
        "planned meeting", lambda: meeting_on(today + timedelta(days=30), time(9), time(17))
    )
    cancelled = builder.step(
        "cancelled meeting", lambda: meeting_on(today + timedelta(days=60), time(9), time(10))
    )
    if cancelled is not None:
        builder.step("cancel", lambda: meetings.meeting_cancel(meeting=cancelled, actor=na))

    # Action points: longest texts, the earliest and latest due dates, every status.
    from actions.forms import ActionPointForm

    action_form = ActionPointForm(coalition=edge)
    action_points = []
    statuses = list(ActionPoint.Status.values)
    for n, (due, visibility) in enumerate(
        [(latest_dates(), Visibility.MEMBERS), (earliest_dates(), Visibility.RESTRICTED)]
        + [([today], Visibility.MEMBERS)] * len(statuses)
    ):
        role = Role.values[n % len(Role.values)]
        made = builder.first_saved(
            f"action point {n} due at a limit",
            due,
            lambda d, n=n, role=role, visibility=visibility: actions.action_point_create(
                coalition=edge, actor=facilitator,
                title=long_text(longest(ActionPoint, "title") - 3) + f" {n:02d}",
                description=long_text(longest(ActionPoint, "description")),
                owner_organisation=organisations[role], owner=people[role], due_date=d,
                visibility=visibility, meeting=held,
                status=statuses[(n - 2) % len(statuses)] if n >= 2 else ActionPoint.Status.OPEN,
            ),
            lambda d: field_accepts(action_form, "due_date", d),
        )  # fmt: skip
        if made is not None:
            action_points.append(made)
    for action_point in action_points[:2]:
        builder.step(
            "longest update",
            lambda a=action_point: actions.action_update_post(
                action_point=a, actor=facilitator,
                text=long_text(longest(ActionUpdate, "text")), new_status="in_progress",
            ),
        )  # fmt: skip
    builder.step(
        "longest reminder period",
        lambda: actions.reminder_settings_update(
            coalition=edge, actor=na, reminders_enabled=True,
            due_soon_days=highest(ReminderSettings, "due_soon_days"),
        ),
    )  # fmt: skip

    # The held meeting: agenda at its limits, minutes, decisions, summary published.
    if held is not None:
        items = []
        for n, visibility in enumerate([Visibility.MEMBERS, Visibility.RESTRICTED]):
            item = builder.first_saved(
                f"agenda item {n}",
                [highest(AgendaItem, "duration_minutes"), 600, 120],
                lambda minutes, n=n, visibility=visibility: meetings.agenda_item_create(
                    meeting=held, actor=facilitator,
                    title=long_text(longest(AgendaItem, "title") - 3) + f" {n:02d}",
                    topic=AgendaItem.Topic.OTHER,
                    presenter=long_text(longest(AgendaItem, "presenter")),
                    duration_minutes=minutes,
                    visibility=visibility,
                ),
            )  # fmt: skip
            if item is not None:
                items.append(item)
        builder.step("held", lambda: meetings.meeting_mark_held(meeting=held, actor=na))
        builder.step(
            "longest minutes",
            lambda: meetings.minutes_save(
                meeting=held, actor=facilitator, notes=long_text(longest(Meeting, "notes")),
                item_minutes={i.pk: long_text(longest(AgendaItem, "minutes")) for i in items},
            ),
        )  # fmt: skip
        from meetings.models import Decision

        for visibility in (Visibility.MEMBERS, Visibility.RESTRICTED):
            builder.step(
                "longest decision",
                lambda visibility=visibility: meetings.decision_create(
                    meeting=held, actor=facilitator, text=long_text(longest(Decision, "text")),
                    visibility=visibility, agenda_item=items[0] if items else None,
                ),
            )  # fmt: skip
        builder.step("summary", lambda: meetings.summary_publish(meeting=held, actor=na))

    # Concerns: longest texts, from an operator and a donor, in every state.
    made_concerns = []
    for n, role in enumerate((Role.OPERATOR, Role.DONOR, Role.OPERATOR)):
        concern = builder.step(
            f"longest concern {n}",
            lambda role=role, n=n: concerns.concern_raise(
                coalition=edge, actor=people[role], organisation=organisations[role],
                subject=long_text(longest(Concern, "subject") - 3) + f" {n:02d}",
                text=long_text(longest(Concern, "text")),
            ),
        )  # fmt: skip
        if concern is not None:
            made_concerns.append(concern)
    if made_concerns:
        first = made_concerns[0]
        builder.step(
            "acknowledge", lambda: concerns.concern_acknowledge(concern=first, actor=facilitator)
        )
        builder.step(
            "longest note",
            lambda: concerns.concern_note_save(
                concern=first, actor=facilitator, note=long_text(longest(Concern, "facilitator_note"))
            ),
        )  # fmt: skip
        if planned is not None:
            builder.step(
                "concern on the agenda",
                lambda: concerns.concern_bring_to_agenda(
                    concern=first, actor=facilitator, meeting=planned,
                    title=long_text(longest(AgendaItem, "title")),
                    background=long_text(longest(AgendaItem, "minutes")),
                ),
            )  # fmt: skip
    if len(made_concerns) > 1:
        builder.step(
            "close", lambda: concerns.concern_close(concern=made_concerns[1], actor=facilitator)
        )

    return {
        "coalitions": [edge, empty],
        "people": people,
        "other": other,
        "findings": builder.findings,
        "refused": builder.refused,
    }
