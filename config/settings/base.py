"""Settings shared by every environment; each value can come from the environment."""

from pathlib import Path

import environ
from celery.schedules import crontab
from csp.constants import NONCE, NONE, SELF
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env") if (BASE_DIR / ".env").exists() else None

DEBUG = env.bool("DEBUG", default=False)
SECRET_KEY = env("SECRET_KEY", default="")
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
SITE_URL = env("SITE_URL", default="http://127.0.0.1:8000").rstrip("/")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "guardian",
    "simple_history",
    "django_htmx",
    "django_countries",
    "csp",
    "users",
    "coalitions",
    "meetings",
    "obligations",
    "actions",
    "concerns",
    "outbox",
    "mail",
]

MIDDLEWARE = [
    # First: the load balancer's probe is answered before the host check and the HTTPS redirect.
    "config.health.HealthCheckMiddleware",
    "config.logging.RequestContextMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Pages leave compressed at gzip's fastest level (config/compression.py). Below WhiteNoise,
    # which serves its own pre-compressed static files; above everything that writes the body.
    # BREACH: Django masks the CSRF token afresh in every response, so it cannot be guessed
    # from the compressed length.
    "config.compression.FastGZipMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "users.middleware.UserTimezoneMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            # `{% url %}` that remembers its answers (config/url_tag.py), in every template.
            "builtins": ["config.url_tag"],
            # `{% translate %}` that remembers its answer per language (config/i18n_tags.py), and
            # `{% remember %}` for the parts of the frame shared by readers (config/remember_tag.py).
            "libraries": {"i18n_remembered": "config.i18n_tags", "remember": "config.remember_tag"},
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.template.context_processors.tz",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
# Persistent connections, checked before each request reuses one, so a database restart costs one
# failed check instead of an error page.
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
# PostgreSQL's JIT compiles any plan whose estimated cost passes jit_above_cost; for the short
# queries of a page the compiling alone cost over a second while the query ran in milliseconds.
# DATABASE_JIT=1 leaves the server's setting alone (e.g. behind a pooler that refuses `options`).
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql" and not env.bool(
    "DATABASE_JIT", default=False
):
    options = DATABASES["default"].setdefault("OPTIONS", {})
    options["options"] = f"{options.get('options', '')} -c jit=off".strip()
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql" and env.bool(
    "DATABASE_SERVER_BINDING", default=True
):
    # Parameters travel apart from the statement, so a statement a connection runs again and
    # again is prepared once (psycopg prepares it from its fifth run) and PostgreSQL plans it
    # no more: a list page's main query spent 1 ms in the planner for 0.3 ms of work.
    # DATABASE_SERVER_BINDING=0 binds on the client (e.g. behind a pooler in transaction mode).
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        server_side_binding=True, prepare_threshold=5
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "users.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
    "guardian.backends.ObjectPermissionBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "coalitions:today"

# Accounts: the e-mail address is the login, it must be verified, and MFA is open to everyone.
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_FORMS = {"signup": "users.forms.SignupForm"}
# Labels without a colon, for every form (see config/form_rendering.py).
FORM_RENDERER = "config.form_rendering.FormRenderer"
ACCOUNT_ADAPTER = "users.adapters.AccountAdapter"
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[Country Coalitions] "
ACCOUNT_RATE_LIMITS = {
    "login_failed": "10/m/ip,5/5m/key",
    "signup": "20/m/ip",
    "reset_password": "20/m/ip,5/m/key",
    "confirm_email": "1/3m/key",
}
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = "Country Coalitions"

ANONYMOUS_USER_NAME = None  # guardian: no anonymous user row
GUARDIAN_RAISE_403 = False

# Content-Security-Policy (django-csp): scripts and styles come only from the app's own static
# files (htmx included); a template that needs an inline script gives it nonce="{{ request.csp_nonce }}".
# The outbox's preview of an HTML mail loosens it for that one response (outbox/views.py).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [NONE],
        "script-src": [SELF, NONCE],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "frame-src": [SELF],
        "manifest-src": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
        "base-uri": [NONE],
        "object-src": [NONE],
    }
}

