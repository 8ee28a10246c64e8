"""Test settings: the database and Redis come from DATABASE_URL and REDIS_URL when set."""

import os

from .base import *  # noqa: F403
from .base import CELERY_BROKER_TRANSPORT_OPTIONS, DATABASES, env

# Under `pytest -n N` each worker process ("gw0", "gw1", ...) has its own test database
# (pytest-django adds the suffix), its own media files and its own Celery keys in Redis, so a
# worker test's tasks are taken by its own worker only.
XDIST_WORKER = os.environ.get("PYTEST_XDIST_WORKER", "")

DEBUG = False
# A test database needs no durability: a commit (transactional tests, a worker's, the flush after
# each) does not wait for the disk. What other sessions read is the same either way.
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    _options = DATABASES["default"].setdefault("OPTIONS", {})
    _options["options"] = f"{_options.get('options', '')} -c synchronous_commit=off".strip()
SECRET_KEY = env("SECRET_KEY", default="test-only-not-secret-9a8b7c6d5e")
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
ALLOWED_HOSTS = ["*"]
EMAIL_BACKEND = "outbox.backends.OutboxBackend"
# Unit tests run tasks in-process; the worker tests start a real worker on REDIS_URL themselves.
CELERY_TASK_ALWAYS_EAGER = True
CELERY_TASK_EAGER_PROPAGATES = True
ACCOUNT_RATE_LIMITS = False
MEDIA_ROOT = BASE_DIR / "build" / "-".join(filter(None, ("test-media", XDIST_WORKER)))  # noqa: F405
if XDIST_WORKER:
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        **CELERY_BROKER_TRANSPORT_OPTIONS,
        "global_keyprefix": f"cc-test-{XDIST_WORKER}:",
    }
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_AUTOREFRESH = True
WHITENOISE_USE_FINDERS = True
