"""Two-factor sign-in with an authenticator app (TOTP, django-otp).

Required out of the box for the roles in SECURITY["TWO_FACTOR_REQUIRED_ROLES"] (administrators, auditors,
community safety managers: they manage accounts or read every case), and for any other role group an
administrator marks in Django admin (casework.RoleSecurityPolicy); optional for everyone else.
After the password, a user who has set up an app, or whose role requires
one, is sent to enter a code (or to set the app up) before any other page. Someone holding only the
password can never set up a second app: a new app is accepted only before the first is confirmed or
from a session already verified with a code.
"""

import base64
import io
import time
from urllib.parse import quote, urlencode

import qrcode
import qrcode.image.svg
from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from casework.forms import GovUKForm
from casework.models import RoleSecurityPolicy

VERIFY = "verify"
VERIFIED_AT = "otp_verified_at"  # session key: when the user last entered a code (seconds since the epoch)
SET_UP = "set_up"
DEVICE_NAME = "Authenticator app"

# Pages a half-signed-in user may still reach: the two-factor pages themselves and signing out.
EXEMPT_VIEW_NAMES = {"logout", "two_factor", "two_factor_setup", "two_factor_verify"}


def _config(key: str, default):
    return getattr(settings, "SECURITY", {}).get(key, default)


def _required_roles() -> list[str]:
    """The default roles, unless a developer relaxed them (settings refuse that when DEBUG=0)."""
    if _config("TWO_FACTOR_RELAXED", False):
        return []
    return list(_config("TWO_FACTOR_REQUIRED_ROLES", []))


def _required_key() -> tuple:
    """What the SQL of `_required_for` depends on, for the compiled user row (accounts.backends)."""
    return (bool(_config("TWO_FACTOR_RELAXED", False)), *_required_roles())


def _required_for(user_ref):
    """An Exists() that is true when the user's role requires two-factor: by default or by a policy row, and
    always for an account that signs in to the admin site (staff or superuser, whatever its groups).

    A policy row can add a role but never lift a default one (the default is the floor).
    """
    by_policy = Exists(RoleSecurityPolicy.objects.filter(group__user=user_ref, require_two_factor=True))
    if _config("TWO_FACTOR_RELAXED", False):
        return by_policy
    admin_login = Exists(
        get_user_model()._default_manager.filter(pk=user_ref).filter(Q(is_staff=True) | Q(is_superuser=True))
    )
    roles = _required_roles()
    if not roles:
        return by_policy | admin_login
    return by_policy | admin_login | Exists(Group.objects.filter(user=user_ref, name__in=roles))


def role_requires_two_factor(user) -> bool:
    return get_user_model()._default_manager.filter(pk=user.pk).filter(_required_for(OuterRef("pk"))).exists()


def pending_step(user) -> str | None:
    """What a signed-in, not yet verified user must do next: VERIFY, SET_UP or nothing. One query, or none
    when accounts.backends loaded the answer with the user."""
    row = getattr(user, "_two_factor_state", None) or (
        get_user_model()
        ._default_manager.filter(pk=user.pk)
        .annotate(
            has_device=Exists(TOTPDevice.objects.filter(user=OuterRef("pk"), confirmed=True)),
            required=_required_for(OuterRef("pk")),
        )
        .values_list("has_device", "required")
        .first()
    )
    if row is None:
        return None
    has_device, required = row
    if has_device:
        return VERIFY
    if required:
        return SET_UP
    return None


def _is_verified(user) -> bool:
    is_verified = getattr(user, "is_verified", None)
    return bool(is_verified and is_verified())


