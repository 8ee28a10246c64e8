"""Fixtures shared by every app's tests (loaded by the root conftest.py)."""

import os
import shutil
import socket
import time
from contextlib import contextmanager

import pytest
from django.conf import settings as django_settings
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}

# Property tests: enough examples to find the edges, few enough to keep the suite fast. Tests that
# touch the database take a fixture per test, not per example, and roll back each example
# themselves (see obligations/tests/test_csv_properties.py); they run without a time limit per
# example, as a database on a busy machine is not a property of the code. CI replays the same
# examples on every run; `HYPOTHESIS_PROFILE=thorough` searches wider.
hypothesis_settings.register_profile(
    "project",
    max_examples=50,
    deadline=None,
    derandomize=CI,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
hypothesis_settings.register_profile(
    "thorough", parent=hypothesis_settings.get_profile("project"), max_examples=1000
)
hypothesis_settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "project"))
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"

# The longest modules, longest first: every module that took over 1% of the suite's time in a
# whole run (`--durations`, summed per module). `make test` runs the suite on two processes, each
# taking whole modules (`--dist loadfile`, so data made once per module is made once) and handed
# its next module while the last two tests of the one it runs are left; the long ones go first
# and the last ones handed out are short, so neither process is left with a long one while the
# other is idle.
LONG_MODULES = (
    "tests/test_crawl_demo.py",
    "tests/test_permission_matrix.py",
    "tests/test_production_stack.py",
    "tests/test_crawl_edge.py",
    "tests/test_responsive_browser.py",
    "tests/test_form_submissions.py",
    "tests/test_content_security_policy.py",
    "meetings/tests/test_preparation.py",
    "tests/test_meetings_browser.py",
    "coalitions/tests/test_today.py",
)


def pytest_collection_modifyitems(items):
    rank = {path: n for n, path in enumerate(LONG_MODULES)}
    items.sort(key=lambda item: rank.get(item.nodeid.split("::", 1)[0], len(rank)))


@pytest.fixture
def coalition(db):
    from coalitions.tests.factories import CoalitionFactory

    return CoalitionFactory()


@pytest.fixture
def members(coalition):
    """One person per role in `coalition`, keyed by role value."""
    from coalitions.models import Role
    from coalitions.tests.factories import add_member

    return {role: add_member(coalition, role) for role in Role.values}


@pytest.fixture
def outsider(db):
    """A signed-up person who belongs to another coalition only."""
    from coalitions.models import Role
    from coalitions.tests.factories import CoalitionFactory, add_member

    return add_member(CoalitionFactory(), Role.NATIONAL_AUTHORITY)


@pytest.fixture(autouse=True)
def _default_language():
    """Each test starts in the site's language: a request that signed someone in with French
    (users/adapters.py) leaves it active in the test's thread, as a worker's next request would
    not (the locale middleware chooses again for every request)."""
    from django.utils import translation

    translation.activate(django_settings.LANGUAGE_CODE)
    yield
    translation.activate(django_settings.LANGUAGE_CODE)


@pytest.fixture(autouse=True)
def _mail_to_the_outbox(settings):
    # Django's test setup swaps in the locmem backend; the product's own outbox is what users read.
    settings.EMAIL_BACKEND = "outbox.backends.OutboxBackend"


@pytest.fixture
def outbox_messages(db):
    from outbox.models import OutboxMessage

    return OutboxMessage.objects.order_by("id")


# Tools the tests share ---------------------------------------------------------------------------


def committed():
    """Services queue mail after commit; this runs what a block queued, as a commit would. For
    helpers that take no fixtures; a test itself uses `django_capture_on_commit_callbacks`."""
    from django.test import TestCase

    return TestCase.captureOnCommitCallbacks(execute=True)


