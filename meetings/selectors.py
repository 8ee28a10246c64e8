"""Every queryset a meetings page iterates, with its joins and the visibility filter."""

from datetime import datetime, timedelta
from functools import cache
from operator import attrgetter
from typing import NamedTuple

from django.db import connection
from django.db.models import (
    BooleanField,
    CharField,
    Count,
    DateTimeField,
    Exists,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
)
from django.db.models.expressions import RawSQL
from django.db.models.functions import Coalesce
from django.utils import timezone

from coalitions import permissions as perms
from coalitions.models import Coalition, Membership, Visibility
from coalitions.permissions import visibilities_for
from config.compiled_query import CompiledQueries, column_converters, converted
from mail.models import MailStatus

from . import cadence, timefmt
from .models import (
    UNANNOUNCED_STATUSES,
    AgendaItem,
    Decision,
    Delivery,
    Document,
    Meeting,
    MeetingChange,
    Participant,
    Summary,
    unannounced,
)


def _drafts_hidden(meetings: QuerySet[Meeting]) -> QuerySet[Meeting]:
    return meetings.exclude(unannounced())


def meeting_list(*, coalition: Coalition, drafts: bool = True) -> QuerySet[Meeting]:
    """`drafts`: whether meetings whose invitations have not gone out are shown (to those who
    prepare them: `permissions.sees_draft_meetings`)."""
    # Counted per meeting shown (after the limit), not by joining every agenda item first.
    agenda_count = (
        AgendaItem.objects.filter(meeting=OuterRef("pk"))
        .order_by()
        .values("meeting")
        .annotate(n=Count("pk"))
        .values("n")
    )
    meetings = (
        Meeting.objects.filter(coalition=coalition)
        .select_related("coalition")
        .annotate(agenda_count=Coalesce(Subquery(agenda_count), 0))
    )
    return meetings if drafts else _drafts_hidden(meetings)


# A calendar program polls the feed every few minutes: it carries the coming meetings and a year
# of past ones, never the coalition's whole history.
FEED_PAST_DAYS = 365
FEED_MOST_MEETINGS = 500


def calendar_feed_meetings(*, coalition: Coalition) -> QuerySet[Meeting]:
    since = timezone.now() - timedelta(days=FEED_PAST_DAYS)
    # A calendar holds what was announced: drafts stay out, whoever subscribes.
    return (
        _drafts_hidden(Meeting.objects.filter(coalition=coalition, ends_at__gte=since))
        .select_related("coalition")
        .order_by("starts_at")[:FEED_MOST_MEETINGS]
    )


# What the meetings list shows of each meeting (meetings/rows.py): its coalition is the page's.
LISTED_COLUMNS = ("title", "kind", "status", "invitations_sent_at", "starts_at", "ends_at", "venue")


def upcoming_meetings(*, coalition: Coalition, drafts: bool = True) -> QuerySet[Meeting]:
    """Every kind of meeting, the soonest first: the columns the list shows, no agenda count."""
    meetings = Meeting.objects.filter(
        coalition=coalition, ends_at__gte=timezone.now(), status=Meeting.Status.PLANNED
    )
    return (
        (meetings if drafts else _drafts_hidden(meetings))
        .only(*LISTED_COLUMNS)
        .order_by("starts_at")
    )


def past_meetings(*, coalition: Coalition, drafts: bool = True) -> QuerySet[Meeting]:
    return (
        meeting_list(coalition=coalition, drafts=drafts)
        .select_related(None)
        .only(*LISTED_COLUMNS)
        .filter(Q(ends_at__lt=timezone.now()) | ~Q(status=Meeting.Status.PLANNED))
        .order_by("-starts_at")
    )


class ListedMeeting(NamedTuple):
    """A meeting as the meetings list shows it (meetings/rows.py): its own columns, and for a
    past one the number of its agenda items."""

    pk: int
    title: str
    kind: str
    status: str
    invitations_sent_at: datetime | None
    starts_at: datetime
    ends_at: datetime
    venue: str
    agenda_count: int | None = None


# The meeting's columns in the order of ListedMeeting's.
_LISTED_FIELDS = tuple(
    "id" if name == "pk" else name for name in ListedMeeting._fields if name != "agenda_count"
)


