"""Signing in to the admin goes through allauth: its rate limits and the second factor apply, the
client is the address the proxy names, and the counters are shared by every web process."""

import uuid

import pytest
from allauth.mfa.totp.internal.auth import (
    TOTP,
    format_hotp_value,
    generate_totp_secret,
    hotp_value,
    yield_hotp_counters_from_time,
)
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from coalitions.tests.factories import PASSWORD, UserFactory
from config.settings.base import ACCOUNT_RATE_LIMITS, shared_cache

pytestmark = pytest.mark.django_db

ADMIN_LOGIN = "/admin/login/"
WRONG = "not-the-password-at-all"


def signed_in(client) -> bool:
    return "_auth_user_id" in client.session


def refused(response) -> bool:
    """allauth's answer to a rate-limited sign-in: a form error, or 429 once every try counts."""
    return response.status_code == 429 or "Too many failed login attempts" in (
        response.content.decode()
    )


def totp_code(secret: str) -> str:
    return format_hotp_value(hotp_value(secret, next(yield_hotp_counters_from_time())))


@pytest.fixture
def rate_limits(settings):
    """The rate limits the site runs with (the test settings turn them off)."""
    settings.ACCOUNT_RATE_LIMITS = ACCOUNT_RATE_LIMITS
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def staff_with_totp():
    user = UserFactory(email="staff@example.net", is_staff=True)
    secret = generate_totp_secret()
    TOTP.activate(user, secret)
    return user, secret


def test_the_admin_sign_in_page_sends_to_allauth_with_next(client):
    response = client.get(ADMIN_LOGIN, {"next": "/admin/users/user/"})
    assert response.status_code == 302
    assert response["Location"] == reverse("account_login") + "?next=%2Fadmin%2Fusers%2Fuser%2F"
    response = client.get("/admin/")
    assert response.status_code == 302
    assert client.get(response["Location"])["Location"].startswith(reverse("account_login"))


def test_thirty_wrong_passwords_on_the_admin_path_never_sign_in_without_totp(
    client, rate_limits, staff_with_totp
):
    user, secret = staff_with_totp
    refusals = 0
    for _attempt in range(30):
        response = client.post(ADMIN_LOGIN, {"username": user.email, "password": WRONG})
        # The admin's own form checks nothing: every attempt is sent to allauth's page.
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("account_login"))
        response = client.post(response["Location"], {"login": user.email, "password": WRONG})
        refusals += refused(response)
        assert not signed_in(client)
    assert refusals >= 25  # allauth's limit (5 per address per 5 minutes) is reached

    # The right password on the admin path: still only a redirect, no session.
    response = client.post(ADMIN_LOGIN, {"username": user.email, "password": PASSWORD})
    assert response.status_code == 302 and not signed_in(client)
    # And through allauth the address is locked for now, right password or not.
    response = client.post(reverse("account_login"), {"login": user.email, "password": PASSWORD})
    assert refused(response)
    assert not signed_in(client)
    assert client.get("/admin/").status_code == 302


def test_the_right_password_leads_to_the_second_factor_then_the_admin(
    client, rate_limits, staff_with_totp
):
    user, secret = staff_with_totp
    response = client.post(
        reverse("account_login") + "?next=/admin/", {"login": user.email, "password": PASSWORD}
    )
    assert response["Location"].startswith(reverse("mfa_authenticate"))
    assert not signed_in(client)
    assert client.get("/admin/").status_code == 302
    response = client.post(reverse("mfa_authenticate"), {"code": "000000"})
    assert not signed_in(client)
    response = client.post(reverse("mfa_authenticate"), {"code": totp_code(secret)})
    assert signed_in(client)
    assert response["Location"] == "/admin/"
    assert client.get("/admin/").status_code == 200


def test_behind_the_proxy_each_client_is_counted_by_its_own_address(client, settings):
    """With the proxy trusted, one person's failures do not lock out another."""
    settings.ACCOUNT_RATE_LIMITS = {"login_failed": "3/m/ip"}
    cache.clear()
    proxy = {"REMOTE_ADDR": "10.0.0.2"}
    url = reverse("account_login")

    def fails_from(address: str, email: str) -> bool:
        """Whether a failed sign-in from `address` is refused by the rate limit."""
        response = client.post(
            url,
            {"login": email, "password": WRONG},
            HTTP_X_FORWARDED_FOR=address,
            **proxy,
        )
        return refused(response)

    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1
    for n in range(3):
        fails_from("203.0.113.1", f"a{n}@example.net")
    assert fails_from("203.0.113.1", "a9@example.net")
    assert not fails_from("203.0.113.2", "b@example.net")

    # Untrusted, every client looks like the proxy: the other person is locked out too.
    cache.clear()
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 0
    for n in range(3):
        fails_from("203.0.113.1", f"a{n}@example.net")
    assert fails_from("203.0.113.2", "b@example.net")
    cache.clear()


def test_rate_limit_counters_live_in_the_shared_redis_cache(redis_url, settings):
    """Two clients, as two gunicorn processes would see them: the failures add up in Redis."""
    import redis

    config = shared_cache(redis_url)
    prefix = f"cc-test-{uuid.uuid4().hex[:12]}"
    config["default"]["KEY_PREFIX"] = prefix
    settings.CACHES = config
    settings.ACCOUNT_RATE_LIMITS = {"login_failed": "5/5m/key"}
    store = redis.Redis.from_url(redis_url)
    first, second = (
        Client(REMOTE_ADDR="198.51.100.1"),
        Client(REMOTE_ADDR="198.51.100.2"),
    )
    url = reverse("account_login")
    try:
        for n in range(5):
            client = first if n % 2 else second
            response = client.post(url, {"login": "shared@example.net", "password": WRONG})
            assert not refused(response)
        assert store.keys(f"{prefix}:*"), "the counters are not in Redis"
        for client in (first, second):
            response = client.post(url, {"login": "shared@example.net", "password": WRONG})
            assert refused(response)
    finally:
        keys = store.keys(f"{prefix}:*")
        if keys:
            store.delete(*keys)
