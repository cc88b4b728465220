"""Printable documents (notices, letters, panel lists) rendered to PDF with WeasyPrint.

Templates extend `layout/print.html`. Static files are read from disk, never fetched over the network.
"""

from django.contrib.staticfiles import finders
from django.http import HttpResponse
from django.template.loader import render_to_string


def _static_fetcher(url: str, *args, **kwargs):
    from weasyprint import default_url_fetcher

    prefix = "static:"
    if url.startswith(prefix):
        path = finders.find(url[len(prefix) :])
        if path:
            with open(path, "rb") as handle:
                return {"string": handle.read(), "mime_type": None}
        raise ValueError(f"Static file not found: {url}")
    if url.startswith("data:"):
        return default_url_fetcher(url, *args, **kwargs)
    raise ValueError(f"Refusing to fetch {url} while printing")


def render_pdf_bytes(template_name: str, context: dict, request=None) -> bytes:
    from weasyprint import HTML

    html = render_to_string(template_name, context, request=request)
    return HTML(string=html, url_fetcher=_static_fetcher, base_url="static:").write_pdf()


def pdf_response(template_name: str, context: dict, *, filename: str, request=None) -> HttpResponse:
    response = HttpResponse(render_pdf_bytes(template_name, context, request), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    response["Cache-Control"] = "no-store"
    return response
