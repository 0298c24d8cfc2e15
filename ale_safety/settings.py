"""Settings, read from the environment. Unset means the embedded local default (see README)."""

import datetime
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from ale_safety.env import (
    cache_settings,
    email_settings,
    env_bool,
    env_int,
    env_list,
    env_str,
    storage_settings,
)

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(env_str("DJANGO_VAR_DIR", str(BASE_DIR / "var")))

# "production" (the default) needs every service configured; "local" (`make run`, the tests)
# allows the embedded defaults: SQLite, a filesystem broker, mail into files, a local key.
DJANGO_ENV = env_str("DJANGO_ENV", "production")
if DJANGO_ENV not in ("production", "local"):
    raise ImproperlyConfigured(f"DJANGO_ENV must be production or local, not {DJANGO_ENV!r}")
LOCAL = DJANGO_ENV == "local"
# Off unless asked for (`make dev`): `make run` shows the product's own error pages.
DEBUG = env_bool("DJANGO_DEBUG", False)
if not LOCAL:
    _required = {
        "DJANGO_SECRET_KEY": "the signing key",
        "DATABASE_URL": "PostgreSQL",
        "REDIS_URL": "the Celery broker, shared by every host",
        "EMAIL_URL": "the mail server, or set EMAIL_BACKEND",
    }
    _missing = [
        f"{name} must be set in production ({what})"
        for name, what in _required.items()
        if not env_str(name) and not (name == "EMAIL_URL" and env_str("EMAIL_BACKEND"))
    ]
    if _missing:
        raise ImproperlyConfigured(
            "; ".join(_missing) + ". DJANGO_ENV=local allows the embedded defaults for a local run."
        )
SECRET_KEY = env_str("DJANGO_SECRET_KEY", "insecure-local-key-only-used-with-django-env-local")

ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"])
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "guardian",
    "django_celery_beat",
    "django_htmx",
    "simple_history",
    "csp",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "ale_safety",
    "responsibilities",
    "programmes",
    "followup",
    "risks",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "ale_safety.middleware.PermissionsPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "ale_safety.middleware.SessionLifetimeMiddleware",
    "ale_safety.middleware.LanguageMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "responsibilities.two_factor.RequireTwoFactorMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Last, as django-axes requires: turns lockouts into our Swedish lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "ale_safety.urls"
WSGI_APPLICATION = "ale_safety.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "responsibilities.context_processors.access",
            ],
        },
    },
]

# Database: PostgreSQL in production and CI, SQLite under var/ by default.
DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", f"sqlite:///{VAR_DIR / 'db.sqlite3'}"),
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # A database that does not answer fails the request quickly instead of hanging it.
    DATABASES["default"].setdefault("OPTIONS", {})["connect_timeout"] = env_int(
        "DATABASE_CONNECT_TIMEOUT", 5
    )
    # The statements every signed-in request runs (responsibilities.statements) are prepared
    # on each connection: parsed once there and, after five runs, no longer planned on every
    # request (PostgreSQL keeps a generic plan where it costs no more); Django's own cursors
    # bind on the client and never prepare. Off behind a pooler that cannot hold prepared
    # statements (PgBouncer in transaction mode before 1.21).
    if env_bool("DATABASE_PREPARED_STATEMENTS", True):
        DATABASES["default"]["OPTIONS"]["prepare_threshold"] = 0
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Web, worker and beat share the file: wait for locks, and take the write lock up front.
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 20,
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "responsibilities.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "responsibilities.backends.ModelBackend",
    "guardian.backends.ObjectPermissionBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "start"
LOGOUT_REDIRECT_URL = "programmes:home"
ANONYMOUS_USER_NAME = None  # guardian: no anonymous user row; the public sees adopted versions

