"""Recording what is due, in batches: each reminder and digest becomes a row before any mail.

A row's unique key says what the mail is and for which period; rows go in with ON CONFLICT DO
NOTHING, so two sweeps at once, or a sweep repeated after a crash, cannot record (and so cannot
send) the same mail twice. The mails of the rows one batch inserted are queued when it commits.

The sweep runs as a chain of rounds. Its first round counts what is due per coalition, once (for
a run that finds nothing new this is all it does), and plans the rounds: windows of whole
coalitions that hold about one batch each. Every later round reads only its own window, walked
by (coalition, person, action point), so a run costs about one pass over what is due however
many rounds it takes, and each round holds one batch.
"""

import uuid
from dataclasses import dataclass
from datetime import datetime

from django.db import connection, transaction
from django.db.models import Case, CharField, Count, F, Q, Value, When
from django.utils import timezone

from mail.models import MailStatus

from ..models import DigestSent, NotificationPreference, ReminderSent
from . import candidates, sending

SWEEP_BATCH_SIZE = 5000

Cadence = NotificationPreference.Cadence


def notify_new_action_point(*, action_point_id: int) -> int:
    """Tells the owner (or the owner organisation's members) about a new action point, once."""
    rows = candidates.new_action_point_candidates(action_point_id=action_point_id)
    return _record(rows, ReminderSent.Kind.ASSIGNED)


def _status():
    """The record's status from the person's choice (`cadence`) for the coalition's mails."""
    return Case(
        When(cadence__in=(Cadence.DAILY, Cadence.WEEKLY), then=Value(MailStatus.IN_DIGEST)),
        When(cadence=Cadence.NONE, then=Value(MailStatus.SKIPPED)),
        default=Value(MailStatus.PENDING),
        output_field=CharField(),
    )


def _record(queryset, kind: str) -> int:
    """Records the candidates of `queryset` (with `period`) that are not recorded yet, and queues
    the mails of those this call inserted (the rows it returns); returns how many it inserted.

    One INSERT ... SELECT ... ON CONFLICT DO NOTHING: the rows go from the candidates' query into
    the records inside the database (a sweep writes tens of thousands, and building a model
    instance for each took most of its time), and the unique key leaves alone any row another
    sweep recorded first. The columns not taken from the candidate get what the model gives a
    new row, read from one instance."""
    taken = {  # the record's fields that come from the candidate, by the names they are read as
        "action_point": F("pk"),
        "recipient": F("recipient_id"),
        "coalition": F("coalition_id"),
        "period": F("period"),
        "status": _status(),
    }
    aliases = {name: f"record_{name}" for name in taken}
    rows = candidates.with_cadence(queryset).annotate(
        **{aliases[name]: value for name, value in taken.items()}
    )
    select_sql, select_params = (
        rows.order_by().values_list(*aliases.values()).query.sql_with_params()
    )
    template = ReminderSent(kind=kind)
    quote = connection.ops.quote_name
    columns, values, params = [], [], []
    for field in ReminderSent._meta.concrete_fields:
        if field.primary_key:
            continue
        columns.append(quote(field.column))
        if field.name in aliases:
            values.append(quote(aliases[field.name]))
        else:
            values.append("%s")
            params.append(field.get_db_prep_save(field.pre_save(template, True), connection))
    returned = ", ".join(quote(column) for column in ("recipient_id", "coalition_id", "status"))
    # WHERE true: SQLite would read ON CONFLICT as a join's ON without it.
    sql = (
        f"INSERT INTO {quote(ReminderSent._meta.db_table)} ({', '.join(columns)}) "
        f"SELECT {', '.join(values)} FROM ({select_sql}) AS due WHERE true "
        f"ON CONFLICT DO NOTHING RETURNING {returned}"
    )
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute(sql, (*params, *select_params))
            inserted = cursor.fetchall()
        sending.queue_reminders_on_commit(
            {
                (recipient_id, coalition_id, kind)
                for recipient_id, coalition_id, status in inserted
                if status == MailStatus.PENDING
            }
        )
    return len(inserted)


def plan_windows(queryset, batch_size: int) -> list[list[int]]:
    """Counts the candidates per coalition (one query) and cuts the coalitions, in id order, into
    windows [first, last] of about `batch_size` candidates; a coalition with more than that is a
    window of its own, walked in several rounds."""
    per_coalition = (
        queryset.order_by("coalition_id")
        .values("coalition_id")
        .annotate(due=Count("pk"))
        .values_list("coalition_id", "due")
    )
    windows, size = [], 0
    for coalition_id, due in per_coalition:
        if windows and size + due <= batch_size:
            windows[-1][1] = coalition_id
            size += due
        else:
            windows.append([coalition_id, coalition_id])
            size = due
    return windows


def _plan(kinds: dict, batch_size: int) -> dict:
    """The first round's look at everything due: the windows of each kind that has any."""
    with transaction.atomic():
        if connection.vendor == "postgresql":
            # The counts join action points to memberships on (coalition, organisation), two
            # columns PostgreSQL takes as independent: it expects a few hundred pairs where there
            # are as many as open action points, and would then look each one up in the records
            # by itself. Over everything due, hash joins are the plan (10x less time here).
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL enable_nestloop = off")
        plan = {
            kind: {"windows": plan_windows(queryset, batch_size), "after": None}
            for kind, queryset in kinds.items()
            if queryset is not None
        }
    return {kind: state for kind, state in plan.items() if state["windows"]}