@cache
def _listed_query(vendor: str, drafts: bool) -> tuple[str, tuple[tuple, ...]]:
    """The SQL of `listed_meetings`, and the converters of the meeting's columns that need one
    (their index, column and functions: the backend's and the field's, as the ORM applies them),
    written once per process: the ORM took several times longer to build and compile the two
    lists' queries than the database to run them.

    The filters and orders of `upcoming_meetings` and `past_meetings`; each list is a subquery,
    as SQLite takes a limit in a compound query only there.
    """
    quote = connection.ops.quote_name

    def column(name: str) -> str:
        return f"m.{quote(Meeting._meta.get_field(name).column)}"

    table, items = quote(Meeting._meta.db_table), quote(AgendaItem._meta.db_table)
    columns = ", ".join(column(name) for name in _LISTED_FIELDS)
    shown = ""
    if not drafts:
        statuses = ", ".join(["%s"] * len(UNANNOUNCED_STATUSES))
        shown = (
            f" AND NOT ({column('invitations_sent_at')} IS NULL"
            f" AND {column('status')} IN ({statuses}))"
        )
    agenda_count = (
        f"(SELECT COUNT(*) FROM {items} a"
        f" WHERE a.{quote(AgendaItem._meta.get_field('meeting').column)} = {column('id')})"
    )
    upcoming = (
        f"SELECT 0 AS listed_past, {columns}, 0 AS agenda_count, 0 AS list_length FROM {table} m"
        f" WHERE {column('coalition')} = %s AND {column('ends_at')} >= %s"
        f" AND {column('status')} = %s{shown}"
        f" ORDER BY {column('starts_at')} LIMIT %s"
    )
    past = (
        f"SELECT 1 AS listed_past, {columns}, {agenda_count} AS agenda_count,"
        f" COUNT(*) OVER () AS list_length FROM {table} m"
        f" WHERE {column('coalition')} = %s"
        f" AND ({column('ends_at')} < %s OR {column('status')} <> %s){shown}"
        f" ORDER BY {column('starts_at')} DESC LIMIT %s OFFSET %s"
    )
    converters = []
    for index, name in enumerate(_LISTED_FIELDS):
        column, funcs = column_converters(Meeting._meta.get_field(name), "m", connection)
        if funcs:
            converters.append((index, column, funcs))
    sql = f"SELECT * FROM ({upcoming}) coming UNION ALL SELECT * FROM ({past}) gone"
    return sql, tuple(converters)


def listed_meetings(
    *, coalition: Coalition, drafts: bool, upcoming: int, past_from: int, past: int
) -> tuple[list[ListedMeeting], list[ListedMeeting], int]:
    """The meetings list in one query: the first `upcoming` meetings of `upcoming_meetings`, the
    soonest first, and `past` meetings of `past_meetings` from the `past_from`th on, the latest
    first, with the length of that whole list (0 when none of it was read).

    `drafts`: whether meetings whose invitations have not gone out are shown.
    """
    sql, converters = _listed_query(connection.vendor, drafts)
    now = Meeting._meta.get_field("ends_at").get_db_prep_value(timezone.now(), connection)
    planned = Meeting.Status.PLANNED.value
    hidden = [] if drafts else list(UNANNOUNCED_STATUSES)
    params = [coalition.pk, now, planned, *hidden, upcoming]
    params += [coalition.pk, now, planned, *hidden, past, past_from]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        found = cursor.fetchall()
    coming, gone, length = [], [], 0
    for is_past, *values, agenda_count, list_length in found:
        for index, column, funcs in converters:
            values[index] = converted(values[index], column, funcs, connection)
        if is_past:
            gone.append(ListedMeeting(*values, agenda_count=agenda_count))
            length = list_length
        else:
            coming.append(ListedMeeting(*values))
    # Each list in its subquery's order, whatever order the database gives the two in.
    coming.sort(key=attrgetter("starts_at"))
    gone.sort(key=attrgetter("starts_at"), reverse=True)
    return coming, gone, length


