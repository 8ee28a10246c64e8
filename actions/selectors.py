"""Every queryset an action point page, export or mail iterates, with its permission filter."""

from collections.abc import Callable
from dataclasses import dataclass, fields
from datetime import date, datetime

from django.contrib.auth import get_user_model
from django.db.models import (
    Case,
    CharField,
    Count,
    DateTimeField,
    Exists,
    F,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    When,
    Window,
)
from django.db.models.expressions import RawSQL
from django.utils import timezone

from coalitions import permissions as perms
from coalitions.models import Coalition, Membership, Organisation, Visibility
from coalitions.pagination import with_list_length
from config.compiled_query import CompiledQueries
from config.zones import in_zone
from meetings.models import AgendaItem, Meeting, unannounced
from users.models import User

from .models import ActionPoint, ActionUpdate, DigestSent, NotificationPreference, ReminderSent

SORTS = {
    "due": ("due_date", "id"),
    "-due": ("-due_date", "-id"),
    "title": ("title", "id"),
    "owner": ("owner_organisation__name", "due_date", "id"),
    "status": ("status", "due_date", "id"),
    "updated": ("-updated_at", "-id"),
}


def coalition_today(coalition: Coalition, now: datetime | None = None) -> date:
    """Today's date where the coalition is, which is what due dates are read against."""
    return local_today(coalition.timezone, now)


def local_today(zone_name: str, now: datetime | None = None) -> date:
    return in_zone(now or timezone.now(), zone_name).date()


@dataclass
class ActionPointFilters:
    view: str = "all"  # all | mine | recorded
    status: str = ""  # "" = open and in progress; "archived"; "any"; or one status
    owner_organisation: int | None = None
    meeting: int | None = None
    overdue: bool = False
    sort: str = "due"
    query: str = ""


def _with_last_update(queryset: QuerySet) -> QuerySet:
    last = ActionUpdate.objects.filter(action_point=OuterRef("pk")).order_by("-created_at")
    return queryset.annotate(last_update_at=Subquery(last.values("created_at")[:1]))


def action_point_list(
    *,
    coalition: Coalition,
    perms_held: frozenset[str],
    user: User,
    organisation_id: int | None,
    filters: ActionPointFilters,
) -> QuerySet[ActionPoint]:
    """The coalition's action points a person may see, as the list's filters ask."""
    return _list_queryset(
        coalition_id=coalition.pk,
        visibilities=tuple(perms.visibilities_for(perms_held)),
        user_id=user.pk,
        organisation_id=organisation_id,
        filters=filters,
        today=coalition_today(coalition) if filters.overdue else None,
    )


def _list_queryset(
    *,
    coalition_id: int,
    visibilities: tuple[str, ...],
    user_id: int,
    organisation_id: int | None,
    filters: ActionPointFilters,
    today: date | None,
) -> QuerySet[ActionPoint]:
    queryset = ActionPoint.objects.filter(coalition_id=coalition_id, visibility__in=visibilities)
    if filters.view == "mine":
        queryset = queryset.filter(Q(owner_id=user_id) | Q(owner_organisation_id=organisation_id))
    elif filters.view == "recorded":
        queryset = queryset.filter(recorded_by_id=user_id)
    if filters.status == "archived":
        queryset = queryset.filter(status__in=ActionPoint.ARCHIVED)
    elif filters.status in ActionPoint.Status.values:
        queryset = queryset.filter(status=filters.status)
    elif filters.status != "any":
        queryset = queryset.filter(status__in=ActionPoint.ACTIVE)
    if filters.owner_organisation:
        queryset = queryset.filter(owner_organisation_id=filters.owner_organisation)
    if filters.meeting:
        queryset = queryset.filter(meeting_id=filters.meeting)
    if filters.overdue:
        queryset = queryset.filter(status__in=ActionPoint.ACTIVE, due_date__lt=today)
    if filters.query:
        queryset = queryset.filter(
            Q(title__icontains=filters.query) | Q(description__icontains=filters.query)
        )
    return queryset.order_by(*SORTS.get(filters.sort, SORTS["due"]))


