"""Settings for Safer Communities Casework: one module, driven by environment variables.

With no DATABASE_URL the app runs on an embedded SQLite file under var/; production sets
DATABASE_URL to PostgreSQL, DEBUG=0, SECRET_KEY and ALLOWED_HOSTS.
"""

import os
import sys
from pathlib import Path

import dj_database_url
from csp.constants import NONCE, SELF
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DEBUG", True)
TESTING = env_bool("TESTING", "pytest" in sys.modules)

_DEV_SECRET = "dev-only-insecure-secret-key-never-use-in-production-0123456789"
SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG=0")
    SECRET_KEY = _DEV_SECRET

# With DEBUG on, errors still show the service's own pages; TECHNICAL_ERROR_PAGES=1 shows Django's instead.
TECHNICAL_ERROR_PAGES = env_bool("TECHNICAL_ERROR_PAGES", False)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "guardian",
    "simple_history",
    "django_filters",
    "axes",
    "csp",
    "crispy_forms",
    "crispy_forms_gds",
    "rest_framework",
    "drf_spectacular",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "audit",
    "statutory",
    "casework",
    "enforcement",
    "marac",
    "triggers",
    "reports",
    "django_tasks",
    "django_tasks_db",
    "notifications",
    "governance",
]

MIDDLEWARE = [
    "common.error_pages.FriendlyErrorPagesMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "audit.middleware.RequestIdMiddleware",
    "common.nul.RefuseNulMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # the idle timeout's expiry refreshed at most once a minute, not saved on every request (accounts/sessions.py)
    "accounts.sessions.IdleSessionRefreshMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "common.headers.SecurityHeadersMiddleware",
    "casework.refusals.RefusalLogMiddleware",
    # do-not-disclose: a listed agency's users never receive a protected victim's details (casework.withholding)
    "casework.withholding.WithholdingMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "accounts.two_factor.TwoFactorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "casework.access_reasons.AccessReasonMiddleware",
    "common.idempotency.IdempotencyMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "casework.context_processors.navigation",
                "notifications.context_processors.unread_notifications",
            ],
            "builtins": ["common.govuk_filters"],
        },
    },
]

WSGI_APPLICATION = "config.wsgi.application"

DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'var' / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("DB_CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    (BASE_DIR / "var").mkdir(exist_ok=True)
    DATABASES["default"]["OPTIONS"] = {"timeout": 20, "transaction_mode": "IMMEDIATE"}
    DATABASES["default"]["CONN_MAX_AGE"] = 0
else:
    # JIT compilation costs 50-300 ms on the mid-sized queries of a case list or dashboard at a million cases
    # and never pays back on queries this short; random_page_cost 1.1 (SSD) makes the planner probe the
    # permission index instead of hashing every visible case (docs/performance.md). Set on our own
    # connections so a server left at its defaults plans as measured; DB_OPTIONS overrides for a server.
    DATABASES["default"].setdefault("OPTIONS", {})["options"] = os.environ.get(
        "DB_OPTIONS", "-c jit=off -c random_page_cost=1.1"
    )
    # Statements every request repeats are prepared once per connection (common.prepared). Off with
    # DB_PREPARED_STATEMENTS=0, e.g. behind a pooler in transaction mode, which does not keep a session's statements.
    if os.environ.get("DB_PREPARED_STATEMENTS", "1") != "0":
        from common.prepared import PreparingConnection, PreparingCursor

        DATABASES["default"]["OPTIONS"].update(connection_factory=PreparingConnection, cursor_factory=PreparingCursor)

# What the figures in docs/performance.md were measured with; common.planner warns (system check
# casework.W023, and a log line when a process first connects) when a connection differs.
# effective_cache_size describes the server's memory: set it on the server, about half to three quarters of RAM.
DB_PLANNER_SETTINGS = {
    "jit": "off",
    "random_page_cost": "1.1",
    "effective_cache_size": os.environ.get("DB_MIN_EFFECTIVE_CACHE_SIZE", "4GB"),
}

# Two PostgreSQL roles (docs/operations.md, "Database roles"; decision 0011). DATABASE_URL is the
# application's login (casework_app: reads and writes domain tables, only appends to audit and history
# tables, owns nothing). DATABASE_OWNER_URL (or MIGRATION_DATABASE_URL) is the schema owner's login, used
# only by `migrate`, `setup_db_roles` and `retention_apply` (audit.dbroles.as_owner) and by the test
# harness's flush. Unset, everything runs as DATABASE_URL (SQLite, `make run`).
DATABASE_OWNER_URL = os.environ.get("DATABASE_OWNER_URL") or os.environ.get("MIGRATION_DATABASE_URL") or ""
DATABASE_APP_ROLE = os.environ.get("DATABASE_APP_ROLE", "casework_app")

# Keyed checkpoints of the audit chains (audit.checkpoints): HMAC-SHA256 with a key kept outside the
# database, written to an append-only file under AUDIT_CHECKPOINT_DIR and/or mailed to the data
# protection officer. The development key is derived from the development SECRET_KEY and says so; with
# DEBUG=0 `audit_checkpoint` and `verify_audit` refuse to run without a real key.
AUDIT_CHECKPOINT_KEY = os.environ.get("AUDIT_CHECKPOINT_KEY", "")
AUDIT_CHECKPOINT_KEY_IS_DEVELOPMENT = not AUDIT_CHECKPOINT_KEY
if not AUDIT_CHECKPOINT_KEY:
    AUDIT_CHECKPOINT_KEY = "development-only-audit-checkpoint-key:" + SECRET_KEY
AUDIT_CHECKPOINT_DIR = Path(os.environ.get("AUDIT_CHECKPOINT_DIR", BASE_DIR / "var" / "audit-checkpoints"))
AUDIT_CHECKPOINT_EMAIL = env_list("AUDIT_CHECKPOINT_EMAIL")

# One cache shared by every app process (API rate limits, double-submit keys) when CACHE_URL names Redis;
# a per-process memory cache otherwise, which is right for one process (`make run`, tests).
if os.environ.get("CACHE_URL", "").startswith(("redis://", "rediss://")):
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": os.environ["CACHE_URL"]}
    }

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    # ModelBackend, loading the user with their agency, two-factor state and unread count in one query
    "accounts.backends.CaseworkModelBackend",
    "guardian.backends.ObjectPermissionBackend",
]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
if TESTING:
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

# The admin never reverts a record from its history, and never shows an authenticator key (common/admin.py).
SIMPLE_HISTORY_REVERT_DISABLED = True
OTP_ADMIN_HIDE_SENSITIVE_DATA = True

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = None

# The client's address (common/client_ip.py): behind TRUSTED_PROXY_COUNT proxies of ours (the load balancer:
# 1), the entry that many from the right of TRUSTED_PROXY_HEADER; with 0, REMOTE_ADDR. docs/operations.md.
TRUSTED_PROXY_COUNT = int(os.environ.get("TRUSTED_PROXY_COUNT", "0"))
TRUSTED_PROXY_HEADER = os.environ.get("TRUSTED_PROXY_HEADER", "HTTP_X_FORWARDED_FOR")

# Sign-in throttling: 5 failures lock that username from that client address for 30 minutes (never a
# whole office behind one address, never an account from everywhere). Administrators unlock at
# /accounts/lockouts/ (accounts/lockouts.py).
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = float(os.environ.get("AXES_COOLOFF_HOURS", "0.5"))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_CLIENT_IP_CALLABLE = "common.client_ip.client_ip"
# Password spraying (one guess at many usernames from one address) meets this ceiling instead (accounts/signin.py).
SIGN_IN_FAILURES_PER_ADDRESS = int(os.environ.get("SIGN_IN_FAILURES_PER_ADDRESS", "50"))
AXES_LOCKOUT_TEMPLATE = "axes/lockout.html"
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False

