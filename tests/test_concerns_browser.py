"""An operator raises a confidential concern; the facilitator brings it to a planned meeting's
agenda in their own words, and the meeting page does not name the operator."""

import pytest
from django.urls import reverse


def sign_in(page, live_server, user):
    from coalitions.tests.factories import PASSWORD

    page.context.clear_cookies()
    page.goto(live_server.url + reverse("account_login"))
    page.fill("input[name=login]", user.email)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url("**/today/")


@pytest.mark.browser
def test_operator_raises_and_facilitator_brings_to_the_agenda(
    live_server, transactional_db, page, artifacts_dir
):
    from coalitions.models import Role
    from coalitions.tests.factories import CoalitionFactory, OrganisationFactory, add_member
    from concerns.models import Concern
    from meetings.tests.factories import make_meeting

    coalition = CoalitionFactory()
    facilitator = add_member(coalition, Role.FACILITATOR)
    operator = add_member(
        coalition, Role.OPERATOR, organisation=OrganisationFactory(name="Sandline Operators")
    )
    meeting = make_meeting(coalition, facilitator, title="Autumn coalition meeting")

    sign_in(page, live_server, operator)
    page.goto(live_server.url + reverse("coalitions:detail", args=[coalition.slug]))
    page.click("nav >> text=Raise a concern")
    assert "nobody else" in page.inner_text(".concern-who")
    page.fill("#id_subject", "Access delays at checkpoints")
    page.fill("#id_text", "Our teams wait for hours at the southern checkpoints.")
    page.click("button:text('Send to the facilitator')")
    page.wait_for_selector(".concern-mine td a:text('Access delays at checkpoints')")
    page.screenshot(path=str(artifacts_dir / "concerns-raise.png"), full_page=True)

    sign_in(page, live_server, facilitator)
    page.goto(live_server.url + reverse("concerns:inbox", args=[coalition.slug]))
    page.screenshot(path=str(artifacts_dir / "concerns-inbox.png"), full_page=True)
    page.click("td a:text('Access delays at checkpoints')")
    assert operator.name in page.inner_text("main")
    page.click("button:text('Acknowledge')")
    page.wait_for_selector(".concern-status:text('Acknowledged')")
    page.screenshot(path=str(artifacts_dir / "concerns-detail-facilitator.png"), full_page=True)
    page.click("text=Bring to the agenda")
    assert page.input_value("#id_title") == "Access delays at checkpoints"
    page.fill("#id_title", "Access for survey teams at checkpoints")
    page.screenshot(path=str(artifacts_dir / "concerns-agenda-form.png"), full_page=True)
    page.click("button:text('Add to the agenda')")
    page.wait_for_url(
        "**" + reverse("meetings:detail", args=[coalition.slug, meeting.pk]), timeout=10000
    )
    main = page.inner_text("main")
    assert "Access for survey teams at checkpoints" in main
    page.screenshot(path=str(artifacts_dir / "concerns-on-agenda.png"), full_page=True)
    concern = Concern.objects.get()
    assert concern.status == Concern.Status.ON_AGENDA
    assert concern.agenda_item.meeting_id == meeting.pk
    item = concern.agenda_item
    for trace in (operator.name, operator.email, "Sandline Operators"):
        assert trace not in item.title + item.presenter + item.minutes

    sign_in(page, live_server, operator)
    page.goto(live_server.url + reverse("concerns:detail", args=[coalition.slug, concern.pk]))
    assert "Brought to the agenda" in page.inner_text(".concern-status")
    page.screenshot(path=str(artifacts_dir / "concerns-detail-sender.png"), full_page=True)
