from django.core.management.base import BaseCommand

from denials.services import RESCORE_BATCH, denials_rescore


class Command(BaseCommand):
    help = "Recompute the deadline and priority of every open denial, in batches."

    def add_arguments(self, parser):
        parser.add_argument("--batch-size", type=int, default=RESCORE_BATCH)

    def handle(self, *args, batch_size: int, **options):
        changed = denials_rescore(batch_size=batch_size)
        self.stdout.write(f"{changed} open denial(s) changed.")
