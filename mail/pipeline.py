"""One way to send a recorded mail: claim, send, mark; back off on failure; dispatch what waits.

- A claim moves unsent rows to "sending" under SELECT ... FOR UPDATE SKIP LOCKED and commits at
  once, so two workers (or one task delivered twice) never hold the same row, and no lock is held
  while the SMTP server talks.
- Right after the server accepts a mail its rows are marked sent.
- A failure puts the rows back with a back-off (exponential, with jitter); after
  MAIL_ATTEMPTS_BEFORE_FAILING they show as failed and are still retried every BACKOFF_MAX, until the
  server answers again. Nothing is dropped.
- The dispatcher (beat, every minute) queues every row that is due and not held by a live
  worker: fresh rows whose message the broker lost, rows whose back-off ran out, and rows a
  killed worker left "sending" longer than STALE_AFTER.

Between the server's acceptance and the commit that marks the row sent, a crash leaves the row
"sending"; it is sent again after STALE_AFTER with the same Message-ID, which lets the receiving
side drop the repeat. That window (one SMTP reply to one UPDATE) is the only way to a duplicate.
"""

import logging
import random
import smtplib
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import InterfaceError, OperationalError, connection, models, transaction
from django.db.models import F, Q
from django.utils import timezone

from config.celery_app import app

from .models import UNSENT, MailStatus

logger = logging.getLogger(__name__)

# What a mail server (or the road to it) raises; anything else is a bug and propagates too, after
# the rows are put back.
MAIL_ERRORS = (smtplib.SMTPException, OSError, ConnectionError)
ATTEMPTS_BEFORE_FAILING = 6
DISPATCH_BATCH_SIZE = 500


def _seconds(name: str, default: int) -> timedelta:
    return timedelta(seconds=getattr(settings, name, default))


def stale_after() -> timedelta:
    """Longer than one mail can take (the SMTP timeout and the patience of mark_sent), so a live
    worker's claim, renewed after each mail, is never taken."""
    return _seconds("MAIL_STALE_AFTER_SECONDS", 300)


def backoff_base() -> timedelta:
    return _seconds("MAIL_BACKOFF_BASE_SECONDS", 30)


def backoff_max() -> timedelta:
    return _seconds("MAIL_BACKOFF_MAX_SECONDS", 1800)


def dispatch_grace() -> timedelta:
    """A fresh row's own message gets this long before the dispatcher queues it too."""
    return _seconds("MAIL_DISPATCH_GRACE_SECONDS", 30)


def attempts_before_failing() -> int:
    """The retry budget: after this many attempts a row shows as failed (and is still retried)."""
    return getattr(settings, "MAIL_ATTEMPTS_BEFORE_FAILING", ATTEMPTS_BEFORE_FAILING)


def backoff(attempts: int) -> timedelta:
    delay = min(backoff_base() * 2 ** max(attempts - 1, 0), backoff_max())
    return delay * random.uniform(0.75, 1.25)


def claim(
    queryset: models.QuerySet, *, limit: int | None = None, now: datetime | None = None
) -> list[int]:
    """Unsent rows of `queryset` that no other worker holds become this worker's ("sending").

    The longest-waiting rows come first, so while a server keeps refusing, a batch does not take
    the same failing rows again and again and leave the rest of a fan-out never tried."""
    now = now or timezone.now()
    with transaction.atomic():
        ids = list(
            live(queryset)
            .select_for_update(skip_locked=True, of=("self",))
            .filter(status__in=UNSENT)
            .order_by("next_attempt_at", "pk")
            .values_list("pk", flat=True)[:limit]
        )
        if ids:
            queryset.model.objects.filter(pk__in=ids).update(
                status=MailStatus.SENDING, locked_at=now, attempts=F("attempts") + 1
            )
    return ids


def deliver(queryset: models.QuerySet, send: Callable[[list[int]], object], **claiming) -> object:
    """Claims the unsent rows of `queryset` and hands their ids to `send`, which sends and marks
    them (mark_sent, mark_done); returns what `send` returns, or None when there was nothing to
    claim. Whatever stops `send` (the server, the database, a time limit), the rows it had not
    marked go back to wait for their next attempt, and the error propagates."""
    ids = claim(queryset, **claiming)
    if not ids:
        return None
    try:
        return send(ids)
    except BaseException as exc:
        mark_failed(queryset.model, ids, error=error_text(exc))
        raise


# Waits between tries to record a mail the server accepted while the database is away (a
# restart): every second of patience here is a repeat the receiver is spared.
MARK_SENT_PATIENCE = (0.5, 1, 2, 4)


def mark_sent(model: type[models.Model], ids: Iterable[int]) -> int:
    ids = list(ids)
    for wait in (*MARK_SENT_PATIENCE, None):
        try:
            return model.objects.filter(pk__in=ids, status=MailStatus.SENDING).update(
                status=MailStatus.SENT, sent_at=timezone.now(), last_error="", locked_at=None
            )
        except (OperationalError, InterfaceError):
            if wait is None or connection.in_atomic_block:
                raise
            connection.close()
            time.sleep(wait)
    return 0


