"""Typed values that used to break a form view: each answers with a 404, a form error or a
redirect, and nothing is half-saved."""

from datetime import date, timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from actions.models import ActionPoint
from coalitions.models import FormSubmission, Role
from coalitions.tests.factories import UserFactory
from meetings.models import Delivery, Meeting
from meetings.tests.factories import held_meeting_with_record, make_meeting
from obligations.models import Offer, ProgressEntry
from obligations.tests.factories import make_indicator, make_obligation
from outbox.models import OutboxMessage

pytestmark = pytest.mark.django_db

TWENTY_DIGITS = "9" * 20


@pytest.fixture
def staff(db):
    """Site staff who belong to no coalition, even as a superuser: no coalition is found for them."""
    person = UserFactory(is_staff=True)
    person.is_superuser = True
    person.save()
    return person


# Ids typed by hand ------------------------------------------------------------------------------


@pytest.mark.parametrize("typed", ["abc", "1.5", "\x00", "²", TWENTY_DIGITS, "-1"])
def test_send_again_to_an_unreadable_person_is_a_404_and_sends_nothing(
    client, coalition, members, typed, django_capture_on_commit_callbacks
):
    from meetings.services import summary_publish

    meeting = held_meeting_with_record(coalition, members)
    summary_publish(meeting=meeting, actor=members[Role.NATIONAL_AUTHORITY])
    client.force_login(members[Role.NATIONAL_AUTHORITY])
    with django_capture_on_commit_callbacks(execute=True) as queued:
        response = client.post(
            reverse("meetings:summary_send_again", args=[coalition.slug, meeting.pk]),
            {"user": typed},
        )
    assert response.status_code == 404
    assert queued == []


@pytest.mark.parametrize("typed", ["²", "abc", TWENTY_DIGITS, "\x00"])
def test_an_unreadable_need_in_the_offer_link_shows_a_freestanding_offer(
    client, coalition, members, typed
):
    client.force_login(members[Role.DONOR])
    response = client.get(reverse("obligations:offer_new", args=[coalition.slug]), {"need": typed})
    assert response.status_code == 200
    assert response.context["form"].initial == {}


def test_a_twenty_digit_participant_is_a_form_error(client, coalition, members):
    client.force_login(members[Role.NATIONAL_AUTHORITY])
    day = (date.today() + timedelta(days=20)).isoformat()
    response = client.post(
        reverse("meetings:new", args=[coalition.slug]),
        {
            "kind": "coalition",
            "title": "Coordination",
            "date": day,
            "start_time": "10:00",
            "end_time": "11:00",
            "venue": "Beirut",
            "participants": [TWENTY_DIGITS],
        },
    )
    assert response.status_code == 200
    assert "participants" in response.context["form"].errors
    assert not Meeting.objects.exists()


def test_an_unreadable_meeting_in_the_action_point_link_is_ignored(client, coalition, members):
    client.force_login(members[Role.FACILITATOR])
    response = client.get(reverse("actions:new", args=[coalition.slug]), {"meeting": TWENTY_DIGITS})
    assert response.status_code == 200
    assert response.context["form"].initial == {"meeting": None}


def test_a_nul_byte_in_the_outbox_filter_lists_everything(client, staff):
    client.force_login(staff)
    response = client.get(reverse("outbox:list"), {"to": "a\x00b"})
    assert response.status_code == 200
    assert response.context["query"] == ""


# Where to go after a quick entry ----------------------------------------------------------------


def quick_entry(client, coalition, meeting, next_values, **headers):
    return client.post(
        reverse("actions:meeting_quick_entry", args=[coalition.slug, meeting.pk]),
        {
            "title": "Call the operators",
            "owner_organisation": coalition.national_authority.pk,
            "visibility": "members",
            "next": next_values,
        },
        **headers,
    )


@pytest.mark.parametrize(
    "next_values",
    [["abc"], ["/a/", "/b/"], ["//evil.example/"], ["https://evil.example/"], ["/\x00x"]],
)
def test_quick_entry_with_a_bad_next_saves_once_and_goes_to_the_meeting(
    client, coalition, members, next_values, django_capture_on_commit_callbacks
):
    meeting = make_meeting(coalition, members[Role.FACILITATOR])
    client.force_login(members[Role.FACILITATOR])
    with django_capture_on_commit_callbacks() as queued:
        response = quick_entry(client, coalition, meeting, next_values)
    assert response.status_code == 302
    assert response["Location"] == reverse(
        "actions:meeting_action_points", args=[coalition.slug, meeting.pk]
    )
    assert ActionPoint.objects.count() == 1
    assert len(queued) == 1  # the new action point's mail, once


def test_quick_entry_follows_a_path_on_this_site(client, coalition, members):
    meeting = make_meeting(coalition, members[Role.FACILITATOR])
    page = reverse("meetings:detail", args=[coalition.slug, meeting.pk])
    client.force_login(members[Role.FACILITATOR])
    response = quick_entry(client, coalition, meeting, [page])
    assert response.status_code == 302 and response["Location"] == page


