"""What every endpoint of the partner API shares, and the pages where users manage their API tokens.

- Token authentication (`Authorization: Token <secret>`): only a SHA-256 hash of each secret is stored.
- One error shape for every failure: `{"error": {"code", "message", "fields"}}`.
- Keyset (cursor) pagination on a unique sort key, so page 1,000 costs what page 1 costs.
- A rate limit per token (per user for the browser session), configurable in REST_FRAMEWORK.
- The OpenAPI schema and a server-rendered docs page (the CSP forbids the CDN scripts Swagger UI needs).

Which cases a request may touch is never decided here: every endpoint asks casework.access.
"""

import hashlib
import logging
import secrets
from datetime import UTC, datetime, timedelta
from functools import lru_cache

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.db import transaction
from django.db.models import DateTimeField, F, QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import Resolver404, get_resolver, resolve, reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods
from drf_spectacular.authentication import SessionScheme
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.utils import OpenApiResponse, extend_schema
from drf_spectacular.views import SpectacularAPIView
from rest_framework import exceptions, serializers, status
from rest_framework.authentication import BaseAuthentication, SessionAuthentication, get_authorization_header
from rest_framework.pagination import BasePagination
from rest_framework.permissions import IsAuthenticated
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.throttling import SimpleRateThrottle
from rest_framework.utils.urls import remove_query_param, replace_query_param
from rest_framework.views import APIView, set_rollback

from accounts.two_factor import pending_step
from audit.context import request_id_var
from audit.models import AccessAction
from audit.services import log_access
from casework import access
from casework.access import CaseNotFound
from casework.errors import CaseworkError, InvalidTransition, NotAllowed
from casework.forms import GovUKForm
from casework.models import ApiToken
from casework.refusals import log_refused
from casework.services import save_with_history
from common import keyset
from common.dates import govuk_datetime

logger = logging.getLogger(__name__)

SECRET_PREFIX = "scc_"
PREFIX_LENGTH = 12  # "scc_" and 8 random characters: enough to recognise a token, useless to guess it
# last_used_at is written at most this often per token, so a busy integration does not write on every call.
LAST_USED_RESOLUTION = timedelta(minutes=1)
THROTTLE_SCOPE = "api_token"
DEFAULT_PAGE_SIZE = 25


# --- Tokens ---------------------------------------------------------------------------------------------


