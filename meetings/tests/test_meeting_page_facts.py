"""What the meeting page shows around its lists, read with the meeting in one query: the next
meeting of its kind (a draft only for its conveners), and for the conveners the mail counts, the
changes not yet told and whether the next coalition meeting is planned."""

from datetime import UTC, datetime, timedelta

import pytest
from django.urls import reverse

from coalitions import permissions as perms
from coalitions.models import Role
from mail.models import MailStatus
from meetings import selectors, services
from meetings.models import Delivery, Meeting
from meetings.tests.test_next_meeting import held, meeting_on

pytestmark = pytest.mark.django_db


def page_of(client, user, meeting) -> str:
    client.force_login(user)
    response = client.get(reverse("meetings:detail", args=[meeting.coalition.slug, meeting.pk]))
    assert response.status_code == 200
    return response.content.decode()


def facts_of(page: str) -> str:
    return page.split('id="facts-h"', 1)[1].split("</section>", 1)[0]


@pytest.mark.parametrize("role", list(perms.ROLE_PERMISSIONS))
def test_the_next_meeting_is_the_next_planned_of_its_kind_a_draft_for_its_conveners_only(
    client, coalition, members, role
):
    authority = members[Role.NATIONAL_AUTHORITY]
    now = datetime.now(UTC)
    meeting = meeting_on(coalition, authority, now + timedelta(days=5), title="This meeting")
    meeting_on(coalition, authority, now + timedelta(days=6), title="Working group", kind="twg")
    meeting_on(coalition, authority, now + timedelta(days=7), title="Draft meeting", draft=True)
    cancelled = meeting_on(coalition, authority, now + timedelta(days=8), title="Called off")
    services.meeting_cancel(meeting=cancelled, actor=authority)
    meeting_on(coalition, authority, now + timedelta(days=9), title="Announced meeting")
    meeting_on(coalition, authority, now - timedelta(days=9), title="Earlier meeting")
    client.force_login(members[role])
    response = client.get(reverse("meetings:detail", args=[coalition.slug, meeting.pk]))
    facts = facts_of(response.content.decode())
    role_perms = perms.ROLE_PERMISSIONS[role]
    shown = "Draft meeting" if perms.sees_draft_meetings(role_perms) else "Announced meeting"
    assert shown in facts
    for other in ("Working group", "Called off", "Earlier meeting"):
        assert other not in facts
    if shown != "Draft meeting":
        assert "Draft meeting" not in facts


def test_the_last_meeting_of_its_kind_names_no_next(client, coalition, members):
    authority = members[Role.NATIONAL_AUTHORITY]
    meeting = meeting_on(coalition, authority, datetime.now(UTC) + timedelta(days=5))
    assert "Next meeting" not in facts_of(page_of(client, authority, meeting))


def test_the_conveners_see_the_mail_counts_as_the_deliveries_give_them(client, coalition, members):
    authority = members[Role.NATIONAL_AUTHORITY]
    meeting = meeting_on(coalition, authority, datetime.now(UTC) + timedelta(days=5))
    Delivery.objects.filter(meeting=meeting).delete()
    people = list(members.values())
    statuses = {
        Delivery.Kind.INVITATION: [
            MailStatus.SENT,
            MailStatus.NOT_MEMBER,
            MailStatus.FAILED,
            MailStatus.PENDING,
            MailStatus.SKIPPED,
        ],
        Delivery.Kind.UPDATE: [MailStatus.SENT, MailStatus.SENDING],
        Delivery.Kind.CANCELLATION: [MailStatus.FAILED],
    }
    Delivery.objects.bulk_create(
        Delivery(meeting=meeting, user=people[n], kind=kind, status=status)
        for kind, kind_statuses in statuses.items()
        for n, status in enumerate(kind_statuses)
    )
    page = page_of(client, authority, meeting)
    assert "Invitations sent: 2 of 5." in page and "1 failed" in page
    assert "Updates sent: 1 of 2." in page
    assert "Invitations sent" not in page_of(client, members[Role.OBSERVER], meeting)
    read = selectors.meeting_for_detail(coalition=coalition, pk=meeting.pk, convener=True)
    counted = selectors.delivery_counts(meeting=meeting)
    for kind in (Delivery.Kind.INVITATION, Delivery.Kind.UPDATE):
        assert read.mail_counts[kind] == {
            bucket: counted[kind].get(bucket, 0) for bucket in ("sent", "failed", "total")
        }


def test_a_meeting_without_mails_shows_no_counts(client, coalition, members):
    authority = members[Role.NATIONAL_AUTHORITY]
    meeting = meeting_on(coalition, authority, datetime.now(UTC) + timedelta(days=5), draft=True)
    read = selectors.meeting_for_detail(coalition=coalition, pk=meeting.pk, convener=True)
    assert read.mail_counts == {}
    assert "Invitations sent" not in page_of(client, authority, meeting)


def test_the_proposal_of_the_next_coalition_meeting_waits_for_none_planned_after(
    client, coalition, members
):
    authority = members[Role.NATIONAL_AUTHORITY]
    now = datetime.now(UTC)
    meeting = held(coalition, authority, now - timedelta(days=3))
    assert 'id="next-proposal-h"' in page_of(client, authority, meeting)
    later = meeting_on(coalition, authority, now + timedelta(days=30), kind="twg")
    assert 'id="next-proposal-h"' in page_of(client, authority, meeting)
    later = meeting_on(coalition, authority, now + timedelta(days=40), draft=True)
    assert 'id="next-proposal-h"' not in page_of(client, authority, meeting)
    services.meeting_cancel(meeting=later, actor=authority)
    assert 'id="next-proposal-h"' in page_of(client, authority, meeting)
    assert 'id="next-proposal-h"' not in page_of(client, members[Role.OBSERVER], meeting)


