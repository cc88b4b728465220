"""The current request's id and client address, available to services that never see `request`."""

from contextvars import ContextVar

request_id_var: ContextVar[str] = ContextVar("request_id", default="")
ip_address_var: ContextVar[str | None] = ContextVar("ip_address", default=None)
#: Why the user is consulting each case, by case id ({"purpose": ..., "regime": ..., "reason": ...}), where
#: their agency asked them (casework.access_reasons); log_access copies it onto every row for that case.
access_reasons_var: ContextVar[dict[int, dict] | None] = ContextVar("access_reasons", default=None)
