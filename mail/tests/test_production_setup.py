"""What production runs on: the health probe, the log context, the in-process schedule."""

import json
import logging
import time
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from actions.tests.factories import make_action_point
from coalitions.models import Invitation, Role
from config.celery_app import app
from config.logging import ContextFilter
from mail.models import MailStatus
from mail.pipeline import dispatch

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


@pytest.mark.django_db(transaction=True)
def test_a_form_posted_while_the_broker_is_down_answers_at_once_and_its_mail_waits(
    client, coalition, members, outbox_messages, broker_on_a_closed_port
):
    client.force_login(members[Role.CHAMPION])
    started = time.monotonic()
    response = client.post(
        reverse("coalitions:invitation_new", args=[coalition.slug]),
        {
            "email": "waiting@example.net",
            "role": Role.OPERATOR,
            "organisation": members[Role.OPERATOR].memberships.get().organisation.pk,
        },
    )
    elapsed = time.monotonic() - started
    assert response.status_code == 302
    assert elapsed < 3, f"the page took {elapsed:.1f} s with the broker down"
    invitation = Invitation.objects.get(email="waiting@example.net")
    assert invitation.status == MailStatus.PENDING and invitation.sent_at is None
    assert not outbox_messages.exists()
    # The broker is back: the dispatcher finds the waiting row and the mail goes, once.
    app.conf.update(broker_url="memory://", task_always_eager=True)
    Invitation.objects.update(next_attempt_at=timezone.now() - timedelta(minutes=5))
    dispatch()
    dispatch()
    invitation.refresh_from_db()
    assert invitation.status == MailStatus.SENT
    assert list(outbox_messages.values_list("to", flat=True)) == ["waiting@example.net"]


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
