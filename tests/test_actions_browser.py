"""A facilitator records several action points in a row during a meeting, without leaving the page."""

import pytest
from django.urls import reverse
from django.utils import timezone


@pytest.mark.browser
def test_quick_entry_during_a_meeting(live_server, transactional_db, page, artifacts_dir):
    from actions.models import ActionPoint
    from actions.tests.factories import make_meeting
    from coalitions.models import Role
    from coalitions.tests.factories import PASSWORD, CoalitionFactory, add_member

    coalition = CoalitionFactory()
    facilitator = add_member(coalition, Role.FACILITATOR)
    operator = add_member(coalition, Role.OPERATOR)
    operator_org = operator.memberships.get().organisation
    meeting = make_meeting(
        coalition, starts_at=timezone.now(), status="planned", title="Spring meeting"
    )

    page.goto(live_server.url + reverse("account_login"))
    page.fill("input[name=login]", facilitator.email)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url("**/today/")

    url = live_server.url + reverse(
        "actions:meeting_action_points", args=[coalition.slug, meeting.pk]
    )
    page.goto(url)
    page.wait_for_function("window.htmx !== undefined")

    def choose(field: str, name: str, pk: int) -> None:
        """Types a name, waits for the suggestions htmx brings and takes the one meant."""
        page.fill(field, "")
        page.type(field, name)
        option = f"{field}-suggestions option[value$='(#{pk})']"
        page.wait_for_selector(option, state="attached")
        page.fill(field, page.get_attribute(option, "value"))

    for title, organisation, owner in [
        ("Circulate the survey report", operator_org, operator),
        ("Draft the land release plan", coalition.national_authority, None),
    ]:
        page.fill("#qe_title", title)
        choose("#qe_owner_organisation", organisation.name, organisation.pk)
        if owner:
            choose("#qe_owner", owner.name, owner.pk)
        page.fill("#qe_due_date", "2027-02-15")
        page.click(".ap-quick-entry button[type=submit]")
        page.wait_for_selector(f"#meeting-action-points td a:text('{title}')")
        assert page.input_value("#qe_title") == ""
    assert page.url == url
    # An owner from another organisation: the server says so, and nothing is saved.
    page.fill("#qe_title", "Wrong owner")
    choose(
        "#qe_owner_organisation", coalition.national_authority.name, coalition.national_authority.pk
    )
    # The suggestions follow the organisation chosen, so the operator is typed in by hand.
    page.fill("#qe_owner", f"{operator.name} (#{operator.pk})")
    page.click(".ap-quick-entry button[type=submit]")
    page.wait_for_selector(".ap-quick-entry .form-errors")
    assert "represents another organisation" in page.inner_text("#meeting-action-points")
    page.screenshot(path=str(artifacts_dir / "actions-quick-entry.png"), full_page=True)
    assert list(ActionPoint.objects.order_by("id").values_list("title", "meeting_id")) == [
        ("Circulate the survey report", meeting.pk),
        ("Draft the land release plan", meeting.pk),
    ]
