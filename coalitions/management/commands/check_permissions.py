"""Fails when the stored permission rows differ from the role table; `--repair` rewrites them."""

from django.core.management.base import BaseCommand, CommandError

from coalitions.permissions import permission_drift, repair_permission_drift


class Command(BaseCommand):
    help = (
        "Compares every member's stored permissions with the role table "
        "(coalitions/permissions.py). Exits with an error on any difference; --repair fixes them."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--repair", action="store_true", help="Rewrite the stored rows from the role table."
        )

    def handle(self, *args, repair: bool = False, **options):
        if repair:
            repaired = repair_permission_drift()
            for item in repaired:
                self.stdout.write(f"repaired: {item}")
            self.stdout.write(
                self.style.SUCCESS(f"{len(repaired)} out of step, now in step with the role table.")
            )
            return
        drift = permission_drift()
        for item in drift:
            self.stderr.write(f"out of step: {item}")
        if drift:
            raise CommandError(
                f"{len(drift)} stored permission sets differ from the role table; "
                "run `manage.py check_permissions --repair`."
            )
        self.stdout.write(self.style.SUCCESS("Stored permissions are the role table."))
