"""The national authority's settings, and archiving: read-only for everyone, no mail, restorable."""

from datetime import UTC, date, datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from actions.models import ReminderSent
from actions.reminders.recording import reminder_sweep
from actions.tests.factories import make_action_point
from coalitions import permissions as perms
from coalitions.models import Coalition, Invitation, Role
from coalitions.services import (
    coalition_archive,
    coalition_restore,
    coalition_update,
)
from coalitions.tests.factories import UserFactory
from mail import pipeline
from tests.fixtures import committed

pytestmark = pytest.mark.django_db

NA = Role.NATIONAL_AUTHORITY
OTHERS = [role for role in Role.values if role != NA]


def settings_data(**overrides) -> dict:
    data = {
        "name": "Country Coalition for Lebanon",
        "description": "Clearance in the south.",
        "state_party": "LB",
        "cadence": Coalition.Cadence.QUARTERLY,
        "timezone": "Asia/Beirut",
        "under_apmbc": "on",
    }
    data.update(overrides)
    return data


def test_the_authority_changes_the_settings(client, coalition, members):
    client.force_login(members[NA])
    url = reverse("coalitions:settings", args=[coalition.slug])
    assert client.get(url).status_code == 200
    response = client.post(url, settings_data(name="  Lebanon   coalition "))
    assert response.status_code == 302
    coalition.refresh_from_db()
    assert coalition.name == "Lebanon coalition"
    assert coalition.cadence == Coalition.Cadence.QUARTERLY and coalition.under_apmbc
    assert coalition.slug == coalition.slug  # the address stays
    assert coalition.history.first().history_user == members[NA]


@pytest.mark.parametrize("role", OTHERS)
def test_no_one_else_opens_or_sends_the_settings_or_archives(client, coalition, members, role):
    client.force_login(members[role])
    slug = coalition.slug
    assert client.get(reverse("coalitions:settings", args=[slug])).status_code == 403
    assert (
        client.post(reverse("coalitions:settings", args=[slug]), settings_data()).status_code == 403
    )
    assert client.post(reverse("coalitions:archive", args=[slug])).status_code == 403
    assert client.post(reverse("coalitions:restore", args=[slug])).status_code == 403
    coalition.refresh_from_db()
    assert coalition.archived_at is None and coalition.name != "Country Coalition for Lebanon"


def test_outsiders_and_staff_get_404(client, coalition, members, outsider):
    for person in (outsider, UserFactory(is_staff=True)):
        client.force_login(person)
        for name in ("settings", "archive", "restore"):
            assert (
                client.post(reverse(f"coalitions:{name}", args=[coalition.slug])).status_code == 404
            )


@pytest.mark.parametrize(
    "overrides, field",
    [
        ({"name": ""}, "name"),
        ({"name": "x" * 201}, "name"),
        ({"state_party": "XX"}, "state_party"),
        ({"timezone": ""}, "timezone"),
        ({"timezone": "Mars/Olympus"}, "timezone"),
        ({"cadence": "weekly"}, "cadence"),
        ({"description": "x" * 5001}, "description"),
    ],
)
def test_bad_settings_are_answered_on_their_field(client, coalition, members, overrides, field):
    client.force_login(members[NA])
    before = coalition.name
    response = client.post(
        reverse("coalitions:settings", args=[coalition.slug]), settings_data(**overrides)
    )
    assert response.status_code == 200
    assert response.context["form"].errors.get(field)
    coalition.refresh_from_db()
    assert coalition.name == before


def test_an_archived_coalition_is_read_only_for_everyone_until_restored(client, coalition, members):
    coalition_archive(coalition=coalition, actor=members[NA])
    coalition.refresh_from_db()
    for person in members.values():
        access = perms.access_for(person, coalition)
        assert access.perms <= perms.ARCHIVED_PERMISSIONS
        assert perms.VIEW in access.perms
    writing_pages = {
        NA: reverse("obligations:new", args=[coalition.slug]),
        Role.CHAMPION: reverse("coalitions:invitation_new", args=[coalition.slug]),
        Role.FACILITATOR: reverse("actions:new", args=[coalition.slug]),
        Role.OPERATOR: reverse("concerns:raise", args=[coalition.slug]),
    }
    for role, url in writing_pages.items():
        client.force_login(members[role])
        assert client.get(url).status_code == 403, (role, url)
        assert client.post(url, {}).status_code == 403, (role, url)
    client.force_login(members[Role.OBSERVER])
    page = client.get(reverse("coalitions:detail", args=[coalition.slug])).content.decode()
    assert "read-only and sends no mail" in page
    with pytest.raises(ValidationError):
        coalition_update(coalition=coalition, actor=members[NA], name="Changed")
    # The authority restores it from its settings.
    client.force_login(members[NA])
    settings_page = client.get(reverse("coalitions:settings", args=[coalition.slug]))
    assert "Restore the coalition" in settings_page.content.decode()
    client.post(reverse("coalitions:restore", args=[coalition.slug]))
    coalition.refresh_from_db()
    assert coalition.archived_at is None
    assert perms.access_for(members[NA], coalition).can(perms.MANAGE_OBLIGATIONS)
    assert client.get(reverse("obligations:new", args=[coalition.slug])).status_code == 200


def test_archiving_through_the_page_asks_first(client, coalition, members):
    client.force_login(members[NA])
    url = reverse("coalitions:archive", args=[coalition.slug])
    assert client.get(url).status_code == 200
    coalition.refresh_from_db()
    assert coalition.archived_at is None
    assert client.post(url).status_code == 302
    coalition.refresh_from_db()
    assert coalition.archived_at is not None
    # Twice is refused with a message, not an error page.
    assert "archived" in client.post(url).content.decode()
    assert client.get(reverse("coalitions:restore", args=[coalition.slug])).status_code == 405


def test_an_archived_coalition_sends_nothing(coalition, members, outbox_messages):
    now = datetime(2026, 6, 10, 9, tzinfo=UTC)
    owner = members[Role.OPERATOR]
    make_action_point(coalition, owner=owner, due_date=date(2026, 6, 1), title="Late")
    coalition_archive(coalition=coalition, actor=members[NA])
    sent_before = outbox_messages.count()
    with committed():
        reminder_sweep(now=now)
    assert not ReminderSent.objects.exclude(kind=ReminderSent.Kind.ASSIGNED).exists()
    assert outbox_messages.count() == sent_before
    # Mail rows of an archived coalition wait: the dispatcher does not pick them up.
    pending = Invitation(
        coalition=coalition,
        email="waiting@example.net",
        role=Role.OBSERVER,
        organisation=members[Role.OBSERVER].memberships.get().organisation,
        expires_at=now.replace(year=2099),
    )
    pending.save()
    kind = pipeline.KINDS["invitation"]
    assert not pipeline.due(kind, now=datetime(2099, 1, 1, tzinfo=UTC)).filter(pk=pending.pk)
    coalition_restore(coalition=coalition, actor=members[NA])
    assert pipeline.due(kind, now=datetime(2099, 1, 1, tzinfo=UTC)).filter(pk=pending.pk)
