"""Build the demo borough: casework first, then each other app's demo data if it has any."""

from importlib import import_module

from django.core.management.base import BaseCommand

DEMO_APPS = ("casework", "enforcement", "marac", "triggers", "notifications")


class Command(BaseCommand):
    help = "Load the demo borough (idempotent: running twice changes nothing)."

    def add_arguments(self, parser):
        parser.add_argument("--cases", type=int, default=300, help="How many demo cases to create the first time")

    def handle(self, *args, cases, **options):
        for app in DEMO_APPS:
            try:
                module = import_module(f"{app}.demo")
            except ModuleNotFoundError as error:
                if error.name != f"{app}.demo":
                    raise
                continue
            if app == "casework":
                module.load(cases=cases, stdout=self.stdout)
            else:
                module.load(stdout=self.stdout)
        from casework.demo import DEMO_PASSWORD, ROLE_OF_USER

        self.stdout.write(f"Demo sign-ins (password for all: {DEMO_PASSWORD}):")
        for username, role in ROLE_OF_USER.items():
            self.stdout.write(f"  {username:<14} {role}")
