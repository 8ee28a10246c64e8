"""Recording what is due, in batches: each reminder and digest becomes a row before any mail.

A row's unique key says what the mail is and for which period; rows go in with ON CONFLICT DO
NOTHING, so two sweeps at once, or a sweep repeated after a crash, cannot record (and so cannot
send) the same mail twice. The mails of the rows one batch inserted are queued when it commits.

The sweep runs as a chain of rounds. Its first round takes what moved since the last complete run
(marks.py: the coalitions and kinds whose date, mid-term, settings or members changed, and the
changed action points; when nothing moved this is all it does), counts what is due there per
coalition, once, and plans the rounds: windows of whole coalitions that hold about one batch
each, each recorded in one statement (a coalition with more than a batch is walked by (person,
action point) among the pairs not recorded yet). Every later round reads only its own window,
so a run costs about one pass over what is due however many rounds it takes, and each round
holds one batch. The run's last round marks what it read as read.
"""

import uuid
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from functools import reduce
from operator import or_

from django.db import connection, transaction
from django.db.models import Case, CharField, Count, F, Q, Value, When
from django.utils import timezone

from mail.models import MailStatus

from ..models import ActionPointChange, DigestSent, NotificationPreference, ReminderSent
from . import candidates, marks, sending

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


@contextmanager
def _hash_joins():
    """A transaction in which PostgreSQL joins by hashing. The candidates join action points to
    memberships on (coalition, organisation), two columns it takes as independent: it expects a
    few pairs where there are as many as open action points, and would then look each one up
    by itself (10x the time at 100,000 action points)."""
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL enable_nestloop = off")
        yield


def plan_windows(queryset, batch_size: int) -> list[list]:
    """Counts the candidates per coalition (one query) and cuts the coalitions, in id order, into
    windows [coalition ids, candidates] of about `batch_size` candidates; a coalition with more
    than that is a window of its own, walked in several rounds."""
    per_coalition = (
        queryset.order_by("coalition_id")
        .values("coalition_id")
        .annotate(due=Count("pk"))
        .values_list("coalition_id", "due")
    )
    windows = []
    for coalition_id, due in per_coalition:
        if windows and windows[-1][1] + due <= batch_size:
            windows[-1][0].append(coalition_id)
            windows[-1][1] += due
        else:
            windows.append([[coalition_id], due])
    return windows


def _plan(kinds: dict, scope: marks.Scope, batch_size: int) -> dict:
    """The first round's look at what is due in the run's scope: the windows of each kind."""
    plan = {}
    with _hash_joins():
        for kind, queryset in kinds.items():
            if queryset is not None:
                queryset = _in_scope(queryset, scope, kind)
            windows = plan_windows(queryset, batch_size) if queryset is not None else []
            if windows:
                plan[str(kind)] = {"windows": windows, "after": None}
    return plan


def _in_scope(queryset, scope: marks.Scope, kind: str, window: list[int] | None = None):
    """The candidates of the coalitions whose inputs moved, and of the changed action points
    elsewhere (None: neither). With `window`, of those coalitions only, named one by one so
    that the index on the action points' coalition narrows the rows."""
    whole = scope.coalitions.get(str(kind), [])
    others = None
    if window is not None:
        moved = set(whole)
        whole = [pk for pk in window if pk in moved]
        others = [pk for pk in window if pk not in moved]
    terms = [Q(coalition_id__in=whole)] if whole else []
    if scope.changes and others != []:
        changed = ActionPointChange.objects.filter(run=scope.run).values("action_point_id")
        terms.append(Q(pk__in=changed, **({"coalition_id__in": others} if others else {})))
    if not terms:
        return None
    return queryset.filter(reduce(or_, terms))


# The order a large coalition is walked in: a person's candidates of one coalition together.
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
    queryset, kind: str, batch_size: int, state: dict, scope: marks.Scope, today: candidates.Today
) -> tuple[int, dict | None]:
    """Records the first window of `state` and returns (rows recorded, the state of the next
    round or None when every window is done).

    A window of whole coalitions that holds at most a batch goes in one statement. A coalition
    with more is walked a batch at a time among the pairs not recorded yet; a person's
    reminders of one kind stay in one batch (so in one mail) unless they alone exceed it.
    """
    window, due = state["windows"][0]
    queryset = _in_scope(queryset, scope, kind, window=window)
    if queryset is None:
        return 0, _next(state["windows"][1:], None)
    queryset = candidates.with_period(queryset, kind, today, window)
    if due <= batch_size:
        return _record(queryset, kind), _next(state["windows"][1:], None)
    queryset = candidates.not_recorded(queryset, kind)
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
    recorded = _record(queryset, kind) if keys else 0
    return recorded, _next(windows, after)


def _next(windows: list, after: list | None) -> dict | None:
    return {"windows": windows, "after": after} if windows else None


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
    *, today: candidates.Today, scope: marks.Scope, batch_size: int, after: int
) -> tuple[int, int | None]:
    members = candidates.mid_term_digest_candidates(today=today)
    if members is None:
        return 0, None
    members = members.filter(coalition_id__in=scope.coalitions.get(marks.MID_TERM_DIGEST, []))
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
    cursor: dict  # what the run's next round does; empty when the run is done

    @property
    def more(self) -> bool:
        return bool(self.cursor)


def reminder_sweep(
    *, now: datetime | None = None, batch_size: int = SWEEP_BATCH_SIZE, cursor: dict | None = None
) -> SweepResult:
    """One round of each kind of due reminder. A chain of rounds passes `cursor` on; a fresh run
    (no cursor) takes what moved since the last complete run (marks.py) and plans its windows
    from what is due there. A run in which nothing moved reads nothing more."""
    today = candidates.Today.at(now or timezone.now())
    digest_kind = DigestSent.Kind.MID_TERM
    found = {kind: 0 for kind in (*marks.KINDS[:-1], digest_kind)}
    # A round queued by an earlier version of this code carries a cursor of another shape: it
    # starts afresh (nothing it did is lost: the records' unique keys keep what was recorded).
    if cursor and {"scope", "plan"} <= cursor.keys():
        scope, plan = marks.Scope.from_cursor(cursor["scope"]), cursor["plan"]
    else:
        scope = marks.scope_at(today)
        if scope.empty:
            return SweepResult(found=found, cursor={})
        plan = None
    kinds = candidates.reminder_candidates(today=today)
    if plan is None:
        plan = _plan(kinds, scope, batch_size)
        plan[digest_kind] = 0 if scope.coalitions.get(marks.MID_TERM_DIGEST) else None
    next_plan = {}
    for kind, queryset in kinds.items():
        state = plan.get(str(kind))
        if state is None or queryset is None:
            continue  # nothing due, or finished in an earlier round of this run
        with _hash_joins():
            found[kind], next_state = _record_window(
                queryset, kind, batch_size, state, scope, today
            )
        if next_state:
            next_plan[str(kind)] = next_state
    if plan.get(digest_kind) is not None:
        found[digest_kind], after = _record_mid_term_digests(
            today=today, scope=scope, batch_size=batch_size, after=plan[digest_kind]
        )
        if after is not None:
            next_plan[digest_kind] = after
    if next_plan:
        return SweepResult(found=found, cursor={"scope": scope.as_cursor(), "plan": next_plan})
    marks.run_done(scope)
    return SweepResult(found=found, cursor={})
