"""Local development: `make run`. Embedded defaults, nothing else to start."""

import contextlib
import os
import tempfile

from django.core.management.utils import get_random_secret_key

from .base import *  # noqa: F403
from .base import BASE_DIR, env


def checkout_secret_key(path=BASE_DIR / ".secret_key") -> str:
    """This checkout's own key, made on first run and kept outside git (.gitignore lists it).

    Written under another name and linked into place, so two processes starting at once read the
    same complete key."""
    if not path.exists():
        fd, draft = tempfile.mkstemp(dir=path.parent, prefix=".secret_key.")
        try:
            with os.fdopen(fd, "w") as file:
                file.write(get_random_secret_key())
            with contextlib.suppress(FileExistsError):
                os.link(draft, path)
        finally:
            os.unlink(draft)
    return path.read_text().strip()


DEBUG = env.bool("DEBUG", default=True)
SECRET_KEY = env("SECRET_KEY", default="") or checkout_secret_key()
WHITENOISE_AUTOREFRESH = True
WHITENOISE_USE_FINDERS = True

# Tasks run in-process here: keep their chatter out of the console where `make run` prints logins.
LOGGING["loggers"] = {  # noqa: F405
    "celery": {"level": "WARNING"},
    "kombu": {"level": "ERROR"},
    "weasyprint": {"level": "WARNING"},
    "fontTools": {"level": "WARNING"},
}
