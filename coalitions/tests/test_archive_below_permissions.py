"""An archived coalition stays read-only and silent below the permission layer: each service, task,
mail path and import refuses or holds, whoever calls it, and everything waits for the restore."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from actions import services as actions
from actions.models import ActionPoint, ActionUpdate, ReminderSent
from actions.tasks import send_reminders_task
from actions.tests.factories import make_action_point
from coalitions.models import HandOver, Invitation, Membership, Organisation, Role
from coalitions.services import (
    coalition_archive,
    coalition_restore,
    invitation_create,
    invitation_token,
    membership_change_role,
    membership_remove,
    organisation_add,
)
from coalitions.tasks import send_hand_over_email_task, send_invitation_email_task
from coalitions.tests.factories import UserFactory, add_member
from concerns import services as concerns
from concerns.models import ConcernNotice
from concerns.tasks import send_concern_notice_task
from mail import pipeline
from mail.models import MailStatus
from meetings import services as meetings
from meetings.models import AgendaItem, Decision, Delivery, Meeting
from meetings.tasks import send_meeting_mail_task
from meetings.tests.factories import make_meeting
from obligations import services as obligations
from obligations.assistance.services import offer_create
from obligations.models import Obligation, Offer, ProgressEntry
from obligations.tests.factories import make_indicator, make_obligation

pytestmark = pytest.mark.django_db

NA = Role.NATIONAL_AUTHORITY
LATER = timezone.now() + timedelta(days=365 * 20)


@pytest.fixture
def world(coalition, members):
    """A working coalition: a meeting with an agenda item, an action point, an indicator."""
    na = members[NA]
    meeting = make_meeting(coalition, na, title="Coordination")
    item = meetings.agenda_item_create(meeting=meeting, actor=na, title="Land release")
    point = make_action_point(coalition, owner=members[Role.OPERATOR], actor=na, title="Survey")
    indicator = make_indicator(make_obligation(coalition, actor=na), actor=na)
    return {"meeting": meeting, "item": item, "point": point, "indicator": indicator}


def archive(coalition, members):
    coalition_archive(coalition=coalition, actor=members[NA])
    coalition.refresh_from_db()


def organisation_of(members, role):
    return members[role].memberships.get().organisation


WRITES = {
    "action point": lambda c, m, w: actions.action_point_create(
        coalition=c, actor=m[NA], title="New", owner_organisation=c.national_authority
    ),
    "action update": lambda c, m, w: actions.action_update_post(
        action_point=w["point"], actor=m[NA], text="Done", new_status=ActionPoint.Status.DONE
    ),
    "action edit": lambda c, m, w: actions.action_point_edit(
        action_point=w["point"], actor=m[NA], title="Renamed"
    ),
    "reminder settings": lambda c, m, w: actions.reminder_settings_update(
        coalition=c, actor=m[NA], reminders_enabled=False, due_soon_days=3
    ),
    "meeting": lambda c, m, w: meetings.meeting_create(
        coalition=c,
        actor=m[NA],
        title="Another",
        starts_at=timezone.now() + timedelta(days=9),
        ends_at=timezone.now() + timedelta(days=9, hours=2),
    ),
    "meeting cancel": lambda c, m, w: meetings.meeting_cancel(meeting=w["meeting"], actor=m[NA]),
    "agenda item": lambda c, m, w: meetings.agenda_item_create(
        meeting=w["meeting"], actor=m[NA], title="More"
    ),
    "agenda order": lambda c, m, w: meetings.agenda_reorder(
        meeting=w["meeting"], actor=m[NA], item_ids=[w["item"].pk]
    ),
    "attendance": lambda c, m, w: meetings.attendance_record(
        meeting=w["meeting"],
        actor=m[NA],
        attendance={p.pk: "present" for p in w["meeting"].participants.all()},
    ),
    "minutes": lambda c, m, w: meetings.minutes_save(
        meeting=w["meeting"], actor=m[NA], notes="Notes", item_minutes={w["item"].pk: "Said"}
    ),
    "decision": lambda c, m, w: meetings.decision_create(
        meeting=w["meeting"], actor=m[NA], text="Agreed"
    ),
    "meeting held": lambda c, m, w: meetings.meeting_mark_held(meeting=w["meeting"], actor=m[NA]),
    "obligation": lambda c, m, w: obligations.obligation_create(
        coalition=c, article=3, entry_into_force=date(2016, 1, 1), actor=m[NA]
    ),
    "figure": lambda c, m, w: obligations.progress_report(
        indicator=w["indicator"],
        actor=m[Role.OPERATOR],
        period_start=date(2025, 1, 1),
        period_end=date(2025, 3, 31),
        value=Decimal(10),
        organisation=organisation_of(m, Role.OPERATOR),
    ),
    "offer": lambda c, m, w: offer_create(
        coalition=c,
        donor=organisation_of(m, Role.DONOR),
        activity="Survey",
        amount=Decimal(100),
        currency="EUR",
        period_start=date(2026, 1, 1),
        period_end=date(2026, 6, 30),
        actor=m[Role.DONOR],
    ),
    "concern": lambda c, m, w: concerns.concern_raise(
        coalition=c,
        actor=m[Role.OPERATOR],
        organisation=organisation_of(m, Role.OPERATOR),
        subject="Delays",
        text="Teams wait.",
    ),
    "invitation": lambda c, m, w: invitation_create(
        coalition=c,
        email="late@example.net",
        role=Role.OBSERVER,
        organisation=organisation_of(m, Role.OBSERVER),
        actor=m[NA],
    ),
    "role": lambda c, m, w: membership_change_role(
        membership=m[Role.DONOR].memberships.get(), role=Role.OBSERVER, actor=m[NA]
    ),
    "removal": lambda c, m, w: membership_remove(
        membership=m[Role.DONOR].memberships.get(), actor=m[NA]
    ),
    "organisation": lambda c, m, w: organisation_add(
        coalition=c, name="Late", kind=Organisation.Kind.OTHER, actor=m[NA]
    ),
}

COUNTED = (
    ActionPoint,
    ActionUpdate,
    Meeting,
    AgendaItem,
    Decision,
    Obligation,
    ProgressEntry,
    Offer,
    Invitation,
    Membership,
    Organisation,
)


def snapshot():
    return {
        model.__name__: sorted(
            (row.pop("id"), sorted(row.items(), key=str))
            for row in model.objects.values()
            if not isinstance(row, str)
        )
        for model in COUNTED
    }


@pytest.mark.parametrize("write", sorted(WRITES))
def test_no_service_writes_in_an_archived_coalition(
    coalition, members, world, write, django_capture_on_commit_callbacks
):
    archive(coalition, members)
    before = snapshot()
    with (
        django_capture_on_commit_callbacks(execute=True) as queued,
        pytest.raises(ValidationError) as refused,
    ):
        WRITES[write](coalition, members, world)
    assert "archived" in " ".join(refused.value.messages)
    assert snapshot() == before
    assert queued == []


def test_a_person_still_stops_the_mail_of_an_archived_coalition(coalition, members):
    archive(coalition, members)
    preference = actions.notification_preference_set(
        user=members[Role.DONOR], coalition=coalition, cadence="none"
    )
    assert preference.cadence == "none"


def test_a_progress_import_into_an_archived_coalition_writes_nothing(coalition, members, world):
    na = members[NA]
    archive(coalition, members)
    with pytest.raises(ValidationError):
        obligations.progress_import(
            coalition=coalition,
            rows=[
                {
                    "line": 2,
                    "obligation": world["indicator"].obligation.code,
                    "indicator": world["indicator"].kind,
                    "period_start": date(2025, 1, 1),
                    "period_end": date(2025, 3, 31),
                    "value": Decimal(5),
                    "cancelled_m2": None,
                    "reduced_m2": None,
                    "cleared_m2": None,
                    "source": "Upload",
                }
            ],
            organisation=coalition.national_authority,
            actor=na,
            validate=True,
        )
    assert not ProgressEntry.objects.exists()


def pending_mail_of_every_kind(coalition, members, world):
    """Mail rows written while the coalition worked, whose mail had not gone yet (their tasks
    not run: the broker was slow, or the archive came first)."""
    na = members[NA]
    invitation = invitation_create(
        coalition=coalition,
        email="waiting@example.net",
        role=Role.OBSERVER,
        organisation=organisation_of(members, Role.OBSERVER),
        actor=na,
    )
    meeting = meetings.meeting_create(
        coalition=coalition,
        actor=na,
        title="Invited",
        starts_at=timezone.now() + timedelta(days=12),
        ends_at=timezone.now() + timedelta(days=12, hours=2),
    )
    concern = concerns.concern_raise(
        coalition=coalition,
        actor=members[Role.OPERATOR],
        organisation=organisation_of(members, Role.OPERATOR),
        subject="Delays",
        text="Teams wait.",
    )
    reminder = ReminderSent.objects.create(
        coalition=coalition,
        action_point=world["point"],
        recipient=members[Role.OPERATOR],
        kind=ReminderSent.Kind.OVERDUE,
        period="2026-01",
    )
    colleague = add_member(coalition, NA)
    hand_over = HandOver.objects.create(
        coalition=coalition,
        organisation=coalition.national_authority,
        from_user=na,
        to_user=colleague,
    )
    return {
        "invitation": invitation,
        "meeting": meeting,
        "concern": ConcernNotice.objects.filter(concern=concern).first(),
        "reminder": reminder,
        "hand_over": hand_over,
    }


def run_every_send_task(rows, members):
    return [
        send_invitation_email_task.apply(args=[rows["invitation"].pk]).get(),
        send_meeting_mail_task.apply(
            args=[rows["meeting"].pk, Delivery.Kind.INVITATION, rows["meeting"].sequence]
        ).get(),
        send_concern_notice_task.apply(args=[rows["concern"].pk]).get()
        if rows["concern"]
        else False,
        send_reminders_task.apply(
            args=[members[Role.OPERATOR].pk, rows["reminder"].coalition_id, "overdue"]
        ).get(),
        send_hand_over_email_task.apply(args=[rows["hand_over"].pk]).get(),
    ]


def test_no_task_sends_the_mail_of_an_archived_coalition_until_it_is_restored(
    coalition, members, world, outbox_messages
):
    rows = pending_mail_of_every_kind(coalition, members, world)  # nothing committed: not sent
    assert outbox_messages.count() == 0
    archive(coalition, members)
    assert not any(run_every_send_task(rows, members))
    assert outbox_messages.count() == 0
    # The dispatcher does not queue them either.
    assert set(pipeline.dispatch(now=LATER).values()) == {0}
    for model in (Invitation, Delivery, ReminderSent, HandOver):
        assert set(model.objects.values_list("status", flat=True)) <= {MailStatus.PENDING}
    # Restored: the same paths send everything that waited.
    coalition_restore(coalition=coalition, actor=members[NA])
    run_every_send_task(rows, members)
    recipients = " ".join(m.to for m in outbox_messages)
    assert "waiting@example.net" in recipients
    assert rows["hand_over"].to_user.email in recipients
    assert members[Role.OBSERVER].email in recipients  # the meeting invitation


def test_an_invitation_link_of_an_archived_coalition_joins_nobody(client, coalition, members):
    invitation = invitation_create(
        coalition=coalition,
        email="joiner@example.net",
        role=Role.OBSERVER,
        organisation=organisation_of(members, Role.OBSERVER),
        actor=members[NA],
    )
    archive(coalition, members)
    joiner = UserFactory(email="joiner@example.net")
    client.force_login(joiner)
    token = invitation_token(invitation)
    assert client.get(reverse("coalitions:invitation_open", args=[token])).status_code == 410
    response = client.post(reverse("coalitions:invitation_accept", args=[token]))
    assert response.status_code == 410
    assert "archived" in response.content.decode()
    assert not Membership.objects.filter(user=joiner).exists()
