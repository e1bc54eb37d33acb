"""Login events into the audit log: Django's and django-axes' authentication signals are the
documented way to observe them (the only signals Qixin listens to)."""

from __future__ import annotations

from typing import Any

from axes.signals import user_locked_out
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from . import audit
from .middleware import client_address


def _source(request: Any) -> str:
    return client_address(request) if request is not None else ""


@receiver(user_logged_in)
def on_login(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    with audit.source(_source(request)):
        audit.record(actor=user, action="login", obj=user)


@receiver(user_logged_out)
def on_logout(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    if user is not None:
        with audit.source(_source(request)):
            audit.record(actor=user, action="logout", obj=user)


@receiver(user_login_failed)
def on_login_failed(sender: Any, credentials: dict[str, Any], request: Any = None, **kwargs: Any) -> None:
    with audit.source(_source(request)):
        audit.record(
            actor=None,
            action="login_failed",
            model="core.User",
            object_repr=str(credentials.get("username", ""))[:150],
        )


@receiver(user_locked_out)
def on_locked_out(
    sender: Any, request: Any, username: str | None = None, ip_address: str | None = None, **kwargs: Any
) -> None:
    with audit.source(ip_address or _source(request)):
        audit.record(
            actor=None,
            action="lockout",
            model="core.User",
            object_repr=str(username or "")[:150],
            changes={"address": ip_address},
        )
