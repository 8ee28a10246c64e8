"""The meeting page's lists (agenda, documents, attendance, minutes, decisions and the panels of
other apps, the action points), rendered once per version of the meeting and kept in Django's
cache (Redis in production, each process's memory otherwise).

Every write to what those lists show gives the meeting's `MeetingVersion` row a new random version
in the writer's own transaction: the meeting, its summary, agenda items, participants, decisions,
documents (the signals below) and action points (actions/meeting_pages.py), the names of the people and organisations they show
(`_user_saving`, `_organisation_saving`), and the bulk writes that send no signal (they call
`meetings_changed` themselves). The version is read with the meeting, before the lists, so an
entry is never older than its version.

The key holds everything else the lists depend on: the reader's permissions (which rows they may
see, which edit links they get), the language, the coalition's address, time zone and date (for
the overdue flags) and the page of each list. What is kept holds nothing of the person: the one
form of the lists (the agenda's move buttons) is kept in two pieces around its CSRF token, and
the token is put in per request. Everything else on the page (the header and its buttons, the
draft and update banner, when and where, the mail counts, the summary) is rendered per request.
"""

import hashlib
import logging
from collections.abc import Callable
from uuid import UUID, uuid4

from django.core.cache import cache
from django.db.models import QuerySet
from django.db.models.signals import post_delete, post_save, pre_delete, pre_save
from django.middleware.csrf import get_token
from django.utils import translation
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from coalitions.models import Coalition, Organisation

from .models import (
    AgendaItem,
    Decision,
    Document,
    Meeting,
    MeetingVersion,
    Participant,
    Summary,
)

logger = logging.getLogger(__name__)

# Bumped whenever what is kept changes shape, so a new release never reads an older one's entries.
CACHE_FORMAT = 1
# The coalition's date is part of the key; a day's entries are not needed after it.
CACHE_SECONDS = 24 * 60 * 60
# The query parameters the lists read (their page numbers). A page asked for with any other
# parameter, or a number longer than this, is rendered without the cache: entries stay bounded.
LIST_PARAMS = frozenset({"agenda", "participants", "minutes", "decisions", "documents"})
LONGEST_NUMBER = 4
# What stands for the CSRF token while the lists are rendered for keeping.
TOKEN_MARK = "csrf-token-of-the-request"


def meetings_changed(*, meeting_ids) -> None:
    """Gives each meeting a new version (one statement: insert or update)."""
    ids = sorted({pk for pk in meeting_ids if pk})
    if ids:
        MeetingVersion.objects.bulk_create(
            [MeetingVersion(meeting_id=pk, version=uuid4()) for pk in ids],
            update_conflicts=True,
            unique_fields=["meeting"],
            update_fields=["version"],
        )


def meeting_version(meeting: Meeting) -> UUID:
    """The meeting's version, read with it by `selectors.meeting_for_page`."""
    try:
        return meeting.page_version.version
    except MeetingVersion.DoesNotExist:
        # A meeting written before versions existed, or by a bulk load: it gets one now.
        return MeetingVersion.objects.get_or_create(meeting=meeting)[0].version


def cache_key(*, request, access, meeting: Meeting, today) -> str | None:
    """The key of this reader's lists of `meeting`; None when the page is not to be kept (a
    query parameter the lists do not read, or a page number out of bounds)."""
    params = request.GET
    if not set(params) <= LIST_PARAMS:
        return None
    pages = []
    for name in sorted(params):
        values = params.getlist(name)
        if len(values) != 1 or len(values[0]) > LONGEST_NUMBER or not values[0].isdigit():
            return None
        pages.append(f"{name}={values[0]}")
    coalition = access.coalition
    reader = hashlib.sha256("|".join(sorted(access.perms)).encode()).hexdigest()[:16]
    return (
        f"meeting-lists:{CACHE_FORMAT}:{meeting.pk}:{meeting_version(meeting).hex}:{reader}:"
        f"{translation.get_language()}:{coalition.slug}:{coalition.timezone}:{today.isoformat()}:"
        + "&".join(pages)
    )


class Lists:
    """The rendered lists and the counts the rest of the page reads from them."""

    def __init__(self, parts: list[str], counts: dict[str, int]):
        self.parts = parts
        self.counts = counts

    def html(self, request) -> SafeString:
        if len(self.parts) == 1:
            return mark_safe(self.parts[0])
        token = escape(get_token(request))
        return mark_safe(
            f'<input type="hidden" name="csrfmiddlewaretoken" value="{token}">'.join(self.parts)
        )


def lists_for(key: str | None, render) -> Lists:
    """The lists kept under `key`, or `render()`'s (html made with TOKEN_MARK as the token,
    counts), kept under `key`."""
    if key is not None:
        try:
            kept = cache.get(key)
        except Exception:  # the cache away: the page is rendered, as without one
            logger.warning("The meeting page's cache could not be read.", exc_info=True)
            kept = None
        if kept is not None:
            return Lists(*kept)
    html, counts = render()
    parts = html.split(_marked_token_input())
    if key is not None:
        try:
            cache.set(key, (parts, counts), CACHE_SECONDS)
        except Exception:
            logger.warning("The meeting page's cache could not be written.", exc_info=True)
    return Lists(parts, counts)


