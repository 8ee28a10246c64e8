"""Sending through the mail pipeline (mail/pipeline.py): the mails of recorded rows are queued by
task name, claimed, rendered, sent and marked there; a failure backs off and the dispatcher brings
back whatever waits. Here: what each mail holds and how it reads."""

from datetime import datetime

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db.models import Exists, OuterRef, Q
from django.urls import reverse
from django.utils import timezone

from coalitions import permissions as perms
from coalitions.models import Coalition
from config.mail import build_mail
from mail import pipeline
from mail.models import MailStatus

from ..models import ActionPoint, ActionUpdate, DigestSent, ReminderSent
from ..unsubscribe import unsubscribe_token
from .candidates import HELD, local_today

MAIL_LIST_LIMIT = 50
# The tasks by name: they call into this package, which queues them without importing them.
SEND_REMINDERS = "actions.tasks.send_reminders_task"
SEND_DIGEST = "actions.tasks.send_digest_task"

TEMPLATES = {
    ReminderSent.Kind.ASSIGNED: "action_assigned",
    ReminderSent.Kind.MID_TERM_REQUEST: "action_mid_term_request",
    ReminderSent.Kind.DUE_SOON: "action_due_soon",
    ReminderSent.Kind.OVERDUE: "action_overdue",
}


# Queueing ----------------------------------------------------------------------------------------


def queue_reminders_on_commit(mails: set[tuple[int, int, str]]) -> None:
    """Queues, once the rows commit, one mail per (person, coalition, kind) in `mails`."""
    for recipient_id, coalition_id, kind in sorted(mails):
        pipeline.publish_on_commit(SEND_REMINDERS, recipient_id, coalition_id, kind)


def queue_digests_on_commit(rows) -> None:
    for pk in rows.values_list("pk", flat=True):
        pipeline.publish_on_commit(SEND_DIGEST, pk)


def queue_reminders(ids: list[int]) -> None:
    """The dispatcher's door: one task per person, coalition and kind among `ids`."""
    mails = (
        ReminderSent.objects.filter(pk__in=ids)
        .order_by()
        .values_list("recipient_id", "coalition_id", "kind")
        .distinct()
    )
    for recipient_id, coalition_id, kind in mails:
        pipeline.publish(SEND_REMINDERS, recipient_id, coalition_id, kind)


def queue_digests(ids: list[int]) -> None:
    for pk in ids:
        pipeline.publish(SEND_DIGEST, pk)


# What the mails hold -----------------------------------------------------------------------------


def _links(*, user, coalition: Coalition) -> dict:
    token = unsubscribe_token(user_id=user.pk, coalition_id=coalition.pk)
    unsubscribe_url = settings.SITE_URL + reverse("actions:unsubscribe", args=[token])
    return {
        "site_url": settings.SITE_URL,
        "unsubscribe_url": unsubscribe_url,
        "preferences_url": settings.SITE_URL
        + reverse("actions:preferences", args=[coalition.slug]),
        "list_url": settings.SITE_URL + reverse("actions:list", args=[coalition.slug]),
    }


def _unsubscribe_headers(url: str) -> dict:
    return {"List-Unsubscribe": f"<{url}>", "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"}


def _absolute(coalition: Coalition, action_point_id: int, name: str = "actions:detail") -> str:
    return settings.SITE_URL + reverse(name, args=[coalition.slug, action_point_id])


def digest_content(*, digest: DigestSent, now: datetime) -> dict:
    """What one person's digest holds, filtered by what their role may see in the coalition."""
    coalition = digest.coalition
    held = perms.perms_by_user(coalition_id=coalition.pk, user_ids=[digest.recipient_id])[
        digest.recipient_id
    ]
    visible = perms.visibilities_for(held)
    today = local_today(coalition.timezone, now)
    in_coalition = ActionPoint.objects.filter(coalition=coalition, visibility__in=visible)
    active = in_coalition.filter(status__in=ActionPoint.ACTIVE)
    moved = list(
        ActionUpdate.objects.filter(
            action_point__in=in_coalition, created_at__gte=digest.since, created_at__lte=now
        )
        .select_related("action_point__owner_organisation", "author")
        .order_by("action_point_id", "created_at")[:MAIL_LIST_LIMIT]
    )
    overdue = active.filter(due_date__lt=today).select_related("owner_organisation", "owner")
    content = {
        "moved": moved,
        "overdue": list(overdue.order_by("due_date", "id")[:MAIL_LIST_LIMIT]),
        "overdue_count": overdue.count(),
        "no_update": [],
        "mine": [],
        "today": today,
    }
    if digest.kind == DigestSent.Kind.MID_TERM:
        silent = active.filter(
            ~Exists(
                ActionUpdate.objects.filter(
                    action_point=OuterRef("pk"), created_at__gte=digest.since
                )
            )
        ).exclude(due_date__lt=today)  # an overdue item is listed once, under "Overdue"
        # "Since the meeting" is said only of a meeting that took place: an item recorded for a
        # meeting still planned (or cancelled) has no meeting to be silent since.
        silent = silent.exclude(Q(meeting__isnull=False) & ~Q(meeting__status__in=HELD))
        silent = silent.select_related("owner_organisation", "owner")
        content["no_update"] = list(silent.order_by("due_date", "id")[:MAIL_LIST_LIMIT])
        content["no_update_count"] = silent.count()
    else:
        waiting = ReminderSent.objects.filter(
            recipient=digest.recipient, coalition=coalition, status=MailStatus.IN_DIGEST
        )
        content["reminder_ids"] = list(waiting.values_list("pk", flat=True))
        content["mine"] = list(
            active.filter(reminders__pk__in=content["reminder_ids"])
            .select_related("owner_organisation", "owner")
            .distinct()
            .order_by("due_date", "id")
        )
    content["is_empty"] = not (
        content["moved"] or content["overdue"] or content["mine"] or content["no_update"]
    )
    return content


