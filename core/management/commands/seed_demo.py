import importlib
import os
import secrets

from django.apps import apps
from django.core.management.base import BaseCommand

from core import demo


class Command(BaseCommand):
    help = "Create demo practices, users (biller, manager, admin) and demo work."

    def add_arguments(self, parser):
        parser.add_argument(
            "--claims",
            type=int,
            default=36000,
            help="Claims to generate over 24 months of demo remits (0 for none).",
        )
        parser.add_argument("--seed", type=int, default=7)

    def handle(self, *args, **options):
        password = os.environ.get("DEMO_PASSWORD") or secrets.token_urlsafe(12)
        context = demo.seed(password=password, stdout=self.stdout)
        # Higher apps contribute demo data without core importing them.
        for config in apps.get_app_configs():
            if config.name == "core":
                continue
            try:
                module = importlib.import_module(f"{config.name}.demo")
            except ModuleNotFoundError:
                continue
            module.seed(context=context, options=options, stdout=self.stdout)
        self.stdout.write(self.style.SUCCESS("Demo data ready."))
        users = ", ".join(demo.DEMO_USERS)
        if os.environ.get("DEMO_PASSWORD"):
            self.stdout.write(f"Users {users} use the password in DEMO_PASSWORD.")
        else:
            self.stdout.write(f"Users {users} have the password: {password}")