def next_meeting(*, coalition: Coalition, drafts: bool = False) -> Meeting | None:
    """The soonest meeting still to come, of any kind: the meeting's own columns only (the home
    panel shows no agenda count, and only those it shows), its coalition the one given rather
    than read again."""
    meetings = (
        Meeting.objects.filter(
            coalition=coalition, ends_at__gte=timezone.now(), status=Meeting.Status.PLANNED
        )
        .only(*LISTED_COLUMNS, "online_link")
        .order_by("starts_at")
    )
    meeting = (meetings if drafts else _drafts_hidden(meetings)).first()
    if meeting is not None:
        meeting.coalition = coalition
    return meeting


def next_meeting_and_last_held(
    *, coalition: Coalition, drafts: bool = False
) -> tuple[Meeting | None, Meeting | None]:
    """`next_meeting`, and the coalition meeting held last with `planned_after` (what the cadence
    proposes the next one from), in one query: each row is picked by a subquery, and told apart
    by its status (the next meeting is planned, the other held). Compiled once per process for
    drafts shown or not (config/compiled_query.py)."""
    values = {"coalition": coalition.pk, "now": timezone.now()}
    compiled = MEETING_QUERIES.get(
        ("next and last held", drafts),
        lambda stood_in: _next_and_last_held(stood_in, drafts),
        {"coalition": int, "now": datetime},
    )
    rows = compiled.instances(values) if compiled else _next_and_last_held(values, drafts)
    meeting = held = None
    for row in rows:
        row.coalition = coalition
        if row.status == Meeting.Status.PLANNED:
            meeting = row
        else:
            held = row
    return meeting, held


def _next_and_last_held(values: dict, drafts: bool) -> QuerySet[Meeting]:
    soonest = Meeting.objects.filter(
        coalition_id=values["coalition"], ends_at__gte=values["now"], status=Meeting.Status.PLANNED
    ).order_by("starts_at")
    soonest = (soonest if drafts else _drafts_hidden(soonest)).values("pk")[:1]
    last = cadence.held_coalition_meetings(coalition=values["coalition"]).values("pk")[:1]
    return (
        Meeting.objects.filter(Q(pk=Subquery(soonest)) | Q(pk=Subquery(last)))
        .only(*LISTED_COLUMNS, "online_link", "coalition_id")
        .annotate(planned_after=cadence.planned_after())
    )


def meeting_for_page(*, coalition: Coalition, pk: int, drafts: bool = True) -> Meeting | None:
    """None also for a draft the reader may not see (`drafts` False). Its coalition is the one
    given, not joined again: PostgreSQL plans each join on every meeting page."""
    meetings = Meeting.objects.select_related(
        "chair", "facilitator", "summary", "page_version"
    ).filter(coalition=coalition, pk=pk)
    # One row by its key: no ordering for the ORM to build.
    meeting = next(iter((meetings if drafts else _drafts_hidden(meetings)).order_by()[:1]), None)
    if meeting is not None:
        meeting.coalition = coalition
    return meeting


# What the meeting page shows around its lists, read with the meeting as correlated subqueries
# written out: the ORM took longer to build these than PostgreSQL to run them. `_MEETING` is the
# page's meeting (the query's own table).
_MEETING = Meeting._meta.db_table
_LATER_PLANNED = (
    f"FROM {_MEETING} later WHERE later.coalition_id = {_MEETING}.coalition_id"
    f" AND later.kind = {_MEETING}.kind AND later.status = %s"
    f" AND later.starts_at > {_MEETING}.starts_at"
)
# A planned meeting whose invitations never went out is a draft (`models.unannounced`).
_ANNOUNCED = " AND later.invitations_sent_at IS NOT NULL"
_PEOPLE = Meeting._meta.get_field("chair").related_model._meta.db_table
_NAME_OF = f"(SELECT person.name FROM {_PEOPLE} person WHERE person.id = {_MEETING}.{{person}})"
_PENDING_CHANGES = (
    f"EXISTS (SELECT 1 FROM {MeetingChange._meta.db_table} pending"
    f" WHERE pending.meeting_id = {_MEETING}.id AND pending.sequence IS NULL)"
)
_LATER_COALITION_MEETING = (
    f"EXISTS (SELECT 1 FROM {_MEETING} later WHERE later.coalition_id = {_MEETING}.coalition_id"
    f" AND later.kind = %s AND later.starts_at > {_MEETING}.starts_at AND later.status <> %s)"
)
_MAILS = (
    f"(SELECT COUNT(*) FROM {Delivery._meta.db_table} mail"
    f" WHERE mail.meeting_id = {_MEETING}.id AND mail.kind = %s"
)
# The mails whose counts the page shows its conveners, in `delivery_counts`' buckets: settled
# ("not a member any more" counts as sent), failed, and all of them.
_MAIL_BUCKETS = {
    "sent": (MailStatus.SENT, MailStatus.NOT_MEMBER),
    "failed": (MailStatus.FAILED,),
    "total": (),
}
_CONVENER_MAILS = (Delivery.Kind.INVITATION, Delivery.Kind.UPDATE)


