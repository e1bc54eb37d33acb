"""Follow-up codes and the one-time form nonces of the public intake."""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime

from django.conf import settings

from qixin.core.errors import ApplicationError, NotFound

from ..models import IntakePoint, Ticket
from ._common import _now

CODE_ALPHABET_RE = re.compile(r"[^0-9A-Z]")


# A form's nonce: when it was fetched (base 36 seconds), for which device (a keyed digest of its
# cookie, zeros for none), a random part, and a signature over these and the QR code.
NONCE_RE = re.compile(r"^([0-9a-z]{1,10})\.([0-9a-f]{16})\.([A-Za-z0-9_-]{16})\.([A-Za-z0-9_-]{22})$")


NO_DEVICE = "0" * 16


FORM_INVALID = "form_invalid"


FORM_EXPIRED = "form_expired"


@dataclass(frozen=True)
class FormNonce:
    """What a valid nonce says: when its form was fetched, and for which device."""

    fetched_at: datetime
    device_mark: str

    def fetched_with(self, device: str) -> bool:
        return bool(device) and hmac.compare_digest(self.device_mark, _device_mark(device))


def _device_mark(device: str) -> str:
    if not device:
        return NO_DEVICE
    return hmac.new(
        settings.SECRET_KEY.encode(), f"care-device:{device}".encode(), hashlib.sha256
    ).hexdigest()[:16]


def _nonce_signature(point_token: str, fetched: str, device_mark: str, random_part: str) -> str:
    message = f"care-nonce:{point_token}:{fetched}:{device_mark}:{random_part}".encode()
    mac = hmac.new(settings.SECRET_KEY.encode(), message, hashlib.sha256).digest()
    return base64.urlsafe_b64encode(mac).decode()[:22]


def _base36(number: int) -> str:
    digits = ""
    while True:
        number, rest = divmod(number, 36)
        digits = "0123456789abcdefghijklmnopqrstuvwxyz"[rest] + digits
        if not number:
            return digits


def new_nonce(*, point: IntakePoint, device: str = "", now: datetime | None = None) -> str:
    """The value put into each rendered intake form: submitting it twice stores one ticket, and it
    cannot be made up, used at another QR code, or sent back sooner than a person writes (limits.py).
    `device` is the device cookie the form goes to ("" when none)."""
    fetched = _base36(int(_now(now).timestamp()))
    mark = _device_mark(device)
    random_part = secrets.token_urlsafe(12)
    return f"{fetched}.{mark}.{random_part}.{_nonce_signature(point.token, fetched, mark, random_part)}"


def nonce_read(nonce: str, *, point: IntakePoint) -> FormNonce:
    """The form behind a submitted nonce, or a refusal when the nonce is not one this QR code's page
    gave out (an old page from before an update, another point's page, a made-up value)."""
    match = NONCE_RE.match(nonce or "")
    if match is None or not hmac.compare_digest(
        match.group(4), _nonce_signature(point.token, match.group(1), match.group(2), match.group(3))
    ):
        raise ApplicationError(FORM_INVALID, "表单已失效，请刷新页面后重新提交。")
    fetched = datetime.fromtimestamp(int(match.group(1), 36), tz=UTC)
    return FormNonce(fetched_at=fetched, device_mark=match.group(2))


def code_for(nonce: str) -> str:
    """The follow-up code of the submission carrying `nonce`: derived, so a repeated submission shows
    the same code again, and random to anyone who did not see the form (60 bits)."""
    mac = hmac.new(settings.SECRET_KEY.encode(), f"care-code:{nonce}".encode(), hashlib.sha256).digest()
    raw = base64.b32encode(mac).decode()[:12]
    return f"{raw[:4]}-{raw[4:8]}-{raw[8:]}"


def normalize_code(code: str) -> str:
    raw = CODE_ALPHABET_RE.sub("", (code or "").upper())
    return f"{raw[:4]}-{raw[4:8]}-{raw[8:12]}" if len(raw) == 12 else ""


def code_digest(code: str) -> str:
    normalized = normalize_code(code)
    return hmac.new(
        settings.SECRET_KEY.encode(), f"care-digest:{normalized}".encode(), hashlib.sha256
    ).hexdigest()


def ticket_by_code(code: str) -> Ticket:
    """The submitter's own ticket. A hidden or spam ticket still answers its code (nothing deleted)."""
    if not normalize_code(code):
        raise NotFound()
    ticket = Ticket.objects.select_related("point", "team").filter(code_digest=code_digest(code)).first()
    if ticket is None:
        raise NotFound()
    return ticket
