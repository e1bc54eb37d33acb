"""What the app's writes share: the clock and the checks of typed text."""

from __future__ import annotations

from datetime import datetime

from django.utils import timezone

from qixin.core.errors import ApplicationError, Problem

BODY_MIN, BODY_MAX = 1, 2000


def _now(now: datetime | None) -> datetime:
    return now or timezone.now()


def _text(value: str, field: str, *, maximum: int = BODY_MAX, minimum: int = BODY_MIN) -> str:
    value = (value or "").strip()
    if "\x00" in value:
        raise ApplicationError(
            "invalid", "内容有误。", [Problem(message="包含不允许的控制字符", field=field)]
        )
    if len(value) < minimum:
        raise ApplicationError("invalid", "内容有误。", [Problem(message="请填写内容", field=field)])
    if len(value) > maximum:
        raise ApplicationError(
            "invalid", "内容有误。", [Problem(message=f"不能超过{maximum}个字", field=field)]
        )
    return value
