"""The login gate: the steps a signed-in user must pass before reaching anything else.

A password alone opens a session, but until the session has passed every step its account requires
(changing an initial password, entering the authenticator's code, setting up an authenticator that
the role requires), the session reaches the page of that step and logout, nothing else: no page,
no account settings, no API. The pages (AccountSecurityMiddleware), the API's session
authentication and its token authentication all ask `pending_step`, so no URL prefix is left out.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from django.db.models import Exists, OuterRef
from django_otp.plugins.otp_totp.models import TOTPDevice

from .models import TwoFactorRequirement, User
from .services import two_factor_required


class Step(StrEnum):
    """A required step, named after the URL of the page where it is taken."""

    PASSWORD_CHANGE = "password_change"  # noqa: S105  (a URL name, not a password)
    OTP_VERIFY = "otp_verify"
    TWO_FACTOR_SETUP = "two_factor_setup"


MESSAGES = {
    Step.PASSWORD_CHANGE: "请先在页面上修改初始密码，再使用其他功能。",
    Step.OTP_VERIFY: "请先在页面上输入身份验证器中的验证码，完成登录。",
    Step.TWO_FACTOR_SETUP: "您的角色要求双因素认证：请先在页面上设置身份验证器。",
}


def passed_second_factor(user: Any) -> bool:
    """django-otp's OTPMiddleware marks the user verified once a device's token was accepted."""
    check = getattr(user, "is_verified", None)
    return bool(check()) if callable(check) else False


def pending_step(user: Any, *, session: bool = True) -> Step | None:
    """The first step this user has still to take, or None when they may go anywhere.

    `session` is False for a request authenticated by an API token: a token can only have been made
    from a session that had passed the second factor, so entering a code is a step of sessions only;
    an initial password to change, or a required authenticator not yet set up, stops tokens too.
    It costs one query a request (kept on the user object, as access.scope_for keeps the scope)."""
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    if getattr(user, "must_change_password", False):
        return Step.PASSWORD_CHANGE
    if session and passed_second_factor(user):
        return None
    has_device, any_required = _second_factor_facts(user)
    if has_device:
        return Step.OTP_VERIFY if session else None
    if any_required and two_factor_required(user):
        return Step.TWO_FACTOR_SETUP
    return None


def _second_factor_facts(user: Any) -> tuple[bool, bool]:
    """(the user has a confirmed authenticator, some role requires one), read together.

    TOTP is the only kind of device installed (settings.INSTALLED_APPS), so this is what
    django_otp.user_has_device would answer, in the same query as the policy."""
    known: tuple[bool, bool] | None = getattr(user, "_qixin_second_factor", None)
    if known is None:
        has_device, any_required = (
            User.objects.filter(pk=user.pk)
            .annotate(
                has_device=Exists(TOTPDevice.objects.filter(user=OuterRef("pk"), confirmed=True)),
                any_required=Exists(TwoFactorRequirement.objects.all()),
            )
            .values_list("has_device", "any_required")
            .get()
        )
        known = (bool(has_device), bool(any_required))
        setattr(user, "_qixin_second_factor", known)  # noqa: B010  (once per request, like the scope)
    return known
