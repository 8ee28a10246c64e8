import time

from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils import timezone

from config.celery_app import app


class Command(BaseCommand):
    help = (
        "Runs the periodic jobs of CELERY_BEAT_SCHEDULE in this process, each on its schedule and "
        "once at start: what beat and a worker do in production, for `make run`."
    )

    def add_arguments(self, parser):
        parser.add_argument("--once", action="store_true", help="Run every job once and stop.")

    def handle(self, *args, once, **options):
        app.loader.import_default_modules()
        last_run = {}
        while True:
            for name, entry in settings.CELERY_BEAT_SCHEDULE.items():
                schedule = entry["schedule"]
                if not hasattr(schedule, "is_due"):
                    from celery.schedules import schedule as every

                    schedule = every(schedule)
                if name in last_run and not schedule.is_due(last_run[name]).is_due:
                    continue
                last_run[name] = timezone.now()
                try:
                    app.tasks[entry["task"]].apply()
                except Exception as exc:  # one failing job must not stop the others
                    self.stderr.write(f"{name}: {exc.__class__.__name__}: {exc}")
            if once:
                return
            time.sleep(5)
