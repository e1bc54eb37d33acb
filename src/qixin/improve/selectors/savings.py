"""Reads of savings entries, authorized for the actor."""

from __future__ import annotations

from django.db.models import Exists, OuterRef, Q, QuerySet

from qixin.core import access
from qixin.core.access import Actor
from qixin.core.errors import NotFound
from qixin.orgs.models import Organization

from ..models import ProjectMember, SavingsEntry, SavingsStatus
from ..permissions import can_view_project, duties_for
from .projects import project_list_for


def savings_entry_get_for(*, actor: Actor, pk: int) -> SavingsEntry:
    entry = (
        SavingsEntry.objects.select_related("project__organization", "project__owner").filter(pk=pk).first()
    )
    if entry is None or not can_view_project(actor, entry.project):
        raise NotFound()
    return entry


def savings_pending_for(*, actor: Actor) -> QuerySet[SavingsEntry]:
    """Claims waiting for the actor's verification: in the organizations they verify, on projects
    they are not on and that they did not claim."""
    scope = access.scope_for(actor)
    if scope.is_admin:
        query = Q()
    else:
        query = Q(pk__in=[])
        for path in duties_for(actor).verifies:
            query |= Q(project__organization__path__startswith=path)
    rows = SavingsEntry.objects.filter(query, status=SavingsStatus.CLAIMED).exclude(
        claimed_by_id=getattr(actor, "pk", None)
    )
    if scope.person_id is not None:
        rows = rows.exclude(project__owner_id=scope.person_id).exclude(
            Exists(ProjectMember.objects.filter(project=OuterRef("project"), person_id=scope.person_id))
        )
    return rows.select_related("project__organization", "project__owner", "claimed_by").order_by(
        "claimed_at", "id"
    )


def savings_list_for(
    *, actor: Actor, status: str = "", org: Organization | None = None
) -> QuerySet[SavingsEntry]:
    """Ledger entries of the projects the actor sees (for export and the finance pages)."""
    rows = SavingsEntry.objects.filter(project__in=project_list_for(actor=actor).values("pk"))
    if status:
        rows = rows.filter(status=status)
    if org is not None:
        rows = rows.filter(project__organization__path__startswith=org.path)
    return rows.select_related("project", "reverses").order_by("project__code", "occurred_on", "id")
