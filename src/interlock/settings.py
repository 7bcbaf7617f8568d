"""Django settings for Interlock, read from environment variables.

Every variable is documented in docs/deployment.md. The embedded default
(no variables set) runs on SQLite in WAL mode and a SQLite-backed huey queue
under ``./var/``; ``DATABASE_URL`` and ``INTERLOCK_QUEUE_URL`` move it to
PostgreSQL and Redis.
"""

from __future__ import annotations

import secrets
import sys
from datetime import timedelta
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from interlock.core.env import (
    env_bool,
    env_choice,
    env_int,
    env_list,
    env_str,
    env_url,
)

PACKAGE_DIR = Path(__file__).resolve().parent
DATA_DIR = Path(env_str("INTERLOCK_DATA_DIR") or (Path.cwd() / "var")).resolve()
TESTING = "pytest" in sys.modules or env_bool("INTERLOCK_TESTING")

ENVIRONMENT = env_choice("INTERLOCK_ENV", "development", ("development", "production"))
PRODUCTION = ENVIRONMENT == "production"
DEBUG = env_bool("INTERLOCK_DEBUG", False)
if PRODUCTION and DEBUG:
    raise ImproperlyConfigured("INTERLOCK_DEBUG must be off when INTERLOCK_ENV=production.")


def _secret_key() -> str:
    """Production needs INTERLOCK_SECRET_KEY; a trial keeps a generated key in var/."""
    key = env_str("INTERLOCK_SECRET_KEY")
    if key:
        if PRODUCTION and (len(key) < 50 or len(set(key)) < 5):
            raise ImproperlyConfigured(
                "INTERLOCK_SECRET_KEY is too weak: use at least 50 random characters."
            )
        return key
    if PRODUCTION:
        raise ImproperlyConfigured(
            "INTERLOCK_SECRET_KEY (or INTERLOCK_SECRET_KEY_FILE) must be set."
        )
    if TESTING:
        return "test-only-" + "x" * 50
    path = DATA_DIR / "secret_key"
    if not path.exists():
        DATA_DIR.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_urlsafe(64), encoding="utf-8")
        path.chmod(0o600)
    return path.read_text(encoding="utf-8").strip()


SECRET_KEY = _secret_key()
ALLOWED_HOSTS = env_list(
    "INTERLOCK_ALLOWED_HOSTS", [] if PRODUCTION else ["127.0.0.1", "localhost", "[::1]"]
)
if PRODUCTION and not ALLOWED_HOSTS:
    raise ImproperlyConfigured("INTERLOCK_ALLOWED_HOSTS must list the host names in production.")
CSRF_TRUSTED_ORIGINS = env_list("INTERLOCK_CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_htmx",
    "csp",
    "axes",
    "auditlog",
    "huey.contrib.djhuey",
    "ninja",
    "interlock.core",
    "interlock.notify",
    "django_countries",
    "interlock.org",
    "interlock.customers",
    "interlock.sales",
    "interlock.feedback",
    "interlock.campaigns",
    "interlock.leads",
    "interlock.agreements",
    "interlock.lists",
    "interlock.imports",
    "interlock.search",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "interlock.core.middleware.ApiBodyLimitMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "interlock.core.middleware.UserLanguageMiddleware",
    "interlock.core.middleware.RequestContextMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "interlock.core.middleware.PageMessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "interlock.core.middleware.ContentSecurityPolicyMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "interlock.urls"
WSGI_APPLICATION = "interlock.wsgi.application"
AUTH_USER_MODEL = "org.User"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "dashboard"
LOGOUT_REDIRECT_URL = "login"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PACKAGE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "interlock.core.context_processors.shell",
                "interlock.notify.context_processors.unread",
            ],
        },
    }
]

# --- Database --------------------------------------------------------------
_database_url = env_url("DATABASE_URL", schemes=("postgres", "postgresql", "sqlite"))
if _database_url:
    DATABASES = {"default": dj_database_url.parse(_database_url, conn_max_age=600)}
    if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
        DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
    elif DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
        DATABASES["default"]["ENGINE"] = "interlock.core.sqlite"  # writers queued, see there