@contextmanager
def made_once(django_db_blocker, build, *args, **kwargs):
    """Data made once for a whole module (a module-scoped fixture), in a transaction rolled back
    when the module is done; each test runs in a savepoint on top of it, so what a test changes
    is undone before the next. As with the `db` fixture, nothing queued on commit runs. Not for
    modules with `transactional_db` tests (they would empty the tables under it)."""
    from django.db import transaction

    with django_db_blocker.unblock(), transaction.atomic():
        yield build(*args, **kwargs)
        transaction.set_rollback(True)


def count_queries(client, url: str) -> int:
    """The queries one GET of `url` costs, a streamed answer read to its end; it must answer 200."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
        assert response.status_code == 200, url
        if response.streaming:
            b"".join(response.streaming_content)
    return len(ctx.captured_queries)


def wait_for(condition, timeout: float = 30, what: str = "the condition", every: float = 0.2):
    """Asks `condition` every `every` seconds until it answers something true, and returns that;
    fails after `timeout` seconds. For what a worker or another process does in its own time."""
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout:.0f} s waiting for {what}")
        time.sleep(every)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class RecordingHandler:
    """Keeps every message, as (envelope recipients, raw bytes), and the SMTP session each
    arrived on."""

    def __init__(self):
        self.messages: list[tuple[list[str], bytes]] = []
        self.sessions: set[int] = set()

    async def handle_DATA(self, server, session, envelope):
        self.sessions.add(id(session))
        self.messages.append((envelope.rcpt_tos, envelope.content))
        return "250 Message accepted for delivery"


@pytest.fixture
def smtp_server(settings):
    """A real SMTP server on localhost; Django's SMTP backend sends to it. Yields the handler."""
    from aiosmtpd.controller import Controller

    handler = RecordingHandler()
    controller = Controller(handler, hostname="127.0.0.1", port=free_port())
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = controller.port
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_TIMEOUT = 5
    yield handler
    controller.stop()


@pytest.fixture
def smtp_down(settings):
    """SMTP pointed at a port where nothing listens; eager tasks then retry in-process (they
    retry only when errors are not propagated to the caller)."""
    from config.celery_app import app

    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = free_port()
    settings.EMAIL_TIMEOUT = 2
    app.conf.task_eager_propagates = False
    yield
    app.conf.task_eager_propagates = True


# Browser tests ----------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    if not os.path.exists(CHROMIUM):
        if CI:
            pytest.fail(
                f"Chromium is required for browser tests in CI and was not found at {CHROMIUM}"
            )
        pytest.skip("Chromium is not installed (apt-get install chromium)")
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
        ],
    }


@pytest.fixture
def artifacts_dir():
    from django.conf import settings

    path = settings.BASE_DIR / "test-artifacts"
    path.mkdir(exist_ok=True)
    return path


# Services: with CI set a missing service fails the test instead of skipping it. -------------------


def require_service(name: str, available: bool, hint: str) -> None:
    if available:
        return
    if CI:
        pytest.fail(f"{name} is required in CI and could not be reached: {hint}")
    pytest.skip(f"{name} is not available here: {hint}")


@pytest.fixture(scope="session")
def redis_url():
    url = os.environ.get("REDIS_URL", "")
    ok = False
    if url:
        import redis

        try:
            ok = redis.Redis.from_url(url, socket_connect_timeout=2).ping()
        except redis.RedisError:
            ok = False
    require_service("Redis", ok, f"REDIS_URL={url or '(unset)'}")
    return url


@pytest.fixture
def celery_worker(redis_url, transactional_db, settings):
    """A real Celery worker thread consuming from Redis, as in production."""
    from celery.contrib.testing.worker import start_worker

    from config.celery_app import app

    settings.CELERY_TASK_ALWAYS_EAGER = False
    app.conf.update(
        broker_url=redis_url,
        result_backend=redis_url,
        task_always_eager=False,
        task_eager_propagates=False,
        broker_connection_retry_on_startup=True,
    )
    with start_worker(
        app, pool="solo", perform_ping_check=False, shutdown_timeout=10, loglevel="WARNING"
    ) as worker:
        yield worker
    app.conf.update(task_always_eager=True, task_eager_propagates=True)
