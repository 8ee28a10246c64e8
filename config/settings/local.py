"""Local development: `make run`. Embedded defaults, nothing else to start."""

from .base import *  # noqa: F403
from .base import env

DEBUG = env.bool("DEBUG", default=True)
SECRET_KEY = env("SECRET_KEY", default="local-only-not-secret-3f9c2b7e8d1a")
WHITENOISE_AUTOREFRESH = True
WHITENOISE_USE_FINDERS = True

# Tasks run in-process here: keep their chatter out of the console where `make run` prints logins.
LOGGING["loggers"] = {  # noqa: F405
    "celery": {"level": "WARNING"},
    "kombu": {"level": "ERROR"},
    "weasyprint": {"level": "WARNING"},
    "fontTools": {"level": "WARNING"},
}
