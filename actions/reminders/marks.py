"""What the sweep has read already, so that a run reads only what may have become due since.

The candidates of one kind in one coalition depend on the coalition's action points and on a few
things besides: its local date (and due-soon window), the mid-term under way, its settings and
archive, and its members. The digest of those (`inputs`) is kept per coalition and kind
(`ReminderMark`); the action points changed since are rows of their own (`ActionPointChange`).
A run reads the coalitions and kinds whose digest moved, and the changed action points; when
neither exists it reads nothing else (six small queries, whatever the number of action points).

A run's digests and changes are written as done only by its last round: a run cut short (a
killed worker, a lost broker message, the round limit) leaves them to the next run, which reads
them again; the records' unique key keeps that from sending anything twice.
"""

import hashlib
import uuid
from collections import defaultdict
from dataclasses import dataclass

from django.db import transaction
from django.db.models import F

from coalitions.models import Membership

from ..models import ActionPointChange, ReminderMark, ReminderSent
from .candidates import Today

MID_TERM_DIGEST = "mid_term_digest"
CHANGES_BATCH_SIZE = 500
KINDS = (
    ReminderSent.Kind.MID_TERM_REQUEST,
    ReminderSent.Kind.DUE_SOON,
    ReminderSent.Kind.OVERDUE,
    MID_TERM_DIGEST,
)


def action_point_changed(*, action_point_id: int) -> None:
    """Called in the transaction of every change to an action point that can make a reminder
    due (made, edited, status changed)."""
    ActionPointChange.objects.create(action_point_id=action_point_id)


def action_points_changed(*, action_point_ids: list[int]) -> None:
    """The same for many at once, in the transaction that changed them (an organisation merge
    that moves them to the organisation kept)."""
    ActionPointChange.objects.bulk_create(
        [ActionPointChange(action_point_id=pk) for pk in action_point_ids],
        batch_size=CHANGES_BATCH_SIZE,
    )


def _digest(*parts) -> str:
    return hashlib.sha256(repr(parts).encode()).hexdigest()


def coalition_inputs(today: Today) -> dict[tuple[int, str], str]:
    """(coalition, kind) -> the digest of what that kind's candidates there depend on, besides
    the action points. One query for the members; `today` read the coalitions and mid-terms."""
    members = defaultdict(list)
    rows = Membership.objects.order_by("coalition_id", "organisation_id", "user_id").values_list(
        "coalition_id", "organisation_id", "user_id"
    )
    for coalition_id, organisation_id, user_id in rows:
        members[coalition_id].append((organisation_id, user_id))
    requests = {m.coalition_id: m for m in today.mid_terms_on("request_date")}
    digests = {m.coalition_id: m for m in today.mid_terms_on("digest_date")}
    inputs = {}
    for coalition in today.coalitions:
        pk = coalition.pk
        common = (coalition.sends, tuple(members[pk]))
        local = today.zones[coalition.timezone]
        request, digest = requests.get(pk), digests.get(pk)
        inputs[(pk, ReminderSent.Kind.MID_TERM_REQUEST)] = _digest(common, request)
        inputs[(pk, ReminderSent.Kind.DUE_SOON)] = _digest(common, local, coalition.due_soon_days)
        inputs[(pk, ReminderSent.Kind.OVERDUE)] = _digest(common, local)
        inputs[(pk, MID_TERM_DIGEST)] = _digest(common, digest)
    return inputs


@dataclass
class Scope:
    """What one run reads: per kind, the coalitions to read whole; and its changed action points
    (claimed by `run`)."""

    run: str
    coalitions: dict[str, list[int]]
    changes: int

    @property
    def empty(self) -> bool:
        return not self.changes and not any(self.coalitions.values())

    def as_cursor(self) -> dict:
        return {"run": self.run, "coalitions": self.coalitions, "changes": self.changes}

    @classmethod
    def from_cursor(cls, cursor: dict) -> "Scope":
        return cls(run=cursor["run"], coalitions=cursor["coalitions"], changes=cursor["changes"])


def scope_at(today: Today) -> Scope:
    """The coalitions and kinds whose inputs moved since the last complete run, and the action
    points changed since. Claims the changes and notes the new digests for this run (they count
    once its last round is done, see `run_done`); writes nothing when nothing moved."""
    run = str(uuid.uuid4())
    inputs = coalition_inputs(today)
    marks = {
        (coalition_id, kind): done
        for coalition_id, kind, done in ReminderMark.objects.values_list(
            "coalition_id", "kind", "inputs"
        )
    }
    moved = {key: digest for key, digest in inputs.items() if marks.get(key) != digest}
    # Every change present is taken, also those a run that died had taken: it never finished.
    changes = ActionPointChange.objects.update(run=run)
    if moved:
        ReminderMark.objects.bulk_create(
            [
                ReminderMark(coalition_id=coalition_id, kind=kind, pending=digest, run=run)
                for (coalition_id, kind), digest in moved.items()
            ],
            update_conflicts=True,
            unique_fields=["coalition", "kind"],
            update_fields=["pending", "run"],
        )
    coalitions = {str(kind): [] for kind in KINDS}
    for coalition_id, kind in sorted(moved):
        coalitions[str(kind)].append(coalition_id)
    return Scope(run=run, coalitions=coalitions, changes=changes)


def run_done(scope: Scope) -> None:
    """The last round of a run: what it read counts as read. A mark another run has taken since
    stays for that run to finish."""
    with transaction.atomic():
        ReminderMark.objects.filter(run=scope.run).update(inputs=F("pending"), run=None)
        ActionPointChange.objects.filter(run=scope.run).delete()