def _marked_token_input() -> str:
    """What `{% csrf_token %}` writes when the token is TOKEN_MARK."""
    return f'<input type="hidden" name="csrfmiddlewaretoken" value="{escape(TOKEN_MARK)}">'


# The writers ----------------------------------------------------------------------------------


def deleted_with_its_meeting(origin) -> bool:
    """A row deleted with its meeting or coalition: the version goes with them."""
    if isinstance(origin, QuerySet):
        return origin.model in (Meeting, Coalition)
    return isinstance(origin, Meeting | Coalition)


def _meeting_saved(sender, instance, raw=False, **kwargs) -> None:
    if not raw:
        meetings_changed(meeting_ids=[instance.pk])


def _part_saved(sender, instance, raw=False, **kwargs) -> None:
    if not raw:
        meetings_changed(meeting_ids=[instance.meeting_id])


def _part_deleted(sender, instance, origin=None, **kwargs) -> None:
    if not deleted_with_its_meeting(origin):
        meetings_changed(meeting_ids=[instance.meeting_id])


# Other apps' rows shown in a meeting's lists name people and organisations too (actions: the
# owners of action points): each registers how to find the meetings whose lists show a name.
_naming: list[Callable[..., set[int]]] = []


def register_meetings_naming(find: Callable[..., set[int]]) -> None:
    """Called from an AppConfig.ready(): `find(user_id=…)` or `find(organisation_id=…)` gives
    the ids of the meetings whose lists show that person's or organisation's name."""
    if find not in _naming:
        _naming.append(find)


def _meetings_naming(*, user_id=None, organisation_id=None) -> set[int]:
    """The meetings whose lists show this person's or organisation's name."""
    if user_id is not None:
        shown = Participant.objects.filter(user_id=user_id)
    else:
        shown = Participant.objects.filter(organisation_id=organisation_id)
    found = set(shown.values_list("meeting_id", flat=True))
    for find in _naming:
        found |= find(user_id=user_id, organisation_id=organisation_id)
    return found


def names_changed(*, user_ids=(), organisation_ids=()) -> None:
    """For writes that rename people or organisations, or move rows between them, without a
    signal (queryset updates)."""
    meeting_ids = set()
    for pk in user_ids:
        meeting_ids |= _meetings_naming(user_id=pk)
    for pk in organisation_ids:
        meeting_ids |= _meetings_naming(organisation_id=pk)
    meetings_changed(meeting_ids=meeting_ids)


def _user_saving(sender, instance, raw=False, update_fields=None, **kwargs) -> None:
    if raw or instance.pk is None or (update_fields is not None and "name" not in update_fields):
        return
    before = sender.objects.filter(pk=instance.pk).values_list("name", flat=True).first()
    if before is not None and before != instance.name:
        names_changed(user_ids=[instance.pk])


def _organisation_saving(sender, instance, raw=False, update_fields=None, **kwargs) -> None:
    if raw or instance.pk is None:
        return
    before = sender.objects.filter(pk=instance.pk).values_list("name", "short_name").first()
    if before is not None and before != (instance.name, instance.short_name):
        names_changed(organisation_ids=[instance.pk])


def _participants_moved(ids: list[int]) -> None:
    # An organisation merge moved these participants to the organisation kept.
    meetings_changed(
        meeting_ids=Participant.objects.filter(pk__in=ids).values_list("meeting_id", flat=True)
    )


def _user_deleting(sender, instance, **kwargs) -> None:
    # Their action points lose their owner by a queryset update, which sends no signal.
    names_changed(user_ids=[instance.pk])


def connect_signals() -> None:
    from django.contrib.auth import get_user_model

    from coalitions.services import follow_organisation_merge

    post_save.connect(_meeting_saved, sender=Meeting, dispatch_uid="meeting-version-meeting")
    # The day of publication closes the documents and action points (publication.closed_notice).
    post_save.connect(_part_saved, sender=Summary, dispatch_uid="meeting-version-summary")
    for model in (AgendaItem, Participant, Decision, Document):
        name = model.__name__
        post_save.connect(_part_saved, sender=model, dispatch_uid=f"meeting-version-save-{name}")
        post_delete.connect(
            _part_deleted, sender=model, dispatch_uid=f"meeting-version-delete-{name}"
        )
    user = get_user_model()
    pre_save.connect(_user_saving, sender=user, dispatch_uid="meeting-version-user-name")
    pre_delete.connect(_user_deleting, sender=user, dispatch_uid="meeting-version-user-delete")
    pre_save.connect(
        _organisation_saving, sender=Organisation, dispatch_uid="meeting-version-organisation"
    )
    follow_organisation_merge(Participant, _participants_moved)
