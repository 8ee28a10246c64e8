from celery import shared_task

from .pipeline import dispatch


@shared_task(bind=True, soft_time_limit=60, time_limit=90)
def dispatch_task(self) -> dict[str, int]:
    return dispatch()