# Sessions expire after inactivity: a request pushes the expiry forward when the last push is a minute old
# (accounts.sessions.IdleSessionRefreshMiddleware), not on every request (three statements a page, issue 23).
SESSION_COOKIE_AGE = int(os.environ.get("SESSION_IDLE_MINUTES", "30")) * 60
SESSION_ENGINE = "accounts.sessions"
SESSION_REFRESH_SECONDS = 60
SESSION_SAVE_EVERY_REQUEST = False
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"

GUARDIAN_ANONYMOUS_USER_NAME = None
ANONYMOUS_USER_NAME = None
GUARDIAN_RAISE_403 = False

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "var" / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG or TESTING
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
WHITENOISE_USE_FINDERS = DEBUG or TESTING
if DEBUG or TESTING:
    STATIC_ROOT.mkdir(parents=True, exist_ok=True)
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "var" / "media"))
MEDIA_URL = "/media-not-served/"

CRISPY_ALLOWED_TEMPLATE_PACKS = ["gds"]
CRISPY_TEMPLATE_PACK = "gds"

# Development writes each email to a file under var/mail/ (the demo's mailbox: open the .log files); production
# sends through the council's relay over SMTP.
EMAIL_BACKEND = os.environ.get(
    "EMAIL_BACKEND",
    "django.core.mail.backends.filebased.EmailBackend" if DEBUG else "django.core.mail.backends.smtp.EmailBackend",
)
EMAIL_FILE_PATH = os.environ.get("EMAIL_FILE_PATH", str(BASE_DIR / "var" / "mail"))
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "safer.communities@barnet.example")

# Security headers. Content Security Policy through django-csp: no inline code except nonce'd.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "form-action": [SELF],
        "frame-ancestors": ["'none'"],
        "base-uri": [SELF],
        "object-src": ["'none'"],
    }
}
X_FRAME_OPTIONS = "DENY"
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
CSRF_COOKIE_HTTPONLY = True

if not DEBUG:
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", str(60 * 60 * 24 * 365)))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
}

# Reliability and security controls: two-factor sign-in (accounts/two_factor.py; required for the roles below,
# and for any role an administrator adds in Django admin) and double-submit protection (common/idempotency.py).
# TWO_FACTOR_RELAXED=1 lifts the default roles' requirement on a developer's machine only: refused with DEBUG=0.
TWO_FACTOR_RELAXED = env_bool("TWO_FACTOR_RELAXED", False)
if TWO_FACTOR_RELAXED and not DEBUG:
    raise ImproperlyConfigured("TWO_FACTOR_RELAXED is for development only and cannot be set when DEBUG=0")
SECURITY = {
    "TWO_FACTOR_ISSUER": os.environ.get("TWO_FACTOR_ISSUER", "Barnet Safer Communities"),
    "TWO_FACTOR_REQUIRED_ROLES": ["Administrator", "Auditor", "Community safety manager"],
    "TWO_FACTOR_RELAXED": TWO_FACTOR_RELAXED,
    # A code entered longer ago than this is asked for again before an API token is created.
    "TWO_FACTOR_FRESH_SECONDS": int(os.environ.get("TWO_FACTOR_FRESH_SECONDS", "600")),
    # API tokens stop working this many days after they are created (a new one is made on the tokens page).
    "API_TOKEN_DAYS": int(os.environ.get("API_TOKEN_DAYS", "90")),
    # Refused attempts at a case written to the access log per user per minute (casework/refusals.py).
    "REFUSED_LOG_PER_MINUTE": int(os.environ.get("REFUSED_LOG_PER_MINUTE", "20")),
    "IDEMPOTENCY_CACHE": os.environ.get("IDEMPOTENCY_CACHE", "default"),
    "IDEMPOTENCY_TTL_SECONDS": int(os.environ.get("IDEMPOTENCY_TTL_SECONDS", str(6 * 60 * 60))),
    "IDEMPOTENCY_WAIT_SECONDS": 10,
}

