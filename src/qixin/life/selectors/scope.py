"""Where organizational life is kept and its kinds of meeting, for the actor."""

from __future__ import annotations

from django.db.models import Q

from qixin.core import access
from qixin.core.access import Actor
from qixin.core.errors import NotFound
from qixin.orgs.models import Organization

from ..models import MeetingKind
from ..permissions import can_view_life


def life_roots_for(*, actor: Actor) -> list[Organization]:
    """The top organizations whose organizational life the actor keeps (admin: the tree's roots)."""
    scope = access.scope_for(actor)
    if scope.is_admin:
        return list(Organization.objects.get_root_nodes().filter(dissolved_on__isnull=True))
    return list(
        Organization.objects.filter(path__in=scope.manage, dissolved_on__isnull=True).order_by("path")
    )


def org_for_life(*, actor: Actor, pk: int | None = None, code: str | None = None) -> Organization:
    lookup = {"pk": pk} if pk is not None else {"code": code}
    org = Organization.objects.filter(**lookup).first()
    if org is None or not can_view_life(actor, org):
        raise NotFound()
    return org


def kinds_for(*, org: Organization) -> list[MeetingKind]:
    """Kinds usable at an organization: the built-in ones and those added by it or its ancestors."""
    ancestors = org.ancestor_paths()
    return list(
        MeetingKind.objects.filter(Q(owner__isnull=True) | Q(owner__path__in=ancestors)).order_by(
            "sort_order", "id"
        )
    )


def kind_get(*, org: Organization, pk: int) -> MeetingKind:
    kind = next((k for k in kinds_for(org=org) if k.pk == pk), None)
    if kind is None:
        raise NotFound()
    return kind
