"""How PDFs are made: the cycle collector is paused only while WeasyPrint lays out a PDF and always
resumed; a worker process loads WeasyPrint when it starts."""

import gc
import logging
from unittest import mock

import pytest
from celery.signals import worker_process_init

from config import pdf
from config.pdf import collector_paused, html_to_pdf


@pytest.fixture
def collector_on():
    was_enabled = gc.isenabled()
    gc.enable()
    yield
    if not was_enabled:
        gc.disable()


def test_collector_is_off_during_the_layout_and_on_after(collector_on):
    with collector_paused():
        assert not gc.isenabled()
    assert gc.isenabled()
    assert html_to_pdf("<p>Summary</p>").startswith(b"%PDF")
    assert gc.isenabled()


def test_collector_resumes_when_the_layout_fails(collector_on):
    with pytest.raises(RuntimeError), collector_paused():
        raise RuntimeError("layout failed")
    assert gc.isenabled()


def test_a_pause_of_the_caller_is_kept(collector_on):
    gc.disable()
    with collector_paused():
        pass
    assert not gc.isenabled()
    gc.enable()


def test_the_garbage_of_a_layout_is_freed_once_it_ends(collector_on):
    html_to_pdf("<h1>Warm up</h1>")
    gc.collect()
    html_to_pdf("<h1>Summary</h1>" + "<p class='entry'><strong>Item</strong><br>text</p>" * 50)
    assert gc.get_count()[0] < 1000
    assert gc.collect() < 1000


def test_a_worker_process_loads_the_renderer_when_it_starts():
    with mock.patch.object(pdf, "html_to_pdf", wraps=pdf.html_to_pdf) as render:
        worker_process_init.send(sender=None)
    assert render.call_count == 1
    assert render.call_args.args[0].startswith("<p")


def test_a_worker_starts_even_when_the_renderer_fails_to_load(caplog):
    with (
        mock.patch.object(pdf, "html_to_pdf", side_effect=OSError("no Pango")),
        caplog.at_level(logging.WARNING),
    ):
        worker_process_init.send(sender=None)
    assert "worker not warmed up at start" in caplog.text
