from django.core.management.base import BaseCommand

from actions.reminders.digests import digest_run
from actions.reminders.recording import SWEEP_BATCH_SIZE, reminder_sweep


class Command(BaseCommand):
    help = (
        "Records and sends the reminders and mid-term digests that are due now (as the beat job)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--batch-size", type=int, default=SWEEP_BATCH_SIZE)
        parser.add_argument(
            "--with-digests",
            action="store_true",
            help="Also send the daily and weekly digests whose time has come.",
        )

    def handle(self, *args, batch_size, with_digests, **options):
        rounds = 0
        totals: dict[str, int] = {}
        cursor = None
        while True:
            rounds += 1
            result = reminder_sweep(batch_size=batch_size, cursor=cursor)
            cursor = result.cursor
            for key, value in result.found.items():
                totals[str(key)] = totals.get(str(key), 0) + value
            if not result.more:
                break
        if with_digests:
            totals["daily_and_weekly_digests"] = digest_run()
        summary = ", ".join(f"{key}: {value}" for key, value in totals.items())
        self.stdout.write(f"Reminder sweep done in {rounds} round(s). {summary}")
