"""Settings shared by every environment, read from the environment (django-environ).

Development defaults are safe: the embedded SQLite database lives under QIXIN_DATA_DIR (./var by
default); production (settings.prod) refuses to start without a real SECRET_KEY.
"""

from datetime import timedelta
from pathlib import Path

import environ

BASE_DIR = Path(__file__).resolve().parent.parent
PROJECT_DIR = BASE_DIR.parent.parent

env = environ.Env()
DATA_DIR = Path(env.str("QIXIN_DATA_DIR", default=str(PROJECT_DIR / "var"))).resolve()

SECRET_KEY = env.str("SECRET_KEY", default="dev-only-insecure-key-change-me-in-production-0123456789")
# Key for the encryption at rest of 身份证号, 手机 and 家庭住址 (Fernet, urlsafe base64 of 32 bytes).
# Without it a key is derived from SECRET_KEY, which is fine for development only.
FIELD_ENCRYPTION_KEY = env.str("QIXIN_FIELD_KEY", default="")
DEBUG = env.bool("DEBUG", default=False)
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]"])

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rules",
    "treebeard",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_htmx",
    "ninja",
    "qixin.core",
    "qixin.orgs",
    "qixin.people",
    "qixin.life",
    "qixin.brand",
    "qixin.notices",
    "qixin.mobilize",
    "qixin.advocacy",
    "qixin.improve",
    "qixin.care",
    "qixin.reports",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "qixin.core.middleware.LanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "qixin.core.middleware.AccountSecurityMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "qixin.core.middleware.RequestBodyMiddleware",
    "qixin.core.middleware.ApplicationErrorMiddleware",
    "csp.middleware.CSPMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "qixin.urls"
WSGI_APPLICATION = "qixin.wsgi.application"

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
                "qixin.core.context_processors.roles",
            ],
        },
    },
]

DATABASES = {
    "default": env.db_url("DATABASE_URL", default=f"sqlite:///{DATA_DIR / 'qixin.sqlite3'}"),
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    Path(DATABASES["default"]["NAME"]).parent.mkdir(parents=True, exist_ok=True)
    # WAL lets readers run while one writer writes; IMMEDIATE avoids upgrade deadlocks.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "transaction_mode": "IMMEDIATE",
            "init_command": (
                "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=5000;"
                " PRAGMA cache_size=-65536; PRAGMA mmap_size=268435456; PRAGMA temp_store=MEMORY;"
            ),
        }
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "core.User"

CACHES = {
    "default": env.cache_url("CACHE_URL", default="locmemcache://qixin"),
    # Results kept under the data versions they were computed from (qixin.core.versions), shared by
    # the server's workers and the command line: on disk by default, or Redis (redis://...).
    "versioned": env.cache_url(
        "VERSIONED_CACHE_URL", default=f"filecache://{DATA_DIR / 'cache' / 'versioned'}?max_entries=5000"
    ),
}

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "qixin.core.passwords.PersonalInfoValidator"},
    {"NAME": "qixin.core.passwords.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [
    ("zh-hans", "简体中文")
]  # every string stays in gettext; English returns when an issue asks for it
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = DATA_DIR / "static"
MEDIA_URL = "media/"
MEDIA_ROOT = DATA_DIR / "media"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}

# Imports: a roster file larger than this is refused before it is parsed.
QIXIN_IMPORT_MAX_BYTES = env.int("QIXIN_IMPORT_MAX_BYTES", default=20 * 1024 * 1024)
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
# Notices: an attachment larger than this is refused (it stays in a temporary file until then).
QIXIN_NOTICE_ATTACHMENT_MAX_BYTES = env.int("QIXIN_NOTICE_ATTACHMENT_MAX_BYTES", default=20 * 1024 * 1024)