# Request size: form fields (not files) up to 2 MiB and 1,000 fields; uploaded files stream to a temporary
# file above 2.5 MiB, and the evidence form refuses files over EVIDENCE_MAX_BYTES. The proxy in front caps
# the whole body a little above that (nginx client_max_body_size: docs/operations.md).
DATA_UPLOAD_MAX_MEMORY_SIZE = int(os.environ.get("DATA_UPLOAD_MAX_MEMORY_SIZE", str(2 * 1024 * 1024)))
DATA_UPLOAD_MAX_NUMBER_FIELDS = 1000
DATA_UPLOAD_MAX_NUMBER_FILES = 5
FILE_UPLOAD_MAX_MEMORY_SIZE = int(2.5 * 1024 * 1024)
FILE_UPLOAD_PERMISSIONS = 0o640

# Domain reference values that are local choices; see docs/ and domain.md.
# A case list export above this many rows is written by a background job instead of streamed in the request
# (a web worker's timeout would cut it short); the file is kept this many days for its requester.
CASE_EXPORT_STREAM_LIMIT = int(os.environ.get("CASE_EXPORT_STREAM_LIMIT", "5000"))
CASE_EXPORT_KEEP_DAYS = int(os.environ.get("CASE_EXPORT_KEEP_DAYS", "7"))

CASEWORK = {
    "REFERENCE_PREFIX": "ASB",
    "RETENTION_YEARS_AFTER_CLOSURE": int(os.environ.get("RETENTION_YEARS", "6")),
    "EVIDENCE_MAX_BYTES": int(os.environ.get("EVIDENCE_MAX_BYTES", str(20 * 1024 * 1024))),
    # ClamAV's clamd Unix socket (e.g. /run/clamav/clamd.ctl) to scan every evidence file; off when empty.
    "CLAMD_SOCKET": os.environ.get("CLAMD_SOCKET", ""),
    # Repeat victim / perpetrator / location (casework/people.py): cases opened in the last N months, flagged
    # from this many cases on (docs/people-and-places.md).
    "REPEAT_WINDOW_MONTHS": int(os.environ.get("REPEAT_WINDOW_MONTHS", "12")),
    "REPEAT_MIN_CASES": int(os.environ.get("REPEAT_MIN_CASES", "2")),
    # Homes the partnership's landlords manage, for the NM01 rate per 1,000 homes on the dashboard (casework/hate.py);
    # 0 shows counts only.
    "HOMES_MANAGED": int(os.environ.get("HOMES_MANAGED", "0")),
    # The victim's journey (docs/victim-journey.md): what each risk level asks of a case; local practice, not law.
    "RISK_RESPONSE": {
        "high": {"priority": 1, "contact_within_hours": 24, "contact_every_days": 7, "review_every_days": 7},
        "medium": {"priority": 2, "contact_within_hours": 72, "contact_every_days": 14, "review_every_days": 14},
        "standard": {"priority": 3, "contact_within_hours": 120, "contact_every_days": 28, "review_every_days": 28},
    },
    # Closing a case at or above this risk needs a community safety manager's sign-off ("" for never).
    "CLOSURE_SIGN_OFF_FROM_RISK": os.environ.get("CLOSURE_SIGN_OFF_FROM_RISK", "high"),
    "SURVEY_VALID_DAYS": 28,
    "SURVEY_RATE_LIMIT": {"POSTS": 20, "WINDOW_SECONDS": 3600},
}

