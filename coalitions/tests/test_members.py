import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from coalitions.models import Coalition, Membership, Role
from coalitions.permissions import access_for
from users.models import User


@pytest.mark.django_db
def test_authority_changes_a_role_and_the_permissions_follow(client, coalition, members):
    observer = members[Role.OBSERVER]
    membership = observer.memberships.get(coalition=coalition)
    client.force_login(members[Role.NATIONAL_AUTHORITY])
    response = client.post(
        reverse("coalitions:member_edit", args=[coalition.slug, membership.pk]),
        {"role": Role.FACILITATOR, "organisation": membership.organisation_id},
    )
    assert response.status_code == 302
    assert access_for(observer, coalition).can("read_concerns")


@pytest.mark.django_db
def test_removal_asks_first_then_takes_away_all_access(client, coalition, members):
    donor = members[Role.DONOR]
    membership = donor.memberships.get(coalition=coalition)
    client.force_login(members[Role.NATIONAL_AUTHORITY])
    url = reverse("coalitions:member_remove", args=[coalition.slug, membership.pk])
    assert "Remove" in client.get(url).content.decode()
    assert Membership.objects.filter(pk=membership.pk).exists()
    client.post(url)
    assert not Membership.objects.filter(pk=membership.pk).exists()
    client.force_login(donor)
    assert client.get(reverse("coalitions:detail", args=[coalition.slug])).status_code == 404


@pytest.mark.django_db
def test_last_national_authority_cannot_be_removed_or_demoted(client, coalition, members):
    authority = members[Role.NATIONAL_AUTHORITY]
    membership = authority.memberships.get(coalition=coalition)
    client.force_login(authority)
    response = client.post(
        reverse("coalitions:member_remove", args=[coalition.slug, membership.pk])
    )
    assert "at least one member of the national authority" in response.content.decode()
    response = client.post(
        reverse("coalitions:member_edit", args=[coalition.slug, membership.pk]),
        {"role": Role.OBSERVER, "organisation": membership.organisation_id},
    )
    assert "at least one member of the national authority" in response.content.decode()
    membership.refresh_from_db()
    assert membership.role == Role.NATIONAL_AUTHORITY


@pytest.mark.django_db
def test_role_form_rejects_an_unknown_role(client, coalition, members):
    membership = members[Role.OBSERVER].memberships.get(coalition=coalition)
    client.force_login(members[Role.NATIONAL_AUTHORITY])
    response = client.post(
        reverse("coalitions:member_edit", args=[coalition.slug, membership.pk]),
        {"role": "king", "organisation": membership.organisation_id},
    )
    assert "Select a valid choice" in response.content.decode()
    membership.refresh_from_db()
    assert membership.role == Role.OBSERVER


@pytest.mark.django_db
def test_member_of_another_coalition_cannot_be_edited_through_this_one(
    client, coalition, members, outsider
):
    other_membership = outsider.memberships.get()
    client.force_login(members[Role.NATIONAL_AUTHORITY])
    url = reverse("coalitions:member_edit", args=[coalition.slug, other_membership.pk])
    assert client.get(url).status_code == 404


@pytest.mark.django_db
def test_seed_demo_is_idempotent(capsys):
    call_command("seed_demo")
    counts = (Coalition.objects.count(), Membership.objects.count())
    call_command("seed_demo")
    assert (Coalition.objects.count(), Membership.objects.count()) == counts
    assert counts[0] == 3
    out = capsys.readouterr().out
    assert "coalition-demo-2026" in out
    # Roles are listed with the coalitions' names as written, not their lowercase addresses.
    assert "National authority in Lebanon Country Coalition" in out
    assert " in lebanon" not in out and " in montenegro" not in out
    # The demo's site staff runs the site through model permissions, not as a superuser.
    admin = User.objects.get(email="admin@example.org")
    assert admin.is_staff and not admin.is_superuser
    # A person's name, so the header's short name is not "Site".
    assert admin.get_short_name() == "Anna" and str(admin) == "Anna Berg (demo)"
    assert admin.has_perm("outbox.view_outboxmessage") and not admin.memberships.exists()
    assert call_command("check_permissions") is None


@pytest.mark.django_db
def test_seed_demo_dates_records_as_their_story_goes(capsys):
    from datetime import date

    from actions.models import ActionPoint
    from obligations.models import ProgressEntry

    call_command("seed_demo")
    today = timezone.now().date()
    joined = Membership.objects.values_list("joined_at", flat=True)
    assert joined and all(moment.date() < today for moment in joined)
    assert min(joined).year == 2016 and len({m.date() for m in joined}) > 3
    for action_point in ActionPoint.objects.select_related("meeting"):
        if action_point.meeting and action_point.meeting.ends_at < timezone.now():
            assert action_point.created_at == action_point.meeting.ends_at
    figures_2015 = ProgressEntry.objects.filter(period_end__year=2015, validated_at__isnull=False)
    assert figures_2015.exists()
    for entry in figures_2015:
        assert entry.period_end < entry.validated_at.date() < date(2016, 12, 31)
        assert entry.reported_at <= entry.validated_at