def _mail_count(kind: str, statuses: tuple[str, ...]) -> RawSQL:
    if not statuses:
        return RawSQL(_MAILS + ")", (kind,), output_field=IntegerField())
    marks = ", ".join(["%s"] * len(statuses))
    return RawSQL(
        f"{_MAILS} AND mail.status IN ({marks}))", (kind, *statuses), output_field=IntegerField()
    )


# The meeting page's and the coalition home's meeting queries, compiled once per process for
# each shape: building them through the ORM took longer than PostgreSQL took to run them
# (config/compiled_query.py).
MEETING_QUERIES = CompiledQueries(size=16)


def _detail_query(*, coalition_id: int, pk: int, drafts: bool, convener: bool) -> QuerySet:
    later = _LATER_PLANNED if drafts else _LATER_PLANNED + _ANNOUNCED
    planned = (Meeting.Status.PLANNED,)

    def next_one(column: str, output_field) -> RawSQL:
        return RawSQL(
            f"(SELECT later.{column} {later} ORDER BY later.starts_at, later.id LIMIT 1)",
            planned,
            output_field=output_field,
        )

    # The chair's and facilitator's names as subqueries: two joins fewer for PostgreSQL to plan.
    meetings = Meeting.objects.select_related("summary", "page_version").filter(
        coalition_id=coalition_id, pk=pk
    )
    meetings = (meetings if drafts else _drafts_hidden(meetings)).annotate(
        chair_name=RawSQL(_NAME_OF.format(person="chair_id"), (), output_field=CharField()),
        facilitator_name=RawSQL(
            _NAME_OF.format(person="facilitator_id"), (), output_field=CharField()
        ),
        next_pk=next_one("id", IntegerField()),
        next_title=next_one("title", CharField()),
        next_starts_at=next_one("starts_at", DateTimeField()),
    )
    if convener:
        meetings = meetings.annotate(
            has_pending_changes=RawSQL(_PENDING_CHANGES, (), output_field=BooleanField()),
            planned_after=RawSQL(
                _LATER_COALITION_MEETING,
                (Meeting.Kind.COALITION, Meeting.Status.CANCELLED),
                output_field=BooleanField(),
            ),
            **{
                f"mails_{kind}_{bucket}": _mail_count(kind, statuses)
                for kind in _CONVENER_MAILS
                for bucket, statuses in _MAIL_BUCKETS.items()
            },
        )
    # One row by its key: no ordering for the ORM to build.
    return meetings.order_by()[:1]


def meeting_for_detail(
    *, coalition: Coalition, pk: int, drafts: bool = True, convener: bool = False
) -> Meeting | None:
    """`meeting_for_page`, with what the meeting page shows around its lists read in the same
    query: the names of its chair and facilitator (`chair_name`, `facilitator_name`), the next
    planned meeting of its kind (`next_meeting`, a draft only when `drafts`), and for those who
    convene it (`convener`) whether changes wait to be told (`has_pending_changes`), whether a
    later coalition meeting is planned (`planned_after`), and the counts of the invitation and
    update mails (`mail_counts`, as `delivery_counts` gives them: a kind without mails left
    out)."""
    compiled = MEETING_QUERIES.get(
        (drafts, convener),
        lambda stood_in: _detail_query(
            coalition_id=stood_in["coalition"], pk=stood_in["pk"], drafts=drafts, convener=convener
        ),
        {"coalition": int, "pk": int},
    )
    if compiled is None:  # not expected: the query's values are the two ids as they are
        meetings = _detail_query(coalition_id=coalition.pk, pk=pk, drafts=drafts, convener=convener)
    else:
        meetings = compiled.instances({"coalition": coalition.pk, "pk": pk})
    meeting = next(iter(meetings), None)
    if meeting is None:
        return None
    meeting.coalition = coalition
    meeting.next_meeting = None
    if meeting.next_pk is not None:
        meeting.next_meeting = Meeting(
            pk=meeting.next_pk,
            coalition=coalition,
            title=meeting.next_title,
            starts_at=meeting.next_starts_at,
        )
    meeting.mail_counts = {}
    for kind in _CONVENER_MAILS if convener else ():
        counts = {bucket: getattr(meeting, f"mails_{kind}_{bucket}") for bucket in _MAIL_BUCKETS}
        if counts["total"]:
            meeting.mail_counts[kind] = counts
    return meeting


