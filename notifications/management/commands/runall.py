"""`make run`: the web server and a background worker in one command; Ctrl-C (or either one ending) stops both.

Each child runs in its own process group, so the terminal's Ctrl-C reaches only this command, which then stops
each child's whole group (the runserver reloader and its server) with SIGTERM, and SIGKILL after 10 seconds.
"""

import os
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
        commands = {
            "web": [sys.executable, manage, "runserver", addrport],
            # No autoreload for the worker: restart `make run` after changing a job's code.
            "worker": [sys.executable, manage, "run_worker", "--no-reload", "--verbosity", "1"],
        }
        children = {name: subprocess.Popen(cmd, start_new_session=True) for name, cmd in commands.items()}
        self.stdout.write(f"Web server and worker started; emails are written to {settings.EMAIL_FILE_PATH}/")

        stopping = False

        def stop(*_):
            nonlocal stopping
            stopping = True

        signal.signal(signal.SIGTERM, stop)
        signal.signal(signal.SIGINT, stop)
        while not stopping and all(child.poll() is None for child in children.values()):
            time.sleep(0.3)
        for child in children.values():
            _signal_group(child, signal.SIGTERM)
        deadline = time.monotonic() + 10
        for name, child in children.items():
            try:
                child.wait(timeout=max(deadline - time.monotonic(), 0.1))
            except subprocess.TimeoutExpired:
                _signal_group(child, signal.SIGKILL)
                child.wait()
            _signal_group(child, signal.SIGKILL)  # anything the child left behind in its group
            self.stdout.write(f"{name} stopped")


def _signal_group(child: subprocess.Popen, sig: int) -> None:
    try:
        os.killpg(child.pid, sig)
    except ProcessLookupError:
        pass