def hash_secret(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8", "surrogatepass")).hexdigest()


@transaction.atomic
def create_token(*, user, name: str) -> tuple[ApiToken, str]:
    """A new token for `user`; returns it with its secret, which is never stored and cannot be shown again."""
    name = name.strip()
    if not name:
        raise NotAllowed("Enter a name for the token")
    secret = SECRET_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(user=user, name=name, token_hash=hash_secret(secret), prefix=secret[:PREFIX_LENGTH])
    save_with_history(token, user, "API token created")
    return token, secret


@transaction.atomic
def revoke_token(*, token: ApiToken, by) -> ApiToken:
    """Stop a token working at once; the row stays so the access log's history still makes sense."""
    if token.user_id != by.pk:
        raise NotAllowed("You can only revoke your own tokens.")
    token = ApiToken.objects.select_for_update().get(pk=token.pk)
    if token.revoked_at is not None:
        raise InvalidTransition("This token has already been revoked.")
    token.revoked_at = timezone.now()
    save_with_history(token, by, "API token revoked")
    return token


def tokens_of(user) -> QuerySet[ApiToken]:
    """The user's tokens, live ones first (NULLS FIRST spelled out: PostgreSQL sorts them last by default)."""
    return ApiToken.objects.filter(user_id=user.pk).order_by(
        F("revoked_at").asc(nulls_first=True), "-created_at", "-id"
    )


def record_use(token: ApiToken, *, now: datetime | None = None) -> None:
    """Note when a token was last used, at most once per LAST_USED_RESOLUTION and without a history row."""
    now = now or timezone.now()
    if token.last_used_at is not None and now - token.last_used_at < LAST_USED_RESOLUTION:
        return
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    token.last_used_at = now


class ApiTokenAuthentication(BaseAuthentication):
    """`Authorization: Token <secret>`. Unknown, revoked or inactive-user tokens are refused with 401."""

    keyword = "Token"

    def authenticate(self, request):
        parts = get_authorization_header(request).split()
        if not parts or parts[0].lower() != self.keyword.lower().encode():
            return None
        if len(parts) != 2:
            raise exceptions.AuthenticationFailed("Send the header as 'Authorization: Token <secret>'.")
        try:
            secret = parts[1].decode("ascii")
        except UnicodeError:
            raise exceptions.AuthenticationFailed("This token is not valid.") from None
        token = ApiToken.objects.select_related("user").filter(token_hash=hash_secret(secret)).first()
        if token is None or not token.user.is_active:
            raise exceptions.AuthenticationFailed("This token is not valid.")
        if token.revoked_at is not None:
            raise exceptions.AuthenticationFailed("This token has been revoked.")
        if token.is_expired:
            raise exceptions.AuthenticationFailed("This token has expired. Create a new one.")
        record_use(token)
        return token.user, token

    def authenticate_header(self, request):
        return f'{self.keyword} realm="api"'


class VerifiedSessionAuthentication(SessionAuthentication):
    """The browser session (with DRF's CSRF check), once the user has done any two-factor step they owe.

    API views are exempt from the sign-in middleware, so without this a password-only session could
    reach data through the browsable API before entering its code.
    """

    def authenticate(self, request):
        result = super().authenticate(request)
        if result is None:
            return None
        user = result[0]
        is_verified = getattr(user, "is_verified", None)
        if not (is_verified and is_verified()) and pending_step(user) is not None:
            return None
        return result


class VerifiedSessionScheme(SessionScheme):
    target_class = VerifiedSessionAuthentication


class ApiTokenScheme(OpenApiAuthenticationExtension):
    target_class = ApiTokenAuthentication
    name = "tokenAuth"

    def get_security_definition(self, auto_schema):
        return {
            "type": "apiKey",
            "in": "header",
            "name": "Authorization",
            "description": "`Token <secret>`; create a token on your account's API tokens page.",
        }


class TokenRateThrottle(SimpleRateThrottle):
    """Requests per token (or per signed-in user in the browser); the rate is REST_FRAMEWORK's
    DEFAULT_THROTTLE_RATES["api_token"], read on every request so a settings change applies at once."""

    scope = THROTTLE_SCOPE

    def get_rate(self):
        return api_settings.DEFAULT_THROTTLE_RATES.get(self.scope)

    def get_cache_key(self, request, view):
        if isinstance(request.auth, ApiToken):
            ident = f"token-{request.auth.pk}"
        elif request.user and request.user.is_authenticated:
            ident = f"user-{request.user.pk}"
        else:
            return None
        return self.cache_format % {"scope": self.scope, "ident": ident}


# --- Serializers ---------------------------------------------------------------------------------------


class UtcDateTimeField(serializers.DateTimeField):
    """Times out of the API in UTC ("Z"): unambiguous for other systems, and always valid RFC 3339 (London's
    historical offsets, such as -00:01:15 before 1847, are not)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("default_timezone", UTC)
        super().__init__(*args, **kwargs)


class ApiModelSerializer(serializers.ModelSerializer):
    """Read-only model representations for the API; model date-times come out in UTC."""

    serializer_field_mapping = {**serializers.ModelSerializer.serializer_field_mapping, DateTimeField: UtcDateTimeField}


# --- Errors ---------------------------------------------------------------------------------------------


class Conflict(exceptions.APIException):
    status_code = status.HTTP_409_CONFLICT
    default_detail = "The record is not in a state that allows this."
    default_code = "conflict"


def _flatten(detail, prefix: str = "") -> dict[str, list[str]]:
    """DRF's nested error detail as {"field" or "field.sub": [messages]}."""
    if isinstance(detail, dict):
        out: dict[str, list[str]] = {}
        for key, value in detail.items():
            name = f"{prefix}.{key}" if prefix else str(key)
            for field, msgs in _flatten(value, name).items():
                out.setdefault(field, []).extend(msgs)
        return out
    if isinstance(detail, list):
        if all(not isinstance(item, dict | list) for item in detail):
            return {prefix or "non_field_errors": [str(item) for item in detail]}
        out = {}
        for index, item in enumerate(detail):
            for field, msgs in _flatten(item, f"{prefix}.{index}" if prefix else str(index)).items():
                out.setdefault(field, []).extend(msgs)
        return out
    return {prefix or "non_field_errors": [str(detail)]}


def error_body(code: str, message: str, fields: dict | None = None) -> dict:
    return {"error": {"code": code, "message": message, "fields": fields or {}}}


def exception_handler(exc, context):
    """Every API failure as {"error": {"code", "message", "fields"}}: stable codes, messages for people."""
    if isinstance(exc, Http404):
        if isinstance(exc, CaseNotFound) and context.get("request") is not None:
            log_refused(context["request"], exc)
        exc = exceptions.NotFound(str(exc) if exc.args else "Not found.")
    elif isinstance(exc, DjangoPermissionDenied | NotAllowed):
        exc = exceptions.PermissionDenied(str(exc) if exc.args else None)
    elif isinstance(exc, CaseworkError):
        exc = Conflict(str(exc))
    if not isinstance(exc, exceptions.APIException):
        logger.exception("Unhandled error in the API", exc_info=exc)
        set_rollback()
        return Response(
            error_body(
                "server_error",
                f"Something went wrong on our side. Quote request id {request_id_var.get()} if you report it.",
            ),
            status=status.HTTP_500_INTERNAL_SERVER_ERROR,
        )
    headers = {}
    if getattr(exc, "auth_header", None):
        headers["WWW-Authenticate"] = exc.auth_header
    if getattr(exc, "wait", None):
        headers["Retry-After"] = str(int(exc.wait))
    if isinstance(exc, exceptions.ValidationError):
        fields = _flatten(exc.detail)
        message = "; ".join(
            msgs[0] if name == "non_field_errors" else f"{name}: {msgs[0]}" for name, msgs in fields.items()
        )
        body = error_body("invalid", message or "The request is not valid.", fields)
    elif isinstance(exc, exceptions.NotAuthenticated):
        body = error_body(
            exc.default_code, "Send your API token in the Authorization header: 'Authorization: Token <secret>'."
        )
    elif isinstance(exc, exceptions.Throttled):
        wait = f" Try again in {int(exc.wait)} seconds." if exc.wait else ""
        body = error_body("throttled", f"Too many requests for this token.{wait}")
    else:
        body = error_body(exc.default_code, str(exc.detail))
    set_rollback()
    return Response(body, status=exc.status_code, headers=headers)


class ErrorDetailSerializer(serializers.Serializer):
    code = serializers.CharField(help_text="Stable, machine-readable: invalid, not_found, permission_denied, ...")
    message = serializers.CharField(help_text="What went wrong, for a person to read.")
    fields = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField()),
        help_text="For code 'invalid': each field with a problem and its messages.",
    )


