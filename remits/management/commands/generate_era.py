import sys
from datetime import date

from django.core.management.base import BaseCommand, CommandError

from remits.generation import era_generate


class Command(BaseCommand):
    help = (
        "Write a valid, balanced synthetic 835 (several payers, this site's practices, "
        "realistic denial mix, reversals, PLB) to a file or standard output."
    )

    def add_arguments(self, parser):
        parser.add_argument("--claims", type=int, required=True)
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument("--start", default="2026-01-05", help="first payment date")
        parser.add_argument("--out", help="file to write (default: standard output)")
        parser.add_argument("--account-prefix", default="")
        parser.add_argument("--per-transaction", type=int, default=500)

    def handle(
        self,
        *args,
        claims,
        seed,
        start,
        out,
        account_prefix,
        per_transaction,
        **options,
    ):
        if claims < 1:
            raise CommandError("--claims must be at least 1")
        try:
            start_date = date.fromisoformat(start)
        except ValueError:
            raise CommandError(
                f"--start {start!r} is not a date (YYYY-MM-DD)"
            ) from None
        text, summary = era_generate(
            claims=claims,
            seed=seed,
            start_date=start_date,
            account_prefix=account_prefix,
            claims_per_transaction=per_transaction,
        )
        if out:
            try:
                with open(out, "w", encoding="ascii") as handle:
                    handle.write(text)
            except OSError as exc:
                raise CommandError(f"{out}: cannot write ({exc.strerror})") from None
            self.stderr.write(
                f"{out}: {summary.claims} claims in {summary.transactions} "
                "transaction(s), "
                f"{summary.denied_claims} denied, paid ${summary.paid_total:,.2f}"
            )
        else:
            sys.stdout.write(text)
