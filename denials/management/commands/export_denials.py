import csv

from django.core.management.base import BaseCommand, CommandError

from core.audit import Action, audit_log
from core.models import Practice
from denials.api.serializers import denial_export_rows
from denials.models import Denial


class Command(BaseCommand):
    help = "Write every denial as CSV to standard output (the API list's field names)."

    def add_arguments(self, parser):
        parser.add_argument("--practice", help="Only this practice (its name).")
        parser.add_argument("--chunk-size", type=int, default=2000)

    def handle(self, *args, practice: str | None, chunk_size: int, **options):
        qs = Denial.objects.order_by("practice_id", "-score__priority", "-id")
        practice_id = None
        if practice:
            found = Practice.objects.filter(name=practice).first()
            if found is None:
                raise CommandError(f"No practice named {practice!r}.")
            practice_id = found.pk
            qs = qs.filter(practice_id=practice_id)
        audit_log(
            action=Action.EXPORT,
            practice_id=practice_id,
            object_type="denials",
            detail={"command": "export_denials"},
        )
        writer = csv.writer(self.stdout, lineterminator="\n")
        for row in denial_export_rows(qs, chunk_size=chunk_size):
            writer.writerow(row)
