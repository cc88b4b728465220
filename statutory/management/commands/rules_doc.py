"""Write docs/rules.md from the statutory rule table (or, with --check, fail if it is out of date)."""

from django.core.management.base import BaseCommand, CommandError

from statutory import docs


class Command(BaseCommand):
    help = "Generate docs/rules.md from statutory/rules.py."

    def add_arguments(self, parser):
        parser.add_argument("--check", action="store_true", help="Exit non-zero if docs/rules.md is out of date.")

    def handle(self, *args, check=False, **options):
        if check:
            current = docs.DOC_PATH.read_text(encoding="utf-8") if docs.DOC_PATH.exists() else ""
            if current != docs.render():
                raise CommandError("docs/rules.md is out of date: run `python manage.py rules_doc`.")
            self.stdout.write("docs/rules.md is up to date.")
            return
        path = docs.write()
        self.stdout.write(f"Wrote {path}")
