"""Screenshots of the pages #17 changed, against the demo data: `.venv/bin/python docs/screens/make_screens.py`.

Builds a throwaway SQLite demo database under var/, serves it with runserver, and drives Debian's Chromium
(the same as the browser tests). Not part of the test suite: the PNGs are for people reading docs/screens/.
"""

import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
OUT = Path(__file__).resolve().parent
DB = ROOT / "var" / "screens.sqlite3"
PORT = 8765
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def main() -> None:
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{DB}", "DATABASE_OWNER_URL": "", "DEBUG": "1"}
    DB.parent.mkdir(exist_ok=True)
    DB.unlink(missing_ok=True)
    manage = [sys.executable, str(ROOT / "manage.py")]
    subprocess.run([*manage, "migrate", "--noinput"], env=env, check=True, stdout=subprocess.DEVNULL)
    subprocess.run([*manage, "load_demo", "--cases", "40"], env=env, check=True, stdout=subprocess.DEVNULL)
    server = subprocess.Popen([*manage, "runserver", f"127.0.0.1:{PORT}", "--noreload"], env=env)
    try:
        time.sleep(4)
        os.environ.update(env, DJANGO_ALLOW_ASYNC_UNSAFE="true")  # Playwright runs its own event loop
        sys.path.insert(0, str(ROOT))
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
        import django

        django.setup()
        shoot()
    finally:
        server.terminate()


def totp_code(username: str) -> str:
    from django_otp.oath import totp
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.get(user__username=username)
    return f"{totp(device.bin_key, device.step, device.t0, device.digits, device.drift):06d}"


def shoot() -> None:
    from playwright.sync_api import sync_playwright

    from casework.demo import DEMO_PASSWORD
    from casework.models import Case
    from triggers.models import Application

    case = Case.objects.filter(incidents__isnull=False).order_by("pk").first()
    application = Application.objects.order_by("pk").first()
    base = f"http://127.0.0.1:{PORT}"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)

        def signed_in(username: str, width: int):
            page = browser.new_context(base_url=base, viewport={"width": width, "height": 900}).new_page()
            page.goto("/accounts/login/")
            page.get_by_label("Username").fill(username)
            page.get_by_label("Password").fill(DEMO_PASSWORD)
            page.get_by_role("button", name="Sign in").click()
            page.wait_for_load_state("load")
            if "/two-factor/verify/" in page.url:
                page.get_by_label("Code from your authenticator app").fill(totp_code(username))
                page.get_by_role("button", name="Continue").click()
                page.wait_for_load_state("load")
            return page

        officer = signed_in("officer", 1280)
        officer.goto(f"/cases/{case.reference}/timeline/")
        officer.screenshot(path=str(OUT / "case-timeline.png"), full_page=True)
        narrow = signed_in("officer", 320)
        narrow.goto("/cases/")
        narrow.screenshot(path=str(OUT / "case-list-320px.png"), full_page=True)
        if application is not None:
            manager = signed_in("manager", 1280)
            manager.goto(f"/triggers/{application.reference}/timeline/")
            manager.screenshot(path=str(OUT / "case-review-timeline.png"), full_page=True)
        browser.close()


if __name__ == "__main__":
    main()
