"""A decision is recorded once however often its form is sent: the meeting page's form and the
in-meeting screen's, with and without script, each carry a one-time token; the same token sent
again records nothing more and answers as the first sending did."""

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from coalitions.models import Role
from coalitions.submissions import TOKEN_FIELD
from meetings import services
from meetings.models import Decision
from meetings.tests.factories import make_meeting

pytestmark = pytest.mark.django_db

HTMX = {"HX-Request": "true"}


def url(name, meeting, *args):
    return reverse(f"meetings:{name}", args=[meeting.coalition.slug, meeting.pk, *args])


@pytest.fixture
def screen(client, coalition, members):
    """The in-meeting screen of a meeting under way, opened by its facilitator: the agenda item
    and the one-time token its decision form carries."""
    facilitator = members[Role.FACILITATOR]
    meeting = make_meeting(coalition, facilitator, days=0)
    item = services.agenda_item_create(meeting=meeting, actor=facilitator, title="Workplan")
    client.force_login(facilitator)
    [shown] = client.get(url("hold", meeting)).context["items"]
    token = shown.decision_form[TOKEN_FIELD].value()
    assert token
    data = {
        f"d{item.pk}-{TOKEN_FIELD}": str(token),
        f"d{item.pk}-text": "Adopt the workplan",
        f"d{item.pk}-visibility": "members",
    }
    return meeting, item, data


def notices(response) -> list[str]:
    """The notices waiting after this answer (those of earlier answers not shown yet first)."""
    return [str(m) for m in get_messages(response.wsgi_request)]


def test_the_screens_decision_sent_twice_by_htmx_is_recorded_once(client, screen):
    meeting, item, data = screen
    first = client.post(url("hold_decision", meeting, item.pk), data, headers=HTMX)
    again = client.post(url("hold_decision", meeting, item.pk), data, headers=HTMX)
    assert [first.status_code, again.status_code] == [200, 200]
    assert Decision.objects.filter(meeting=meeting, agenda_item=item).count() == 1
    for answer in (first, again):
        body = answer.content.decode()
        assert body.count("Adopt the workplan") == 1
        assert "The decision was recorded." in body
    # The answer's fresh form carries a new token: the next decision typed is recorded too.
    fresh = again.context["item"].decision_form[TOKEN_FIELD].value()
    assert str(fresh) != data[f"d{item.pk}-{TOKEN_FIELD}"]
    client.post(
        url("hold_decision", meeting, item.pk),
        {**data, f"d{item.pk}-{TOKEN_FIELD}": str(fresh), f"d{item.pk}-text": "Meet in March"},
        headers=HTMX,
    )
    assert Decision.objects.filter(meeting=meeting).count() == 2


def test_the_screens_decision_sent_twice_without_script_is_recorded_once(client, screen):
    meeting, item, data = screen
    first = client.post(url("hold_decision", meeting, item.pk), data)
    again = client.post(url("hold_decision", meeting, item.pk), data)
    assert [first.status_code, again.status_code] == [302, 302]
    assert first.url == again.url and first.url.endswith(f"hold/#item-{item.pk}")
    assert Decision.objects.filter(meeting=meeting, agenda_item=item).count() == 1
    assert notices(first) == ["The decision was recorded."]
    assert notices(again)[-1] == "This form had already been sent; it was saved once."


def test_a_refused_decision_keeps_no_claim_on_its_token(client, screen):
    """Text too long is refused; the corrected form goes through with the same token."""
    meeting, item, data = screen
    too_long = "x" * (Decision._meta.get_field("text").max_length + 1)
    refused = client.post(
        url("hold_decision", meeting, item.pk),
        {**data, f"d{item.pk}-text": too_long},
        headers=HTMX,
    )
    assert refused.status_code == 422 and not Decision.objects.exists()
    client.post(url("hold_decision", meeting, item.pk), data, headers=HTMX)
    assert Decision.objects.get().text == "Adopt the workplan"


def test_the_meeting_pages_decision_sent_twice_is_recorded_once(client, coalition, members):
    facilitator = members[Role.FACILITATOR]
    meeting = make_meeting(coalition, facilitator, days=0)
    client.force_login(facilitator)
    token = client.get(url("decision_new", meeting)).context["form"][TOKEN_FIELD].value()
    data = {TOKEN_FIELD: str(token), "text": "Adopt the workplan", "visibility": "members"}
    first = client.post(url("decision_new", meeting), data)
    again = client.post(url("decision_new", meeting), data)
    assert [first.status_code, again.status_code] == [302, 302]
    assert first.url == again.url
    assert Decision.objects.filter(meeting=meeting).count() == 1
    assert notices(again)[-1] == "This form had already been sent; it was saved once."
