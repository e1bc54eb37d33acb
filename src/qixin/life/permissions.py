"""Named permissions of organizational life, composed from core.access predicates."""

from __future__ import annotations

from rules.permissions import add_perm
from rules.predicates import predicate

from qixin.core import access
from qixin.core.access import Actor
from qixin.orgs.models import Organization


@predicate
def can_view_life(user: Actor, org: Organization) -> bool:
    """Members read their branch's meetings; secretaries and committees their subtree's."""
    return access.reads_org(user, org)


@predicate
def can_keep_life(user: Actor, org: Organization) -> bool:
    """Plan and record meetings, set the rulebook: who keeps the organization's records."""
    return access.manages_org(user, org)


@predicate
def can_loosen_rules(user: Actor, org: Organization) -> bool:
    """Set a rule of organizational life that asks less than the superior's (RULES.md: an
    organization overrides its rulebook "where its superior allows"): who keeps the superior's
    records, or, for the top of the tree, its own. An organization's own managers may only tighten."""
    parent = Organization.objects.get_parent(org)
    return access.manages_org(user, parent if parent is not None else org)


@predicate
def can_see_compliance(user: Actor, org: Organization) -> bool:
    return access.manages_org(user, org) or (
        access.reads_org(user, org)
        and bool(access.scope_for(user).roles & {"secretary", "committee", "party_worker"})
    )


@predicate
def can_see_lapse(user: Actor, org: Organization) -> bool:
    """The members who have long not taken part in organizational life (the warning before 自行脱党):
    who keeps the branch's records, and the party workers and secretaries above it. Not committee
    members who only read, nor plain members: it names people at risk of being struck off."""
    return access.manages_org(user, org)


def sees_any_lapse(user: Actor) -> bool:
    """Whether the actor keeps any organization, so has a scope for the warning list at all."""
    scope = access.scope_for(user)
    return scope.is_admin or bool(scope.manage)


def can_import_meetings(user: Actor) -> bool:
    """Start a meetings history import: who keeps some organization's records."""
    return access.manages_any_org(user)


add_perm("life.view_life", can_view_life)
add_perm("life.keep_life", can_keep_life)
add_perm("life.view_compliance", can_see_compliance)
add_perm("life.view_lapse", can_see_lapse)
