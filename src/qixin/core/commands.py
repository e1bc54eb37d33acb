"""What every `qixin` command shares, whichever app it belongs to: the user it runs as (`--as`), and
how a refusal ends it (the message in red, exit code 1, the refusal audited like one from a page or
the API).

The command modules (qixin.cli and each app's cli.py) are imported before Django is set up, so
nothing here touches a model at import time: the kernel's modules are imported inside the functions,
which run after `main` has set Django up.
"""

from __future__ import annotations

import functools
import sys
from collections.abc import Callable
from typing import Any, NoReturn

import click


def actor_for(username: str | None) -> Any:
    """The user a command runs as: the one named by `--as`, else the system account."""
    from qixin.core.selectors import user_named
    from qixin.core.services import system_user

    if not username:
        return system_user()
    user = user_named(username, active=True)
    if user is None:
        raise click.UsageError(f"找不到用户“{username}”。")
    return user


def known_user(username: str | None) -> Any:
    """The user named by `--as`, even an inactive one, for the audit entry of a refusal (None when the
    name is unknown: the refusal is still recorded, without an actor)."""
    from qixin.core.selectors import user_named

    return user_named(username) if username else None


def fail(exc: Exception) -> NoReturn:
    click.secho(str(exc), fg="red", err=True)
    sys.exit(1)


def handles_errors(func: Callable[..., Any]) -> Callable[..., Any]:
    """A command's writes are audited as coming from the command line; an ApplicationError ends it
    with its message, and a refusal (403, 404) is audited once the refused transaction has rolled
    back."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        from qixin.core import audit
        from qixin.core.actions import record_refusal
        from qixin.core.errors import ApplicationError

        try:
            with audit.source("cli"):
                return func(*args, **kwargs)
        except ApplicationError as exc:
            with audit.source("cli"):
                record_refusal(
                    actor=known_user(kwargs.get("username")),
                    attempt="qixin " + " ".join(sys.argv[1:]),
                    error=exc,
                )
            fail(exc)

    return wrapper