LANGUAGE_CODE = "sv"
LANGUAGES = [("sv", _("Swedish")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
# Dates and numbers as each language writes them ("18 November 2026", not "Nov. 18, 2026").
FORMAT_MODULE_PATH = ["ale_safety.formats"]
TIME_ZONE = "Europe/Stockholm"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env_str("DJANGO_MEDIA_ROOT", str(VAR_DIR / "media")))
# Uploaded files and PDFs: a local folder by default, an S3-compatible store when
# DJANGO_STORAGE_URL or AWS_STORAGE_BUCKET_NAME says so (see README, "Several hosts").
STORAGES = {
    "default": storage_settings(env_str("DJANGO_STORAGE_URL")),
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}

# Cache and sessions, shared by every web and worker process: Redis when CACHE_URL or
# REDIS_URL is set, otherwise files under var/cache/ (shared by the local processes).
CACHES = cache_settings(
    env_str("CACHE_URL") or env_str("REDIS_URL") or f"file://{VAR_DIR / 'cache'}"
)
# Django's cached_db, saving an existing session in one statement (the idle-time refresh).
SESSION_ENGINE = "ale_safety.sessions.cached_db"
# Files the clean-up finds unreferenced are deleted only once older than this.
STORAGE_CLEANUP_GRACE_HOURS = env_int("STORAGE_CLEANUP_GRACE_HOURS", 72)

# E-mail: files under var/mail/ by default.
# Absolute address of the site, for links in e-mails and calendar feeds.
SITE_URL = env_str("SITE_URL", "http://127.0.0.1:8000").rstrip("/")
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "Trygghet och säkerhet <noreply@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
globals().update(email_settings(env_str("EMAIL_URL", f"file://{VAR_DIR / 'mail'}")))
if env_str("EMAIL_BACKEND"):  # e.g. an API-based backend from django-anymail
    EMAIL_BACKEND = env_str("EMAIL_BACKEND")

# Celery: Redis when REDIS_URL is set, otherwise kombu's filesystem transport under var/.
REDIS_URL = env_str("REDIS_URL")
CELERY_BROKER_FOLDER = VAR_DIR / "celery"
if REDIS_URL:
    CELERY_BROKER_URL = REDIS_URL
    # A task a dead worker held is handed out again after this many seconds.
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "visibility_timeout": env_int("CELERY_VISIBILITY_TIMEOUT", 3600),
        "unacked_restore_interval": env_int("CELERY_RESTORE_INTERVAL", 10),
        "unacked_restore_throttle": 1 if env_str("CELERY_RESTORE_INTERVAL") else 10,
        # A broker that is down must not hold up a request (one quick try; the outbox keeps
        # the work). The worker reconnects on its own schedule.
        "socket_connect_timeout": 1,
        "max_retries": 1,
        "interval_start": 0,
        "interval_step": 0.2,
        "interval_max": 0.5,
    }
else:
    CELERY_BROKER_URL = "filesystem://"
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(CELERY_BROKER_FOLDER / "queue"),
        "data_folder_out": str(CELERY_BROKER_FOLDER / "queue"),
        "processed_folder": str(CELERY_BROKER_FOLDER / "processed"),
        "control_folder": str(CELERY_BROKER_FOLDER / "control"),
        "store_processed": False,
    }
    # The filesystem transport expects its folders to exist.
    for _folder in ("queue", "processed", "control"):
        (CELERY_BROKER_FOLDER / _folder).mkdir(parents=True, exist_ok=True)
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_TIME_LIMIT = env_int("CELERY_TASK_TIME_LIMIT", 300)
CELERY_TASK_SOFT_TIME_LIMIT = env_int("CELERY_TASK_SOFT_TIME_LIMIT", 240)
CELERY_BROKER_CONNECTION_TIMEOUT = 1
# The outbox (responsibilities/outbox.py, README "Guarantees"): a row claimed longer ago than
# OUTBOX_CLAIM_SECONDS belongs to a worker that died and may run again; a row handed to the
# broker and not picked up within OUTBOX_REDISPATCH_SECONDS is handed out again by the sweep.
OUTBOX_CLAIM_SECONDS = env_int("OUTBOX_CLAIM_SECONDS", 120)
OUTBOX_REDISPATCH_SECONDS = env_int("OUTBOX_REDISPATCH_SECONDS", 120)
OUTBOX_MAX_ATTEMPTS = env_int("OUTBOX_MAX_ATTEMPTS", 12)
# A digest claimed longer ago than this belongs to a worker that died; another may take it
# (longer than one SMTP exchange may last, EMAIL_TIMEOUT). Keep it at most OUTBOX_CLAIM_SECONDS,
# or a digest whose sender died waits for the next day's run instead of the next sweep.
DIGEST_STALE_CLAIM_SECONDS = env_int("DIGEST_STALE_CLAIM_SECONDS", 120)
# /healthz answers within this many seconds whatever is down.
HEALTHZ_TIMEOUT_SECONDS = 0.8
CELERY_WORKER_MAX_TASKS_PER_CHILD = 100
CELERY_WORKER_MAX_MEMORY_PER_CHILD = 400_000  # KiB: recycle a worker that grew from PDF work
# Any number of beats may run: only the one holding the beat lock sends (ale_safety/beat.py);
# a standby takes over this many seconds after the active one stopped renewing it.
CELERY_BEAT_SCHEDULER = "ale_safety.beat:LockedDatabaseScheduler"
BEAT_LOCK_SECONDS = env_int("BEAT_LOCK_SECONDS", 30)
CELERY_TIMEZONE = TIME_ZONE
# Keep audit events this many days (then the daily purge removes them).
AUDIT_RETENTION_DAYS = env_int("AUDIT_RETENTION_DAYS", 3 * 365)
# Warn the security chief this many months before a programme revision falls due.
REVISION_WARNING_MONTHS = env_int("REVISION_WARNING_MONTHS", 12)
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER", False)

# Production: behind a TLS-terminating proxy that sets X-Forwarded-Proto.
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
X_FRAME_OPTIONS = "DENY"
CSRF_FAILURE_VIEW = "ale_safety.views.csrf_failure"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
# Sessions end after 30 idle minutes and at most 12 hours after login (both configurable).
SESSION_IDLE_TIMEOUT = env_int("DJANGO_SESSION_IDLE_TIMEOUT", 30 * 60)
SESSION_ABSOLUTE_TIMEOUT = env_int("DJANGO_SESSION_ABSOLUTE_TIMEOUT", 12 * 3600)
SESSION_COOKIE_AGE = SESSION_IDLE_TIMEOUT
PERMISSIONS_POLICY = (
    "accelerometer=(), camera=(), geolocation=(), gyroscope=(), magnetometer=(), "
    "microphone=(), payment=(), usb=(), interest-cohort=()"
)