class ErrorSerializer(serializers.Serializer):
    error = ErrorDetailSerializer()


ERROR_DESCRIPTIONS = {
    400: "The request is not valid; `error.fields` names each field with a problem.",
    401: "No token, or the token is unknown or revoked.",
    403: "You are signed in but may not do this: for example you may read the case but not change it.",
    404: "No such record, or it is not shared with your agency.",
    409: "The record is not in a state that allows this change.",
    429: "Too many requests for this token; see the Retry-After header.",
}


def error_responses(*codes: int) -> dict[int, OpenApiResponse]:
    """OpenAPI responses for the listed error statuses (401 and 429 are added: every endpoint can give them)."""
    wanted = sorted({*codes, 401, 403, 429})
    return {code: OpenApiResponse(ErrorSerializer, description=ERROR_DESCRIPTIONS[code]) for code in wanted}


# --- Pagination -----------------------------------------------------------------------------------------


class KeysetPagination(BasePagination):
    """Cursor pagination on the view's `keyset_ordering`, whose last field must be unique (the id).

    The cursor holds the sort-key values of the row at the page's edge, so each page is one indexed range
    query however deep it is, and rows added meanwhile never shift a page. No total count is computed.
    """

    cursor_query_param = "cursor"
    page_size_query_param = "page_size"
    max_page_size = 100

    def __init__(self):
        self.page_size = DEFAULT_PAGE_SIZE
        self.next_url = self.previous_url = None

    # DRF's pagination API ----------------------------------------------------------------------------

    def get_page_size(self, request) -> int:
        raw = request.query_params.get(self.page_size_query_param)
        if raw is None or raw == "":
            return self.page_size
        try:
            size = int(raw)
        except ValueError:
            size = 0
        if not 1 <= size <= self.max_page_size:
            raise exceptions.ValidationError(
                {self.page_size_query_param: [f"Enter a page size between 1 and {self.max_page_size}."]}
            )
        return size

    def paginate_queryset(self, queryset, request, view=None):
        ordering = tuple(getattr(view, "keyset_ordering", ("-id",)))
        try:
            page = keyset.paginate(
                queryset, ordering, self.get_page_size(request), request.query_params.get(self.cursor_query_param)
            )
        except keyset.InvalidCursor:
            raise exceptions.ValidationError(
                {self.cursor_query_param: ["This cursor is not valid: use the 'next' or 'previous' link as given."]}
            ) from None
        url = request.build_absolute_uri()
        self.next_url = None
        if page.next_cursor:
            self.next_url = replace_query_param(url, self.cursor_query_param, page.next_cursor)
        if page.previous_cursor:
            self.previous_url = replace_query_param(url, self.cursor_query_param, page.previous_cursor)
        elif page.previous_is_first:
            self.previous_url = remove_query_param(url, self.cursor_query_param)
        else:
            self.previous_url = None
        return page.rows

    def get_paginated_response(self, data):
        return Response({"next": self.next_url, "previous": self.previous_url, "results": data})

    def get_paginated_response_schema(self, schema):
        link = {"type": "string", "format": "uri", "nullable": True}
        return {
            "type": "object",
            "required": ["next", "previous", "results"],
            "properties": {
                "next": {**link, "description": "The next page, or null on the last page."},
                "previous": {**link, "description": "The previous page, or null on the first page."},
                "results": schema,
            },
        }

    def get_schema_operation_parameters(self, view):
        return [
            {
                "name": self.cursor_query_param,
                "required": False,
                "in": "query",
                "description": "Where the page starts: take it from the 'next' or 'previous' link.",
                "schema": {"type": "string"},
            },
            {
                "name": self.page_size_query_param,
                "required": False,
                "in": "query",
                "description": f"Rows per page, 1 to {self.max_page_size} (default {self.page_size}).",
                "schema": {"type": "integer", "minimum": 1, "maximum": self.max_page_size},
            },
        ]


