"""What the settings promise: no route to MEDIA_ROOT, a per-checkout secret key, a secure language
cookie, shared rate-limit counters and a clean `check --deploy` in production."""

import importlib
import json
import os
import stat
import subprocess
import sys

import pytest
from django.conf import settings
from django.urls import clear_url_caches, set_urlconf

BASE = settings.BASE_DIR
PRODUCTION_ENV = {
    "DJANGO_SETTINGS_MODULE": "config.settings.production",
    "SECRET_KEY": "x" * 20 + "production-key-for-the-check-" + "y" * 20,
    "ALLOWED_HOSTS": "coalitions.example.org",
}


# The test run's own relaxations (tests/fixtures.py) are not what a deployment has.
NOT_INHERITED = ("SECRET_KEY", "REDIS_URL", "DJANGO_ALLOW_ASYNC_UNSAFE", "DJANGO_SETTINGS_MODULE")


def clean_env(**env) -> dict:
    return {**{k: v for k, v in os.environ.items() if k not in NOT_INHERITED}, **env}


def run_django(code: str, **env) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-c", "import django; django.setup()\n" + code],
        cwd=BASE,
        env=clean_env(**env),
        capture_output=True,
        text=True,
        timeout=120,
    )


def production_settings(**env) -> dict:
    names = [
        "LANGUAGE_COOKIE_SECURE",
        "LANGUAGE_COOKIE_HTTPONLY",
        "LANGUAGE_COOKIE_SAMESITE",
        "ALLAUTH_TRUSTED_PROXY_COUNT",
        "CACHES",
        "CONTENT_SECURITY_POLICY",
    ]
    code = (
        "import json; from django.conf import settings\n"
        f"print(json.dumps({{n: getattr(settings, n) for n in {names!r}}}, default=str))"
    )
    result = run_django(code, **PRODUCTION_ENV, **env)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


@pytest.fixture
def debug_urls(settings):
    """The URLconf as it is built with DEBUG on, restored afterwards."""
    import config.urls

    settings.DEBUG = True
    importlib.reload(config.urls)
    clear_url_caches()
    set_urlconf(None)
    yield
    settings.DEBUG = False
    importlib.reload(config.urls)
    clear_url_caches()


@pytest.mark.django_db
def test_with_debug_on_media_files_are_not_served_by_url(client, debug_urls):
    stored = settings.MEDIA_ROOT / "documents" / "restricted-minutes.pdf"
    stored.parent.mkdir(parents=True, exist_ok=True)
    stored.write_bytes(b"%PDF-1.4 restricted")
    try:
        response = client.get(settings.MEDIA_URL + "documents/restricted-minutes.pdf")
        assert response.status_code == 404
        assert b"restricted" not in b"".join(getattr(response, "streaming_content", [b""]))
    finally:
        stored.unlink()


def test_language_cookie_is_http_only_and_same_site(client):
    response = client.post("/i18n/setlang/", {"language": "fr", "next": "/"})
    cookie = response.cookies[settings.LANGUAGE_COOKIE_NAME]
    assert cookie.value == "fr"
    assert cookie["httponly"] is True and cookie["samesite"] == "Lax"


def test_production_settings_secure_the_cookie_and_share_the_counters():
    found = production_settings(REDIS_URL="redis://127.0.0.1:6379/6")
    assert found["LANGUAGE_COOKIE_SECURE"] is True
    assert found["LANGUAGE_COOKIE_HTTPONLY"] is True
    assert found["LANGUAGE_COOKIE_SAMESITE"] == "Lax"
    assert found["ALLAUTH_TRUSTED_PROXY_COUNT"] == 1
    cache = found["CACHES"]["default"]
    assert cache["BACKEND"] == "django.core.cache.backends.redis.RedisCache"
    assert cache["LOCATION"] == "redis://127.0.0.1:6379/6" and cache["KEY_PREFIX"]
    assert found["CONTENT_SECURITY_POLICY"]["DIRECTIVES"]["default-src"] == ["'none'"]


def test_trusted_proxy_count_comes_from_the_environment():
    found = production_settings(ALLAUTH_TRUSTED_PROXY_COUNT="2")
    assert found["ALLAUTH_TRUSTED_PROXY_COUNT"] == 2
    # Without REDIS_URL there is no shared store to point at: Django's default cache stays.
    assert found["CACHES"]["default"]["BACKEND"].endswith("LocMemCache")


def test_check_deploy_is_clean_with_production_settings():
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=BASE,
        env=clean_env(**PRODUCTION_ENV),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_local_settings_use_a_key_made_for_this_checkout():
    result = run_django(
        "from django.conf import settings; print(settings.SECRET_KEY)",
        DJANGO_SETTINGS_MODULE="config.settings.local",
    )
    assert result.returncode == 0, result.stderr
    key = result.stdout.strip().splitlines()[-1]
    key_file = BASE / ".secret_key"
    assert key == key_file.read_text().strip() and len(key) >= 50
    ignored = subprocess.run(["git", "check-ignore", "-q", str(key_file)], cwd=BASE)
    assert ignored.returncode == 0, ".secret_key must stay out of git"
    committed = subprocess.run(["git", "grep", "-n", key], cwd=BASE, capture_output=True, text=True)
    assert committed.stdout == ""


def test_each_checkout_gets_its_own_key_made_once(tmp_path):
    from config.settings.local import checkout_secret_key

    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    first = checkout_secret_key(tmp_path / "a" / ".secret_key")
    assert checkout_secret_key(tmp_path / "a" / ".secret_key") == first
    assert checkout_secret_key(tmp_path / "b" / ".secret_key") != first
    mode = stat.S_IMODE((tmp_path / "a" / ".secret_key").stat().st_mode)
    assert mode & 0o077 == 0, oct(mode)
    assert sorted(p.name for p in (tmp_path / "a").iterdir()) == [".secret_key"]
