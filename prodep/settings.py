"""Prodep settings: one file, read from the environment.

Production values are the defaults. Development turns things on explicitly (``DEBUG=true``,
written to ``.env`` by ``make run``). A value that cannot be understood stops start-up with
an ``ImproperlyConfigured`` error naming the variable, rather than silently falling back.
"""

import os
import sys
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import dj_database_url
from cryptography.fernet import Fernet
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP

BASE_DIR = Path(__file__).resolve().parent.parent
TESTING = "PYTEST_VERSION" in os.environ or "test" in sys.argv[1:2]


def read_dotenv(path: Path) -> dict[str, str]:
    """KEY=VALUE lines of a local .env, for these settings alone.

    Never copied into ``os.environ``: under runserver every request's META starts as a copy
    of the process environment, and allauth keeps a request's META in the session when a POST
    needs the password again, so the keys ended up in the session table.
    """
    values: dict[str, str] = {}
    if not path.is_file():
        return values
    for line in path.read_text().splitlines():
        line = line.strip()
        if not line or line.startswith("#") or "=" not in line:
            continue
        key, _, value = line.partition("=")
        values[key.strip()] = value.strip().strip("'\"")
    return values


_DOTENV = {} if TESTING else read_dotenv(BASE_DIR / ".env")


def env(name: str, default: str = "") -> str:
    """A setting from the real environment, else the local .env, else ``default``."""
    return os.environ.get(name, _DOTENV.get(name, default))


def envbool(name: str, default: bool) -> bool:
    value = env(name)
    if value is None or value == "":
        return default
    lowered = value.strip().lower()
    if lowered in ("1", "true", "yes", "on"):
        return True
    if lowered in ("0", "false", "no", "off"):
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, not {value!r}")


def _envnumber(name: str, default, kind: type, described: str):
    value = env(name)
    if value is None or value == "":
        return default
    try:
        return kind(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be {described}, not {value!r}") from None


def envint(name: str, default: int) -> int:
    return _envnumber(name, default, int, "a whole number")


def envfloat(name: str, default: float) -> float:
    return _envnumber(name, default, float, "a number")


def envlist(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in env(name, default).split(",") if item.strip()]


DEBUG = envbool("DEBUG", False)

# Tests run with production-like settings and throwaway keys.
_TEST_SECRET_KEY = "test-only-secret-key-not-for-any-real-deployment-0123456789"
_TEST_REFLECTION_KEY = "XWG0d3Qkz5wvoN8b0cXq5hVOxC9Qn8x3c3m0R6bZb1w="

SECRET_KEY = env("SECRET_KEY", "")
if not SECRET_KEY:
    if TESTING:
        SECRET_KEY = _TEST_SECRET_KEY
    else:
        raise ImproperlyConfigured(
            "SECRET_KEY is not set: set it in the environment (make run writes one to .env)."
        )

# Fernet keys for reflections, comma-separated: the first encrypts, all decrypt.
REFLECTION_KEYS = envlist("REFLECTION_KEYS")
if not REFLECTION_KEYS:
    if TESTING:
        REFLECTION_KEYS = [_TEST_REFLECTION_KEY]
    else:
        raise ImproperlyConfigured(
            "REFLECTION_KEYS is not set: set one or more Fernet keys (make run writes one to .env)."
        )

for _index, _key in enumerate(REFLECTION_KEYS, 1):
    try:
        Fernet(_key.encode())
    except ValueError:
        raise ImproperlyConfigured(
            f"REFLECTION_KEYS: key {_index} is not a valid Fernet key (32 url-safe base64 bytes)."
        ) from None

# In development, also the address `make run HOST=...` serves on (it passes RUN_HOST).
_DEVELOPMENT_HOSTS = ",".join(["127.0.0.1", "localhost", env("RUN_HOST", "")])
ALLOWED_HOSTS = envlist("ALLOWED_HOSTS", _DEVELOPMENT_HOSTS if DEBUG or TESTING else "")
CSRF_TRUSTED_ORIGINS = envlist("CSRF_TRUSTED_ORIGINS")
# The one trusted base for absolute links (emails, invitation links): required in production
# (a deploy check says so). Unset in development, links follow the request's own address.
SITE_URL = env("SITE_URL", "").rstrip("/")
if SITE_URL:
    _site = urlsplit(SITE_URL)
    if _site.scheme not in ("http", "https") or not _site.netloc or _site.path:
        raise ImproperlyConfigured(
            f"SITE_URL must be a scheme and host such as https://prodep.example.org, "
            f"not {SITE_URL!r}"
        )

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",  # allauth.usersessions' templates use it
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "allauth.usersessions",
    "prodep.accounts",
    "prodep.journal",
    "prodep.clinic",
    "lessons",
]

MIDDLEWARE = [
    "prodep.middleware.RequestEnvironmentMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "prodep.middleware.PermissionsPolicyMiddleware",
    "prodep.middleware.PrivateCacheMiddleware",
    "prodep.accounts.middleware.SignedInMiddleware",
    "lessons.middleware.ContentAutoSyncMiddleware",
]