# The order a window is walked in: a person's candidates of one coalition together.
ORDER = ("coalition_id", "recipient_id", "pk")


def _after(position: list) -> Q:
    coalition_id, recipient_id, pk = position
    return (
        Q(coalition_id__gt=coalition_id)
        | Q(coalition_id=coalition_id, recipient_id__gt=recipient_id)
        | Q(coalition_id=coalition_id, recipient_id=recipient_id, pk__gt=pk)
    )


def _before_or_at(position: list) -> Q:
    coalition_id, recipient_id, pk = position
    return (
        Q(coalition_id__lt=coalition_id)
        | Q(coalition_id=coalition_id, recipient_id__lt=recipient_id)
        | Q(coalition_id=coalition_id, recipient_id=recipient_id, pk__lte=pk)
    )


def _record_window(
    queryset, kind: str, batch_size: int, state: dict, today: candidates.Today
) -> tuple[int, dict | None]:
    """Records one batch from the first window of `state` and returns (rows found, the state of
    the next round or None when every window is done).

    A person's reminders of one kind stay in one batch (so in one mail) unless they alone exceed
    it: a window ends between coalitions, and a batch cut inside one ends between people.
    """
    first, last = state["windows"][0]
    queryset = queryset.filter(coalition_id__gte=first, coalition_id__lte=last)
    if state["after"]:
        queryset = queryset.filter(_after(state["after"]))
    keys = list(queryset.order_by(*ORDER).values_list(*ORDER)[: batch_size + 1])
    if len(keys) > batch_size:
        overflow, keys = keys[batch_size], keys[:batch_size]
        keys = [key for key in keys if key[:2] != overflow[:2]] or keys
        after, windows = list(keys[-1]), state["windows"]
        queryset = queryset.filter(_before_or_at(after))
    else:
        after, windows = None, state["windows"][1:]
    if keys:
        _record(candidates.with_period(queryset, kind, today, first, last), kind)
    return len(keys), {"windows": windows, "after": after} if windows else None


def record_digests(digests: list[DigestSent]) -> None:
    """Inserts digest rows (those recorded already are left as they are) and queues the mails of
    the new ones that are to be sent."""
    claim = uuid.uuid4()
    for digest in digests:
        digest.claim = claim
    with transaction.atomic():
        DigestSent.objects.bulk_create(digests, ignore_conflicts=True)
        sending.queue_digests_on_commit(
            DigestSent.objects.filter(claim=claim, status=MailStatus.PENDING)
        )


def _record_mid_term_digests(
    *, today: candidates.Today, batch_size: int, after: int
) -> tuple[int, int | None]:
    members = candidates.mid_term_digest_candidates(today=today)
    if members is None:
        return 0, None
    rows = list(
        members.filter(pk__gt=after)
        .order_by("pk")
        .values_list("pk", "user_id", "coalition_id", "cadence")[:batch_size]
    )
    if not rows:
        return 0, None
    starts = {m.coalition_id: m.meeting_start for m in today.mid_terms}
    periods = candidates.mid_term_periods(today)
    record_digests(
        [
            DigestSent(
                recipient_id=user_id,
                coalition_id=coalition_id,
                kind=DigestSent.Kind.MID_TERM,
                period=periods[coalition_id],
                since=starts[coalition_id],
                status=MailStatus.SKIPPED if cadence == Cadence.NONE else MailStatus.PENDING,
            )
            for _pk, user_id, coalition_id, cadence in rows
        ]
    )
    return len(rows), rows[-1][0] if len(rows) == batch_size else None


@dataclass
class SweepResult:
    found: dict
    cursor: dict  # what each kind's next round does; empty when everything due is recorded

    @property
    def more(self) -> bool:
        return bool(self.cursor)


def reminder_sweep(
    *, now: datetime | None = None, batch_size: int = SWEEP_BATCH_SIZE, cursor: dict | None = None
) -> SweepResult:
    """One round of each kind of due reminder. A chain of rounds passes `cursor` on; a fresh run
    (no cursor) plans its windows from what is due and not recorded now."""
    today = candidates.Today.at(now or timezone.now())
    kinds = candidates.reminder_candidates(today=today)
    digest_kind = DigestSent.Kind.MID_TERM
    if not cursor:
        cursor = _plan(kinds, batch_size)
        cursor[digest_kind] = 0
    found, next_cursor = {}, {}
    for kind, queryset in kinds.items():
        state = cursor.get(kind)
        if state is None or queryset is None:
            found[kind] = 0  # nothing due, or finished in an earlier round of this chain
            continue
        found[kind], next_state = _record_window(queryset, kind, batch_size, state, today)
        if next_state:
            next_cursor[kind] = next_state
    found[digest_kind], after = 0, None
    if digest_kind in cursor:
        found[digest_kind], after = _record_mid_term_digests(
            today=today, batch_size=batch_size, after=cursor[digest_kind]
        )
    if after is not None:
        next_cursor[digest_kind] = after
    return SweepResult(found=found, cursor={str(k): v for k, v in next_cursor.items()})
