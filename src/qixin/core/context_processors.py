"""What the page chrome needs to know about the user: which menu entries to show."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from . import access
from .models import Role


def roles(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    scope = access.scope_for(user)
    return {"is_admin": scope.is_admin, "is_party_worker": scope.is_admin or Role.PARTY_WORKER in scope.roles}
