"""Django settings. Everything that differs between a laptop and a server comes from the environment:

- ``HUMSEC_WEB_DIR``: folder for the SQLite database, uploads and collected static files
  (default ``~/.humsec-web``);
- ``DATABASE_URL``: e.g. ``postgres://user:pass@host:5432/humsec`` to use PostgreSQL instead of SQLite;
- ``HUMSEC_WEB_SECRET_KEY``: the signing key (``humsec serve`` writes a random one into the data
  folder on first run);
- ``HUMSEC_WEB_DEBUG=1``: Django's debug pages (never on a shared server).
"""

from __future__ import annotations

import os
from pathlib import Path

import dj_database_url

from humsec.core.i18n import LANGUAGES as HUMSEC_LANGUAGES

PACKAGE_DIR = Path(__file__).resolve().parent
DATA_DIR = Path(os.environ.get("HUMSEC_WEB_DIR", Path.home() / ".humsec-web")).expanduser()


def _secret_key() -> str:
    key = os.environ.get("HUMSEC_WEB_SECRET_KEY")
    if key:
        return key
    stored = DATA_DIR / "secret_key"
    if stored.exists():
        return stored.read_text(encoding="utf-8").strip()
    # Tests and one-off management commands: an ephemeral key (sessions do not survive a restart).
    return "ephemeral-" + os.urandom(24).hex()


SECRET_KEY = _secret_key()
DEBUG = os.environ.get("HUMSEC_WEB_DEBUG") == "1"
ALLOWED_HOSTS = [
    h for h in os.environ.get("HUMSEC_WEB_HOSTS", "127.0.0.1,localhost,testserver").split(",") if h
]

def _django_has_tasks() -> bool:
    from importlib.util import find_spec

    return find_spec("django.tasks") is not None


INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "axes",
    *([] if _django_has_tasks() else ["django_tasks"]),  # the backport, on Django < 6
    "django_tasks_db",  # the database queue of background work and its worker
    "humsec_web.core",
    "humsec_web.activities",
    "humsec_web.lessons",
    "humsec_web.proposals",
    "humsec_web.reviews",
    "humsec_web.forum",
    "humsec_web.results",
    "humsec_web.feedback",
    "humsec_web.sharing",  # datasets with sensitivity classes, licences and terms; the read log
    "humsec_web.api",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",  # the language cookie, then Accept-Language
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "humsec_web.core.language.UserLanguageMiddleware",  # a signed-in user's own setting wins
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "humsec_web.core.headers.ContentSecurityPolicyMiddleware",
    "humsec_web.core.access.SignInMiddleware",
    # Last, as django-axes asks: it locks out repeated failed sign-ins.
    "axes.middleware.AxesMiddleware",
]

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",  # refuses sign-in while locked out
    "django.contrib.auth.backends.ModelBackend",
]

# Login throttling (django-axes): 5 failures for one username from one address lock it for 15 min.
AXES_FAILURE_LIMIT = int(os.environ.get("HUMSEC_WEB_LOGIN_FAILURES", "5"))
AXES_COOLOFF_TIME = 0.25  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"

ROOT_URLCONF = "humsec_web.urls"
WSGI_APPLICATION = "humsec_web.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PACKAGE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "humsec_web.core.context.roles",
            ],
        },
    },
]


def _databases() -> dict[str, dict[str, object]]:
    url = os.environ.get("DATABASE_URL")
    if url:
        return {"default": dict(dj_database_url.parse(url, conn_max_age=60))}
    return {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": DATA_DIR / "db.sqlite3",
            # WAL: a killed server loses no committed write and readers do not block the writer;
            # IMMEDIATE: writers queue for the lock instead of failing with "database is locked".
            "OPTIONS": {
                "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL;",
                "transaction_mode": "IMMEDIATE",
                "timeout": 20,
            },
        }
    }


DATABASES = _databases()
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.ScryptPasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LOGIN_URL = "/accounts/login/"
LOGIN_REDIRECT_URL = "/"
LOGOUT_REDIRECT_URL = "/"

