import csv
import io

import pytest
from django.urls import reverse

from actions.models import ActionPoint, ActionUpdate
from actions.tests.factories import make_action_point, make_meeting
from coalitions.models import Role
from coalitions.tests.factories import CoalitionFactory, add_member

pytestmark = pytest.mark.django_db


def url(name, coalition, *args):
    return reverse(f"actions:{name}", args=[coalition.slug, *args])


def test_facilitator_records_an_action_point_for_an_operator(client, coalition, members):
    operator = members[Role.OPERATOR]
    organisation = operator.memberships.get().organisation
    client.force_login(members[Role.FACILITATOR])
    response = client.post(
        url("new", coalition),
        {
            "title": "Report the survey results",
            "owner_organisation": organisation.pk,
            "owner": operator.pk,
            "due_date": "2027-03-01",
            "priority": "high",
            "visibility": "members",
        },
    )
    assert response.status_code == 302
    action_point = ActionPoint.objects.get()
    assert action_point.owner == operator
    assert action_point.recorded_by == members[Role.FACILITATOR]
    assert action_point.history.first().history_user == members[Role.FACILITATOR]


def test_bad_input_gets_a_clear_error_and_saves_nothing(client, coalition, members):
    operator = members[Role.OPERATOR]
    client.force_login(members[Role.FACILITATOR])
    response = client.post(
        url("new", coalition),
        {
            "title": "",
            "owner_organisation": coalition.national_authority.pk,
            "owner": operator.pk,  # represents another organisation
            "due_date": "not a date",
            "priority": "normal",
            "visibility": "members",
        },
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert "nothing was saved" in body
    assert "This person represents another organisation" in body
    assert not ActionPoint.objects.exists()


@pytest.mark.parametrize("role", [Role.DONOR, Role.OPERATOR, Role.OBSERVER])
def test_members_without_the_permission_cannot_record(client, coalition, members, role):
    client.force_login(members[role])
    assert client.get(url("new", coalition)).status_code == 403


def test_outsider_sees_nothing(client, coalition, members, outsider):
    action_point = make_action_point(coalition, owner=members[Role.OPERATOR])
    meeting = make_meeting(coalition, starts_at=action_point.created_at)
    client.force_login(outsider)
    for target in [
        url("list", coalition),
        url("export", coalition),
        url("detail", coalition, action_point.pk),
        url("update", coalition, action_point.pk),
        url("meeting_action_points", coalition, meeting.pk),
    ]:
        assert client.get(target).status_code == 404, target
    response = client.get(reverse("actions:mine_everywhere"))
    assert action_point.title not in response.content.decode()


def test_donor_cannot_update_another_organisations_action_point(client, coalition, members):
    action_point = make_action_point(coalition, owner=members[Role.OPERATOR])
    client.force_login(members[Role.DONOR])
    response = client.post(url("update", coalition, action_point.pk), {"text": "Done by us"})
    assert response.status_code == 403
    assert not ActionUpdate.objects.exists()


def test_owner_posts_an_update_with_a_status_change_and_sees_the_history(
    client, coalition, members
):
    operator = members[Role.OPERATOR]
    action_point = make_action_point(coalition, owner=operator)
    client.force_login(operator)
    response = client.post(
        url("update", coalition, action_point.pk),
        {"text": "Survey finished in 12 villages.", "new_status": "in_progress"},
    )
    assert response.status_code == 302
    action_point.refresh_from_db()
    assert action_point.status == "in_progress"
    update = ActionUpdate.objects.get()
    assert (update.old_status, update.new_status) == ("open", "in_progress")
    page = client.get(url("detail", coalition, action_point.pk)).content.decode()
    assert "Survey finished in 12 villages." in page
    assert "Status: Open → In progress" in page


def test_empty_update_is_refused_and_saves_nothing(client, coalition, members):
    operator = members[Role.OPERATOR]
    action_point = make_action_point(coalition, owner=operator)
    client.force_login(operator)
    response = client.post(url("update", coalition, action_point.pk), {"text": "  "})
    assert response.status_code == 200
    assert "This field is required" in response.content.decode()
    assert not ActionUpdate.objects.exists()


def test_secretariat_updates_any_action_point(client, coalition, members):
    action_point = make_action_point(coalition, owner=members[Role.OPERATOR])
    client.force_login(members[Role.SECRETARIAT])
    response = client.post(url("update", coalition, action_point.pk), {"text": "Chased by mail"})
    assert response.status_code == 302


def test_restricted_items_stay_out_of_an_observers_list_detail_and_csv(client, coalition, members):
    make_action_point(coalition, title="Open to members")
    secret = make_action_point(coalition, title="Funding envelope", visibility="restricted")
    client.force_login(members[Role.OBSERVER])
    page = client.get(url("list", coalition)).content.decode()
    assert "Open to members" in page and "Funding envelope" not in page
    exported = client.get(url("export", coalition)).content.decode()
    assert "Open to members" in exported and "Funding envelope" not in exported
    assert client.get(url("detail", coalition, secret.pk)).status_code == 404
    client.force_login(members[Role.CHAMPION])
    assert "Funding envelope" in client.get(url("list", coalition)).content.decode()


def test_lists_mine_recorded_and_archive(client, coalition, members):
    operator, facilitator = members[Role.OPERATOR], members[Role.FACILITATOR]
    make_action_point(coalition, owner=operator, title="Operator item", actor=facilitator)
    make_action_point(coalition, title="Authority item", actor=operator)
    make_action_point(coalition, owner=operator, title="Finished item", status="done")
    client.force_login(operator)
    mine = client.get(url("list", coalition) + "?view=mine").content.decode()
    assert "Operator item" in mine and "Authority item" not in mine
    assert "Finished item" not in mine
    archive = client.get(url("list", coalition) + "?status=archived").content.decode()
    assert "Finished item" in archive and "Operator item" not in archive
    client.force_login(facilitator)
    recorded = client.get(url("list", coalition) + "?view=recorded").content.decode()
    assert "Operator item" in recorded and "Authority item" not in recorded


def test_overdue_filter_sorting_and_csv_follow_the_filters(client, coalition, members):
    from actions.selectors import coalition_today

    today = coalition_today(coalition)
    from datetime import timedelta

    make_action_point(coalition, title="Late one", due_date=today - timedelta(days=2))
    make_action_point(coalition, title="Later one", due_date=today + timedelta(days=20))
    client.force_login(members[Role.NATIONAL_AUTHORITY])
    page = client.get(url("list", coalition) + "?overdue=on").content.decode()
    assert "Late one" in page and "Later one" not in page
    page = client.get(url("list", coalition) + "?sort=-due").content.decode()
    assert page.index("Later one") < page.index("Late one")
    rows = list(
        csv.DictReader(
            io.StringIO(
                client.get(url("export", coalition) + "?overdue=on").content.decode("utf-8-sig")
            )
        )
    )
    assert [row["Title"] for row in rows] == ["Late one"]
    assert rows[0]["Overdue"] == "Yes"


def test_my_action_points_across_coalitions(client, coalition, members):
    operator = members[Role.OPERATOR]
    other = CoalitionFactory()
    add_member(other, Role.OPERATOR, user=operator)
    make_action_point(coalition, owner=operator, title="Here")
    make_action_point(other, owner=operator, title="There")
    make_action_point(other, title="Not mine")
    client.force_login(operator)
    page = client.get(reverse("actions:mine_everywhere")).content.decode()
    assert "Here" in page and "There" in page and "Not mine" not in page


def test_quick_entry_with_htmx_returns_the_panel_and_without_js_redirects(
    client, coalition, members
):
    from django.utils import timezone

    meeting = make_meeting(coalition, starts_at=timezone.now())
    client.force_login(members[Role.SECRETARIAT])
    data = {
        "title": "Send the minutes",
        "owner_organisation": coalition.national_authority.pk,
        "visibility": "members",
        "next": url("meeting_action_points", coalition, meeting.pk),
    }
    response = client.post(
        url("meeting_quick_entry", coalition, meeting.pk), data, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200
    assert "Send the minutes" in response.content.decode()
    assert 'id="meeting-action-points"' in response.content.decode()
    response = client.post(url("meeting_quick_entry", coalition, meeting.pk), data)
    assert response.status_code == 302
    assert response["Location"] == data["next"]
    assert ActionPoint.objects.filter(meeting=meeting).count() == 2
    response = client.post(
        url("meeting_quick_entry", coalition, meeting.pk),
        {**data, "title": ""},
        HTTP_HX_REQUEST="true",
    )
    assert "nothing was saved" in response.content.decode()
    assert ActionPoint.objects.count() == 2
    response = client.post(url("meeting_quick_entry", coalition, meeting.pk), {**data, "title": ""})
    assert response.status_code == 422
    assert "nothing was saved" in response.content.decode()


def test_quick_entry_refused_without_the_permission(client, coalition, members):
    from django.utils import timezone

    meeting = make_meeting(coalition, starts_at=timezone.now())
    client.force_login(members[Role.DONOR])
    response = client.post(
        url("meeting_quick_entry", coalition, meeting.pk),
        {"title": "x", "owner_organisation": coalition.national_authority.pk},
    )
    assert response.status_code == 403
    page = client.get(url("meeting_action_points", coalition, meeting.pk)).content.decode()
    assert "Quick entry" not in page


def test_reminder_settings_only_for_the_authority(client, coalition, members):
    client.force_login(members[Role.FACILITATOR])
    assert client.get(url("reminders", coalition)).status_code == 403
    client.force_login(members[Role.NATIONAL_AUTHORITY])
    response = client.post(url("reminders", coalition), {"due_soon_days": "0"})
    assert response.status_code == 200
    assert "nothing was saved" in response.content.decode()
    response = client.post(
        url("reminders", coalition), {"reminders_enabled": "on", "due_soon_days": "3"}
    )
    assert response.status_code == 302
    assert coalition.reminder_settings.due_soon_days == 3


def test_each_person_chooses_their_cadence(client, coalition, members):
    from actions.selectors import notification_cadence

    donor = members[Role.DONOR]
    client.force_login(donor)
    assert client.post(url("preferences", coalition), {"cadence": "weekly"}).status_code == 302
    assert notification_cadence(user=donor, coalition=coalition) == "weekly"
    assert notification_cadence(user=members[Role.OPERATOR], coalition=coalition) == "immediate"


def test_home_panel_shows_my_open_items_and_overdue_count(client, coalition, members):
    from datetime import timedelta

    from actions.selectors import coalition_today

    operator = members[Role.OPERATOR]
    make_action_point(
        coalition, owner=operator, title="Late", due_date=coalition_today(coalition) - timedelta(1)
    )
    client.force_login(operator)
    page = client.get(reverse("coalitions:detail", args=[coalition.slug])).content.decode()
    assert "My open action points" in page and "1 overdue" in page and "Late" in page


def test_only_recorders_edit_and_the_change_shows_in_the_history(client, coalition, members):
    action_point = make_action_point(coalition, owner=members[Role.OPERATOR], title="Old title")
    client.force_login(members[Role.OPERATOR])
    assert client.get(url("edit", coalition, action_point.pk)).status_code == 403
    client.force_login(members[Role.FACILITATOR])
    response = client.post(
        url("edit", coalition, action_point.pk),
        {
            "title": "New title",
            "owner_organisation": action_point.owner_organisation_id,
            "owner": members[Role.OPERATOR].pk,
            "due_date": "2027-05-01",
            "priority": "high",
            "visibility": "members",
        },
    )
    assert response.status_code == 302
    page = client.get(url("detail", coalition, action_point.pk)).content.decode()
    assert "Title: Old title → New title" in page
    assert "Priority: Normal → High" in page


def _headings(page: str) -> list[str]:
    import re

    return re.findall(r'<h([1-6])[^>]*id="([^"]+)"', page)


def test_the_detail_page_reads_facts_then_updates_then_the_form(client, coalition, members):
    """Top down: the details, the updates so far (or that there is none yet), the changes, and
    last the form to add one, which the button at the top leads to; every section an h2 under the
    page's h1, none skipped."""
    operator = members[Role.OPERATOR]
    action_point = make_action_point(coalition, owner=operator)
    client.force_login(operator)
    page = client.get(url("detail", coalition, action_point.pk)).content.decode()
    assert "No update yet." in page
    assert _headings(page) == [
        ("2", "facts-h"),
        ("2", "updates-h"),
        ("2", "history-h"),
        ("2", "update-h"),
    ]
    form = f'action="{url("update", coalition, action_point.pk)}"'
    assert page.index("No update yet.") < page.index('id="update"') < page.index(form)
    assert 'href="#update"' in page
    client.post(url("update", coalition, action_point.pk), {"text": "Survey under way."})
    page = client.get(url("detail", coalition, action_point.pk)).content.decode()
    assert page.index("Survey under way.") < page.index('id="update-h"')


def test_the_detail_page_offers_no_form_to_those_who_may_not_post(client, coalition, members):
    action_point = make_action_point(coalition, owner=members[Role.OPERATOR])
    client.force_login(members[Role.OBSERVER])
    page = client.get(url("detail", coalition, action_point.pk)).content.decode()
    assert "No update yet." in page
    assert [anchor for _level, anchor in _headings(page)] == ["facts-h", "updates-h", "history-h"]
    assert 'href="#update"' not in page and "Post an update" not in page
