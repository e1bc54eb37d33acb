"""Encryption at rest for sensitive personal fields, and a keyed digest to find them again.

AES-256-GCM (authenticated encryption) from `cryptography`, one random 96-bit nonce per value; a
stored value is "2:" + base64(nonce + ciphertext + tag). The keys come from QIXIN_FIELD_KEY (keys
in Fernet's format: 32 url-safe base64 bytes, as `Fernet.generate_key()` prints); in development a key
is derived from SECRET_KEY. Several comma-separated keys allow rotation: the first encrypts, all
decrypt. Values written by earlier versions (Fernet tokens) are still read.

GCM rather than Fernet because a roster import encrypts three fields of tens of thousands of people:
one GCM call is about ten times cheaper than Fernet's CBC, HMAC and base64 layers.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
from functools import cache
from typing import TYPE_CHECKING

from django.conf import settings

# `cryptography` is imported where a value is sealed or opened: loading the models imports this
# module, and a command that reads no sensitive field should not pay the ~15 ms.
if TYPE_CHECKING:
    from cryptography.fernet import MultiFernet
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

PREFIX = "2:"
NONCE_BYTES = 12


@cache
def _key_texts(keys: str, secret: str) -> tuple[str, ...]:
    if not keys:
        derived = hashlib.sha256(("qixin-field-key:" + secret).encode()).digest()
        keys = base64.urlsafe_b64encode(derived).decode()
    return tuple(k.strip() for k in keys.split(",") if k.strip())


@cache
def _aead(keys: str, secret: str) -> tuple[AESGCM, ...]:
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    return tuple(AESGCM(base64.urlsafe_b64decode(k)) for k in _key_texts(keys, secret))


@cache
def _fernet(keys: str, secret: str) -> MultiFernet:
    from cryptography.fernet import Fernet, MultiFernet

    return MultiFernet([Fernet(k.encode()) for k in _key_texts(keys, secret)])


def _settings() -> tuple[str, str]:
    return settings.FIELD_ENCRYPTION_KEY, settings.SECRET_KEY


def encrypt(text: str) -> str:
    nonce = os.urandom(NONCE_BYTES)
    sealed = _aead(*_settings())[0].encrypt(nonce, text.encode(), None)
    return PREFIX + base64.urlsafe_b64encode(nonce + sealed).decode()


def decrypt(token: str) -> str:
    wrong_key = ValueError("无法解密：字段密钥（QIXIN_FIELD_KEY）与加密时不一致。")  # never pass silently
    if not token.startswith(PREFIX):
        from cryptography.fernet import InvalidToken

        try:
            return _fernet(*_settings()).decrypt(token.encode()).decode()
        except InvalidToken:
            raise wrong_key from None
    raw = base64.urlsafe_b64decode(token[len(PREFIX) :])
    from cryptography.exceptions import InvalidTag  # after the first call, a dictionary lookup

    for cipher in _aead(*_settings()):
        try:
            return cipher.decrypt(raw[:NONCE_BYTES], raw[NONCE_BYTES:], None).decode()
        except InvalidTag:
            continue
    raise wrong_key


def seal(data: bytes, *, context: str) -> bytes:
    """Encrypt bytes (a staged upload) with the field key; `context` (e.g. the file's name) is
    authenticated with them, so a sealed file cannot be passed off under another name."""
    nonce = os.urandom(NONCE_BYTES)
    return nonce + _aead(*_settings())[0].encrypt(nonce, data, context.encode())


def unseal(sealed: bytes, *, context: str) -> bytes:
    from cryptography.exceptions import InvalidTag

    for cipher in _aead(*_settings()):
        try:
            return cipher.decrypt(sealed[:NONCE_BYTES], sealed[NONCE_BYTES:], context.encode())
        except InvalidTag:
            continue
    raise ValueError("无法解密：字段密钥（QIXIN_FIELD_KEY）与加密时不一致，或文件已被改动。")


def digest(text: str) -> str:
    """A keyed, deterministic digest, for uniqueness and exact lookup of an encrypted value."""
    key = (settings.FIELD_ENCRYPTION_KEY or settings.SECRET_KEY).encode()
    return hmac.new(key, text.encode(), hashlib.sha256).hexdigest()