else:
    DATABASES = {
        "default": {
            # Django's SQLite with every writer queued on a lock file (see its docstring).
            "ENGINE": "interlock.core.sqlite",
            "NAME": str(DATA_DIR / "interlock.sqlite3"),
            # WAL lets readers run beside the one writer; IMMEDIATE takes the write
            # lock at BEGIN so two writers queue instead of failing mid-transaction.
            "OPTIONS": {
                "init_command": (
                    "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; "
                    "PRAGMA busy_timeout=5000; PRAGMA foreign_keys=ON;"
                ),
                "transaction_mode": "IMMEDIATE",
            },
            "CONN_MAX_AGE": 600,
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
IS_POSTGRES = DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql"

# --- Queue and cache -------------------------------------------------------
QUEUE_URL = env_url("INTERLOCK_QUEUE_URL", schemes=("redis", "rediss"))
CACHE_URL = env_url("INTERLOCK_CACHE_URL", schemes=("redis", "rediss")) or QUEUE_URL
HUEY_NAME = env_str("INTERLOCK_QUEUE_NAME", "interlock")
if QUEUE_URL:
    HUEY = {
        "name": HUEY_NAME,
        "huey_class": "huey.RedisHuey",
        "url": QUEUE_URL,
        "immediate": TESTING,
        "utc": True,
    }
else:
    DATA_DIR.mkdir(parents=True, exist_ok=True)  # the queue's file needs its folder
    HUEY = {
        "name": HUEY_NAME,
        "huey_class": "huey.SqliteHuey",
        "filename": str(DATA_DIR / "queue.sqlite3"),
        "immediate": TESTING,
        "utc": True,
    }

# Lead capture: stored at once, processed by the worker (the answer does not
# wait). In tests, and with INTERLOCK_LEAD_CAPTURE_INLINE=1, the request
# processes its own submission and answers with the result.
LEAD_CAPTURE_INLINE = env_bool("INTERLOCK_LEAD_CAPTURE_INLINE", TESTING)
# On an SQLite file, stored submissions wait in a file of their own
# (``<database>-intake.sqlite3``) until the worker moves them: a request never
# waits for the worker's writes to the main file (see leads/intake.py).
LEAD_CAPTURE_INTAKE = env_bool("INTERLOCK_LEAD_CAPTURE_INTAKE", not TESTING)
LEAD_CAPTURE_INTAKE_FILE = env_str("INTERLOCK_LEAD_CAPTURE_INTAKE_FILE") or ""
LEAD_CAPTURE_BATCH = env_int("INTERLOCK_LEAD_CAPTURE_BATCH", 100, minimum=1, maximum=5000)
# Background batches (capture processing, event delivery) size themselves so
# one write transaction lasts about this long (core/pacing.py).
WRITE_BUDGET_MS = env_int("INTERLOCK_WRITE_BUDGET_MS", 8, minimum=1, maximum=10000)
# ... and this long while no other process has been writing (a backlog alone).
WRITE_BUDGET_ALONE_MS = env_int("INTERLOCK_WRITE_BUDGET_ALONE_MS", 100, minimum=1, maximum=10000)

if CACHE_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": CACHE_URL,
            "KEY_PREFIX": "interlock-test" if TESTING else "interlock",
        }
    }
else:
    # The embedded default keeps the cache (API rate-limit counters) in each
    # process's memory: a database cache costs a write on every API request,
    # which serialises the web workers on SQLite. With N web processes the
    # effective limit is up to N times the configured one; set
    # INTERLOCK_CACHE_URL or INTERLOCK_QUEUE_URL (Redis) for one shared limit.
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# --- Auth and login throttling -------------------------------------------
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
if TESTING:
    # Tests create many users; argon2 at full cost would dominate the run.
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher", *PASSWORD_HASHERS]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = env_int("INTERLOCK_LOGIN_FAILURE_LIMIT", 5, minimum=1)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("INTERLOCK_LOGIN_COOLOFF_MINUTES", 15, minimum=1))
# Each listed parameter locks on its own: too many failures for one account,
# or from one address, whether or not the account exists.
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False
AXES_IPWARE_PROXY_COUNT = env_int("INTERLOCK_PROXY_COUNT", 0, minimum=0)

