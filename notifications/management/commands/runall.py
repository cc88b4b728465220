"""`make run`: the web server and a background worker in one command; Ctrl-C (or either one ending) stops both."""

import signal
import subprocess
import sys
import time
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Run the development web server and a background worker together"

    def add_arguments(self, parser):
        parser.add_argument("addrport", nargs="?", default="127.0.0.1:8000")

    def handle(self, *args, addrport: str, **options):
        manage = str(Path(settings.BASE_DIR) / "manage.py")
        children = {
            "web": subprocess.Popen([sys.executable, manage, "runserver", addrport]),
            "worker": subprocess.Popen([sys.executable, manage, "run_worker", "--verbosity", "1"]),
        }
        self.stdout.write(f"Web server and worker started (emails are written to {settings.EMAIL_FILE_PATH}/)")

        stopping = False

        def stop(*_):
            nonlocal stopping
            stopping = True

        signal.signal(signal.SIGTERM, stop)
        try:
            while not stopping and all(child.poll() is None for child in children.values()):
                time.sleep(0.5)
        except KeyboardInterrupt:
            pass  # the terminal sent SIGINT to the children too
        for child in children.values():
            if child.poll() is None:
                child.terminate()
        for name, child in children.items():
            try:
                child.wait(timeout=10)
            except subprocess.TimeoutExpired:
                child.kill()
            self.stdout.write(f"{name} stopped")
