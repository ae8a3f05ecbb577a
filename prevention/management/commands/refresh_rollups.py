from django.core.management.base import BaseCommand

from prevention.services import rollups_refresh


class Command(BaseCommand):
    help = "Recompute the monthly rollups from raw claims and denials."

    def add_arguments(self, parser):
        parser.add_argument(
            "--practice",
            type=int,
            action="append",
            dest="practices",
            help="A practice id (repeatable); default every practice.",
        )
        parser.add_argument(
            "--month",
            action="append",
            dest="months",
            help="A month YYYY-MM (repeatable); default every month.",
        )

    def handle(self, *args, practices=None, months=None, **options):
        count = rollups_refresh(practice_ids=practices, months=months)
        self.stdout.write(self.style.SUCCESS(f"Refreshed {count} practice-months."))
