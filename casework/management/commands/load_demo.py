"""Build the demo borough: casework first, then each other app's demo data if it has any."""

from importlib import import_module

from django.core.management.base import BaseCommand

DEMO_APPS = ("casework", "enforcement", "marac", "triggers", "notifications", "governance")


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
        self._two_factor_help()

    def _two_factor_help(self):
        import base64

        from casework.demo import ROLE_OF_USER, demo_totp_key, two_factor_roles

        enrolled = [username for username, role in ROLE_OF_USER.items() if role in two_factor_roles()]
        if not enrolled:
            return
        self.stdout.write(
            "Two-factor sign-in is required for these demo users. After the password, enter the code from\n"
            "  python manage.py demo_code <username>\n"
            "or add the key to an authenticator app (demo keys, published, never use them for real accounts):"
        )
        for username in enrolled:
            key = base64.b32encode(bytes.fromhex(demo_totp_key(username))).decode()
            self.stdout.write(f"  {username:<14} {key}")
