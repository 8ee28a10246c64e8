"""The health endpoint for the load balancer and compose's healthchecks.

`/health/` answers 200 when this web process can serve pages (its database answers) and 503 when
not; the cache, the broker and a worker are reported but do not take the web out of rotation:
pages work without them (mail rows wait in the database), and taking every web process out at
once because the shared Redis is away would turn a partial outage into a whole one. `/health/?require=all` also fails on a missing
broker or worker: the probe for monitoring and for the worker's own healthcheck.
"""

import json
import time

from django.core.cache import cache
from django.db import connection
from django.http import HttpResponse

from .celery_app import app

PATH = "/health/"
WEB_NEEDS = ("database",)


def _database() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")


def _cache() -> None:
    cache.set("health-check", "ok", 10)
    if cache.get("health-check") != "ok":
        raise RuntimeError("the cache did not keep a value")


def _broker() -> None:
    if app.conf.task_always_eager:
        return  # tasks run in-process: there is no broker to reach
    with app.connection_for_write() as conn:
        conn.ensure_connection(max_retries=1, timeout=2)


def _worker() -> None:
    if app.conf.task_always_eager:
        return
    if not app.control.ping(timeout=1.0):
        raise RuntimeError("no worker answered within 1 s")


CHECKS = {"database": _database, "cache": _cache, "broker": _broker, "worker": _worker}


def health_report(*, checks=CHECKS) -> dict[str, str]:
    report = {}
    for name, check in checks.items():
        if name == "worker" and not report.get("broker", "ok").startswith("ok"):
            report[name] = "failing: the broker is unreachable"
            continue
        started = time.monotonic()
        try:
            check()
        except Exception as exc:  # a probe reports every failure, whatever its kind
            report[name] = f"failing: {exc.__class__.__name__}: {exc}"[:300]
        else:
            report[name] = f"ok ({(time.monotonic() - started) * 1000:.0f} ms)"
    return report


def health(request) -> HttpResponse:
    report = health_report()
    required = CHECKS if request.GET.get("require") == "all" else WEB_NEEDS
    healthy = all(report[name].startswith("ok") for name in required)
    response = HttpResponse(
        json.dumps({"status": "ok" if healthy else "failing", "checks": report}),
        content_type="application/json",
        status=200 if healthy else 503,
    )
    response["Cache-Control"] = "no-store"
    return response


class HealthCheckMiddleware:
    """Answers the probe before the host check and the HTTPS redirect: a load balancer calls by
    address over plain HTTP."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path == PATH and request.method in ("GET", "HEAD"):
            return health(request)
        return self.get_response(request)
