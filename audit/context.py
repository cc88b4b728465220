"""The current request's id and client address, available to services that never see `request`."""

from contextvars import ContextVar

request_id_var: ContextVar[str] = ContextVar("request_id", default="")
ip_address_var: ContextVar[str | None] = ContextVar("ip_address", default=None)
