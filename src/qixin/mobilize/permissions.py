"""Named permissions for teams, missions, deployments and service hours, composed from core.access."""

from __future__ import annotations

from rules.permissions import add_perm
from rules.predicates import predicate

from qixin.brand.permissions import can_record_deed
from qixin.core import access
from qixin.core.access import Actor
from qixin.orgs.models import Organization
from qixin.people.models import Person

from .models import Deployment, Mission


@predicate
def can_view_org(user: Actor, org: Organization) -> bool:
    return access.reads_org(user, org)


@predicate
def can_manage_org(user: Actor, org: Organization) -> bool:
    """Form teams and run missions: who keeps the records of the forming organization."""
    return access.manages_org(user, org)


@predicate
def can_view_mission(user: Actor, mission: Mission) -> bool:
    return access.reads_org(user, mission.organization)


@predicate
def can_view_person(user: Actor, person: Person) -> bool:
    return access.is_self(user, person.pk) or access.reads_org(user, person.organization)


@predicate
def can_manage_person(user: Actor, person: Person) -> bool:
    """Record a person's deployment or service hours: who keeps the records of their organization."""
    return access.manages_org(user, person.organization)


@predicate
def can_record_deployment_deed(user: Actor, deployment: Deployment) -> bool:
    """Turn a deployment into a deed of the person: whoever may record that person's deeds in the
    brand app (who keeps the records of their organization, or the person themself)."""
    return bool(can_record_deed(user, deployment.person))


def can_import(user: Actor) -> bool:
    """Start a teams or deployments import: who keeps some organization's records (forming a team
    and recording a deployment are theirs)."""
    return access.manages_any_org(user)


add_perm("mobilize.view_org", can_view_org)
add_perm("mobilize.manage_org", can_manage_org)
add_perm("mobilize.view_mission", can_view_mission)
add_perm("mobilize.view_person", can_view_person)
add_perm("mobilize.manage_person", can_manage_person)
add_perm("mobilize.record_deployment_deed", can_record_deployment_deed)
