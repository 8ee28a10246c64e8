"""Who may open which concern page, what bad input does, and what the sender sees."""

import pytest
from django.urls import reverse

from coalitions.models import Role
from coalitions.tests.factories import add_member
from concerns.models import TEXT_MAX_LENGTH, Concern
from concerns.tests.factories import raise_concern
from meetings.models import AgendaItem

pytestmark = pytest.mark.django_db

SENDERS = {Role.DONOR, Role.OPERATOR}
READERS = {Role.FACILITATOR}


def status_of(client, user, url, method="get", data=None):
    client.force_login(user)
    response = getattr(client, method)(url, data or {})
    client.logout()
    return response.status_code


@pytest.fixture
def concern(coalition, members):
    return raise_concern(coalition, members[Role.OPERATOR])


@pytest.mark.parametrize("role", Role.values)
def test_raise_page_by_role(client, coalition, members, role):
    url = reverse("concerns:raise", args=[coalition.slug])
    assert status_of(client, members[role], url) == (200 if role in SENDERS else 403)


@pytest.mark.parametrize("role", Role.values)
def test_facilitator_pages_by_role(client, coalition, members, concern, role):
    """Everyone but the facilitator gets 403 on the reading side, the sender included."""
    expected_get = 200 if role in READERS else 403
    slug, pk = coalition.slug, concern.pk
    for name in ("concerns:inbox",):
        assert status_of(client, members[role], reverse(name, args=[slug])) == expected_get
    for name in ("concerns:close", "concerns:agenda"):
        assert status_of(client, members[role], reverse(name, args=[slug, pk])) == expected_get
    if role not in READERS:
        for name in ("concerns:acknowledge", "concerns:note", "concerns:close", "concerns:agenda"):
            url = reverse(name, args=[slug, pk])
            assert status_of(client, members[role], url, "post", {"note": "x"}) == 403
    concern.refresh_from_db()
    assert concern.status == Concern.Status.NEW and concern.facilitator_note == ""


@pytest.mark.parametrize("role", Role.values)
def test_concern_detail_by_role(client, coalition, members, concern, role):
    """The sender and the facilitator open it; anyone else gets 404, as if it did not exist."""
    url = reverse("concerns:detail", args=[coalition.slug, concern.pk])
    expected = 200 if role in (Role.OPERATOR, Role.FACILITATOR) else 404
    assert status_of(client, members[role], url) == expected


def test_another_sender_cannot_see_a_concern(client, coalition, members, concern):
    other_operator = add_member(coalition, Role.OPERATOR)
    url = reverse("concerns:detail", args=[coalition.slug, concern.pk])
    assert status_of(client, other_operator, url) == 404
    client.force_login(other_operator)
    page = client.get(reverse("concerns:raise", args=[coalition.slug])).content.decode()
    assert concern.subject not in page
    assert "You have not raised a concern" in page


def test_outsider_gets_404_everywhere(client, coalition, concern, outsider):
    slug, pk = coalition.slug, concern.pk
    urls = [reverse("concerns:raise", args=[slug]), reverse("concerns:inbox", args=[slug])]
    urls += [
        reverse(name, args=[slug, pk])
        for name in ("concerns:detail", "concerns:close", "concerns:agenda")
    ]
    for url in urls:
        assert status_of(client, outsider, url) == 404, url
    assert (
        status_of(client, outsider, reverse("concerns:acknowledge", args=[slug, pk]), "post") == 404
    )


def test_anonymous_is_sent_to_sign_in(client, coalition):
    response = client.get(reverse("concerns:raise", args=[coalition.slug]))
    assert response.status_code == 302 and "login" in response["Location"]


def test_a_concern_of_another_coalition_is_404_for_its_facilitator(client, members, outsider):
    from coalitions.models import Coalition

    other = Coalition.objects.get(memberships__user=outsider)
    add_member(other, Role.FACILITATOR)
    sender = add_member(other, Role.DONOR)
    foreign = raise_concern(other, sender)
    coalition = members[Role.FACILITATOR].memberships.get().coalition
    url = reverse("concerns:detail", args=[coalition.slug, foreign.pk])
    assert status_of(client, members[Role.FACILITATOR], url) == 404
    url = reverse("concerns:agenda", args=[coalition.slug, foreign.pk])
    assert status_of(client, members[Role.FACILITATOR], url) == 404