# The list pages' queries, compiled once per process for each shape (config/compiled_query.py).
PAGE_QUERIES = CompiledQueries()


def action_point_page_reader(
    *,
    coalition: Coalition,
    perms_held: frozenset[str],
    user: User,
    organisation_id: int | None,
    filters: ActionPointFilters,
) -> Callable[[int, int], list[tuple] | None] | None:
    """What reads a page of `action_point_rows(action_point_list(...))` with its list's length
    (`coalitions.pagination.with_list_length`), from a query compiled once for the filters'
    shape; None for a search (its text is made into a pattern, no stand-in)."""
    if filters.query:
        return None
    visibilities = tuple(perms.visibilities_for(perms_held))
    mine = filters.view == "mine" and organisation_id is not None
    values: dict[str, object] = {"coalition": coalition.pk}
    if filters.view in ("mine", "recorded"):
        values["user"] = user.pk
    if mine:
        values["organisation"] = organisation_id
    if filters.owner_organisation:
        values["owner_organisation"] = filters.owner_organisation
    if filters.meeting:
        values["meeting"] = filters.meeting
    if filters.overdue:
        values["today"] = coalition_today(coalition)
    kinds = {name: date if name == "today" else int for name in values}
    shape = (
        "coalition list",
        visibilities,
        filters.view,
        mine,
        filters.status,
        filters.sort,
        filters.overdue,
        bool(filters.owner_organisation),
        bool(filters.meeting),
    )

    def build(stood_in: dict, start: int, stop: int) -> QuerySet:
        shaped = ActionPointFilters(
            view=filters.view,
            status=filters.status,
            owner_organisation=stood_in.get("owner_organisation"),
            meeting=stood_in.get("meeting"),
            overdue=filters.overdue,
            sort=filters.sort,
        )
        queryset = _list_queryset(
            coalition_id=stood_in["coalition"],
            visibilities=visibilities,
            user_id=stood_in.get("user"),
            organisation_id=stood_in.get("organisation"),
            filters=shaped,
            today=stood_in.get("today"),
        )
        return with_list_length(action_point_rows(queryset))[start:stop]

    def read(start: int, stop: int) -> list[tuple] | None:
        compiled = PAGE_QUERIES.get(
            (*shape, start, stop), lambda stood_in: build(stood_in, start, stop), kinds
        )
        return None if compiled is None else compiled.rows(values)

    return read


def with_list_details(queryset: QuerySet[ActionPoint]) -> QuerySet[ActionPoint]:
    """Every row of the export: its people, meeting, agenda item and last update."""
    return _with_last_update(
        queryset.select_related(
            "coalition", "owner_organisation", "owner", "meeting", "agenda_item", "recorded_by"
        )
    )


@dataclass(eq=False)
class ActionPointRow:
    """One row of an action point list (actions/rows.py), read as values: what it shows, and
    what tells whether the reader may change its status (`may_update_holding`)."""

    pk: int
    title: str
    status: str
    due_date: date | None
    visibility: str
    coalition_id: int
    owner_id: int | None
    owner_organisation_id: int
    owner_organisation_name: str
    owner_name: str | None
    meeting_title: str | None
    last_update_at: datetime | None

    def is_overdue_on(self, today: date) -> bool:
        return bool(self.due_date and self.status in ActionPoint.ACTIVE and self.due_date < today)


ROW_COLUMNS = tuple(field.name for field in fields(ActionPointRow))


def _read(sql: str, output_field) -> RawSQL:
    return RawSQL(sql, (), output_field=output_field)