def hold(model: type[models.Model], ids: Iterable[int]) -> int:
    """A worker working through a batch renews its claim on what is left after each mail, so
    "stale" means no progress for that long, however long the batch."""
    return model.objects.filter(pk__in=list(ids), status=MailStatus.SENDING).update(
        locked_at=timezone.now()
    )


def mark_done(
    model: type[models.Model], ids: Iterable[int], *, status: str, error: str = ""
) -> int:
    """Settled without a mail: nothing to report, no longer a member, and so on."""
    return model.objects.filter(pk__in=list(ids)).update(
        status=status, sent_at=timezone.now(), last_error=error[:500], locked_at=None
    )


def mark_failed(model: type[models.Model], ids: Iterable[int], *, error: str) -> int:
    """The rows go back to wait for their next attempt; failing ones show as failed."""
    now = timezone.now()
    budget = attempts_before_failing()
    rows = list(
        model.objects.filter(pk__in=list(ids), status=MailStatus.SENDING).values_list(
            "pk", "attempts"
        )
    )
    for pk, attempts in rows:
        model.objects.filter(pk=pk).update(
            status=MailStatus.FAILED if attempts >= budget else MailStatus.PENDING,
            next_attempt_at=now + backoff(attempts),
            locked_at=None,
            last_error=error[:500],
        )
    if rows:
        logger.warning(
            "%s: %d mail(s) not sent, retried later: %s", model.__name__, len(rows), error
        )
    return len(rows)


def send_again(queryset: models.QuerySet) -> int:
    """The sender's "send again": failing rows go to the front of the queue."""
    return queryset.filter(status=MailStatus.FAILED).update(
        status=MailStatus.PENDING, next_attempt_at=timezone.now(), attempts=0
    )


def error_text(exc: BaseException) -> str:
    return (f"{exc.__class__.__name__}: {exc}" if str(exc) else exc.__class__.__name__)[:500]


def message_id(*parts: object) -> str:
    """The same id for every attempt at one mail, so a receiver can drop a repeat."""
    domain = settings.DEFAULT_FROM_EMAIL.rsplit("@", 1)[-1].strip(">").strip() or "localhost"
    return "<" + ".".join(str(part) for part in parts) + f"@{domain}>"


# Queueing -----------------------------------------------------------------------------------------


def publish(task: str, *args) -> bool:
    """Queues the task named `task` (services name it, so they need not import their tasks);
    with the broker away the row waits for the dispatcher instead of failing the request."""
    try:
        if task not in app.tasks:
            app.loader.import_default_modules()  # the apps' tasks modules, once per process
        app.tasks[task].delay(*args)
    except Exception as exc:  # whatever the broker raised, the row in the database is the truth
        logger.warning("%s not queued (%s); the dispatcher will send it", task, error_text(exc))
        return False
    return True


def publish_on_commit(task: str, *args) -> None:
    transaction.on_commit(lambda: publish(task, *args))


# The dispatcher -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class MailKind:
    name: str
    model: type[models.Model]
    # Given due row ids, queues their tasks (by publish); returns nothing.
    queue: Callable[[list[int]], None]
    # Narrows the model's rows to those this kind sends (e.g. not revoked invitations).
    scope: Callable[[models.QuerySet], models.QuerySet] = lambda queryset: queryset
    # The path from a row to its coalition: an archived coalition's mails wait, unsent.
    coalition: str = "coalition"


KINDS: dict[str, MailKind] = {}


def register(kind: MailKind) -> None:
    KINDS[kind.name] = kind


def live(queryset: models.QuerySet) -> models.QuerySet:
    """The rows of `queryset` whose coalition is not archived: an archived coalition's mails
    wait, unsent, whatever path reaches them (the dispatcher, a task queued before it was
    archived, a message the broker delivers late) until it is restored."""
    for kind in KINDS.values():
        if kind.model is queryset.model:
            return queryset.filter(**{f"{kind.coalition}__archived_at__isnull": True})
    return queryset


def due(kind: MailKind, *, now: datetime) -> models.QuerySet:
    stale = now - stale_after()
    waiting = Q(status__in=UNSENT, next_attempt_at__lte=now - dispatch_grace())
    abandoned = Q(status=MailStatus.SENDING, locked_at__lt=stale)
    return kind.scope(live(kind.model.objects.filter(waiting | abandoned)))


def dispatch(*, now: datetime | None = None) -> dict[str, int]:
    """Queues every due row once; the next look at a queued row is a stale period away."""
    now = now or timezone.now()
    found = {}
    for kind in KINDS.values():
        with transaction.atomic():
            ids = list(
                due(kind, now=now)
                .select_for_update(skip_locked=True, of=("self",))
                .order_by("next_attempt_at", "pk")
                .values_list("pk", flat=True)[:DISPATCH_BATCH_SIZE]
            )
            kind.model.objects.filter(pk__in=ids, status=MailStatus.SENDING).update(
                status=MailStatus.PENDING, locked_at=None
            )
            kind.model.objects.filter(pk__in=ids).update(next_attempt_at=now + stale_after())
        if ids:
            kind.queue(ids)
        found[kind.name] = len(ids)
    return found
