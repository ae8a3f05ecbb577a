from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = (
        "Mark submitted appeals overturned whose denials later 835s paid (idempotent)."
    )

    def handle(self, *args, **options):
        from appeals.services import appeals_sync_from_recoveries

        changed = appeals_sync_from_recoveries()
        self.stdout.write(f"{changed} appeal(s) marked overturned from payments.")
