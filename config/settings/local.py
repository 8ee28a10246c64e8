"""Local development: `make run`. Embedded defaults, nothing else to start."""

from .base import *  # noqa: F403
from .base import env

DEBUG = env.bool("DEBUG", default=True)
SECRET_KEY = env("SECRET_KEY", default="local-only-not-secret-3f9c2b7e8d1a")
WHITENOISE_AUTOREFRESH = True
WHITENOISE_USE_FINDERS = True