_LISTED = ActionPoint._meta.db_table
# What a row adds to the action point's own columns, each read by key in a subquery written out
# as the ORM writes it: building and compiling four Subquery expressions cost each list page as
# much time as the database spent running its query.
ROW_READS = {
    "owner_organisation_name": _read(
        f'SELECT "name" FROM "{Organisation._meta.db_table}" '
        f'WHERE "id" = "{_LISTED}"."owner_organisation_id"',
        CharField(),
    ),
    "owner_name": _read(
        f'SELECT "name" FROM "{User._meta.db_table}" WHERE "id" = "{_LISTED}"."owner_id"',
        CharField(),
    ),
    "meeting_title": _read(
        f'SELECT "title" FROM "{Meeting._meta.db_table}" WHERE "id" = "{_LISTED}"."meeting_id"',
        CharField(),
    ),
    "last_update_at": _read(
        f'SELECT "created_at" FROM "{ActionUpdate._meta.db_table}" '
        f'WHERE "action_point_id" = "{_LISTED}"."id" ORDER BY "created_at" DESC LIMIT 1',
        DateTimeField(),
    ),
}


def action_point_rows(queryset: QuerySet[ActionPoint]) -> QuerySet:
    """The list's rows as the values of `ActionPointRow`, in the list's order.

    Each name is read by its key in a subquery of its own, which PostgreSQL runs for the rows
    returned only (after the sort and the limit): nothing is joined for the rest of the list,
    so a page with its list's length (`coalitions.pagination.page_with_count`) is one query
    whose cost does not grow with the other tables.
    """
    return queryset.annotate(**ROW_READS).values_list(*ROW_COLUMNS)


def action_point_list_for_meeting(
    *, meeting: Meeting, perms_held: frozenset[str]
) -> QuerySet[ActionPoint]:
    """The meeting's action points that a person holding `perms_held` in its coalition may see,
    in agenda order: those recorded under an item the person may see, item by item, then the
    others. `shown_item_id` is the item to show each under: None without an item, or when the
    item is one the person may not see (its title stays hidden; the action point is theirs)."""
    visible = perms.visibilities_for(perms_held)
    item_seen = Q(agenda_item__visibility__in=visible)
    return (
        ActionPoint.objects.filter(meeting=meeting, visibility__in=visible)
        .select_related("owner_organisation", "owner", "agenda_item")
        .annotate(
            shown_item_id=Case(When(item_seen, then=F("agenda_item_id"))),
            shown_item_position=Case(When(item_seen, then=F("agenda_item__position"))),
        )
        .order_by(
            F("shown_item_position").asc(nulls_last=True),
            F("shown_item_id").asc(nulls_last=True),
            "id",
        )
    )


@dataclass
class ItemGroup:
    """Action points recorded under one agenda item (`item` None: the other action points)."""

    item: AgendaItem | None
    points: list[ActionPoint]


def by_agenda_item(points: list[ActionPoint]) -> list[ItemGroup]:
    """Groups rows of `action_point_list_for_meeting` (in its order) by the item shown; each
    point also gets `shown_item`, the item or None."""
    groups: list[ItemGroup] = []
    for point in points:
        point.shown_item = point.agenda_item if point.shown_item_id else None
        if not groups or groups[-1].item != point.shown_item:
            groups.append(ItemGroup(item=point.shown_item, points=[]))
        groups[-1].points.append(point)
    return groups


def action_point_detail(*, coalition: Coalition, pk: int, perms_held: frozenset[str]):
    return (
        ActionPoint.objects.filter(
            coalition=coalition, pk=pk, visibility__in=perms.visibilities_for(perms_held)
        )
        .select_related("owner_organisation", "owner", "meeting", "recorded_by", "coalition")
        .first()
    )


def action_update_list(*, action_point: ActionPoint) -> QuerySet[ActionUpdate]:
    return action_point.updates.select_related("author").order_by("-created_at", "-id")


HISTORY_SHOWN = 50


