import logging
import os

from celery import Celery
from celery.signals import worker_process_init

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")

app = Celery("country_coalitions")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@worker_process_init.connect
def _load_what_the_first_task_needs(**_kwargs) -> None:
    """Each worker process loads before its first task what that task would otherwise wait for:
    the URL configuration (every mail links to the site: it imports every app's views) and
    WeasyPrint (see config.pdf.warm_up). A failure here leaves the loading to the first task
    rather than stopping the worker."""
    from django.urls import reverse

    from config.pdf import warm_up

    try:
        reverse("home")
        warm_up()
    except Exception:
        logging.getLogger(__name__).warning("worker not warmed up at start", exc_info=True)
