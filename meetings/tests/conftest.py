import socket

import pytest


class RecordingHandler:
    """Keeps every message and the SMTP session it arrived on."""

    def __init__(self):
        self.messages = []
        self.sessions = set()

    async def handle_DATA(self, server, session, envelope):
        self.sessions.add(id(session))
        self.messages.append((envelope.rcpt_tos, envelope.content))
        return "250 Message accepted for delivery"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def smtp_server(settings):
    """A real SMTP server on localhost; Django's SMTP backend sends to it."""
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
    """SMTP settings pointing at a port where nothing listens."""
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = free_port()
    settings.EMAIL_TIMEOUT = 2
    settings.MEETINGS_RETRY_BASE_SECONDS = 0
    # Eager tasks retry in-process only when errors are not propagated to the caller.
    from config.celery_app import app

    app.conf.task_eager_propagates = False
    yield
    app.conf.task_eager_propagates = True
