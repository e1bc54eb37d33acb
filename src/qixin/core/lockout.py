"""The second login lockout: by network address, for password guessing across many real accounts.

django-axes locks an account after AXES_FAILURE_LIMIT failures against it (settings). A whole office
or workshop often reaches the server through one address, so the address is never locked by a few
mistyped or unknown user names: only failures against accounts that exist count here, and only at a
much higher threshold (QIXIN_ADDRESS_FAILURE_LIMIT), which a sprayer trying passwords over many
accounts reaches and colleagues mistyping do not. The counts are axes' own records (AccessAttempt,
one row per user name, address and browser), so nothing else is stored.
"""

from __future__ import annotations

from typing import Any

from axes.helpers import get_cool_off
from axes.models import AccessAttempt
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db.models import Sum
from django.http import HttpRequest
from django.utils import timezone

from .models import User


def address_failures(address: str) -> int:
    """Failed logins against existing accounts from `address` within the cool-off period."""
    cool_off = get_cool_off()
    since = timezone.now() - cool_off if cool_off else None
    attempts = AccessAttempt.objects.filter(ip_address=address, username__in=User.objects.values("username"))
    if since is not None:
        attempts = attempts.filter(attempt_time__gte=since)
    return int(attempts.aggregate(total=Sum("failures_since_start"))["total"] or 0)


class AddressLockoutBackend:
    """An authentication backend that refuses every login from an address over the threshold.

    It runs after axes' backend, which has set request.axes_ip_address; refusing the way axes does
    (the request marked as locked out) gives the same lockout page and the same audit entry."""

    def authenticate(self, request: HttpRequest | None, *args: Any, **kwargs: Any) -> None:
        address = getattr(request, "axes_ip_address", None) if request is not None else None
        if address and address_failures(address) >= settings.QIXIN_ADDRESS_FAILURE_LIMIT:
            request.axes_locked_out = True  # type: ignore[union-attr]
            raise PermissionDenied("该网络地址的登录失败次数过多。")
        return None

    # No get_user: this backend never logs anyone in, so no session may name it (Django's test
    # client's force_login takes the first backend that has one).
