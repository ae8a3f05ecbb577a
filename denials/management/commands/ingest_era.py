import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from core.models import Practice
from core.services import practice_upsert
from denials.intake import path_ingest


class Command(BaseCommand):
    help = (
        "Post 835 remittance files. Files whose payee matches no practice are held for "
        "an admin, or posted to --practice."
    )

    def add_arguments(self, parser):
        parser.add_argument("paths", nargs="+", help="835 files (or folders of them)")
        parser.add_argument("--practice", help="practice for unmatched payees (created if new)")
        parser.add_argument("--json", action="store_true", help="one JSON object per file")

    def handle(self, *args, paths, practice=None, json=False, **options):
        hint = None
        if practice:
            hint = Practice.objects.filter(name=practice).first() or practice_upsert(
                name=practice
            )
        files: list[Path] = []
        for raw in paths:
            path = Path(raw)
            if path.is_dir():
                files.extend(sorted(p for p in path.iterdir() if p.is_file()))
            elif path.exists():
                files.append(path)
            else:
                raise CommandError(f"{raw}: no such file or folder")
        failed = 0
        for path in files:
            report = path_ingest(path=path, source="command", practice_hint=hint)
            failed += report.status == "rejected"
            if json:
                self.stdout.write(_json_line(report.as_json()))
            else:
                self.stdout.write(
                    f"{path.name}: {report.status}; {report.transactions} transaction(s), "
                    f"{report.claims} claim(s), {report.denials} denial(s), "
                    f"paid ${report.paid_total:,.2f}"
                )
                for line in report.errors:
                    self.stdout.write(self.style.ERROR(f"  error: {line}"))
                for line in report.warnings:
                    self.stdout.write(self.style.WARNING(f"  warning: {line}"))
        if failed and len(files) == failed:
            raise CommandError(f"{failed} file(s) rejected")


def _json_line(data: dict) -> str:
    return json.dumps(data, default=str, sort_keys=True)