def likely_duplicates(*, coalition: Coalition, kind: str, day) -> QuerySet[Meeting]:
    """Meetings of the coalition of this kind, not cancelled, on `day` as the coalition's clock
    reads it: what a second "new meeting" for the same day most likely repeats."""
    bounds = timefmt.local_day(day, coalition.timezone)
    if bounds is None:
        return Meeting.objects.none()
    start, end = bounds
    return Meeting.objects.filter(
        coalition=coalition, kind=kind, starts_at__gte=start, starts_at__lt=end
    ).exclude(status=Meeting.Status.CANCELLED)


def pending_changes(*, meeting: Meeting) -> QuerySet[MeetingChange]:
    """Changes to an invited meeting that its participants have not been told yet."""
    return meeting.changes.filter(sequence__isnull=True)


def agenda_for(*, meeting: Meeting, perms: frozenset[str]) -> QuerySet[AgendaItem]:
    return meeting.agenda_items.filter(visibility__in=visibilities_for(perms))


def hold_agenda(*, meeting: Meeting, perms: frozenset[str]) -> QuerySet[AgendaItem]:
    """The agenda in order, each item with the decisions recorded against it (`item_decisions`)."""
    visible = visibilities_for(perms)
    return agenda_for(meeting=meeting, perms=perms).prefetch_related(
        Prefetch(
            "decisions",
            queryset=Decision.objects.filter(visibility__in=visible),
            to_attr="item_decisions",
        )
    )


def _visible_minutes(*, meeting: Meeting, perms: frozenset[str]) -> QuerySet[AgendaItem]:
    return agenda_for(meeting=meeting, perms=perms).exclude(minutes="")