# --- The base every API view builds on --------------------------------------------------------------------


class PartnerApiMixin:
    """Token or session authentication, signed-in users only, rate-limited per token, one error shape.

    The views answer anonymous callers with 401 JSON themselves, so Django's LoginRequiredMiddleware (which
    would redirect to the sign-in page) is told to let them through.
    """

    authentication_classes = [ApiTokenAuthentication, VerifiedSessionAuthentication]
    permission_classes = [IsAuthenticated]
    throttle_classes = [TokenRateThrottle]
    pagination_class = KeysetPagination

    @classmethod
    def as_view(cls, *args, **kwargs):
        return login_not_required(super().as_view(*args, **kwargs))


def log_api_read(
    request, *, object_type: str, case=None, object_id="", object_label: str = "", details: dict | None = None
) -> None:
    """One access-log row per API read, shaped like the matching screen's row but with action api_read."""
    log_access(
        user=request.user,
        agency=access.agency_name(request.user),
        action=AccessAction.API_READ,
        object_type=object_type,
        object_id=object_id or (case.pk if case is not None else ""),
        object_label=object_label or (case.reference if case is not None else ""),
        case_id=case.pk if case is not None else None,
        details=details or {},
        path=request.path,
    )


class SchemaView(PartnerApiMixin, SpectacularAPIView):
    """The OpenAPI 3 contract, for signed-in users and token holders (YAML; JSON with ?format=json)."""

    def finalize_response(self, request, response, *args, **kwargs):
        """Errors as the API's JSON, not rendered as if they were an OpenAPI document."""
        response = super().finalize_response(request, response, *args, **kwargs)
        if response.status_code >= 400:
            response.accepted_renderer = JSONRenderer()
            response.accepted_media_type = JSONRenderer.media_type
        return response


@extend_schema(exclude=True)
class NoSuchEndpoint(PartnerApiMixin, APIView):
    """Any other address under /api/v1/: 404 in the API's JSON shape (after authentication, like the rest)."""

    def _not_found(self, request, *args, **kwargs):
        hint = ""
        if not request.path.endswith("/"):
            try:
                resolve(request.path + "/")
            except Resolver404:
                pass
            else:
                hint = f" Did you mean {request.path}/ (with the trailing slash)?"
        raise exceptions.NotFound(f"There is no API endpoint at this address.{hint}")

    get = post = put = patch = delete = head = options = _not_found


