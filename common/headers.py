"""Response headers every page gets: nothing a signed-in user sees is kept by a browser or proxy cache
(case pages, CSV exports, evidence, the API), and no page may use the camera, microphone or location."""

from django.conf import settings
from django.utils.cache import patch_cache_control

DEFAULT_PERMISSIONS_POLICY = (
    "camera=(), microphone=(), geolocation=(), payment=(), usb=(), serial=(), bluetooth=(), "
    "display-capture=(), browsing-topics=()"
)


class SecurityHeadersMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if (user is not None and user.is_authenticated) or request.path.startswith("/api/"):
            patch_cache_control(response, no_store=True)
        response.setdefault("Permissions-Policy", getattr(settings, "PERMISSIONS_POLICY", DEFAULT_PERMISSIONS_POLICY))
        return response
