"""Named permissions for the people registry, composed from core.access predicates."""

from __future__ import annotations

from rules.permissions import add_perm
from rules.predicates import predicate

from qixin.core import access
from qixin.core.access import Actor
from qixin.orgs.models import Organization

from .models import Person


@predicate
def can_view(user: Actor, person: Person) -> bool:
    return access.is_self(user, person.pk) or access.reads_org(user, person.organization)


@predicate
def can_view_sensitive(user: Actor, person: Person) -> bool:
    """身份证号, 手机, 家庭住址 in clear: the person, or who keeps the records of their organization."""
    return access.is_self(user, person.pk) or access.sees_sensitive_in(user, person.organization)


@predicate
def can_manage(user: Actor, person: Person) -> bool:
    return access.manages_org(user, person.organization)


@predicate
def can_add_to(user: Actor, org: Organization) -> bool:
    return access.manages_org(user, org)


def can_export_in_clear(user: Actor) -> bool:
    """Be offered a roster export with 身份证号, 手机, 家庭住址 in clear (with a reason, audited); each
    row is in clear only where can_view_sensitive allows, masked elsewhere."""
    return access.sees_sensitive_anywhere(user)


def can_import_roster(user: Actor) -> bool:
    """Start a roster import: who keeps some organization's records (rows outside it are refused)."""
    return access.manages_any_org(user)


add_perm("people.view_person", can_view)
add_perm("people.view_sensitive", can_view_sensitive)
add_perm("people.manage_person", can_manage)
add_perm("people.add_person", can_add_to)