def action_point_history(*, action_point: ActionPoint, perms_held: frozenset[str]) -> list:
    """The latest changes a reader may see (HISTORY_SHOWN at most), newest first, each field with
    its label and values; an action point inserted without history has none.

    Only versions whose visibility the reader may see are read, and each is compared with the
    previous one they may see: a title or setting the item had while it was restricted never
    reaches someone who may not read restricted items. People and organisations named in the
    changes are read in one query each.
    """
    history = (
        action_point.history.filter(visibility__in=perms.visibilities_for(perms_held))
        .select_related("history_user")
        .order_by("-history_id")
    )
    # One record more than shown, to tell what the oldest shown one changed.
    records = list(history[: HISTORY_SHOWN + 1])
    changes = []
    for index, newer in enumerate(records[:HISTORY_SHOWN]):
        older = records[index + 1] if index + 1 < len(records) else None
        if older is None:
            created = newer.history_type == "+"
            changes.append(
                {"record": newer, "fields": [], "created": created, "opened": not created}
            )
            continue
        delta = newer.diff_against(older, excluded_fields=["updated_at"])
        if delta.changes:
            changes.append(
                {"record": newer, "fields": delta.changes, "created": False, "opened": False}
            )
    related = {"owner": get_user_model(), "recorded_by": get_user_model()}
    related |= {"owner_organisation": Organisation, "meeting": Meeting}
    wanted: dict = {}
    for change in changes:
        for changed in change["fields"]:
            if changed.field in related:
                wanted.setdefault(related[changed.field], set()).update({changed.old, changed.new})
    names = {
        model: {obj.pk: str(obj) for obj in model.objects.filter(pk__in=ids - {None})}
        for model, ids in wanted.items()
    }
    readable = []
    for change in changes:
        fields = []
        for field in change["fields"]:
            model_field = ActionPoint._meta.get_field(field.field)
            if field.field in related:
                lookup = names.get(related[field.field], {})
                old, new = lookup.get(field.old, ""), lookup.get(field.new, "")
            elif model_field.choices:
                choices = dict(model_field.flatchoices)
                old, new = choices.get(field.old, field.old), choices.get(field.new, field.new)
            else:
                old, new = field.old, field.new
            fields.append({"label": model_field.verbose_name, "old": old, "new": new})
        readable.append({**change, "fields": fields})
    return readable


def my_open_summary(*, access: perms.CoalitionAccess, user: User) -> dict:
    """For the coalition home panel: the person's first open items, and how many are open and
    overdue in all (1 query: the counts ride along as windows over the whole list)."""
    coalition = access.coalition
    today = coalition_today(coalition)
    visibilities = tuple(perms.visibilities_for(access.perms))
    organisation_id = access.organisation_id
    values = {"user": user.pk, "coalition": coalition.pk, "today": today}
    kinds = {"user": int, "coalition": int, "today": date}
    if organisation_id is not None:
        values["organisation"] = organisation_id
        kinds["organisation"] = int
    # Compiled once per process for each set of visibilities (config/compiled_query.py).
    compiled = PAGE_QUERIES.get(
        ("open summary", visibilities, organisation_id is None),
        lambda stood_in: _open_summary(stood_in, visibilities),
        kinds,
    )
    items = compiled.instances(values) if compiled else list(_open_summary(values, visibilities))
    first = items[0] if items else None
    for item in items:
        item.overdue = item.is_overdue_on(today)
    return {
        "items": items,
        "total": first.total if first else 0,
        "overdue": first.overdue_total if first else 0,
    }


def _open_summary(values: dict, visibilities: tuple[str, ...]) -> QuerySet[ActionPoint]:
    return (
        ActionPoint.objects.filter(
            Q(owner_id=values["user"]) | Q(owner_organisation_id=values.get("organisation")),
            coalition_id=values["coalition"],
            status__in=ActionPoint.ACTIVE,
            visibility__in=visibilities,
        )
        .only("title", "due_date", "status")  # what the panel shows and the overdue badge reads
        .annotate(
            total=Window(Count("pk")),
            overdue_total=Window(Count("pk", filter=Q(due_date__lt=values["today"]))),
        )
        .order_by("due_date", "id")[:5]
    )


