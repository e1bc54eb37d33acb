"""Reads of designations, authorized for the actor."""

from __future__ import annotations

from django.db.models import QuerySet

from qixin.core import access
from qixin.core.access import Actor
from qixin.core.errors import ApplicationError, NotFound
from qixin.core.models import User
from qixin.core.selectors import user_by_username_for

from ..models import Designation


def designation_list_for(*, actor: Actor) -> QuerySet[Designation]:
    return (
        Designation.objects.filter(access.org_filter(actor, "organization__path", level="manage"))
        .select_related("user", "organization")
        .order_by("organization__path", "kind", "user__username")
    )


def designation_get_for(*, actor: Actor, pk: int) -> Designation:
    designation = designation_list_for(actor=actor).filter(pk=pk).first()
    if designation is None:
        raise NotFound()
    return designation


def designee_from_input(*, actor: Actor, username: str) -> User:
    """The user whose name was typed on the designation form: an unknown one and one outside the
    actor's reach get the same clear message, not a "page not found"."""
    try:
        return user_by_username_for(actor=actor, username=username)
    except NotFound:
        raise ApplicationError("unknown_user", f"找不到用户“{username}”。") from None
