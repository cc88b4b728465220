"""Print the current two-factor code of a demo user, so `make run`'s demo works without a phone."""

from django.core.management.base import BaseCommand, CommandError
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from casework.demo import demo_totp_key


class Command(BaseCommand):
    help = "The current authenticator code of a demo user enrolled by load_demo (demo keys only)."

    def add_arguments(self, parser):
        parser.add_argument("username")

    def handle(self, *args, username, **options):
        device = TOTPDevice.objects.filter(user__username=username, confirmed=True).order_by("id").first()
        # Only the demo's own, published keys: this never reads a real user's authenticator key.
        if device is None or device.key != demo_totp_key(username):
            raise CommandError(f"{username} has no demo authenticator (load_demo enrols the demo users only)")
        code = totp(device.bin_key, device.step, device.t0, device.digits, device.drift)
        self.stdout.write(f"{code:0{device.digits}d}")
