"""Tests: fast hashing, in-memory mail, a private data directory."""

import tempfile
from pathlib import Path

from .base import *  # noqa: F403
from .base import DATABASES, env

DEBUG = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
MEDIA_ROOT = Path(tempfile.mkdtemp(prefix="qixin-test-media-"))
STATIC_ROOT = Path(tempfile.mkdtemp(prefix="qixin-test-static-"))  # collectstatic is not run for tests
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
if "DATABASE_URL" not in env:
    DATABASES["default"] = {"ENGINE": "django.db.backends.sqlite3", "NAME": ":memory:"}
FIELD_ENCRYPTION_KEY = "kD5Qb0i3m7e3eH1P2m2cQ0rX8y4n6v9w1z3a5s7d9f0="
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "qixin"},
    "versioned": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "versioned"},
}