def test_tabs_follow_the_permissions(client, coalition, members):
    home = reverse("concerns:raise", args=[coalition.slug])
    client.force_login(members[Role.OPERATOR])
    page = client.get(home).content.decode()
    assert reverse("concerns:raise", args=[coalition.slug]) in page
    assert reverse("concerns:inbox", args=[coalition.slug]) not in page
    client.force_login(members[Role.FACILITATOR])
    page = client.get(reverse("concerns:inbox", args=[coalition.slug])).content.decode()
    assert reverse("concerns:inbox", args=[coalition.slug]) in page
    assert f'href="{home}"' not in page
    for role in (Role.NATIONAL_AUTHORITY, Role.OBSERVER):
        client.force_login(members[role])
        page = client.get(reverse("coalitions:detail", args=[coalition.slug])).content.decode()
        assert "/concerns/" not in page


def test_raise_page_says_who_reads_it(client, coalition, members):
    client.force_login(members[Role.DONOR])
    page = client.get(reverse("concerns:raise", args=[coalition.slug])).content.decode()
    assert "the facilitator of this coalition, and nobody else" in page
    assert "The national authority" in page
    assert "without your name" in page


def test_raising_a_concern_records_sender_and_organisation(client, coalition, members):
    donor = members[Role.DONOR]
    client.force_login(donor)
    url = reverse("concerns:raise", args=[coalition.slug])
    response = client.post(url, {"subject": " Late pledges ", "text": "Funds arrive late."})
    assert response.status_code == 302
    concern = Concern.objects.get()
    assert (concern.subject, concern.raised_by, concern.status) == (
        "Late pledges",
        donor,
        Concern.Status.NEW,
    )
    assert concern.raised_by_organisation == donor.memberships.get().organisation
    assert concern.history.count() == 1 and concern.history.get().history_user == donor
    page = client.get(url).content.decode()
    assert "Late pledges" in page and "New" in page


@pytest.mark.parametrize(
    "data",
    [
        {"subject": "", "text": "Something"},
        {"subject": "   ", "text": "Something"},
        {"subject": "Subject", "text": ""},
        {"subject": "Subject", "text": "x" * (TEXT_MAX_LENGTH + 1)},
        {"subject": "s" * 201, "text": "Something"},
    ],
)
def test_bad_concern_input_saves_nothing(client, coalition, members, data, outbox_messages):
    client.force_login(members[Role.OPERATOR])
    response = client.post(reverse("concerns:raise", args=[coalition.slug]), data)
    assert response.status_code == 200
    assert "Please correct the errors below; nothing was saved." in response.content.decode()
    assert response.context["form"].errors
    assert not Concern.objects.exists() and not outbox_messages.exists()


def test_sender_sees_status_but_not_the_private_note(client, coalition, members, concern):
    facilitator = members[Role.FACILITATOR]
    client.force_login(facilitator)
    base = [coalition.slug, concern.pk]
    client.post(reverse("concerns:acknowledge", args=base))
    client.post(reverse("concerns:note", args=base), {"note": "Ask MAG privately first"})
    concern.refresh_from_db()
    assert concern.status == Concern.Status.ACKNOWLEDGED
    assert concern.facilitator_note == "Ask MAG privately first"
    client.force_login(members[Role.OPERATOR])
    for url in (
        reverse("concerns:raise", args=[coalition.slug]),
        reverse("concerns:detail", args=base),
    ):
        page = client.get(url).content.decode()
        assert "Acknowledged" in page and "Ask MAG privately first" not in page


def test_facilitator_sees_sender_and_can_close_after_confirming(
    client, coalition, members, concern
):
    facilitator = members[Role.FACILITATOR]
    client.force_login(facilitator)
    detail = client.get(reverse("concerns:detail", args=[coalition.slug, concern.pk]))
    assert members[Role.OPERATOR].name in detail.content.decode()
    url = reverse("concerns:close", args=[coalition.slug, concern.pk])
    assert "Close this concern?" in client.get(url).content.decode()
    concern.refresh_from_db()
    assert concern.status == Concern.Status.NEW
    client.post(url)
    concern.refresh_from_db()
    assert concern.status == Concern.Status.CLOSED and concern.closed_at is not None
    response = client.post(url, follow=True)
    assert "already closed" in response.content.decode()


def test_too_long_note_saves_nothing(client, coalition, members, concern):
    client.force_login(members[Role.FACILITATOR])
    url = reverse("concerns:note", args=[coalition.slug, concern.pk])
    response = client.post(url, {"note": "n" * (TEXT_MAX_LENGTH + 1)})
    assert response.status_code == 400
    assert "nothing was saved" in response.content.decode()
    concern.refresh_from_db()
    assert concern.facilitator_note == ""


def test_agenda_form_is_prefilled_without_the_sender(client, coalition, members, concern):
    from meetings.tests.factories import make_meeting

    make_meeting(coalition, members[Role.FACILITATOR])
    client.force_login(members[Role.FACILITATOR])
    response = client.get(reverse("concerns:agenda", args=[coalition.slug, concern.pk]))
    form = response.context["form"]
    assert form["title"].value() == concern.subject
    assert form["background"].value() == concern.text
    sender = members[Role.OPERATOR]
    organisation = sender.memberships.get().organisation
    html = response.content.decode()
    for trace in (sender.name, sender.email, organisation.name):
        assert trace not in html