LANGUAGE_CODE = "en"
LANGUAGE_COOKIE_HTTPONLY = True  # only the server reads it (set_language)
LANGUAGE_COOKIE_SAMESITE = "Lax"
LANGUAGES = [("en", _("English")), ("fr", _("French")), ("es", _("Spanish"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
TIME_ZONE = "UTC"
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env("MEDIA_ROOT", default=str(BASE_DIR / "media")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

# Mail: without SMTP settings every mail is kept in the outbox, readable by staff in the browser.
EMAIL_BACKEND = env("EMAIL_BACKEND", default="outbox.backends.OutboxBackend")
EMAIL_HOST = env("EMAIL_HOST", default="localhost")
EMAIL_PORT = env.int("EMAIL_PORT", default=25)
EMAIL_HOST_USER = env("EMAIL_HOST_USER", default="")
EMAIL_HOST_PASSWORD = env("EMAIL_HOST_PASSWORD", default="")
EMAIL_USE_TLS = env.bool("EMAIL_USE_TLS", default=False)
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=20)
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="Country Coalitions <no-reply@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# Celery: with REDIS_URL unset, tasks run in-process so the app works with nothing else running.
# Every mail is a row in the database first (mail/), so the broker only carries hints: a message
# lost with Redis is found again by the dispatcher, and nothing waits for a result.
REDIS_URL = env("REDIS_URL", default="")
CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_RESULT_BACKEND = None
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
CELERY_TASK_EAGER_PROPAGATES = False
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SOFT_TIME_LIMIT = 120
CELERY_TASK_TIME_LIMIT = 180
# Longer than the longest task's hard limit (the digest run, 360 s), so Redis never hands a
# running task to a second worker; a message a killed worker held comes back after this.
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": env.int("CELERY_VISIBILITY_TIMEOUT", default=600),
    "socket_connect_timeout": 2,
}
# A web request publishes after its commit; with the broker away it gives up within a second and
# the row it wrote waits for the dispatcher.
CELERY_BROKER_CONNECTION_TIMEOUT = 2
CELERY_TASK_PUBLISH_RETRY_POLICY = {
    "max_retries": 1,
    "interval_start": 0,
    "interval_step": 0.2,
    "interval_max": 0.2,
}
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_WORKER_CANCEL_LONG_RUNNING_TASKS_ON_CONNECTION_LOSS = True
# Beat keeps its schedule state where it may write (a volume in Docker, build/ in a checkout).
CELERY_BEAT_SCHEDULE_FILENAME = env(
    "CELERY_BEAT_SCHEDULE_FILENAME", default=str(BASE_DIR / "build" / "celerybeat-schedule")
)
CELERY_BEAT_SCHEDULE = {
    # Every mail row that is due and not held by a live worker goes (back) on the queue.
    "mail-dispatch": {
        "task": "mail.tasks.dispatch_task",
        "schedule": float(env.int("MAIL_DISPATCH_EVERY_SECONDS", default=60)),
        "options": {"expires": 55},
    },
    # Action points: the reminder sweep and the digests (actions/reminders/).
    "actions-reminder-sweep": {
        "task": "actions.tasks.reminder_sweep_task",
        "schedule": crontab(minute="*/15"),
        "options": {"expires": 14 * 60},
    },
    "actions-digests": {
        "task": "actions.tasks.digest_run_task",
        "schedule": crontab(minute=5),
        "options": {"expires": 55 * 60},
    },
    # Article 7: record who is to be told that a transparency report falls due (sent by the
    # mail dispatcher).
    "article7-reminders": {
        "task": "obligations.tasks.transparency_reminders_task",
        "schedule": crontab(minute=20, hour="*/6"),
        "options": {"expires": 60 * 60},
    },
}
CELERY_TIMEZONE = "UTC"


def shared_cache(redis_url: str) -> dict:
    """Django's Redis cache on the app's Redis, under its own key prefix: what every web process
    must count together (allauth's sign-in rate limits) lives here, not in one process's memory."""
    return {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": redis_url,
            "KEY_PREFIX": "cc-cache",
            "TIMEOUT": 300,
        }
    }


INVITATION_VALID_DAYS = env.int("INVITATION_VALID_DAYS", default=14)

# The mail pipeline's clocks (mail/pipeline.py). A row claimed longer ago than the stale limit is
# taken back, so it must exceed the longest send task's hard limit (180 s).
MAIL_STALE_AFTER_SECONDS = env.int("MAIL_STALE_AFTER_SECONDS", default=300)
MAIL_BACKOFF_BASE_SECONDS = env.int("MAIL_BACKOFF_BASE_SECONDS", default=30)
MAIL_BACKOFF_MAX_SECONDS = env.int("MAIL_BACKOFF_MAX_SECONDS", default=1800)
MAIL_DISPATCH_GRACE_SECONDS = env.int("MAIL_DISPATCH_GRACE_SECONDS", default=30)
# The retry budget: after this many attempts a row shows as failed, and is still retried every
# MAIL_BACKOFF_MAX_SECONDS until the server answers.
MAIL_ATTEMPTS_BEFORE_FAILING = env.int("MAIL_ATTEMPTS_BEFORE_FAILING", default=6)

# Each line says which request or task it comes from and which coalition it concerns.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"context": {"()": "config.logging.ContextFilter"}},
    "formatters": {
        "context": {
            "format": "%(asctime)s %(levelname)s %(name)s [%(context)s] %(message)s",
        }
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "filters": ["context"],
            "formatter": "context",
        }
    },
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
}
