"""What production runs on: the health probe, the log context, the in-process schedule."""

import json
import logging
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from actions.tests.factories import make_action_point
from coalitions.models import Role
from config.celery_app import app
from config.logging import ContextFilter

pytestmark = pytest.mark.django_db


def test_health_answers_by_address_over_plain_http_before_the_host_check(client, settings):
    settings.ALLOWED_HOSTS = ["coalitions.example.org"]
    settings.SECURE_SSL_REDIRECT = True
    response = client.get("/health/", HTTP_HOST="10.0.0.7:8000")
    assert response.status_code == 200
    report = json.loads(response.content)
    assert report["status"] == "ok"
    assert set(report["checks"]) == {"database", "cache", "broker", "worker"}
    assert all(value.startswith("ok") for value in report["checks"].values())
    # Any other page still goes through the host check.
    assert client.get("/", HTTP_HOST="10.0.0.7:8000").status_code == 400


@pytest.fixture
def broker_on_a_closed_port():
    saved = {key: app.conf[key] for key in ("broker_url", "task_always_eager")}
    app.conf.update(broker_url="redis://127.0.0.1:1/0", task_always_eager=False)
    app._pool = None  # the producer pool is built from the broker URL when first used
    try:
        yield
    finally:
        app.conf.update(saved)
        app._pool = None


def test_health_keeps_the_web_in_rotation_without_a_broker_but_says_so(
    client, broker_on_a_closed_port
):
    web = client.get("/health/")
    assert web.status_code == 200
    checks = json.loads(web.content)["checks"]
    assert checks["broker"].startswith("failing")
    assert checks["worker"].startswith("failing")
    whole_stack = client.get("/health/?require=all")
    assert whole_stack.status_code == 503


def test_log_lines_name_the_request_and_the_coalition(client, coalition, members):
    records = []

    class Keep(logging.Handler):
        def emit(self, record):
            records.append(record)

    handler = Keep()
    handler.addFilter(ContextFilter())
    logger = logging.getLogger("django.request")
    logger.addHandler(handler)
    try:
        client.force_login(members[Role.OBSERVER])
        response = client.get("/coalitions/no-such-coalition/")
    finally:
        logger.removeHandler(handler)
    assert response.status_code == 404
    request_id = response.headers["X-Request-ID"]
    [record] = [r for r in records if "Not Found" in r.getMessage()]
    assert f"request={request_id}" in record.context
    assert "coalition=no-such-coalition" in record.context


def test_run_schedule_sends_the_due_reminders_into_the_outbox(
    coalition, members, outbox_messages, django_capture_on_commit_callbacks
):
    owner = members[Role.OPERATOR]
    make_action_point(coalition, owner=owner, due_date=timezone.localdate() + timedelta(days=2))
    with django_capture_on_commit_callbacks(execute=True):
        call_command("run_schedule", "--once")
    assert outbox_messages.filter(to__contains=owner.email).exists()