def open_action_points_of(*, coalition: Coalition, user: User, perms_held: frozenset[str]) -> list:
    """A person's open items in one coalition (their own and their organisation's), due first.

    Meeting invitations list them so each invitee arrives knowing what they owe."""
    organisation_id = (
        Membership.objects.filter(coalition=coalition, user=user)
        .values_list("organisation_id", flat=True)
        .first()
    )
    return list(
        ActionPoint.objects.filter(
            Q(owner=user) | Q(owner_organisation_id=organisation_id),
            coalition=coalition,
            status__in=ActionPoint.ACTIVE,
            visibility__in=perms.visibilities_for(perms_held),
        )
        .select_related("owner_organisation")
        .order_by(F("due_date").asc(nulls_last=True), "id")
    )


# What `memberships_of` reads, built once: only the person changes from one request to the next.
_MEMBERSHIP_COLUMNS = (
    Membership.objects.order_by()  # the model's order by organisation and name would join both
    .annotate(
        coalition_timezone=F("coalition__timezone"),
        coalition_name=F("coalition__name"),
        coalition_slug=F("coalition__slug"),
        coalition_archived_at=F("coalition__archived_at"),
    )
    .values_list(
        "coalition_id",
        "organisation_id",
        "role",
        "coalition_timezone",
        "coalition_name",
        "coalition_slug",
        "coalition_archived_at",
        named=True,
    )
)


def memberships_of(*, user: User) -> list:
    """The person's memberships as (coalition_id, organisation_id, role, and the coalition's
    timezone, name, slug and archived_at), in one short query."""
    return list(_MEMBERSHIP_COLUMNS.filter(user_id=user.pk))


def overdue_where(today_by_coalition: dict[int, date]) -> Q:
    """Active items due before their own coalition's today: one term per local date in use
    (a handful, as coalitions share a few zones), whatever the number of coalitions."""
    coalitions_on: dict[date, list[int]] = {}
    for coalition_id, today in today_by_coalition.items():
        coalitions_on.setdefault(today, []).append(coalition_id)
    overdue = Q(pk__in=[])
    for today, coalition_ids in sorted(coalitions_on.items()):
        overdue |= Q(coalition_id__in=sorted(coalition_ids), due_date__lt=today)
    return overdue & Q(status__in=ActionPoint.ACTIVE)


def my_action_points_everywhere(
    *, user: User, include_archived: bool = False, memberships: list | None = None
) -> QuerySet[ActionPoint]:
    """Across every coalition the person belongs to: what they or their organisation there own.

    Read from the person's memberships first (`memberships_of`, unless given), so the action
    points are found by index, membership by membership: (coalition, owner organisation) and
    (owner). Rows come bare; `action_point_rows` reads what a list shows.
    """
    if memberships is None:
        memberships = memberships_of(user=user)
    return _everywhere_queryset(
        user_id=user.pk,
        reach=[(m.coalition_id, m.organisation_id, _sees_restricted(m.role)) for m in memberships],
        include_archived=include_archived,
    )


def _sees_restricted(role: str) -> bool:
    return role in perms.roles_with(perms.VIEW_RESTRICTED)


def _everywhere_queryset(
    *, user_id: int, reach: list[tuple[int, int | None, bool]], include_archived: bool
) -> QuerySet[ActionPoint]:
    """`reach`: (coalition id, organisation id, sees restricted) of each membership."""
    found = Q(pk__in=[])
    for coalition_id, organisation_id, restricted in reach:
        visible = {} if restricted else {"visibility": Visibility.MEMBERS}
        found |= Q(coalition_id=coalition_id, owner_organisation_id=organisation_id, **visible)
        found |= Q(coalition_id=coalition_id, owner_id=user_id, **visible)
    queryset = ActionPoint.objects.filter(found)
    if not include_archived:
        queryset = queryset.filter(status__in=ActionPoint.ACTIVE)
    return queryset.order_by("due_date", "id")


