"""Encryption at rest for sensitive personal fields, and a keyed digest to find them again.

Fernet (AES-128-CBC with HMAC-SHA256) from `cryptography`. The key comes from QIXIN_FIELD_KEY; in
development a key is derived from SECRET_KEY. Several comma-separated keys allow rotation: the first
encrypts, all decrypt.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from functools import cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings


@cache
def _fernet(keys: str, secret: str) -> MultiFernet:
    if not keys:
        derived = hashlib.sha256(("qixin-field-key:" + secret).encode()).digest()
        keys = base64.urlsafe_b64encode(derived).decode()
    return MultiFernet([Fernet(k.strip().encode()) for k in keys.split(",") if k.strip()])


def _cipher() -> MultiFernet:
    return _fernet(settings.FIELD_ENCRYPTION_KEY, settings.SECRET_KEY)


def encrypt(text: str) -> str:
    return _cipher().encrypt(text.encode()).decode()


def decrypt(token: str) -> str:
    try:
        return _cipher().decrypt(token.encode()).decode()
    except InvalidToken as exc:  # a wrong key must never pass silently
        raise ValueError("无法解密：字段密钥（QIXIN_FIELD_KEY）与加密时不一致。") from exc


def digest(text: str) -> str:
    """A keyed, deterministic digest, for uniqueness and exact lookup of an encrypted value."""
    key = (settings.FIELD_ENCRYPTION_KEY or settings.SECRET_KEY).encode()
    return hmac.new(key, text.encode(), hashlib.sha256).hexdigest()
