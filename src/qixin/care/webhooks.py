"""Outgoing messages to a team's group chat robot, in the formats of WeCom (企业微信) and DingTalk
(钉钉) group robots, with retries and a delivery log (WebhookDelivery)."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from datetime import datetime, timedelta
from typing import Any

from django.utils import timezone

from .models import DeliveryStatus, WebhookDelivery, WebhookFormat

MAX_ATTEMPTS = 5
TIMEOUT_SECONDS = 5


def payload(fmt: str, title: str, text: str, url: str) -> dict[str, Any]:
    """The robot message: markdown with a link, as each robot's documentation describes it."""
    content = f"**{title}**\n{text}\n[查看详情]({url})"
    if fmt == WebhookFormat.WECOM:
        return {"msgtype": "markdown", "markdown": {"content": content}}
    if fmt == WebhookFormat.DINGTALK:
        return {"msgtype": "markdown", "markdown": {"title": title, "text": content}}
    raise ValueError(f"unknown webhook format {fmt}")


def _post(url: str, body: dict[str, Any]) -> tuple[int, str]:
    data = json.dumps(body, ensure_ascii=False).encode()
    request = urllib.request.Request(  # noqa: S310  (the URL is an http(s) URL validated by URLField)
        url, data=data, headers={"Content-Type": "application/json; charset=utf-8"}, method="POST"
    )
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as response:  # noqa: S310
            return int(response.status), response.read(2000).decode("utf-8", "replace")
    except urllib.error.HTTPError as exc:
        return int(exc.code), exc.read(500).decode("utf-8", "replace")


def _accepted(status: int, text: str) -> tuple[bool, str]:
    """Both robots answer 200 with {"errcode": 0} when they took the message."""
    if status != 200:
        return False, f"HTTP {status}"
    try:
        answer = json.loads(text or "{}")
    except ValueError:
        return True, ""
    errcode = answer.get("errcode", 0) if isinstance(answer, dict) else 0
    if errcode:
        return False, f"errcode {errcode}: {answer.get('errmsg', '')}"[:300]
    return True, ""


def attempt(delivery: WebhookDelivery, now: datetime | None = None) -> WebhookDelivery:
    """One attempt; on failure the next one waits 1, 2, 4, 8 minutes; after 5 it has failed."""
    now = now or timezone.now()
    if not delivery.url.startswith(("http://", "https://")):
        status, text, error = 0, "", "不支持的地址"
    else:
        try:
            status, text = _post(delivery.url, delivery.payload)
            ok, error = _accepted(status, text)
            if ok:
                error = ""
        except (OSError, ValueError) as exc:
            status, error = 0, str(exc)[:300] or exc.__class__.__name__
    delivery.attempts += 1
    delivery.last_status = status or None
    delivery.last_error = error
    if not error:
        delivery.status = DeliveryStatus.DELIVERED
        delivery.delivered_at = now
        delivery.next_attempt_at = None
    elif delivery.attempts >= MAX_ATTEMPTS:
        delivery.status = DeliveryStatus.FAILED
        delivery.next_attempt_at = None
    else:
        delivery.next_attempt_at = now + timedelta(minutes=2 ** (delivery.attempts - 1))
    delivery.save(
        update_fields=["attempts", "last_status", "last_error", "status", "delivered_at", "next_attempt_at"]
    )
    return delivery