SESSION_COOKIE_AGE = 60 * 60 * 12
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = False  # htmx reads the token from the page, not the cookie

# --- Internationalisation -------------------------------------------------
LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("de", _("German"))]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
TIME_ZONE = env_str("INTERLOCK_TIME_ZONE", "Europe/Berlin")
USE_I18N = True
USE_TZ = True

# --- Static files ----------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
STATICFILES_DIRS = [PACKAGE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
WHITENOISE_USE_FINDERS = not PRODUCTION

# --- Security headers ------------------------------------------------------
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
if env_bool("INTERLOCK_BEHIND_TLS_PROXY", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
if PRODUCTION:
    SECURE_SSL_REDIRECT = env_bool("INTERLOCK_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = env_int("INTERLOCK_HSTS_SECONDS", 31536000, minimum=0)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    # Only the header; submitting the domain to the preload list stays a manual step.
    SECURE_HSTS_PRELOAD = env_bool("INTERLOCK_HSTS_PRELOAD", True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True

# --- E-mail ------------------------------------------------------------------
EMAIL_BACKEND = env_str(
    "INTERLOCK_EMAIL_BACKEND",
    "django.core.mail.backends.smtp.EmailBackend"
    if PRODUCTION
    else "django.core.mail.backends.console.EmailBackend",
)
EMAIL_HOST = env_str("INTERLOCK_EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("INTERLOCK_EMAIL_PORT", 25, minimum=1, maximum=65535)
EMAIL_HOST_USER = env_str("INTERLOCK_EMAIL_USER", "")
EMAIL_HOST_PASSWORD = env_str("INTERLOCK_EMAIL_PASSWORD", "")
EMAIL_USE_TLS = env_bool("INTERLOCK_EMAIL_TLS", False)
DEFAULT_FROM_EMAIL = env_str("INTERLOCK_EMAIL_FROM", "interlock@localhost")
# Links in e-mails: e.g. https://crm.example.com (empty: relative paths).
INTERLOCK_BASE_URL = env_str("INTERLOCK_BASE_URL", "")

# --- API -------------------------------------------------------------------
API_MAX_BODY_BYTES = env_int("INTERLOCK_API_MAX_BODY_BYTES", 1_048_576, minimum=1024)
DATA_UPLOAD_MAX_MEMORY_SIZE = max(API_MAX_BODY_BYTES, 2_621_440)
# Largest file the import page, API and CLI accept (bigger files get a clear error).
IMPORT_MAX_BYTES = env_int("INTERLOCK_IMPORT_MAX_BYTES", 200 * 1024 * 1024, minimum=1024)
API_RATE_LIMIT = env_int("INTERLOCK_API_RATE_LIMIT", 600, minimum=1)  # requests per window
API_RATE_WINDOW_SECONDS = env_int("INTERLOCK_API_RATE_WINDOW", 60, minimum=1)
API_PAGE_SIZE_MAX = 200
# How long a web process trusts a token it has checked (revocations reach it within this).
API_TOKEN_CACHE_SECONDS = env_int("INTERLOCK_API_TOKEN_CACHE_SECONDS", 5, minimum=0)

# --- Domain -----------------------------------------------------------------
TRASH_RETENTION_DAYS = env_int("INTERLOCK_TRASH_DAYS", 30, minimum=1)
EVENT_MAX_ATTEMPTS = env_int("INTERLOCK_EVENT_MAX_ATTEMPTS", 8, minimum=1)
AUDITLOG_LOGENTRY_MODEL = "core.AuditEntry"
AUDITLOG_INCLUDE_ALL_MODELS = False

# --- Logging ---------------------------------------------------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env_str("INTERLOCK_LOG_LEVEL", "INFO")},
    "loggers": {"axes": {"level": "WARNING"}, "huey": {"level": "INFO"}},
}
