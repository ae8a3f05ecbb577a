from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from core.errors import ApplicationError
from remits.codes import BUNDLED_CODES, reason_codes_load


class Command(BaseCommand):
    help = (
        "Load CARC/RARC/group codes: the bundled list, or with a path, a "
        "newer official list in the same CSV layout."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "path", nargs="?", help="CSV file (default: the bundled list)"
        )

    def handle(self, *args, path=None, **options):
        source = Path(path) if path else BUNDLED_CODES
        try:
            text = source.read_text(encoding="utf-8-sig")
        except OSError as exc:
            raise CommandError(f"{source}: cannot read ({exc.strerror})") from None
        try:
            result = reason_codes_load(text=text, source=source.name)
        except ApplicationError as exc:
            raise CommandError(exc.message) from None
        self.stdout.write(
            f"{source.name}: {result['read']} codes read, {result['added']} added, "
            f"{result['updated']} updated."
        )