def everywhere_page_reader(
    *, user: User, include_archived: bool, memberships: list
) -> Callable[[int, int], list[tuple] | None]:
    """What reads a page of `action_point_rows(my_action_points_everywhere(...))` with its
    list's length, from a query compiled once for the memberships' shape (how many, and in
    which of them restricted action points are seen)."""
    values: dict[str, object] = {"user": user.pk}
    shape: list = ["everywhere", include_archived]
    for n, membership in enumerate(memberships):
        values[f"coalition {n}"] = membership.coalition_id
        if membership.organisation_id is not None:
            values[f"organisation {n}"] = membership.organisation_id
        shape.append((_sees_restricted(membership.role), membership.organisation_id is None))
    kinds = dict.fromkeys(values, int)

    def build(stood_in: dict, start: int, stop: int) -> QuerySet:
        queryset = _everywhere_queryset(
            user_id=stood_in["user"],
            reach=[
                (stood_in[f"coalition {n}"], stood_in.get(f"organisation {n}"), restricted)
                for n, (restricted, _none) in enumerate(shape[2:])
            ],
            include_archived=include_archived,
        )
        return with_list_length(action_point_rows(queryset))[start:stop]

    def read(start: int, stop: int) -> list[tuple] | None:
        compiled = PAGE_QUERIES.get(
            (*shape, start, stop), lambda stood_in: build(stood_in, start, stop), kinds
        )
        return None if compiled is None else compiled.rows(values)

    return read


def owner_organisation_choices(*, coalition: Coalition) -> QuerySet[Organisation]:
    """Organisations taking part: the national authority, champions and members' organisations."""
    return (
        Organisation.objects.filter(
            Q(pk=coalition.national_authority_id)
            | Q(coalitions_as_champion=coalition)
            | Exists(Membership.objects.filter(coalition=coalition, organisation=OuterRef("pk")))
        )
        .distinct()
        .order_by("name")
    )


def owner_choices(*, coalition: Coalition):
    """The coalition's members, each with the organisation they represent there."""
    return (
        get_user_model()
        .objects.filter(memberships__coalition=coalition)
        .annotate(
            organisation_id=F("memberships__organisation_id"),
            organisation_name=F("memberships__organisation__name"),
        )
        .order_by("name")
    )


def meeting_choices(*, coalition: Coalition) -> QuerySet[Meeting]:
    """The meetings an action point may come from: not a draft, which only its conveners see."""
    return Meeting.objects.filter(coalition=coalition).exclude(unannounced()).order_by("-starts_at")


def notification_cadence(*, user: User, coalition: Coalition) -> str:
    preference = NotificationPreference.objects.filter(
        user=user, coalition=coalition, topic=NotificationPreference.Topic.ACTION_POINTS
    ).first()
    return preference.cadence if preference else NotificationPreference.Cadence.IMMEDIATE


def reminder_log(*, coalition: Coalition) -> QuerySet[ReminderSent]:
    return ReminderSent.objects.filter(coalition=coalition).select_related(
        "action_point", "recipient"
    )


def digest_log(*, coalition: Coalition) -> QuerySet[DigestSent]:
    return DigestSent.objects.filter(coalition=coalition).select_related("recipient")


TODAY_ITEMS = 10


def my_action_points_today(*, user: User, now: datetime | None = None) -> dict:
    """For the Today page: the person's open items everywhere (their own and their
    organisation's), overdue and upcoming, the first of each with their totals (3 queries: the
    memberships, then each list). Overdue is read against each coalition's own today, not the
    reader's."""
    now = now or timezone.now()
    memberships = memberships_of(user=user)
    overdue_now = overdue_where(
        {
            membership.coalition_id: local_today(membership.coalition_timezone, now)
            for membership in memberships
        }
    )
    mine = (
        my_action_points_everywhere(user=user, memberships=memberships)
        .select_related("coalition", "owner_organisation")
        .annotate(total=Window(Count("pk")))
    )
    overdue = list(mine.filter(overdue_now)[:TODAY_ITEMS])
    upcoming = list(
        mine.exclude(overdue_now).order_by(F("due_date").asc(nulls_last=True), "id")[:TODAY_ITEMS]
    )
    return {
        "overdue": overdue,
        "overdue_total": overdue[0].total if overdue else 0,
        "upcoming": upcoming,
        "upcoming_total": upcoming[0].total if upcoming else 0,
    }