@lru_cache(maxsize=1)
def _schema_for_docs() -> dict:
    # The API's URLconf is found through its namespace ("api"), so this library never imports the wiring in config/.
    api_urls = get_resolver().namespace_dict["api"][1].urlconf_module
    return SchemaGenerator(patterns=api_urls.urlpatterns, urlconf=api_urls).get_schema(request=None, public=True)


def _schema_operations(schema: dict) -> list[dict]:
    """The schema flattened for the docs page: one entry per operation, parameters and responses listed."""
    components = schema.get("components", {}).get("schemas", {})

    def ref_name(node: dict) -> str:
        ref = node.get("$ref", "")
        return ref.rsplit("/", 1)[-1] if ref else ""

    def body_fields(content: dict) -> list[dict]:
        media = content.get("application/json") or next(iter(content.values()), {})
        name = ref_name(media.get("schema", {}))
        component = components.get(name, {})
        required = set(component.get("required", []))
        rows = []
        for field, spec in component.get("properties", {}).items():
            kind = spec.get("type") or ref_name(spec) or ref_name((spec.get("allOf") or [{}])[0]) or "object"
            rows.append(
                {
                    "name": field,
                    "type": kind,
                    "required": field in required,
                    "description": spec.get("description", ""),
                }
            )
        return rows

    operations = []
    for path, methods in schema.get("paths", {}).items():
        for method, op in methods.items():
            if method not in {"get", "post", "put", "patch", "delete"}:
                continue
            operations.append(
                {
                    "id": op.get("operationId", f"{method}-{path}"),
                    "method": method.upper(),
                    "path": path,
                    "summary": op.get("summary", ""),
                    "description": op.get("description", ""),
                    "parameters": [
                        {
                            "name": p["name"],
                            "in": p["in"],
                            "required": p.get("required", False),
                            "type": p.get("schema", {}).get("type", ""),
                            "values": ", ".join(str(v) for v in p.get("schema", {}).get("enum", []) if v)
                            or ", ".join(str(v) for v in p.get("schema", {}).get("items", {}).get("enum", []) if v),
                            "description": p.get("description", ""),
                        }
                        for p in op.get("parameters", [])
                    ],
                    "body": body_fields(op.get("requestBody", {}).get("content", {})),
                    "responses": [
                        {"status": code, "description": resp.get("description", "")}
                        for code, resp in op.get("responses", {}).items()
                    ],
                }
            )
    return operations


def api_docs(request):
    """The API reference as a plain server-rendered page, built from the same schema partners download."""
    schema = _schema_for_docs()
    return render(
        request,
        "api/docs.html",
        {"info": schema.get("info", {}), "operations": _schema_operations(schema)},
    )


# --- Token pages (/account/tokens/) ---------------------------------------------------------------------


class TokenForm(GovUKForm):
    name = forms.CharField(
        label="Token name",
        max_length=100,
        help_text="Say which system will use it, for example 'Barnet Homes housing system'.",
        error_messages={"required": "Enter a name for the token"},
    )


def token_list(request):
    return render(request, "account/tokens.html", {"tokens": tokens_of(request.user)})


@require_http_methods(["GET", "POST"])
def token_create(request):
    from .two_factor import fresh_code_or_redirect

    if (ask_for_code := fresh_code_or_redirect(request)) is not None:
        return ask_for_code
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            token, secret = create_token(user=request.user, name=form.cleaned_data["name"])
        except CaseworkError as error:
            form.add_error("name", str(error))
        else:
            # Rendered, not redirected: the secret must never sit in a session, a message store or a URL.
            response = render(request, "account/token_created.html", {"token": token, "secret": secret})
            response["Cache-Control"] = "no-store"
            return response
    return render(request, "account/token_create.html", {"form": form})


@require_http_methods(["GET", "POST"])
def token_revoke(request, token_id: int):
    token = get_object_or_404(ApiToken, pk=token_id, user_id=request.user.pk, revoked_at__isnull=True)
    if request.method == "POST":
        try:
            revoke_token(token=token, by=request.user)
        except CaseworkError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, f"Token '{token.name}' revoked: it no longer works")
        return redirect(reverse("api_tokens:index"))
    rows = [
        ("Starts with", f"{token.prefix}…"),
        ("Created", govuk_datetime(token.created_at, short=True)),
        (
            "Last used",
            govuk_datetime(token.last_used_at, short=True) if token.last_used_at else "Never used",
        ),
    ]
    return render(request, "account/token_revoke.html", {"token": token, "rows": rows})
