"""The real stack: PostgreSQL and Redis in CI, a real Celery worker, production settings."""

import os
import secrets
import subprocess
import sys

import pytest
from django.conf import settings
from django.db import connection

from coalitions.models import Role
from coalitions.services import invitation_create
from tests.fixtures import CI, wait_for


@pytest.mark.django_db
def test_ci_runs_on_postgresql():
    if not CI:
        pytest.skip("Outside CI the suite may run on SQLite.")
    assert connection.vendor == "postgresql", f"CI must use PostgreSQL, got {connection.vendor}"


def test_redis_answers(redis_url):
    import redis

    assert redis.Redis.from_url(redis_url).ping()


def test_production_settings_pass_the_deploy_check():
    env = {
        **{k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"},
        "DJANGO_SETTINGS_MODULE": "config.settings.production",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "coalitions.example.org",
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_settings_refuse_to_start_without_a_secret_key():
    env = {k: v for k, v in os.environ.items() if k != "SECRET_KEY"}
    env.update({"DJANGO_SETTINGS_MODULE": "config.settings.production", "ALLOWED_HOSTS": "x.org"})
    result = subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


def test_invitation_mail_goes_through_a_real_worker(
    celery_worker, coalition, members, outbox_messages
):
    invitation_create(
        coalition=coalition,
        email="worker.test@example.net",
        role=Role.DONOR,
        organisation=members[Role.DONOR].memberships.get().organisation,
        actor=members[Role.CHAMPION],
    )
    wait_for(
        lambda: outbox_messages.filter(to__contains="worker.test@example.net").exists(),
        timeout=30,
        what="the worker to send the invitation",
    )
    invitation = coalition.invitations.get()
    assert invitation.sent_at is not None
