"""The sweep reads only what moved since its last complete run, and misses nothing that did: a
changed action point, a new day where the coalition is, a new member, a restored coalition."""

from datetime import UTC, date, datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from actions.models import ActionPointChange, ReminderMark, ReminderSent
from actions.reminders.recording import reminder_sweep
from actions.services import action_point_edit, action_update_post, reminder_settings_update
from actions.tests.factories import make_action_point
from coalitions.models import Role
from coalitions.services import coalition_archive, coalition_restore
from coalitions.tests.factories import CoalitionFactory, add_member
from tests.fixtures import committed

pytestmark = pytest.mark.django_db

NA = Role.NATIONAL_AUTHORITY


def at(*args) -> datetime:
    return datetime(*args, tzinfo=UTC)


def sweep(now, **kwargs):
    with committed():
        result = reminder_sweep(now=now, **kwargs)
    while result.more:
        with committed():
            result = reminder_sweep(now=now, cursor=result.cursor, **kwargs)
    return result


def recorded(kind: str):
    return ReminderSent.objects.filter(kind=kind)


def queries_of_a_run(now) -> tuple[dict, int]:
    with CaptureQueriesContext(connection) as queries:
        result = reminder_sweep(now=now)
    assert not result.more
    return result.found, len(queries)


def test_a_run_after_a_complete_one_reads_nothing_more_whatever_the_number_of_rows():
    def coalition_with(items: int):
        coalition = CoalitionFactory(timezone_name="UTC")
        owner = add_member(coalition, Role.OPERATOR)
        for n in range(items):
            make_action_point(coalition, owner=owner, title=f"Item {n}", due_date=date(2026, 6, 1))

    coalition_with(2)
    sweep(at(2026, 6, 2, 9))
    found, few = queries_of_a_run(at(2026, 6, 2, 9, 15))
    assert set(found.values()) == {0}
    for _ in range(3):
        coalition_with(5)
    sweep(at(2026, 6, 2, 9, 30))
    assert recorded("overdue").count() == 17
    found, many = queries_of_a_run(at(2026, 6, 2, 9, 45))
    assert set(found.values()) == {0} and many == few
    assert not ActionPointChange.objects.exists()
    assert not ReminderMark.objects.exclude(run=None).exists()


def test_a_due_date_moved_after_a_run_that_found_nothing_is_reminded(
    coalition, members, outbox_messages
):
    owner = members[Role.OPERATOR]
    item = make_action_point(coalition, owner=owner, due_date=date(2026, 9, 1))
    sweep(at(2026, 6, 2, 9))
    sweep(at(2026, 6, 2, 9, 15))
    assert not recorded("overdue").exists() and not recorded("due_soon").exists()
    with committed():
        action_point_edit(action_point=item, actor=members[NA], due_date=date(2026, 6, 1))
    sweep(at(2026, 6, 2, 9, 30))
    assert list(recorded("overdue").values_list("period", flat=True)) == ["2026-06-01"]
    assert outbox_messages.filter(subject__contains="overdue").count() == 1
    sweep(at(2026, 6, 2, 9, 45))
    assert recorded("overdue").count() == 1


def test_an_action_point_opened_again_is_reminded(coalition, members):
    owner = members[Role.OPERATOR]
    item = make_action_point(coalition, owner=owner, due_date=date(2026, 6, 1), status="done")
    sweep(at(2026, 6, 2, 9))
    assert not recorded("overdue").exists()
    with committed():
        action_update_post(action_point=item, actor=owner, text="Not done", new_status="open")
    sweep(at(2026, 6, 2, 9, 15))
    assert recorded("overdue").count() == 1


def test_the_next_day_where_the_coalition_is_brings_the_due_soon_reminder(coalition, members):
    coalition.timezone = "Asia/Beirut"
    coalition.save()
    make_action_point(coalition, owner=members[Role.OPERATOR], due_date=date(2026, 6, 10))
    sweep(at(2026, 6, 2, 20))  # 23:00 in Beirut: eight days ahead
    sweep(at(2026, 6, 2, 20, 15))
    assert not recorded("due_soon").exists()
    sweep(at(2026, 6, 2, 21, 15))  # 00:15 on 3 June in Beirut: seven days ahead
    assert recorded("due_soon").count() == 1


def test_a_new_member_of_the_owner_organisation_is_reminded(coalition, members):
    authority = members[NA]
    make_action_point(coalition, due_date=date(2026, 6, 1))  # owned by the organisation
    sweep(at(2026, 6, 2, 9))
    assert list(recorded("overdue").values_list("recipient", flat=True)) == [authority.pk]
    colleague = add_member(coalition, NA)
    sweep(at(2026, 6, 2, 9, 15))
    assert sorted(recorded("overdue").values_list("recipient", flat=True)) == sorted(
        [authority.pk, colleague.pk]
    )