def test_quick_entry_by_htmx_with_a_bad_next_renders_the_panel(client, coalition, members):
    meeting = make_meeting(coalition, members[Role.FACILITATOR])
    client.force_login(members[Role.FACILITATOR])
    response = quick_entry(client, coalition, meeting, ["abc"], HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert 'name="next" value=""' in response.content.decode()
    assert ActionPoint.objects.count() == 1


# A submitted form always answers ----------------------------------------------------------------


def test_an_empty_post_on_the_need_form_shows_what_is_missing(client, coalition, members):
    client.force_login(members[Role.NATIONAL_AUTHORITY])
    response = client.post(reverse("obligations:need_new", args=[coalition.slug]), {})
    assert response.status_code == 200
    assert "nothing was saved" in response.content.decode()
    assert response.context["form"].errors["activity"] == ["This field is required."]


# Submitted twice --------------------------------------------------------------------------------


def test_a_meeting_form_sent_twice_invites_once(
    client, coalition, members, django_capture_on_commit_callbacks
):
    client.force_login(members[Role.NATIONAL_AUTHORITY])
    url = reverse("meetings:new", args=[coalition.slug])
    token = client.get(url).context["form"]["submission"].value()
    data = {
        "submission": str(token),
        "kind": "coalition",
        "title": "Coordination",
        "date": (date.today() + timedelta(days=20)).isoformat(),
        "start_time": "10:00",
        "end_time": "11:00",
        "venue": "Beirut",
        "participants": [m.pk for m in coalition.memberships.all()],
    }
    answers = []
    for _attempt in range(2):
        with django_capture_on_commit_callbacks(execute=True):
            answers.append(client.post(url, data, follow=True))
    meeting = Meeting.objects.get()
    assert answers[0].redirect_chain == answers[1].redirect_chain
    assert "had already been sent" in answers[1].content.decode()
    # A draft: the invitations go when they are sent, once however often that is pressed.
    assert not Delivery.objects.exists()
    send = reverse("meetings:send_invitations", args=[coalition.slug, meeting.pk])
    for _attempt in range(2):
        with django_capture_on_commit_callbacks(execute=True):
            client.post(send, {"confirm_empty_agenda": "on"})
    invitations = Delivery.objects.filter(meeting=meeting, kind=Delivery.Kind.INVITATION)
    assert invitations.count() == len(members)
    assert OutboxMessage.objects.count() == len(members)


def test_a_token_refused_by_the_service_can_be_sent_again(client, coalition, members):
    """A refused submission keeps no claim: the corrected form goes through with its token."""
    obligation = make_obligation(coalition)
    indicator = make_indicator(obligation)
    client.force_login(members[Role.OPERATOR])
    url = reverse("obligations:progress_new", args=[coalition.slug, obligation.pk])
    token = str(client.get(url).context["form"]["submission"].value())
    data = {"submission": token, "indicator": indicator.pk, "value": "5"}
    data |= {"period_start": "2025-03-01", "period_end": "2025-01-01"}
    assert client.post(url, data).status_code == 200
    assert not FormSubmission.objects.exists()
    data |= {"period_start": "2025-01-01", "period_end": "2025-03-01"}
    assert client.post(url, data).status_code == 302
    assert ProgressEntry.objects.count() == 1


def test_an_unreadable_token_is_a_form_error(client, coalition, members):
    client.force_login(members[Role.OPERATOR])
    response = client.post(
        reverse("concerns:raise", args=[coalition.slug]),
        {"submission": "not-a-token", "subject": "Delays", "text": "Teams wait."},
    )
    assert response.status_code == 200
    assert "could not be read" in response.content.decode()


def test_someone_elses_token_creates_nothing(client, coalition, members):
    url = reverse("concerns:raise", args=[coalition.slug])
    client.force_login(members[Role.OPERATOR])
    token = str(client.get(url).context["form"]["submission"].value())
    data = {"submission": token, "subject": "Delays", "text": "Teams wait."}
    assert client.post(url, data).status_code == 302
    client.force_login(members[Role.DONOR])
    response = client.post(url, data)
    assert response.status_code == 200
    assert "already sent" in response.content.decode()


# Staff who are not members ----------------------------------------------------------------------


def test_staff_who_are_not_members_cannot_report_a_figure_but_an_operator_can(
    client, coalition, members, staff
):
    obligation = make_obligation(coalition)
    indicator = make_indicator(obligation)
    url = reverse("obligations:progress_new", args=[coalition.slug, obligation.pk])
    data = {
        "indicator": indicator.pk,
        "period_start": "2025-01-01",
        "period_end": "2025-03-31",
        "value": "5",
    }
    client.force_login(staff)
    assert client.get(url).status_code == 404
    assert client.post(url, data).status_code == 404
    assert not ProgressEntry.objects.exists()
    client.force_login(members[Role.OPERATOR])
    assert client.post(url, data).status_code == 302
    assert ProgressEntry.objects.count() == 1


def test_staff_who_are_not_members_cannot_import_figures(client, coalition, members, staff):
    obligation = make_obligation(coalition)
    make_indicator(obligation)
    csv = (
        "obligation,indicator,period_start,period_end,value,cancelled_m2,reduced_m2,"
        f"cleared_m2,source\n{obligation.code},area_released,2025-01-01,2025-03-31,5,,,,\n"
    )
    url = reverse("obligations:progress_import", args=[coalition.slug])
    for person, expected in [(staff, 404), (members[Role.OPERATOR], 302)]:
        client.force_login(person)
        response = client.post(url, {"file": SimpleUploadedFile("p.csv", csv.encode())})
        assert response.status_code == expected
    assert ProgressEntry.objects.count() == 1


def test_staff_who_are_not_members_cannot_make_an_offer_but_a_donor_can(
    client, coalition, members, staff
):
    url = reverse("obligations:offer_new", args=[coalition.slug])
    data = {
        "activity": "Survey",
        "amount": "100",
        "currency": "USD",
        "period_start": "2026-01-01",
        "period_end": "2026-06-30",
        "status": "pledged",
    }
    client.force_login(staff)
    assert client.get(url).status_code == 404
    assert client.post(url, data).status_code == 404
    assert not Offer.objects.exists()
    client.force_login(members[Role.DONOR])
    assert client.post(url, data).status_code == 302
    assert Offer.objects.count() == 1
