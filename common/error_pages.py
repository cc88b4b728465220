"""The service's own error pages, also while DEBUG is on (the demo runs with DEBUG on).

With DEBUG on Django answers a 404 or an unhandled error with its technical page, which lists every URL pattern
and setting: no page for a caseworker, and a map for anyone probing the demo. Outermost middleware swaps such a
page for the GOV.UK-pattern template of the same status; a developer who wants the technical page sets
TECHNICAL_ERROR_PAGES=1. With DEBUG off Django already uses these templates (handler404/500 defaults).
"""

from django.conf import settings
from django.template import loader

# Both of Django's technical pages (technical_404.html, technical_500.html) carry this robots tag; our pages don't.
_TECHNICAL_MARKER = b'<meta name="robots" content="NONE,NOARCHIVE">'
_TEMPLATES = {400: "400.html", 403: "403.html", 404: "404.html", 500: "500.html"}


def _is_technical(response) -> bool:
    return (
        not getattr(response, "streaming", False)
        and response.get("Content-Type", "").startswith("text/html")
        and _TECHNICAL_MARKER in response.content[:2000]
    )


class FriendlyErrorPagesMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if not settings.DEBUG or settings.TECHNICAL_ERROR_PAGES or not _is_technical(response):
            return response
        status = response.status_code if response.status_code in _TEMPLATES else 500
        template = _TEMPLATES[status]
        # The 500 page renders without context: whatever failed may fail again in a context processor.
        body = loader.render_to_string(template, request=None if status == 500 else request)
        response.content = body.encode()
        response["Content-Length"] = str(len(response.content))
        return response