class TwoFactorMiddleware:
    """Send a user who still owes a code (or an app) to the two-factor pages before anything else.

    Install after django_otp's OTPMiddleware and Django's LoginRequiredMiddleware. Public pages (marked
    login_not_required) and the exempt pages pass; so do requests with no signed-in session (API tokens
    are checked by the API itself).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return None
        if not getattr(view_func, "login_required", True):
            return None
        match = request.resolver_match
        if match is not None and match.view_name in EXEMPT_VIEW_NAMES:
            return None
        if _is_verified(user):
            return None
        step = pending_step(user)
        if step is None:
            return None
        target = reverse("two_factor_verify" if step == VERIFY else "two_factor_setup")
        return redirect(f"{target}?{urlencode({'next': request.get_full_path()})}")


class CodeForm(GovUKForm):
    token = forms.CharField(
        label="Code from your authenticator app",
        help_text="The 6-digit code the app shows now",
        max_length=12,
        error_messages={"required": "Enter the code from your authenticator app"},
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "one-time-code", "spellcheck": "false"}),
    )

    def __init__(self, *args, device: TOTPDevice | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.device = device

    def clean_token(self) -> str:
        token = "".join(self.cleaned_data["token"].split())
        if not token.isdigit() or len(token) != 6:
            raise forms.ValidationError("Enter the 6-digit code, like 123456")
        if self.device is None:
            raise forms.ValidationError("Set up your authenticator app first")
        allowed, _ = self.device.verify_is_allowed()
        if not allowed:
            raise forms.ValidationError("Too many wrong codes. Wait a minute, then enter a new code")
        with transaction.atomic():  # the failure count must be saved, so nothing is raised inside
            verified = self.device.verify_token(token)
        if not verified:
            raise forms.ValidationError("The code is not correct, or it has expired. Enter the code shown now")
        return token


def _next_url(request) -> str:
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return reverse(settings.LOGIN_REDIRECT_URL)


def _login_with_code(request, device: TOTPDevice) -> None:
    otp_login(request, device)
    request.session[VERIFIED_AT] = time.time()


def fresh_code_or_redirect(request):
    """For a sensitive step (creating an API token): a redirect to enter a code again unless the user's role
    does not require two-factor or they entered one within SECURITY["TWO_FACTOR_FRESH_SECONDS"]."""
    if not role_requires_two_factor(request.user):
        return None
    verified_at = request.session.get(VERIFIED_AT, 0)
    if _is_verified(request.user) and time.time() - verified_at <= _config("TWO_FACTOR_FRESH_SECONDS", 600):
        return None
    query = urlencode({"fresh": "1", "next": request.get_full_path()})
    return redirect(f"{reverse('two_factor_verify')}?{query}")


def _confirmed_device(user) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).order_by("id").first()


def otpauth_url(device: TOTPDevice) -> str:
    """The otpauth:// address an authenticator app reads from the QR code, with our issuer name."""
    issuer = _config("TWO_FACTOR_ISSUER", "Safer Communities Casework").replace(":", "")
    secret = base64.b32encode(device.bin_key).decode()
    label = quote(f"{issuer}:{device.user.get_username()}")
    query = urlencode({"secret": secret, "issuer": issuer, "algorithm": "SHA1", "digits": device.digits})
    return f"otpauth://totp/{label}?{query}&period={device.step}"


def qr_code_data_uri(text: str) -> str:
    """A QR code as an SVG data: URI (allowed by the CSP's img-src; no inline style or script)."""
    image = qrcode.make(text, image_factory=qrcode.image.svg.SvgPathImage, box_size=10, border=2)
    buffer = io.BytesIO()
    image.save(buffer)
    return "data:image/svg+xml;base64," + base64.b64encode(buffer.getvalue()).decode()


def _grouped(secret: str) -> str:
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


@never_cache
@require_http_methods(["GET", "POST"])
def two_factor_verify(request):
    """Second step of signing in: the code from the user's authenticator app."""
    device = _confirmed_device(request.user)
    if device is None:
        return redirect(f"{reverse('two_factor_setup')}?{urlencode({'next': _next_url(request)})}")
    if _is_verified(request.user) and not request.GET.get("fresh"):
        return redirect(_next_url(request))
    form = CodeForm(request.POST or None, device=device)
    if request.method == "POST" and form.is_valid():
        _login_with_code(request, device)
        return redirect(_next_url(request))
    return render(request, "account/two_factor_verify.html", {"form": form, "next": _next_url(request)})


@never_cache
@require_http_methods(["GET", "POST"])
def two_factor_setup(request):
    """Pair an authenticator app: show its QR code and key, confirm it with the first code it shows."""
    user = request.user
    if _confirmed_device(user) is not None and not _is_verified(user):
        return redirect(f"{reverse('two_factor_verify')}?{urlencode({'next': _next_url(request)})}")
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("-id").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=DEVICE_NAME, confirmed=False)
    form = CodeForm(request.POST or None, device=device)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
            device.confirmed = True
            device.save(update_fields=["confirmed"])
        _login_with_code(request, device)
        messages.success(request, "Two-factor sign-in is on. You will need a code from your app every time you sign in")
        return redirect(_next_url(request))
    context = {
        "form": form,
        "next": _next_url(request),
        "qr_code": qr_code_data_uri(otpauth_url(device)),
        "secret": _grouped(base64.b32encode(device.bin_key).decode()),
        "required": role_requires_two_factor(user),
    }
    return render(request, "account/two_factor_setup.html", context)


@never_cache
def two_factor(request):
    """The user's two-factor settings: on or off, and whether their role lets them turn it off."""
    context = {
        "device": _confirmed_device(request.user),
        "required": role_requires_two_factor(request.user),
    }
    return render(request, "account/two_factor_status.html", context)


@require_POST
def two_factor_remove(request):
    """Turn two-factor sign-in off: only from a verified session, and never for a role that requires it."""
    if role_requires_two_factor(request.user):
        raise PermissionDenied("Your role requires two-factor sign-in")
    if not _is_verified(request.user):
        raise PermissionDenied("Enter a code from your app first")
    TOTPDevice.objects.filter(user=request.user).delete()
    request.session.pop("otp_device_id", None)
    messages.success(request, "Two-factor sign-in is off")
    return redirect("two_factor")


urlpatterns = [
    path("", two_factor, name="two_factor"),
    path("set-up/", two_factor_setup, name="two_factor_setup"),
    path("verify/", two_factor_verify, name="two_factor_verify"),
    path("turn-off/", two_factor_remove, name="two_factor_remove"),
]