def test_the_changes_not_told_show_to_the_conveners_until_the_update_goes(
    client, coalition, members
):
    authority = members[Role.NATIONAL_AUTHORITY]
    meeting = meeting_on(coalition, authority, datetime.now(UTC) + timedelta(days=5))
    assert "Changes the participants have not been told" not in page_of(client, authority, meeting)
    services.agenda_item_create(meeting=meeting, actor=authority, title="Risk education")
    assert "Changes the participants have not been told" in page_of(client, authority, meeting)
    assert "Changes the participants have not been told" not in page_of(
        client, members[Role.OBSERVER], meeting
    )
    services.meeting_send_update(meeting=Meeting.objects.get(pk=meeting.pk), actor=authority)
    assert "Changes the participants have not been told" not in page_of(client, authority, meeting)


def test_the_conveners_meeting_page_reads_the_same_queries_however_many_meetings_and_mails(
    client, coalition, members, django_assert_num_queries
):
    """Session, person, access, and the meeting with all that is shown around its lists (the
    lists themselves kept since the first request)."""
    authority = members[Role.NATIONAL_AUTHORITY]
    now = datetime.now(UTC)
    meeting = meeting_on(coalition, authority, now + timedelta(days=3))
    url = reverse("meetings:detail", args=[coalition.slug, meeting.pk])
    client.force_login(authority)
    client.get(url)
    with django_assert_num_queries(4):
        assert client.get(url).status_code == 200
    for day in range(1, 6):
        meeting_on(coalition, authority, now + timedelta(days=3 + day), draft=day % 2 == 0)
        meeting_on(coalition, authority, now + timedelta(days=3 + day), kind="twg")
    services.agenda_item_create(meeting=meeting, actor=authority, title="Risk education")
    Delivery.objects.bulk_create(
        Delivery(meeting=meeting, user=person, kind=Delivery.Kind.UPDATE, sequence=n)
        for n in range(1, 4)
        for person in members.values()
    )
    client.get(url)
    # One more: the changes waiting, listed for the conveners.
    with django_assert_num_queries(5):
        page = client.get(url).content.decode()
    assert "Changes the participants have not been told" in page
    assert f"Updates sent: 0 of {3 * len(members)}." in page


def test_the_page_names_the_chair_and_the_facilitator_as_they_are_called_now(
    client, coalition, members
):
    authority, facilitator = members[Role.NATIONAL_AUTHORITY], members[Role.FACILITATOR]
    meeting = meeting_on(
        coalition,
        authority,
        datetime.now(UTC) + timedelta(days=5),
        chair=authority,
        facilitator=facilitator,
    )
    facts = facts_of(page_of(client, members[Role.OBSERVER], meeting))
    assert f"<dd>{authority.name}</dd>" in facts and f"<dd>{facilitator.name}</dd>" in facts
    facilitator.name = "Renamed Facilitator"
    facilitator.save()
    assert "<dd>Renamed Facilitator</dd>" in facts_of(page_of(client, authority, meeting))
    unnamed = meeting_on(coalition, authority, datetime.now(UTC) + timedelta(days=6))
    assert facts_of(page_of(client, authority, unnamed)).count("<dd>—</dd>") >= 2


def test_the_compiled_read_makes_the_meeting_the_orm_makes(coalition, members):
    """The page's query is compiled once per (drafts, convener) and run with each page's ids:
    the meeting, its summary and version, and every fact read with it are those the ORM reads,
    for meetings with and without a summary, drafts and other coalitions' meetings."""
    from coalitions.tests.factories import CoalitionFactory, add_member

    authority = members[Role.NATIONAL_AUTHORITY]
    now = datetime.now(UTC)
    meetings = [
        meeting_on(coalition, authority, now + timedelta(days=5), title="Planned"),
        meeting_on(coalition, authority, now + timedelta(days=7), title="Draft", draft=True),
        meeting_on(coalition, authority, now + timedelta(days=9), title="Later"),
        held(coalition, authority, now - timedelta(days=3)),
    ]
    other = CoalitionFactory()
    elsewhere = meeting_on(
        other, add_member(other, Role.NATIONAL_AUTHORITY), now + timedelta(days=5)
    )
    compared = 0
    for meeting in [*meetings, elsewhere]:
        for drafts in (False, True):
            for convener in (False, True):
                read = selectors.meeting_for_detail(
                    coalition=coalition, pk=meeting.pk, drafts=drafts, convener=convener
                )
                by_orm = next(
                    iter(
                        selectors._detail_query(
                            coalition_id=coalition.pk,
                            pk=meeting.pk,
                            drafts=drafts,
                            convener=convener,
                        )
                    ),
                    None,
                )
                assert (read is None) == (by_orm is None)
                if by_orm is None:
                    continue
                compared += 1
                fields = [f.attname for f in Meeting._meta.concrete_fields]
                assert [getattr(read, f) for f in fields] == [getattr(by_orm, f) for f in fields]
                for name in ("chair_name", "facilitator_name", "next_pk", "next_title"):
                    assert getattr(read, name) == getattr(by_orm, name)
                assert read.next_starts_at == by_orm.next_starts_at
                if convener:
                    assert read.has_pending_changes == by_orm.has_pending_changes
                    assert read.planned_after == by_orm.planned_after
                for related in ("summary", "page_version"):
                    mine = getattr(read, related, None)
                    theirs = getattr(by_orm, related, None)
                    assert (mine and mine.pk) == (theirs and theirs.pk)
    assert compared >= 12  # the draft hidden twice, the other coalition's meeting never read
