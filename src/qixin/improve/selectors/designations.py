"""Reads of designations, authorized for the actor."""

from __future__ import annotations

from django.db.models import QuerySet

from qixin.core import access
from qixin.core.access import Actor
from qixin.core.errors import NotFound

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