def minutes_for(*, meeting: Meeting, perms: frozenset[str]) -> QuerySet[AgendaItem]:
    """The visible agenda items that have minutes, each with its number in the visible agenda."""
    visible = agenda_for(meeting=meeting, perms=perms)
    up_to_here = (
        visible.filter(
            Q(position__lt=OuterRef("position"))
            | Q(position=OuterRef("position"), pk__lte=OuterRef("pk"))
        )
        .order_by()
        .values("meeting")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return (
        _visible_minutes(meeting=meeting, perms=perms)
        .annotate(number=Subquery(up_to_here))
        .order_by("position", "pk")
    )


def participants_for(*, meeting: Meeting) -> QuerySet[Participant]:
    return meeting.participants.select_related("user", "organisation").order_by(
        "organisation__name", "user__name"
    )


def decisions_for(*, meeting: Meeting, perms: frozenset[str]) -> QuerySet[Decision]:
    visible = visibilities_for(perms)
    return (
        meeting.decisions.filter(visibility__in=visible)
        .filter(Q(agenda_item__isnull=True) | Q(agenda_item__visibility__in=visible))
        .select_related("agenda_item")
    )


def documents_for(*, meeting: Meeting, perms: frozenset[str]) -> QuerySet[Document]:
    return meeting.documents.filter(visibility__in=visibilities_for(perms)).select_related(
        "uploaded_by"
    )


def _count(queryset: QuerySet, by: str = "meeting") -> Coalesce:
    rows = queryset.order_by().values(by).annotate(n=Count("pk")).values("n")
    return Coalesce(Subquery(rows), 0)


def section_counts(*, meeting: Meeting, perms: frozenset[str]) -> dict[str, int]:
    """How many rows each list of the meeting page holds for this reader, in one query, so each
    list is read only when it has rows (and never counted on its own)."""
    return (
        Meeting.objects.filter(pk=meeting.pk)
        .values()
        .annotate(
            agenda=_count(agenda_for(meeting=meeting, perms=perms)),
            participants=_count(meeting.participants.all()),
            minutes=_count(_visible_minutes(meeting=meeting, perms=perms)),
            decisions=_count(decisions_for(meeting=meeting, perms=perms)),
            documents=_count(documents_for(meeting=meeting, perms=perms)),
        )
        .values("agenda", "participants", "minutes", "decisions", "documents")
        .get()
    )


def delivery_counts(*, meeting: Meeting, summary_revision: int = 0) -> dict[str, dict[str, int]]:
    """{kind: {"sent": n, "pending": n, "failed": n, "total": n}} in one query; the summary's are
    those of its latest revision (`summary_revision`), the mails that say how it stands."""
    counts: dict[str, dict[str, int]] = {}
    rows = (
        Delivery.objects.filter(meeting=meeting)
        .exclude(Q(kind=Delivery.Kind.SUMMARY) & ~Q(sequence=summary_revision))
        .values("kind", "status")
        .annotate(n=Count("pk"))
        .order_by()
    )
    for row in rows:
        kind = counts.setdefault(row["kind"], {"sent": 0, "pending": 0, "failed": 0, "total": 0})
        # "Being sent" counts as waiting; "not a member any more" as settled, like sent.
        bucket = {"sending": "pending", "not_member": "sent"}.get(row["status"], row["status"])
        kind[bucket] = kind.get(bucket, 0) + row["n"]
        kind["total"] += row["n"]
    return counts


def summary_for(*, meeting: Meeting) -> Summary | None:
    """The meeting's summary, once it was published; None before."""
    return Summary.objects.filter(meeting=meeting).first()


def summary_deliveries(*, meeting: Meeting, revision: int = 0) -> QuerySet[Delivery]:
    return (
        Delivery.objects.filter(meeting=meeting, kind=Delivery.Kind.SUMMARY, sequence=revision)
        .select_related("user")
        .order_by("user__name")
    )


def memberships_for_choice(*, coalition: Coalition) -> QuerySet[Membership]:
    return (
        Membership.objects.filter(coalition=coalition)
        .select_related("user", "organisation")
        .order_by("organisation__name", "user__name")
    )


TODAY_MEETINGS = 5
TODAY_AGENDA_ITEMS = 8


def next_meetings_everywhere(*, user, accesses: list[perms.CoalitionAccess]) -> list[Meeting]:
    """For the Today page: the person's next planned meetings in every coalition they belong to,
    each with the agenda items the person may see in it (`visible_agenda`), in 2 queries.

    "The person's": they are invited (a participant), chair or facilitate it, or convene the
    coalition's meetings by their role (they attend every one); never a meeting of a coalition
    they are not in. Drafts only for those who prepare them."""
    restricted = perms.coalition_ids_with(accesses, perms.VIEW_RESTRICTED)
    preparing = [a.coalition.pk for a in accesses if a.sees_draft_meetings]
    convened = perms.coalition_ids_with(accesses, perms.MANAGE_MEETINGS)
    agenda = AgendaItem.objects.filter(
        Q(visibility=Visibility.MEMBERS)
        | Q(visibility=Visibility.RESTRICTED, meeting__coalition_id__in=restricted)
    ).order_by("position", "pk")
    invited = Participant.objects.filter(meeting=OuterRef("pk"), user=user)
    return list(
        Meeting.objects.filter(
            coalition_id__in=[access.coalition.pk for access in accesses],
            status=Meeting.Status.PLANNED,
            ends_at__gte=timezone.now(),
        )
        .filter(Q(invitations_sent_at__isnull=False) | Q(coalition_id__in=preparing))
        .filter(
            Exists(invited) | Q(chair=user) | Q(facilitator=user) | Q(coalition_id__in=convened)
        )
        .select_related("coalition")
        .prefetch_related(Prefetch("agenda_items", queryset=agenda, to_attr="visible_agenda"))
        .order_by("starts_at", "pk")[:TODAY_MEETINGS]
    )
