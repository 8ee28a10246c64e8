"""Site staff run accounts in the admin, but not a superuser's: setting its password or e-mail
address would let them sign in with every power of the site."""

import pytest
from django.urls import reverse

from users.services import user_create

pytestmark = pytest.mark.django_db
NEW_PASSWORD = "Taken-over-2026-xyz"


@pytest.fixture
def staff(db):
    return user_create(email="staff.accounts@example.net", name="Staff", is_staff=True, actor=None)


def superuser(email="root@example.net"):
    person = user_create(email=email, name="Root", actor=None)
    person.is_staff = person.is_superuser = True
    person.save()
    return person


def password_form(person):
    return {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD, "usable_password": "true"}


def test_site_staff_cannot_set_a_superusers_password_or_address(client, staff):
    root = superuser()
    client.force_login(staff)
    password_page = reverse("admin:auth_user_password_change", args=[root.pk])
    change_page = reverse("admin:users_user_change", args=[root.pk])
    assert client.get(password_page).status_code == 403
    assert client.post(password_page, password_form(root)).status_code == 403
    assert client.post(change_page, {"email": "staff.owns.it@example.net"}).status_code == 403
    root.refresh_from_db()
    assert not root.check_password(NEW_PASSWORD)
    assert root.email == "root@example.net"


def test_site_staff_still_set_a_members_password_and_a_superuser_sets_anyones(client, staff):
    member = user_create(email="member@example.net", name="Member", actor=None)
    other_root = superuser("other.root@example.net")
    for actor, person in [(staff, member), (superuser(), other_root)]:
        client.force_login(actor)
        page = reverse("admin:auth_user_password_change", args=[person.pk])
        assert client.post(page, password_form(person)).status_code == 302
        person.refresh_from_db()
        assert person.check_password(NEW_PASSWORD)


def test_site_staff_cannot_give_a_superuser_an_address_of_theirs(client, staff):
    from allauth.account.models import EmailAddress

    root = superuser()
    own = EmailAddress.objects.get(user=root)
    client.force_login(staff)
    client.post(
        reverse("admin:account_emailaddress_add"),
        {"user": root.pk, "email": "staff.owns.it@example.net", "verified": "on"},
    )
    change_page = reverse("admin:account_emailaddress_change", args=[own.pk])
    client.post(change_page, {"user": root.pk, "email": "staff.owns.it@example.net"})
    assert list(EmailAddress.objects.filter(user=root).values_list("email", flat=True)) == [
        "root@example.net"
    ]
    assert client.get(reverse("admin:account_emailaddress_changelist")).status_code == 200
    member = user_create(email="member@example.net", name="Member", actor=None)
    answer = client.post(
        reverse("admin:account_emailaddress_add"),
        {"user": member.pk, "email": "member.work@example.net", "verified": "on"},
    )
    assert answer.status_code == 302
    assert EmailAddress.objects.filter(user=member, email="member.work@example.net").exists()