# --- Import limits (qixin.core.tabular.Limits; docs/import-formats.md) ---------------------------
# Checked while a file is read, before anything is allocated for it; reading stops at the first one
# passed. A 35,000-row roster is 35,001 rows × 25 columns, 38 MB of sheet XML.
QIXIN_IMPORT_MAX_ROWS = env.int("QIXIN_IMPORT_MAX_ROWS", default=200_000)  # the header row included
QIXIN_IMPORT_MAX_COLUMNS = env.int("QIXIN_IMPORT_MAX_COLUMNS", default=100)
# Rows × columns of the span of an xlsx sheet's cells: calamine holds that grid, 32 bytes a cell.
QIXIN_IMPORT_MAX_CELLS = env.int("QIXIN_IMPORT_MAX_CELLS", default=5_000_000)
QIXIN_IMPORT_MAX_CELL_CHARS = env.int("QIXIN_IMPORT_MAX_CELL_CHARS", default=32_767)  # Excel's own limit
QIXIN_IMPORT_MAX_UNCOMPRESSED_BYTES = env.int(
    "QIXIN_IMPORT_MAX_UNCOMPRESSED_BYTES", default=200 * 1024 * 1024
)
QIXIN_IMPORT_MAX_ZIP_MEMBERS = env.int("QIXIN_IMPORT_MAX_ZIP_MEMBERS", default=1000)
# Real sheets compress 12–17 times (a roster of random or of identical rows); a zip bomb, hundreds.
QIXIN_IMPORT_MAX_COMPRESSION_RATIO = env.int("QIXIN_IMPORT_MAX_COMPRESSION_RATIO", default=100)
# A previewed upload waits this long (seconds) for its confirmation, then is deleted.
QIXIN_IMPORT_PREVIEW_SECONDS = env.int("QIXIN_IMPORT_PREVIEW_SECONDS", default=3600)
# --- end of import limits --------------------------------------------------------------------------

EMAIL_BACKEND = env.str("EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="qixin@localhost")

SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="WARNING")},
}
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",  # first, so a locked-out account is refused before checking
    "qixin.core.lockout.AddressLockoutBackend",  # then an address that guessed across many accounts
    "rules.permissions.ObjectPermissionBackend",
    "django.contrib.auth.backends.ModelBackend",
]

# Login security (等保 2.0 level 3): lock an account for 15 minutes after 5 failures against it;
# lock a source address only after many failures against existing accounts (qixin.core.lockout),
# so that one person mistyping at a shared office address locks nobody else out; sessions end after
# 30 idle minutes.
AXES_FAILURE_LIMIT = env.int("QIXIN_LOGIN_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("QIXIN_LOCKOUT_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = ["username"]
QIXIN_ADDRESS_FAILURE_LIMIT = env.int("QIXIN_ADDRESS_FAILURE_LIMIT", default=30)
AXES_RESET_ON_SUCCESS = True
# A locked-out attempt is refused without being counted: the 15 minutes run from the lockout, and a
# right password tried during an address lockout does not count against its account.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_LOCKOUT_TEMPLATE = "core/locked_out.html"
AXES_USERNAME_FORM_FIELD = "username"
AXES_VERBOSE = False
AXES_IPWARE_META_PRECEDENCE_ORDER = ["REMOTE_ADDR"]
SESSION_COOKIE_AGE = env.int("QIXIN_IDLE_MINUTES", default=30) * 60
SESSION_SAVE_EVERY_REQUEST = True  # the 30 minutes count from the last request (idle time)
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
OTP_TOTP_ISSUER = "旗心"

# Content security policy: only our own scripts, styles and images; no inline script.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "connect-src": ["'self'"],
        "font-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}

# --- 员工心声 (care): the public QR intake ------------------------------------------------------
# An intake form sent back sooner than this after it was fetched is held for moderation (no one
# writes that fast; a script does); one older than the maximum is refused as expired (docs/care.md).
QIXIN_CARE_NONCE_MIN_SECONDS = env.int("QIXIN_CARE_NONCE_MIN_SECONDS", default=3)
QIXIN_CARE_NONCE_MAX_SECONDS = env.int("QIXIN_CARE_NONCE_MAX_SECONDS", default=24 * 3600)
# How long a public write keeps trying while the database is busy (a long import holds SQLite's
# write lock) before it answers 请稍后重试 (503) with the form kept. The worst case is this plus one
# attempt's wait (SQLite's busy_timeout, 5 s): 20 s, below gunicorn's 30 s timeout.
QIXIN_CARE_BUSY_SECONDS = env.float("QIXIN_CARE_BUSY_SECONDS", default=15.0)
