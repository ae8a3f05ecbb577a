from datetime import date

from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = "Create the day's appeal deadline and follow-up reminders (idempotent)."

    def add_arguments(self, parser):
        parser.add_argument("--date", help="Run as if today were YYYY-MM-DD.")

    def handle(self, *args, **options):
        from appeals.services import appeals_deadline_reminders

        today = None
        if options["date"]:
            try:
                today = date.fromisoformat(options["date"])
            except ValueError:
                raise CommandError("--date must be YYYY-MM-DD") from None
        created = appeals_deadline_reminders(today=today)
        self.stdout.write(f"{created} reminder(s) created.")
