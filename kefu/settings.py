"""Kefu settings, read from the environment (see README, "Configuration")."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import parse_qs, unquote, urlparse

from django.core.exceptions import ImproperlyConfigured

from kefu.env import (
    env_bool,
    env_int,
    env_list,
    env_secret,
    env_str,
    keep_private,
    kept_secret,
)

BASE_DIR = Path(__file__).resolve().parent.parent
DATA_DIR = Path(env_str("KEFU_DATA_DIR", str(BASE_DIR / "var"))).resolve()

SECRET_KEY = env_secret("SECRET_KEY") or kept_secret(DATA_DIR, "secret-key")
# Personal fields are encrypted with their own key so that rotating SECRET_KEY (sessions,
# signatures) never makes stored customer data unreadable.
FIELD_ENCRYPTION_KEY = env_secret("KEFU_FIELD_KEY") or kept_secret(DATA_DIR, "field-key")

DEBUG = env_bool("KEFU_DEBUG", False)
ALLOWED_HOSTS = env_list("KEFU_ALLOWED_HOSTS", ["127.0.0.1", "localhost", "testserver"])
CSRF_TRUSTED_ORIGINS = env_list("KEFU_CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_htmx",
    "ninja",
    "kefu.orgs",
    "kefu.customers",
    "kefu.workorders",
    "kefu.sla",
    "kefu.escalation",
    "kefu.archive",
    "kefu.surveys",
    "kefu.incidents",
    "kefu.knowledge",
    "kefu.audit",
    "kefu.notify",
    "kefu.api",
    "kefu.console",
    "kefu.portal",
    "kefu.seeding",
    # The project package itself, for the commands that run the periodic jobs (kefu.jobs).
    "kefu",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "kefu.input_guard.RefuseNulCharacters",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "kefu.console.auth.SessionLifetimeMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
]

ROOT_URLCONF = "kefu.urls"
WSGI_APPLICATION = "kefu.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]


def _database_from_url(url: str) -> dict[str, object]:
    parsed = urlparse(url)
    if parsed.scheme not in {"postgres", "postgresql"}:
        raise ImproperlyConfigured(f"DATABASE_URL must be a postgres:// URL, got {parsed.scheme!r}")
    options: dict[str, object] = {
        key: values[-1] for key, values in parse_qs(parsed.query).items()
    }
    # Server-side binding lets psycopg prepare repeated statements, so PostgreSQL plans the
    # hot queries (detail joins, scope filters) once per connection instead of every time.
    options.setdefault("server_side_binding", True)
    return {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": unquote(parsed.path.lstrip("/")) or "kefu",
        "USER": unquote(parsed.username or ""),
        "PASSWORD": unquote(parsed.password or ""),
        "HOST": parsed.hostname or "",
        "PORT": str(parsed.port or ""),
        "CONN_MAX_AGE": env_int("KEFU_DB_CONN_MAX_AGE", 60),
        "CONN_HEALTH_CHECKS": True,
        "OPTIONS": options,
        "TEST": {"NAME": env_str("KEFU_TEST_DATABASE_NAME", "") or None},
    }


_database_url = env_str("DATABASE_URL")
if _database_url:
    DATABASES = {"default": _database_from_url(_database_url)}
else:
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": str(DATA_DIR / "kefu.sqlite3"),
            "OPTIONS": {
                # IMMEDIATE takes the write lock at BEGIN, so two writers queue instead of one
                # failing with "database is locked" when it tries to upgrade a read lock.
                "transaction_mode": "IMMEDIATE",
                "timeout": 30,
                "init_command": (
                    "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; "
                    "PRAGMA foreign_keys=ON; PRAGMA busy_timeout=30000;"
                ),
            },
            # A file, not memory: tests that start a second process or thread see the data.
            "TEST": {"NAME": str(DATA_DIR / "test-kefu.sqlite3")},
        }
    }

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
     "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "kefu" / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
MEDIA_ROOT = Path(env_str("KEFU_MEDIA_DIR", str(DATA_DIR / "media")))
FILE_UPLOAD_PERMISSIONS = 0o600
FILE_UPLOAD_DIRECTORY_PERMISSIONS = 0o700
keep_private(DATA_DIR, MEDIA_ROOT)
WHITENOISE_USE_FINDERS = True

LOGIN_URL = "console:login"
LOGIN_REDIRECT_URL = "console:queue"
LOGOUT_REDIRECT_URL = "console:login"

# Idle timeout: the cookie's age, renewed on every request; KEFU_SESSION_MAX_SECONDS caps a
# staff session however active it is.
SESSION_COOKIE_AGE = env_int("KEFU_SESSION_IDLE_SECONDS", 30 * 60)
SESSION_SAVE_EVERY_REQUEST = True
KEFU_SESSION_MAX_SECONDS = env_int("KEFU_SESSION_MAX_SECONDS", 10 * 3600)
# An API token lives this many days unless its maker chose fewer (kefu.api.tokens).
KEFU_API_TOKEN_DAYS = env_int("KEFU_API_TOKEN_DAYS", 90)
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = env_bool("KEFU_SECURE_COOKIES", False)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE

EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
EMAIL_HOST = env_str("KEFU_SMTP_HOST", "127.0.0.1")
EMAIL_PORT = env_int("KEFU_SMTP_PORT", 25)
EMAIL_HOST_USER = env_str("KEFU_SMTP_USER")
EMAIL_HOST_PASSWORD = env_secret("KEFU_SMTP_PASSWORD") or ""
EMAIL_USE_TLS = env_bool("KEFU_SMTP_TLS", False)
EMAIL_TIMEOUT = env_int("KEFU_SMTP_TIMEOUT", 10)
DEFAULT_FROM_EMAIL = env_str("KEFU_FROM_EMAIL", "kefu@localhost")

# Which channels the outbox dispatcher really delivers on. Email is off by default because a new
# machine has no mail server; with it off the message is recorded as skipped, never lost.
KEFU_USE_EMAIL = env_bool("KEFU_USE_EMAIL", False)
# Where customers reach the portal: links in SMS and email start with it.
KEFU_PUBLIC_URL = env_str("KEFU_PUBLIC_URL", "http://127.0.0.1:8000")
# How long a satisfaction survey link can be answered.
KEFU_SURVEY_DAYS = env_int("KEFU_SURVEY_DAYS", 7)
# Working days a regulator-forwarded appeal gets when the regulator set no deadline (SPEC §15).
KEFU_APPEAL_DEFAULT_WORKING_DAYS = env_int("KEFU_APPEAL_DEFAULT_WORKING_DAYS", 5)
KEFU_SMS_GATEWAY = env_str("KEFU_SMS_GATEWAY", "kefu.notify.gateways.LogSmsGateway")
KEFU_USE_CELERY = env_bool("KEFU_USE_CELERY", False)
CELERY_BROKER_URL = env_str("KEFU_CELERY_BROKER", "redis://127.0.0.1:6379/0")
CELERY_TASK_ALWAYS_EAGER = False

# Attachments: evidence files, checked on upload.
KEFU_ATTACHMENT_MAX_BYTES = env_int("KEFU_ATTACHMENT_MAX_BYTES", 20 * 1024 * 1024)
KEFU_ATTACHMENT_TYPES = env_list(
    "KEFU_ATTACHMENT_TYPES",
    [
        "image/jpeg", "image/png", "image/gif", "image/webp", "application/pdf", "text/plain",
        "audio/mpeg", "audio/wav", "audio/x-wav", "video/mp4",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "application/msword", "application/vnd.ms-excel",
    ],
)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "filters": {"secret_paths": {"()": "kefu.redaction.RedactSecretPaths"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env_str("KEFU_LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "INFO"},
        # These write request paths, and a survey link's path is its bearer token.
        "django.request": {"filters": ["secret_paths"]},
        "django.server": {"filters": ["secret_paths"]},
    },
}
