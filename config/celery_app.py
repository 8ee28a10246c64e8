import logging
import os

from celery import Celery
from celery.signals import worker_process_init

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")

app = Celery("country_coalitions")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@worker_process_init.connect
def _load_the_pdf_renderer(**_kwargs) -> None:
    """Each worker process loads WeasyPrint before its first task (see config.pdf.warm_up); a
    failure here leaves the loading to the first PDF rather than stopping the worker."""
    from config.pdf import warm_up

    try:
        warm_up()
    except Exception:
        logging.getLogger(__name__).warning("PDF renderer not loaded at start", exc_info=True)
