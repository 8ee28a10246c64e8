import pytest
from django.core.management import call_command
from django.urls import reverse

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
    assert "coalition-demo-2026" in capsys.readouterr().out
    # The demo's site staff runs the site through model permissions, not as a superuser.
    admin = User.objects.get(email="admin@example.org")
    assert admin.is_staff and not admin.is_superuser
    assert admin.has_perm("outbox.view_outboxmessage") and not admin.memberships.exists()
    assert call_command("check_permissions") is None
