"""Gives every request an id (kept from X-Request-ID when sane) for audit rows and the response header."""

import re
import uuid

from common.client_ip import client_ip

from .context import ip_address_var, request_id_var

_SAFE_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")


class RequestIdMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        incoming = request.headers.get("X-Request-ID", "")
        request_id = incoming if _SAFE_ID.match(incoming) else uuid.uuid4().hex
        request.request_id = request_id
        id_token = request_id_var.set(request_id)
        ip_token = ip_address_var.set(client_ip(request) or None)
        try:
            response = self.get_response(request)
        finally:
            request_id_var.reset(id_token)
            ip_address_var.reset(ip_token)
        response["X-Request-ID"] = request_id
        return response
