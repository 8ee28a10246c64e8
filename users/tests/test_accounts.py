import pytest
from allauth.account.models import EmailAddress
from django.urls import reverse

from coalitions.tests.factories import PASSWORD, UserFactory
from users.models import User


@pytest.mark.django_db
def test_sign_up_requires_verifying_the_address_before_signing_in(client, outbox_messages):
    response = client.post(
        reverse("account_signup"),
        {
            "name": "Amal",
            "email": "amal@example.net",
            "timezone": "Asia/Beirut",
            "password1": PASSWORD,
            "password2": PASSWORD,
        },
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("account_email_verification_sent")
    user = User.objects.get(email="amal@example.net")
    assert user.name == "Amal" and user.timezone == "Asia/Beirut"
    assert not EmailAddress.objects.get(user=user).verified
    [message] = outbox_messages
    assert "confirm" in message.text_body().lower()
    # Until the address is confirmed, signing in only sends the person back to verification.
    response = client.post(
        reverse("account_login"), {"login": "amal@example.net", "password": PASSWORD}
    )
    assert response["Location"] == reverse("account_email_verification_sent")
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_sign_in_is_by_email_address_in_any_case(client):
    UserFactory(email="case@example.net")
    response = client.post(
        reverse("account_login"), {"login": "CASE@Example.net", "password": PASSWORD}
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("coalitions:today")


@pytest.mark.django_db
def test_wrong_password_gets_a_clear_error(client):
    UserFactory(email="someone@example.net")
    response = client.post(
        reverse("account_login"), {"login": "someone@example.net", "password": "nope"}
    )
    assert response.status_code == 200
    assert "not correct" in response.content.decode()


@pytest.mark.django_db
def test_sign_up_with_bad_input_gets_errors_and_creates_nobody(client):
    response = client.post(
        reverse("account_signup"),
        {
            "name": "",
            "email": "not-an-address",
            "timezone": "Mars/Olympus",
            "password1": "short",
            "password2": "other",
        },
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "Enter a valid email address" in page
    assert "Select a valid choice" in page
    assert not User.objects.exists()


@pytest.mark.django_db
def test_password_reset_sends_a_mail_with_a_single_use_link(client, outbox_messages):
    UserFactory(email="forgot@example.net")
    client.post(reverse("account_reset_password"), {"email": "forgot@example.net"})
    [message] = outbox_messages
    assert "/accounts/password/reset/key/" in message.text_body()


@pytest.mark.django_db
def test_two_factor_setup_is_open_to_every_person(client):
    UserFactory(email="secure@example.net")
    client.post(reverse("account_login"), {"login": "secure@example.net", "password": PASSWORD})
    # Turning on two-factor asks for the password again first, as allauth does for sensitive changes.
    assert client.get(reverse("mfa_activate_totp"))["Location"].startswith(
        reverse("account_reauthenticate")
    )
    client.post(reverse("account_reauthenticate"), {"password": PASSWORD})
    response = client.get(reverse("mfa_activate_totp"))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Authenticator secret" in page and 'src="data:image/svg+xml;base64,' in page  # QR code


@pytest.mark.django_db
def test_profile_changes_name_zone_and_language_and_rejects_unknown_zone(client):
    user = UserFactory()
    client.force_login(user)
    url = reverse("users:profile")
    response = client.post(
        url, {"name": "New Name", "preferred_language": "fr", "timezone": "Europe/Podgorica"}
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert (user.name, user.preferred_language, user.timezone) == (
        "New Name",
        "fr",
        "Europe/Podgorica",
    )
    response = client.post(
        url, {"name": "X", "preferred_language": "en", "timezone": "Nowhere/City"}
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert 'aria-invalid="true"' in page and "Nowhere/City" in page
    user.refresh_from_db()
    assert user.timezone == "Europe/Podgorica"


@pytest.mark.django_db
def test_language_switcher_serves_french_and_spanish(client):
    client.post(reverse("set_language"), {"language": "fr", "next": "/"})
    assert client.cookies["django_language"].value == "fr"
    response = client.get(reverse("account_login"))
    assert response.headers["Content-Language"] == "fr"
    assert '<html lang="fr"' in response.content.decode()
