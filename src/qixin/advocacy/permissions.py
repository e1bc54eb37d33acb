"""Named permissions for advocacy campaigns, composed from core.access."""

from __future__ import annotations

from typing import Any

from rules.permissions import add_perm
from rules.predicates import predicate

from qixin.core import access
from qixin.orgs.models import Organization
from qixin.people.models import Person

from .models import Campaign


@predicate
def can_view_campaign(user: Any, campaign: Campaign) -> bool:
    """A campaign is seen by everyone in the subtree it addresses (and those above it)."""
    scope = access.scope_for(user)
    if access.reads_org(user, campaign.organization):
        return True
    path = campaign.organization.path
    return any(p.startswith(path) for p in scope.read)


@predicate
def can_manage_org(user: Any, org: Organization) -> bool:
    return access.manages_org(user, org)


@predicate
def can_register_share(user: Any, person: Person) -> bool:
    """A participant registers their own share; the branch may register it for them."""
    return access.is_self(user, person.pk) or access.manages_org(user, person.organization)


add_perm("advocacy.view_campaign", can_view_campaign)
add_perm("advocacy.manage_org", can_manage_org)
add_perm("advocacy.register_share", can_register_share)
