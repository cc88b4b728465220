"""Refuse a NUL byte anywhere in a query string with a clear 400, before any filter or search sees it.

PostgreSQL cannot store or compare a string containing NUL (0x00): a filter value with one used to reach
the database and answer 500. Forms already refuse NUL in posted text (Django's CharField validator); query
strings feed list filters, searches and exports everywhere, so this middleware guards them all at once.
"""

from django.http import HttpResponseBadRequest, JsonResponse
from django.template.loader import render_to_string

MESSAGE = "The search or filter contains a character that cannot be used (a NUL byte). Remove it and try again."


class RefuseNulMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if any("\x00" in key or any("\x00" in value for value in values) for key, values in request.GET.lists()):
            return self._refuse(request)
        return self.get_response(request)

    @staticmethod
    def _refuse(request):
        if request.path.startswith("/api/"):
            body = {"error": {"code": "invalid_character", "message": MESSAGE, "fields": {}}}
            return JsonResponse(body, status=400)
        return HttpResponseBadRequest(render_to_string("400_invalid_character.html", {"message": MESSAGE}, request))
