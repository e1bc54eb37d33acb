"""Named permissions for the organization tree, composed from core.access predicates."""

from __future__ import annotations

from rules.permissions import add_perm
from rules.predicates import predicate

from qixin.core import access
from qixin.core.access import Actor

from .models import Organization


@predicate
def can_view(user: Actor, org: Organization) -> bool:
    return access.reads_org(user, org)


@predicate
def can_manage(user: Actor, org: Organization) -> bool:
    """Keep the organization's own records: positions, elections, its details."""
    return access.manages_org(user, org)


@predicate
def can_restructure(user: Actor, org: Organization | None) -> bool:
    """Rename, move, dissolve or merge an organization: its superior's business. Creating a root
    (org None) is for administrators."""
    parent = Organization.objects.get_parent(org) if org is not None else None
    return access.is_admin(user) if parent is None else access.manages_org(user, parent)


@predicate
def can_see_health(user: Actor, org: Organization) -> bool:
    return access.manages_org(user, org) or (
        access.reads_org(user, org)
        and bool(access.scope_for(user).roles & {"secretary", "committee", "party_worker"})
    )


def can_import_orgs(user: Actor) -> bool:
    """Start an organization or positions import: who keeps some organization's records (each row
    is then checked: a new root is for administrators, a post for the organization's managers)."""
    return access.manages_any_org(user)


add_perm("orgs.view_org", can_view)
add_perm("orgs.manage_org", can_manage)
add_perm("orgs.add_child", can_manage)
add_perm("orgs.restructure_org", can_restructure)
add_perm("orgs.view_health", can_see_health)