LANGUAGE_CODE = "en"
# The platform's languages are the reports' (declared once in humsec.core.i18n), each named in
# itself; a user's own setting wins, else the browser's Accept-Language, else English.
LANGUAGES = [(code, language.native) for code, language in HUMSEC_LANGUAGES.items()]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
# collected files, if someone ran collectstatic; otherwise WhiteNoise serves from the package
STATIC_ROOT = DATA_DIR / "static" if (DATA_DIR / "static").is_dir() else None
STATICFILES_DIRS = [PACKAGE_DIR / "static"]
# Serve straight from the package (app static folders): no collectstatic step is needed.
WHITENOISE_USE_FINDERS = True
MEDIA_ROOT = DATA_DIR / "media"

# Uploads: lessons' attachments are limited in size and type (see humsec_web.core.uploads).
MAX_UPLOAD_BYTES = int(os.environ.get("HUMSEC_WEB_MAX_UPLOAD", str(5 * 1024 * 1024)))
DATA_UPLOAD_MAX_MEMORY_SIZE = MAX_UPLOAD_BYTES + 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
# uploads may be survey microdata: readable by the server's user only
FILE_UPLOAD_PERMISSIONS = 0o600
FILE_UPLOAD_DIRECTORY_PERMISSIONS = 0o700

# Country reviews' data files (review file, tables, survey microdata): larger than attachments;
# a gzip file may unpack to at most MAX_DATASET_UNPACKED_BYTES.
MAX_DATASET_BYTES = int(os.environ.get("HUMSEC_WEB_MAX_DATASET", str(20 * 1024 * 1024)))
MAX_DATASET_UNPACKED_BYTES = int(os.environ.get("HUMSEC_WEB_MAX_UNPACKED", str(200 * 1024 * 1024)))
# Background work (review builds, forum e-mails) is queued in the database and run by a worker
# (humsec_web.background); inline, once the request's transaction commits, when this is set (tests).
BACKGROUND_INLINE = os.environ.get("HUMSEC_WEB_INLINE_TASKS") == "1"
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
# a build whose heartbeat stood still this long lost its worker and is queued again
TASK_STALE_SECONDS = float(os.environ.get("HUMSEC_WEB_TASK_STALE_SECONDS", "120"))

# Behind TLS (HUMSEC_WEB_TLS=1, e.g. a reverse proxy that sets X-Forwarded-Proto): cookies only over
# HTTPS, HSTS for a year, plain HTTP redirected. Off by default: `humsec serve` itself speaks HTTP
# on 127.0.0.1.
TLS = os.environ.get("HUMSEC_WEB_TLS") == "1"
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = TLS
SECURE_HSTS_SECONDS = 31_536_000 if TLS else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = TLS
SECURE_SSL_REDIRECT = TLS
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if TLS else None
# API tokens expire this many days after they were issued (POST /api/token/ gives a new one;
# DELETE /api/token/ revokes the one in use)
API_TOKEN_DAYS = float(os.environ.get("HUMSEC_WEB_TOKEN_DAYS", "30"))

SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False  # the API's browsable pages read it; forms use the hidden field
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

DEMO = os.environ.get("HUMSEC_WEB_DEMO") == "1"  # `humsec serve --demo`
# The console backend prints mail (with links) into the server's log: only for the demo.
EMAIL_BACKEND = os.environ.get(
    "HUMSEC_WEB_EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend" if DEMO else "django.core.mail.backends.smtp.EmailBackend",
)
# the forum's notifications come from this address (EMAIL_HOST etc. are Django's usual settings)
DEFAULT_FROM_EMAIL = os.environ.get("HUMSEC_WEB_FROM_EMAIL", "humsec platform <noreply@localhost>")
EMAIL_HOST = os.environ.get("HUMSEC_WEB_EMAIL_HOST", "localhost")

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "humsec_web.api.authentication.ExpiringTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["humsec_web.api.permissions.RulesPermission"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "humsec_web.api.errors.envelope_handler",
    "DEFAULT_PAGINATION_CLASS": "humsec_web.api.pagination.BoundedLimitOffset",
    "PAGE_SIZE": 50,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "humsec platform API",
    "DESCRIPTION": "Activities, digests, lessons learned and trust-fund proposals.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "COMPONENT_SPLIT_REQUEST": True,
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"refusals": {"()": "humsec_web.core.logs.RefusalsWithoutTraceback"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "filters": ["refusals"]}},
    "root": {"handlers": ["console"], "level": "WARNING"},
}