ROOT_URLCONF = "prodep.urls"
WSGI_APPLICATION = "prodep.wsgi.application"

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
                "django.template.context_processors.csp",
                "prodep.context_processors.site",
            ],
        },
    },
]

# Database: SQLite by default, tuned so concurrent writers wait instead of failing.
SQLITE_OPTIONS = {
    "transaction_mode": "IMMEDIATE",
    "timeout": 20,
    "init_command": (
        "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;"
        " PRAGMA busy_timeout=20000;"
    ),
}
_database_url = env("DATABASE_URL", "")
if _database_url:
    try:
        _database = dj_database_url.parse(_database_url, conn_max_age=600, conn_health_checks=True)
    except Exception as exc:  # the parser raises several types; all mean the same thing here
        raise ImproperlyConfigured(f"DATABASE_URL is malformed: {exc}") from None
    if not _database.get("ENGINE"):  # pragma: no cover - dj-database-url raises first today
        raise ImproperlyConfigured("DATABASE_URL is malformed: no database engine in it")
else:
    _database = {"ENGINE": "django.db.backends.sqlite3", "NAME": str(BASE_DIR / "db.sqlite3")}
if _database["ENGINE"] == "django.db.backends.postgresql":
    # A server that does not answer (not one that refuses) must not hold a worker for minutes.
    _database.setdefault("OPTIONS", {}).setdefault(
        "connect_timeout", envint("DATABASE_CONNECT_TIMEOUT", 5)
    )
if _database["ENGINE"] == "django.db.backends.sqlite3":
    _database["OPTIONS"] = {**SQLITE_OPTIONS, **_database.get("OPTIONS", {})}
    _database["CONN_MAX_AGE"] = 0 if TESTING else 600
