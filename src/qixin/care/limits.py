"""Abuse limits for the public intake, held only in the cache (never in a table).

A whole workshop often reaches the server through one factory address, and a flood may come from
that same address, so the address decides nothing about a submission. What decides:

- The form's nonce (services.new_nonce): signed with the QR code and the time the form was fetched,
  so it cannot be made up or used at another point; it stores at most one ticket; and a form sent
  back sooner than a person could have written anything (QIXIN_CARE_NONCE_MIN_SECONDS) is held.
- The device (a random token in a cookie, which says nothing about who holds the phone) counts only
  when the form was fetched with that same cookie. A post without it is limited by its nonce alone,
  never by a bucket shared with every other phone without cookies.
- The intake point: how many submissions go straight to the team's queue in a window.

Beyond these a submission is not refused: it is stored, held for moderation (待审核) and notifies no
one, so that one person's flood never turns a genuine employee away, and never buries the team's
queue. Only the held ones have a ceiling per point (the disk is finite); beyond it they are refused.

Keys are keyed digests: not even the cache holds a raw token or address.
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
    "device": (6, 600),  # one phone at one QR code: 6 submissions in 10 minutes go to the team
    "device_day": (20, 86400),
    "point": (300, 600),  # one QR code: 300 in 10 minutes go to the team (a shift change)
    "held": (1000, 600),  # one QR code: 1000 held for moderation in 10 minutes, then refused
    "address": (3000, 600),  # follow-up look-ups from one address: a ceiling for a whole factory
    "lookup": (60, 600),  # follow-up code look-ups by one device
}

# Why a submission waits for moderation, as the moderator reads it (no one's identity in it).
TOO_FAST = "打开页面后几秒内即提交"
DEVICE_BURST = "同一手机在此处短时间内提交过多"
DEVICE_DAY = "同一手机当天提交过多"
POINT_BURST = "此收集点短时间内提交过多"


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


def nonce_min_seconds() -> float:
    return float(getattr(settings, "QIXIN_CARE_NONCE_MIN_SECONDS", 3))


def hold_reason(*, point_token: str, device: str, form_age: float) -> str:
    """Why a new submission waits for moderation, or "" when it goes straight to the team's queue.

    `device` is the device the form was fetched with and posted from ("" for a post without it);
    `form_age` how many seconds ago the form was fetched. Counts the submission. Raises a 429 only
    when the point's ceiling of held submissions is reached: a submission that would go to the team
    is never refused."""
    if form_age < nonce_min_seconds():
        reason = TOO_FAST
    elif device and not hit("device", f"{point_token}:{device}"):
        reason = DEVICE_BURST
    elif device and not hit("device_day", device):
        reason = DEVICE_DAY
    elif not hit("point", point_token):
        reason = POINT_BURST
    else:
        return ""
    if not hit("held", point_token):
        raise ApplicationError("too_many", "此处提交的人较多，请稍后再试。", status=429)
    return reason


def check_lookup(*, device: str, address: str) -> None:
    """Follow-up look-ups: per device, and a factory-wide ceiling per address. A phone without the
    cookie is counted only under the ceiling, not in a small bucket shared with every such phone
    (a 60-bit code is not guessed at 3000 tries in 10 minutes anyway)."""
    if (device and not hit("lookup", device)) or not hit("address", address):
        raise ApplicationError("too_many", "查询太频繁了，请稍后再试。", status=429)