def test_an_archived_coalition_sends_nothing_until_it_is_restored(coalition, members):
    owner = members[Role.OPERATOR]
    make_action_point(coalition, owner=owner, due_date=date(2026, 6, 1))
    coalition_archive(coalition=coalition, actor=members[NA])
    sweep(at(2026, 6, 2, 9))
    sweep(at(2026, 6, 2, 9, 15))
    assert not recorded("overdue").exists() and not ActionPointChange.objects.exists()
    coalition_restore(coalition=coalition, actor=members[NA])
    sweep(at(2026, 6, 2, 9, 30))
    assert recorded("overdue").count() == 1


def test_reminders_turned_on_again_are_read_again(coalition, members):
    make_action_point(coalition, owner=members[Role.OPERATOR], due_date=date(2026, 6, 1))
    reminder_settings_update(
        coalition=coalition, actor=None, reminders_enabled=False, due_soon_days=7
    )
    sweep(at(2026, 6, 2, 9))
    assert not recorded("overdue").exists()
    reminder_settings_update(
        coalition=coalition, actor=None, reminders_enabled=True, due_soon_days=7
    )
    sweep(at(2026, 6, 2, 9, 15))
    assert recorded("overdue").count() == 1


def test_a_run_cut_short_leaves_what_it_had_not_done_to_the_next(outbox_messages):
    owners = []
    for _ in range(3):
        coalition = CoalitionFactory(timezone_name="UTC")
        owner = add_member(coalition, Role.OPERATOR)
        make_action_point(coalition, owner=owner, due_date=date(2026, 6, 1))
        owners.append(owner)
    with committed():
        first = reminder_sweep(now=at(2026, 6, 2, 9), batch_size=1)
    assert first.more and recorded("overdue").count() == 1
    # Its next round never runs (a lost broker message, a killed worker); the next run does it.
    sweep(at(2026, 6, 2, 9, 15), batch_size=1)
    assert recorded("overdue").count() == 3
    overdue = outbox_messages.filter(subject__contains="overdue")
    assert sorted(m.recipients[0] for m in overdue) == sorted(o.email for o in owners)
    assert not ActionPointChange.objects.exists()


def test_a_round_queued_by_an_earlier_version_starts_the_run_afresh():
    coalition = CoalitionFactory(timezone_name="UTC")
    owner = add_member(coalition, Role.OPERATOR)
    make_action_point(coalition, owner=owner, title="Old cursor", due_date=date(2026, 6, 1))
    # The shape the sweep's rounds passed on before runs read only what moved.
    with committed():
        result = reminder_sweep(now=at(2026, 6, 2, 9), cursor={"after": {"overdue": 0}})
    while result.more:
        with committed():
            result = reminder_sweep(now=at(2026, 6, 2, 9), cursor=result.cursor)
    assert recorded("overdue").count() == 1


def test_action_points_moved_by_an_organisation_merge_are_read_again(coalition, members):
    """The twin's only member has left: the merge changes no membership of the coalition, only
    who owns the item, and the kept organisation's member is reminded."""
    from coalitions.models import Membership, Organisation
    from coalitions.services import membership_leave, organisation_create, organisation_merge
    from users.services import user_create

    def operator(name: str) -> Organisation:
        return organisation_create(
            name=name, kind=Organisation.Kind.OPERATOR, country="NO", actor=None
        )

    keep, twin = operator("Norwegian People's Aid"), operator("NPA Norway")
    kept_member = add_member(coalition, Role.OPERATOR, organisation=keep)
    gone = add_member(coalition, Role.OPERATOR, organisation=twin)
    make_action_point(coalition, organisation=twin, actor=members[NA], due_date=date(2026, 6, 5))
    with committed():
        membership_leave(membership=Membership.objects.get(user=gone), actor=gone)
    sweep(at(2026, 6, 2, 9))
    assert not recorded("due_soon").exists()
    staff = user_create(email="staff@example.net", name="Staff", is_staff=True, actor=None)
    with committed():
        organisation_merge(keep=keep, duplicates=[twin], actor=staff)
    assert ActionPointChange.objects.exists()
    sweep(at(2026, 6, 2, 9, 15))
    assert list(recorded("due_soon").values_list("recipient", flat=True)) == [kept_member.pk]


def test_a_due_date_changed_in_the_admin_is_read_again(client, coalition, members):
    from django.forms.models import model_to_dict
    from django.urls import reverse

    from users.services import user_create

    item = make_action_point(coalition, owner=members[Role.OPERATOR], due_date=date(2026, 9, 1))
    sweep(at(2026, 6, 2, 9))
    assert not recorded("overdue").exists()
    admin = user_create(email="root@example.net", name="Root", is_staff=True, actor=None)
    admin.is_superuser = True
    admin.save(update_fields=["is_superuser"])
    client.force_login(admin)
    fields = {k: v for k, v in model_to_dict(item).items() if v is not None}
    with committed():
        response = client.post(
            reverse("admin:actions_actionpoint_change", args=[item.pk]),
            {
                **fields,
                "due_date": "2026-06-01",
                "updated_at_0": "2026-06-02",
                "updated_at_1": "09:00",
            },
        )
    assert response.status_code == 302, response.content.decode()[:2000]
    sweep(at(2026, 6, 2, 9, 15))
    assert list(recorded("overdue").values_list("period", flat=True)) == ["2026-06-01"]
