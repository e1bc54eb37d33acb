"""Named permissions for advocacy campaigns, composed from core.access."""

from __future__ import annotations

from rules.permissions import add_perm
from rules.predicates import predicate

from qixin.core import access
from qixin.core.access import Actor
from qixin.orgs.models import Organization
from qixin.people.models import Person

from .models import Campaign, Share


def own_org_path(user: Actor) -> str:
    """The path of the organization of the actor's own record ("" without one): every employee,
    member or not, may take part in the campaigns addressed to it."""
    person_id = access.scope_for(user).person_id
    if person_id is None:
        return ""
    path = Person.objects.filter(pk=person_id).values_list("organization__path", flat=True).first()
    return path or ""


@predicate
def can_view_campaign(user: Actor, campaign: Campaign) -> bool:
    """A campaign is seen by everyone in the subtree it addresses (and those above it)."""
    scope = access.scope_for(user)
    if access.reads_org(user, campaign.organization):
        return True
    path = campaign.organization.path
    return any(p.startswith(path) for p in scope.read) or own_org_path(user).startswith(path or "-")


@predicate
def can_manage_org(user: Actor, org: Organization) -> bool:
    return access.manages_org(user, org)


@predicate
def can_manage_campaign(user: Actor, campaign: Campaign) -> bool:
    """Change or close a campaign, add its content: who keeps the records of the organization that
    started it."""
    return access.manages_org(user, campaign.organization)


@predicate
def can_register_share(user: Actor, person: Person) -> bool:
    """A participant registers their own share; the branch may register it for them."""
    return access.is_self(user, person.pk) or access.manages_org(user, person.organization)


@predicate
def can_delete_share(user: Actor, share: Share) -> bool:
    """Delete a share registered by mistake: whoever may register it (the participant themself, or
    who keeps the records of their organization)."""
    return bool(can_register_share(user, share.person))


add_perm("advocacy.view_campaign", can_view_campaign)
add_perm("advocacy.manage_org", can_manage_org)
add_perm("advocacy.manage_campaign", can_manage_campaign)
add_perm("advocacy.register_share", can_register_share)
add_perm("advocacy.delete_share", can_delete_share)
