"""Named permissions for brands, deeds, recognitions and evaluations, composed from core.access."""

from __future__ import annotations

from rules.permissions import add_perm
from rules.predicates import predicate

from qixin.core import access
from qixin.core.access import Actor
from qixin.orgs.models import Organization
from qixin.people.models import Person


@predicate
def can_view_org(user: Actor, org: Organization) -> bool:
    return access.reads_org(user, org)


@predicate
def can_manage_org(user: Actor, org: Organization) -> bool:
    """Define a brand, record recognitions, hold an evaluation: who keeps the organization's records."""
    return access.manages_org(user, org)


@predicate
def can_view_person(user: Actor, person: Person) -> bool:
    return access.is_self(user, person.pk) or access.reads_org(user, person.organization)


@predicate
def can_record_deed(user: Actor, person: Person) -> bool:
    """A deed is recorded by who keeps the member's branch records, or by the member themself."""
    return access.is_self(user, person.pk) or access.manages_org(user, person.organization)


def can_import_recognitions(user: Actor) -> bool:
    """Start a recognitions import: who keeps some organization's records."""
    return access.manages_any_org(user)


add_perm("brand.view_org", can_view_org)
add_perm("brand.manage_org", can_manage_org)
add_perm("brand.view_person", can_view_person)
add_perm("brand.record_deed", can_record_deed)
