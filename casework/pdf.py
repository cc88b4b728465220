"""Printable documents (notices, letters, panel lists) rendered to PDF with WeasyPrint.

Templates extend `layout/print.html`. Static files are read from disk, never fetched over the network.
Every document is PDF/UA-1 (tagged, with its title and language from the template's <title> and <html lang>),
because screen-reader users receive these notices and letters too.
"""

from collections.abc import Iterable

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


def render_pdf_bytes(template_name: str, context: dict, request=None, *, addressed_to: Iterable[int] = ()) -> bytes:
    """The document as PDF. A protected victim's phone, email and address are withheld ("Withheld") from it when
    it is addressed to someone on their do-not-disclose list (`addressed_to`: the addressees' person ids) or
    printed by a user of a listed agency (casework.withholding; the withholding is logged)."""
    from weasyprint import HTML

    html = _withheld(render_to_string(template_name, context, request=request), request, addressed_to, template_name)
    return HTML(string=html, url_fetcher=_fetcher(), base_url="static:").write_pdf(pdf_variant="pdf/ua-1")


def _withheld(html: str, request, addressed_to: Iterable[int], template_name: str) -> str:
    from . import access
    from .withholding import log_withheld, protected_values, scrub, scrubber

    user = getattr(request, "user", None)
    addressees = [pk for pk in addressed_to if pk is not None]
    people = set(access.protected_from(user)) | set(access.protected_from_people(addressees))
    if not people:
        return html
    html, hits = scrub(html, scrubber(protected_values(people)))
    if hits:
        log_withheld(user, where=f"document {template_name}", person_ids=people, path=getattr(request, "path", ""))
    return html


def pdf_response(
    template_name: str, context: dict, *, filename: str, request=None, addressed_to: Iterable[int] = ()
) -> HttpResponse:
    """`addressed_to`: person ids of whoever the document is addressed to (notices, letters)."""
    data = render_pdf_bytes(template_name, context, request, addressed_to=addressed_to)
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = content_disposition_header(False, filename)
    response["Cache-Control"] = "no-store"
    return response
