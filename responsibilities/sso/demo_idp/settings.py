"""Settings of the demo OpenID provider: everything from DEMO_IDP_DIR (its data folder)."""

import os
import secrets
from pathlib import Path

DATA_DIR = Path(os.environ["DEMO_IDP_DIR"])
KEY_FILE = DATA_DIR / "oidc-rsa.pem"

DEBUG = False
SECRET_KEY = os.environ.get("DEMO_IDP_SECRET_KEY") or secrets.token_urlsafe(40)
ALLOWED_HOSTS = ["127.0.0.1", "localhost", "[::1]"]
INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "oauth2_provider",
]
MIDDLEWARE = [
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
]
ROOT_URLCONF = "responsibilities.sso.demo_idp.urls"
TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [Path(__file__).parent / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ]
        },
    }
]
DATABASES = {"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": DATA_DIR / "idp.sqlite3"}}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
# The tests ask for a fast hasher (DEMO_IDP_FAST_HASHER=1): passwords and client secrets are
# hashed at every start and check, and the test machine is small.
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.MD5PasswordHasher"
    if os.environ.get("DEMO_IDP_FAST_HASHER") == "1"
    else "django.contrib.auth.hashers.PBKDF2PasswordHasher"
]
USE_TZ = True
LANGUAGE_CODE = "sv"
# The product runs on the same host: cookies must not share names with its own.
SESSION_COOKIE_NAME = "demo_idp_session"
CSRF_COOKIE_NAME = "demo_idp_csrftoken"
LOGIN_URL = "/login/"

OAUTH2_PROVIDER = {
    "OIDC_ENABLED": True,
    "OIDC_RSA_PRIVATE_KEY": KEY_FILE.read_text() if KEY_FILE.exists() else "",
    "PKCE_REQUIRED": True,
    "OAUTH2_VALIDATOR_CLASS": "responsibilities.sso.demo_idp.validator.DemoValidator",
    "SCOPES": {"openid": "OpenID Connect", "profile": "Profile", "email": "E-mail"},
    "OIDC_RP_INITIATED_LOGOUT_ENABLED": True,
    "OIDC_RP_INITIATED_LOGOUT_ALWAYS_PROMPT": False,
    "ALLOW_LOCALHOST_LOOPBACK": True,
}
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
}