DATABASES = {"default": _database}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Cache: Redis when CACHE_URL is set (shared by every app server), local memory otherwise.
# While Redis does not answer, each process uses local memory (prodep.cache); the timeouts
# bound what a hung Redis costs a request.
CACHE_URL = env("CACHE_URL", "")
CACHE_TIMEOUT = envfloat("CACHE_TIMEOUT", 0.25)
if CACHE_URL:
    if not CACHE_URL.startswith(("redis://", "rediss://", "unix://")):
        raise ImproperlyConfigured(f"CACHE_URL must be a redis:// URL, not {CACHE_URL!r}")
    CACHES = {
        "default": {
            "BACKEND": "prodep.cache.FallbackRedisCache",
            "LOCATION": CACHE_URL,
            "KEY_PREFIX": "prodep",
            "OPTIONS": {
                "socket_connect_timeout": CACHE_TIMEOUT,
                "socket_timeout": CACHE_TIMEOUT,
            },
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "prodep.accounts.backends.ModelBackend",
    "prodep.accounts.backends.AuthenticationBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
CSRF_FAILURE_VIEW = "prodep.views.csrf_failure"
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "dashboard"

# django-allauth: email only, verified by code, no enumeration, POST-only logout.
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_EMAIL_VERIFICATION_BY_CODE_ENABLED = True
ACCOUNT_EMAIL_VERIFICATION_SUPPORTS_RESEND = True
ACCOUNT_PASSWORD_RESET_BY_CODE_ENABLED = False
ACCOUNT_PREVENT_ENUMERATION = True
ACCOUNT_LOGIN_BY_CODE_ENABLED = False
ACCOUNT_LOGOUT_ON_GET = False
ACCOUNT_SESSION_REMEMBER = False
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_CHANGE_EMAIL = True
ACCOUNT_REAUTHENTICATION_REQUIRED = True
ACCOUNT_EMAIL_NOTIFICATIONS = True
ACCOUNT_EMAIL_SUBJECT_PREFIX = ""
ACCOUNT_ADAPTER = "prodep.clinic.adapter.ClinicAccountAdapter"  # accounts + where therapists land
ACCOUNT_FORMS = {
    "login": "prodep.accounts.forms.LoginForm",
    "signup": "prodep.accounts.forms.SignupForm",
    "reset_password": "prodep.accounts.forms.ResetPasswordForm",
}
ACCOUNT_RATE_LIMITS = {
    "login": "30/m/ip",
    "login_failed": "10/m/ip,5/5m/key",
    "signup": "20/m/ip",
    "reset_password": "20/m/ip,5/m/key",
    "reset_password_from_key": "20/m/ip",
    "change_password": "5/m/user",
    "manage_email": "10/m/user",
    "reauthenticate": "10/m/user",
    "confirm_email": "1/10s/key",
}
ALLAUTH_TRUSTED_PROXY_COUNT = envint("TRUSTED_PROXY_COUNT", 0)
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes", "webauthn"]
MFA_PASSKEY_LOGIN_ENABLED = True
MFA_RECOVERY_CODES_SHOW_ONCE = True
MFA_WEBAUTHN_ALLOW_INSECURE_ORIGIN = DEBUG
MFA_TOTP_ISSUER = "Notes"  # what an authenticator app shows: neutral, like everything else
MFA_TRUST_ENABLED = False
MFA_ADAPTER = "prodep.accounts.adapter.MFAAdapter"
USERSESSIONS_TRACK_ACTIVITY = True  # "last seen" on the sessions page; see the next block

# Sessions: short-lived, and gone when the browser closes.
SESSION_IDLE_MINUTES = envint("SESSION_IDLE_MINUTES", 30)
SESSION_COOKIE_AGE = SESSION_IDLE_MINUTES * 60
SESSION_IDLE_WARNING_SECONDS = envint("SESSION_IDLE_WARNING_SECONDS", 120)
SESSION_ABSOLUTE_HOURS = envint("SESSION_ABSOLUTE_HOURS", 12)
# Activity extends the idle timeout, but a request writes the session (and allauth's
# user-session row) only when something changed or the last write is a minute old:
# prodep.accounts.middleware. Writing on every request halved a signed-in page's throughput.
SESSION_SAVE_EVERY_REQUEST = False
SESSION_ENGINE = "prodep.accounts.sessions"  # the database, read in plain SQL
SESSION_REFRESH_SECONDS = 60
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
# The CSRF cookie lives for the browser session too (Django's default is a year), so a visit
# leaves no lasting cookie on a shared device. CSRF_USE_SESSIONS would do the same, but every
# anonymous visitor to a page with a form (log-in, sign-up) would then get a session row in
# the database and a session cookie: a server-side trace of each visit, and a write per visit.
CSRF_COOKIE_AGE = None

# Transport and headers. Development over plain http turns the secure flags off.
SECURE_HTTPS = envbool("SECURE_HTTPS", not DEBUG)
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = SECURE_HTTPS
if SECURE_HTTPS:
    SESSION_COOKIE_NAME = "__Host-sessionid"
    CSRF_COOKIE_NAME = "__Host-csrftoken"
SECURE_SSL_REDIRECT = SECURE_HTTPS and envbool("SECURE_SSL_REDIRECT", True)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_SECONDS = envint("SECURE_HSTS_SECONDS", 31_536_000 if SECURE_HTTPS else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = SECURE_HSTS_SECONDS > 0
SECURE_HSTS_PRELOAD = SECURE_HSTS_SECONDS > 0 and envbool("SECURE_HSTS_PRELOAD", True)
# "same-origin", not "no-referrer": with no-referrer, browsers send "Origin: null" on form
# posts and Django's CSRF origin check then refuses every form. No referrer leaves the site.
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Scripts run by nonce alone: every <script> of the site, of the admin and of the allauth
# templates the project overrides (templates/account, templates/mfa) carries the page's nonce.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.NONCE],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.NONE],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
}
# Browser features no page uses, all off (names Chromium knows: an unknown one is a console
# warning). Passkeys (WebAuthn) stay allowed for the site itself.
PERMISSIONS_POLICY: dict[str, list[str]] = {
    feature: []
    for feature in (
        "accelerometer autoplay browsing-topics camera captured-surface-control clipboard-read"
        " compute-pressure digital-credentials-get display-capture encrypted-media fullscreen"
        " gamepad geolocation gyroscope hid identity-credentials-get idle-detection"
        " local-fonts local-network-access magnetometer microphone midi otp-credentials payment"
        " picture-in-picture screen-wake-lock serial speaker-selection storage-access usb"
        " window-management xr-spatial-tracking"
    ).split()
} | {"publickey-credentials-create": ["self"], "publickey-credentials-get": ["self"]}
if TESTING:
    # The test client does not speak https; the redirect is tested on its own.
    SECURE_SSL_REDIRECT = False

# Static files, served by whitenoise with hashed names.
STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG or TESTING
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}

# Email: the console in development, SMTP from the environment in production.
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", "Prodep <no-reply@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
MAILERS: dict[str, dict[str, Any]]
if DEBUG and not env("EMAIL_HOST"):
    MAILERS = {"default": {"BACKEND": "django.core.mail.backends.console.EmailBackend"}}
else:
    MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {
                "host": env("EMAIL_HOST", "localhost"),
                "port": envint("EMAIL_PORT", 587),
                "username": env("EMAIL_HOST_USER", ""),
                "password": env("EMAIL_HOST_PASSWORD", ""),
                "use_tls": envbool("EMAIL_USE_TLS", True),
                "timeout": 10,
            },
        }
    }

LANGUAGE_CODE = "en"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

# Where "Exit this page" lands: a neutral, busy site.
EXIT_URL = env("EXIT_URL", "https://www.bbc.co.uk/weather")
CONTENT_DIR = Path(env("CONTENT_DIR", str(BASE_DIR / "content")))

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "INFO"}},
}