# Content Security Policy: our own origin only, no inline scripts or styles.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
        "base-uri": [SELF],
        "object-src": [NONE],
    }
}

# Brute force: lock a user name from an address after repeated failures, for a while.
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = datetime.timedelta(minutes=env_int("AXES_COOLOFF_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_LOCKOUT_CALLABLE = "responsibilities.views.account.locked_out"
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False
AXES_IPWARE_PROXY_COUNT = env_int("AXES_PROXY_COUNT", 0 if LOCAL else 1)
AXES_IPWARE_META_PRECEDENCE_ORDER = ["HTTP_X_FORWARDED_FOR", "REMOTE_ADDR"]
if not LOCAL:
    SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = env_int("DJANGO_SECURE_HSTS_SECONDS", 31_536_000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = env_bool("DJANGO_SECURE_HSTS_PRELOAD", True)
    # /healthz is polled over plain HTTP by the load balancer and container health checks.
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("DJANGO_LOG_LEVEL", "INFO")},
}

# PDF (programmes/pdf.py): WeasyPrint logs every layout step at INFO; keep warnings (e.g. a
# resource the fetcher refused) and errors only.
LOGGING["loggers"] = {
    **LOGGING.get("loggers", {}),
    "weasyprint.progress": {"level": "WARNING"},
}

# Follow-up (followup app): evidence attached to reports.
FOLLOWUP_ATTACHMENT_MAX_BYTES = env_int("FOLLOWUP_ATTACHMENT_MAX_BYTES", 10 * 1024 * 1024)

# --- programmes: the editor ---------------------------------------------------------------
# Largest related-document upload (bytes). (The revision warning is REVISION_WARNING_MONTHS.)
PROGRAMMES_MAX_UPLOAD_BYTES = env_int("PROGRAMMES_MAX_UPLOAD_BYTES", 10 * 1024 * 1024)
# How long a reader's request waits for a worker to render a programme PDF before the page
# says it is being prepared (seconds).
PROGRAMME_PDF_WAIT_SECONDS = env_int("PROGRAMME_PDF_WAIT_SECONDS", 4)
# Follow-up report PDFs are queued for rendering when a report is approved or reported to its
# committee or the cycle to the board, so readers find them made (off: only when asked for).
REPORT_PDFS_AHEAD = env_bool("REPORT_PDFS_AHEAD", True)

# --- Security (issue 9): two-step verification (TOTP, django-otp) ---
# People whose roles give edit_programme, adopt_programme or administer_people must set it up.
OTP_REQUIRED_FOR_PRIVILEGED = env_bool("DJANGO_OTP_REQUIRED_FOR_PRIVILEGED", False)
OTP_TOTP_ISSUER = "Trygghet och säkerhet"

# --- Risk reports (risks app, issue 19) ---
# Closed risk reports are deleted this many days after closing (0 keeps them).
RISK_REPORT_RETENTION_DAYS = env_int("RISK_REPORT_RETENTION_DAYS", 5 * 365)

# --- Sign-in with the municipality's identity provider (issue 18, responsibilities/sso) ---
# django-allauth speaks OIDC and SAML; which provider serves which municipality is configured in
# the admin (IdentityProvider), not here. Only allauth's social sign-in is routed: local
# accounts keep the login, TOTP and django-axes of responsibilities/two_factor.py.
INSTALLED_APPS += [
    "allauth",
    "allauth.account",
    "allauth.socialaccount",
    "allauth.socialaccount.providers.openid_connect",
    "allauth.socialaccount.providers.saml",
    "responsibilities.sso",
]
MIDDLEWARE.insert(
    MIDDLEWARE.index("django.contrib.messages.middleware.MessageMiddleware"),
    "allauth.account.middleware.AccountMiddleware",
)
ACCOUNT_ADAPTER = "responsibilities.sso.adapter.AccountAdapter"
SOCIALACCOUNT_ADAPTER = "responsibilities.sso.adapter.SocialAccountAdapter"
SOCIALACCOUNT_ONLY = True
ACCOUNT_EMAIL_VERIFICATION = "none"
SOCIALACCOUNT_EMAIL_VERIFICATION = "none"
SOCIALACCOUNT_AUTO_SIGNUP = True
SOCIALACCOUNT_EMAIL_REQUIRED = False
SOCIALACCOUNT_STORE_TOKENS = False
SOCIALACCOUNT_LOGIN_ON_GET = False
SOCIALACCOUNT_REQUESTS_TIMEOUT = env_int("SSO_REQUESTS_TIMEOUT", 10)
SOCIALACCOUNT_PROVIDERS = {
    "openid_connect": {
        "provider_class": "responsibilities.sso.oidc.MunicipalOpenIDConnectProvider",
        "OAUTH_PKCE_ENABLED": True,
    },
    "saml": {"provider_class": "responsibilities.sso.saml.MunicipalSAMLProvider"},
}