# Sending -----------------------------------------------------------------------------------------


def send_reminders(*, recipient_id: int, coalition_id: int, kind: str) -> list[int]:
    """Sends one mail listing every pending reminder of `kind` for this person; returns row ids.

    On any error the rows go back to wait for their next attempt and the error propagates.
    """
    rows = ReminderSent.objects.filter(
        recipient_id=recipient_id, coalition_id=coalition_id, kind=kind
    )
    sent = pipeline.deliver(
        rows,
        lambda ids: _send_reminders(
            ids, recipient_id=recipient_id, coalition_id=coalition_id, kind=kind
        ),
    )
    return sent or []


def _send_reminders(ids: list[int], *, recipient_id: int, coalition_id: int, kind: str):
    user = get_user_model().objects.get(pk=recipient_id)
    coalition = Coalition.objects.get(pk=coalition_id)
    visible = perms.visibilities_for(
        perms.perms_by_user(coalition_id=coalition.pk, user_ids=[user.pk])[user.pk]
    )
    items = list(
        ActionPoint.objects.filter(
            reminders__pk__in=ids,
            status__in=ActionPoint.ACTIVE,
            visibility__in=visible,
        )
        .select_related("owner_organisation", "owner", "meeting", "recorded_by")
        .order_by("due_date", "id")
        .distinct()
    )
    if not items:
        # Done, dropped or no longer visible since it fell due: nothing to ask for.
        pipeline.mark_done(ReminderSent, ids, status=MailStatus.NOTHING)
        return ids
    today = local_today(coalition.timezone, timezone.now())
    for item in items:
        item.update_url = _absolute(coalition, item.pk, "actions:update")
        # Marked wherever an item is listed, except in the mail that is about being overdue.
        item.overdue = kind != ReminderSent.Kind.OVERDUE and item.is_overdue_on(today)
    links = _links(user=user, coalition=coalition)
    context = {
        "person": user,
        "coalition": coalition,
        "kind": kind,
        "items": items,
        "today": today,
        **links,
    }
    message = build_mail(
        to=user.email,
        template=TEMPLATES[kind],
        context=context,
        language=user.preferred_language,
        headers={
            **_unsubscribe_headers(links["unsubscribe_url"]),
            "Message-ID": pipeline.message_id("reminder", min(ids)),
        },
    )
    message.send()
    pipeline.mark_sent(ReminderSent, ids)
    return ids


def send_digest(*, digest_id: int, now: datetime | None = None) -> bool:
    now = now or timezone.now()
    sent = pipeline.deliver(
        DigestSent.objects.filter(pk=digest_id), lambda _ids: _send_digest(digest_id, now=now)
    )
    return bool(sent)


def _send_digest(digest_id: int, *, now: datetime) -> bool:
    digest = DigestSent.objects.select_related("coalition", "recipient").get(pk=digest_id)
    content = digest_content(digest=digest, now=now)
    reminder_ids = content.get("reminder_ids", [])
    if content["is_empty"] and digest.kind != DigestSent.Kind.MID_TERM:
        pipeline.mark_done(DigestSent, [digest_id], status=MailStatus.NOTHING)
        return False
    coalition = digest.coalition
    for group in ("overdue", "no_update", "mine"):
        for item in content[group]:
            item.url = _absolute(coalition, item.pk)
            item.update_url = _absolute(coalition, item.pk, "actions:update")
    for item in content["mine"]:
        item.overdue = item.is_overdue_on(content["today"])
    for update in content["moved"]:
        update.url = _absolute(coalition, update.action_point_id)
    links = _links(user=digest.recipient, coalition=coalition)
    message = build_mail(
        to=digest.recipient.email,
        template="action_digest",
        context={
            "digest": digest,
            "person": digest.recipient,
            "coalition": coalition,
            **content,
            **links,
        },
        language=digest.recipient.preferred_language,
        headers={
            **_unsubscribe_headers(links["unsubscribe_url"]),
            "Message-ID": pipeline.message_id("digest", digest_id),
        },
    )
    message.send()
    pipeline.mark_sent(DigestSent, [digest_id])
    if reminder_ids:
        ReminderSent.objects.filter(pk__in=reminder_ids).update(
            status=MailStatus.DIGESTED, sent_at=timezone.now()
        )
    return True
