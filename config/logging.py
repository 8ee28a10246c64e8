"""Which request or task a log line comes from, and which coalition it concerns."""

import contextvars
import logging
import uuid

from celery.signals import task_postrun, task_prerun
from django.core.signals import request_finished

_origin: contextvars.ContextVar[str] = contextvars.ContextVar("log_origin", default="-")
_coalition: contextvars.ContextVar[str] = contextvars.ContextVar("log_coalition", default="-")


def set_coalition(value: object) -> None:
    """Called where a request or task learns which coalition it works on."""
    _coalition.set(str(value) if value else "-")


class ContextFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        record.context = f"{_origin.get()} coalition={_coalition.get()}"
        return True


class RequestContextMiddleware:
    """Names the request (the proxy's X-Request-ID, or a new one) and, once the URL is resolved,
    the coalition its slug names; the id goes back in the response for the proxy's log."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request_id = request.headers.get("X-Request-ID", "")[:64] or uuid.uuid4().hex[:16]
        # Reset when the request is finished, not here: Django logs an error response after the
        # middleware returns.
        _origin.set(f"request={request_id} {request.method} {request.path[:200]}")
        _coalition.set("-")
        response = self.get_response(request)
        response.headers.setdefault("X-Request-ID", request_id)
        return response

    def process_view(self, request, view_func, view_args, view_kwargs):
        if "slug" in view_kwargs:
            set_coalition(view_kwargs["slug"])


@request_finished.connect
def _request_finished(**_kwargs) -> None:
    _origin.set("-")
    _coalition.set("-")


_task_tokens: dict[str, tuple] = {}


@task_prerun.connect
def _task_started(task_id=None, task=None, **_kwargs) -> None:
    # Tokens, so a task run in-process inside a request gives the request its context back.
    _task_tokens[task_id] = (
        _origin.set(f"task={task.name if task else '?'}[{task_id}]"),
        _coalition.set("-"),
    )


@task_postrun.connect
def _task_finished(task_id=None, **_kwargs) -> None:
    tokens = _task_tokens.pop(task_id, None)
    if tokens:
        _origin.reset(tokens[0])
        _coalition.reset(tokens[1])