# The partner API (Django REST framework): same access path as the screens; see docs/api.md.
REST_FRAMEWORK = {
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_RENDERER_CLASSES": [
        "rest_framework.renderers.JSONRenderer",
        "rest_framework.renderers.BrowsableAPIRenderer",
    ],
    "EXCEPTION_HANDLER": "accounts.api.exception_handler",
    # Requests per API token (per user for the browser session); more than this in the period gives 429.
    "DEFAULT_THROTTLE_RATES": {"api_token": os.environ.get("API_RATE_LIMIT", "600/minute")},
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Safer Communities Casework partner API",
    "DESCRIPTION": "Cases shared with your agency, incidents, actions, notes, MARAC referrals and notices.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "COMPONENT_SPLIT_REQUEST": True,
    "SCHEMA_PATH_PREFIX": r"/api/v1",
    "ENUM_NAME_OVERRIDES": {
        "CaseStatusEnum": "casework.models.CaseStatus",
        "CaseCategoryEnum": "casework.models.CaseCategory",
        "RiskLevelEnum": "casework.models.RiskLevel",
        "CaseOutcomeEnum": "casework.models.CaseOutcome",
        "ActionStatusEnum": "casework.models.ActionStatus",
        "PartyRoleEnum": "casework.models.PartyRole",
        "LegalBasisEnum": "casework.models.LegalBasis",
        "ReferralStatusEnum": "marac.models.ReferralStatus",
        "ConsentEnum": "marac.models.Consent",
        "WarningStatusEnum": "enforcement.models.WarningStatus",
        "CPNStatusEnum": "enforcement.models.CPNStatus",
        "AppealOutcomeEnum": "enforcement.models.AppealOutcome",
        "FPNStatusEnum": "enforcement.models.FPNStatus",
        "ClosureStatusEnum": "enforcement.models.ClosureStatus",
        "ClosureOrderStatusEnum": "enforcement.models.ClosureOrderStatus",
        "ClosureScopeEnum": "enforcement.models.ClosureScope",
        "CourtOrderStatusEnum": "enforcement.models.CourtOrderStatus",
        "ServiceMethodEnum": "enforcement.models.ServiceMethod",
    },
}

# Background jobs (docs/decisions/0012): Django's Tasks API (django-tasks backport) with the database backend, so a
# job is a row written in the same transaction as the change that causes it. `manage.py run_worker` runs them.
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

# Notifications (docs/notifications.md). Email goes through Django's EMAIL_BACKEND unless NOTIFY_API_KEY is set,
# when email (and SMS to users who gave a mobile number) goes through GOV.UK Notify.
NOTIFICATIONS = {
    "DAILY_AT": os.environ.get("NOTIFICATIONS_DAILY_AT", "07:00"),  # local time of the daily digest and reminders
    "MAX_ATTEMPTS": int(os.environ.get("NOTIFICATIONS_MAX_ATTEMPTS", "6")),
    "RETRY_BASE_SECONDS": int(os.environ.get("NOTIFICATIONS_RETRY_BASE_SECONDS", "60")),  # 1, 2, 4, 8... minutes
    "ORDER_EXPIRY_DAYS": int(os.environ.get("NOTIFICATIONS_ORDER_EXPIRY_DAYS", "28")),  # orders and PSPOs ending
    "STALE_AFTER_MINUTES": int(os.environ.get("NOTIFICATIONS_STALE_AFTER_MINUTES", "15")),
    "NOTIFY_API_KEY": os.environ.get("NOTIFY_API_KEY", ""),
    "NOTIFY_BASE_URL": os.environ.get("NOTIFY_BASE_URL", "https://api.notifications.service.gov.uk"),
    "NOTIFY_EMAIL_TEMPLATE_ID": os.environ.get("NOTIFY_EMAIL_TEMPLATE_ID", ""),
    "NOTIFY_SMS_TEMPLATE_ID": os.environ.get("NOTIFY_SMS_TEMPLATE_ID", ""),
    "SERVICE_URL": os.environ.get("SERVICE_URL", "http://127.0.0.1:8000"),
}
