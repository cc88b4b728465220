"""Printable documents (notices, letters, panel lists) rendered to PDF with WeasyPrint.

Templates extend `layout/print.html`. Static files are read from disk, never fetched over the network.
Every document is PDF/UA-1 (tagged, with its title and language from the template's <title> and <html lang>),
because screen-reader users receive these notices and letters too.
"""

from django.contrib.staticfiles import finders
from django.http import HttpResponse
from django.template.loader import render_to_string
from django.utils.http import content_disposition_header


def _fetcher():
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class OfflineFetcher(URLFetcher):
        """Serves `static:` URLs from the static files finders and inline `data:` URIs; refuses the network."""

        def fetch(self, url, headers=None):
            if url.startswith("static:"):
                path = finders.find(url.removeprefix("static:"))
                if not path:
                    raise ValueError(f"Static file not found: {url}")
                with open(path, "rb") as handle:
                    return URLFetcherResponse(url, handle.read())
            if url.startswith("data:"):
                return super().fetch(url, headers)
            raise ValueError(f"Refusing to fetch {url} while printing")

    return OfflineFetcher(allowed_protocols={"static", "data"})


def render_pdf_bytes(template_name: str, context: dict, request=None) -> bytes:
    from weasyprint import HTML

    html = render_to_string(template_name, context, request=request)
    return HTML(string=html, url_fetcher=_fetcher(), base_url="static:").write_pdf(pdf_variant="pdf/ua-1")


def pdf_response(template_name: str, context: dict, *, filename: str, request=None) -> HttpResponse:
    response = HttpResponse(render_pdf_bytes(template_name, context, request), content_type="application/pdf")
    response["Content-Disposition"] = content_disposition_header(False, filename)
    response["Cache-Control"] = "no-store"
    return response
