"""Settings, read from the environment. Unset means the embedded local default (see README)."""

import datetime
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from ale_safety.env import email_settings, env_bool, env_int, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(env_str("DJANGO_VAR_DIR", str(BASE_DIR / "var")))

DEBUG = env_bool("DJANGO_DEBUG", True)
SECRET_KEY = env_str("DJANGO_SECRET_KEY")
if SECRET_KEY is None:
    if not DEBUG:
        raise ImproperlyConfigured("DJANGO_SECRET_KEY must be set when DJANGO_DEBUG is false.")
    SECRET_KEY = "insecure-local-development-key-only-used-with-debug-on"  # noqa: S105

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
    "django.contrib.auth.backends.ModelBackend",
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
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}

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
# A digest claimed longer ago than this belongs to a worker that died; another may take it.
DIGEST_STALE_CLAIM_SECONDS = env_int("DIGEST_STALE_CLAIM_SECONDS", CELERY_TASK_TIME_LIMIT + 60)
CELERY_WORKER_MAX_TASKS_PER_CHILD = 100
CELERY_WORKER_MAX_MEMORY_PER_CHILD = 400_000  # KiB: recycle a worker that grew from PDF work
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
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
AXES_LOCKOUT_CALLABLE = "ale_safety.views.locked_out"
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False
AXES_IPWARE_PROXY_COUNT = env_int("AXES_PROXY_COUNT", 0 if DEBUG else 1)
AXES_IPWARE_META_PRECEDENCE_ORDER = ["HTTP_X_FORWARDED_FOR", "REMOTE_ADDR"]
if not DEBUG:
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

# --- Security (issue 9): two-step verification (TOTP, django-otp) ---
# People whose roles give edit_programme, adopt_programme or administer_people must set it up.
OTP_REQUIRED_FOR_PRIVILEGED = env_bool("DJANGO_OTP_REQUIRED_FOR_PRIVILEGED", False)
OTP_TOTP_ISSUER = "Trygghet och säkerhet"
