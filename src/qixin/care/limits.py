"""Abuse limits for the public intake, held only in the cache (never in a table).

A whole workshop often reaches the server through one factory address, so the address gets only a
generous ceiling; the real limits are per intake point and per device (a random token in a cookie,
which says nothing about who holds the phone). Keys are keyed digests: not even the cache holds a
raw token or address.
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.utils import timezone

from qixin.core.errors import ApplicationError


@dataclass(frozen=True)
class Limit:
    name: str
    count: int
    seconds: int


# Defaults; settings.QIXIN_CARE_LIMITS = {"device": (count, seconds), ...} replaces any of them.
DEFAULTS = {
    "device": (6, 600),  # one phone: 6 submissions in 10 minutes
    "device_day": (20, 86400),
    "point": (300, 600),  # one QR code: 300 in 10 minutes (a shift change at a big workshop)
    "address": (3000, 600),  # one network address: a ceiling for a whole factory behind one NAT
    "lookup": (60, 600),  # follow-up code look-ups by one device
}


def limit(name: str) -> Limit:
    configured = getattr(settings, "QIXIN_CARE_LIMITS", {}) or {}
    count, seconds = configured.get(name, DEFAULTS[name])
    return Limit(name, int(count), int(seconds))


def _key(name: str, value: str, window: int) -> str:
    digest = hmac.new(settings.SECRET_KEY.encode(), f"{name}:{value}".encode(), hashlib.sha256).hexdigest()
    return f"care:limit:{name}:{window}:{digest[:32]}"


def hit(name: str, value: str) -> bool:
    """Count one use of `value` under limit `name` in the current fixed window; False when over."""
    rule = limit(name)
    window = int(timezone.now().timestamp()) // rule.seconds
    key = _key(name, value, window)
    cache.add(key, 0, timeout=rule.seconds + 5)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.add(key, 1, timeout=rule.seconds + 5)
        count = 1
    return int(count) <= rule.count


def check_submission(*, point_token: str, device: str, address: str) -> None:
    """Raise a 429 error when one of the limits is reached. Each counter counts the attempt."""
    checks = [
        ("address", address),
        ("point", point_token),
        ("device", f"{point_token}:{device}"),
        ("device_day", device),
    ]
    for name, value in checks:
        if value and not hit(name, value):
            raise ApplicationError(
                "too_many",
                "提交太频繁了，请稍后再试。"
                if name.startswith("device")
                else "此处提交的人较多，请稍后再试。",
                status=429,
            )


def check_lookup(*, device: str, address: str) -> None:
    if not hit("lookup", device or address) or not hit("address", address):
        raise ApplicationError("too_many", "查询太频繁了，请稍后再试。", status=429)