def test_agenda_page_without_planned_meeting_says_so(client, coalition, members, concern):
    client.force_login(members[Role.FACILITATOR])
    response = client.get(reverse("concerns:agenda", args=[coalition.slug, concern.pk]))
    assert "There is no planned meeting" in response.content.decode()


@pytest.mark.parametrize("state", ["other_coalition", "held", "cancelled", "empty_title"])
def test_bringing_to_a_wrong_meeting_saves_nothing(client, coalition, members, concern, state):
    from coalitions.tests.factories import CoalitionFactory
    from meetings import services as meeting_services
    from meetings.tests.factories import make_meeting

    facilitator = members[Role.FACILITATOR]
    title = "Access at checkpoints"
    make_meeting(coalition, facilitator, days=20, title="The planned one")
    if state == "other_coalition":
        other = CoalitionFactory()
        meeting = make_meeting(other, add_member(other, Role.FACILITATOR))
    else:
        meeting = make_meeting(coalition, facilitator, days=-1 if state == "held" else 10)
        if state == "held":
            meeting_services.meeting_mark_held(meeting=meeting, actor=facilitator)
        elif state == "cancelled":
            meeting_services.meeting_cancel(meeting=meeting, actor=facilitator)
        else:
            title = ""
    client.force_login(facilitator)
    response = client.post(
        reverse("concerns:agenda", args=[coalition.slug, concern.pk]),
        {"meeting": meeting.pk, "title": title, "background": "", "visibility": "members"},
    )
    assert response.status_code == 200
    assert "Please correct the errors below; nothing was saved." in response.content.decode()
    assert not AgendaItem.objects.exists()
    concern.refresh_from_db()
    assert concern.status == Concern.Status.NEW and concern.agenda_item is None


def test_service_refuses_a_meeting_of_another_coalition_or_not_planned(coalition, members, concern):
    from django.core.exceptions import ValidationError

    from coalitions.tests.factories import CoalitionFactory
    from concerns import services
    from meetings import services as meeting_services
    from meetings.tests.factories import make_meeting

    facilitator = members[Role.FACILITATOR]
    other = CoalitionFactory()
    foreign = make_meeting(other, add_member(other, Role.FACILITATOR))
    held = make_meeting(coalition, facilitator, days=-1)
    meeting_services.meeting_mark_held(meeting=held, actor=facilitator)
    for meeting, message in ((foreign, "another coalition"), (held, "planned meeting")):
        with pytest.raises(ValidationError, match=message):
            services.concern_bring_to_agenda(
                concern=concern, actor=facilitator, meeting=meeting, title="Access"
            )
    assert not AgendaItem.objects.exists()


def test_inbox_filters_by_status_and_shows_empty_state(client, coalition, members, concern):
    client.force_login(members[Role.FACILITATOR])
    url = reverse("concerns:inbox", args=[coalition.slug])
    assert concern.subject in client.get(url).content.decode()
    closed = client.get(url, {"status": "closed"}).content.decode()
    assert concern.subject not in closed and "No concern with this status." in closed


@pytest.mark.parametrize(
    ("language", "heading", "help_text"),
    [
        ("fr", "Signaler une préoccupation confidentielle", "Jusqu'à 5000 caractères."),
        ("es", "Plantear una inquietud confidencial", "Hasta 5000 caracteres."),
    ],
)
def test_raise_page_in_french_and_spanish(client, coalition, members, language, heading, help_text):
    client.force_login(members[Role.OPERATOR])
    client.cookies["django_language"] = language
    page = client.get(reverse("concerns:raise", args=[coalition.slug])).content.decode()
    assert heading in page and help_text in page


def test_nobody_reads_the_history_with_the_sender_in_the_admin(client, coalition, members, concern):
    from coalitions.tests.factories import UserFactory

    url = reverse("admin:concerns_concern_history", args=[concern.pk])
    for role in (Role.FACILITATOR, Role.NATIONAL_AUTHORITY, Role.OPERATOR):
        client.force_login(members[role])
        response = client.get(url)
        assert response.status_code == 302 and "/admin/login/" in response["Location"]
    superuser = UserFactory()
    superuser.is_staff = superuser.is_superuser = True
    superuser.save()
    client.force_login(superuser)
    response = client.get(url)
    page = response.content.decode()
    assert response.status_code == 403
    assert members[Role.OPERATOR].email not in page and members[Role.OPERATOR].name not in page
