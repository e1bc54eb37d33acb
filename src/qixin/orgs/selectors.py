"""Every read of the organization tree, scoped to what the actor may see."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from qixin.core import access
from qixin.core.access import Actor
from qixin.core.errors import ApplicationError, NotFound

from . import health
from .models import Election, Organization, OrgEvent, OrgKind, Position


def org_list_for(
    *, actor: Actor, search: str = "", kind: str = "", include_dissolved: bool = False
) -> QuerySet[Organization]:
    orgs = Organization.objects.filter(access.org_filter(actor, "path"))
    if not include_dissolved:
        orgs = orgs.filter(dissolved_on__isnull=True)
    if kind:
        orgs = orgs.filter(kind=kind)
    if search:
        orgs = orgs.filter(Q(name__icontains=search) | Q(code__icontains=search) | Q(unit__icontains=search))
    return orgs.order_by("path")


def org_get_for(*, actor: Actor, pk: int | None = None, code: str | None = None) -> Organization:
    """Load and authorize in one step: a forbidden organization is as missing as an unknown one."""
    lookup = {"pk": pk} if pk is not None else {"code": code}
    org = Organization.objects.filter(**lookup).first()
    if org is None or not access.reads_org(actor, org):
        raise NotFound()
    return org


def org_from_input(*, actor: Actor, code: str) -> Organization:
    """The organization whose code a user typed (a form, an API body, an import row): an unknown code
    and one outside the user's reach get the same clear message, not a "page not found"."""
    try:
        return org_get_for(actor=actor, code=code.strip())
    except NotFound:
        raise ApplicationError("unknown_org", f"找不到组织编码“{code}”，或该组织不在您的范围内。") from None


def org_roots_for(*, actor: Actor) -> list[Organization]:
    """The top nodes of the tree as this actor sees it."""
    scope = access.scope_for(actor)
    if scope.is_admin:
        return list(Organization.objects.get_root_nodes().filter(dissolved_on__isnull=True))
    return list(Organization.objects.filter(path__in=scope.read).order_by("path"))


def member_counts(orgs: list[Organization]) -> dict[int, tuple[int, int]]:
    """Current (full, probationary) members in each organization's subtree, in one query."""
    from qixin.people.models import Category, Membership

    if not orgs:
        return {}
    prefix_q = Q(pk__in=[])
    for root in access.minimal_paths(o.path for o in orgs):
        prefix_q |= Q(branch__path__startswith=root)
    rows = (
        Membership.objects.filter(prefix_q, ended_on__isnull=True)
        .values("branch__path", "category")
        .annotate(n=Count("id"))
    )
    by_path = {o.path: o.pk for o in orgs}
    full: Counter[int] = Counter()
    prob: Counter[int] = Counter()
    step = Organization.steplen
    for row in rows:
        path = row["branch__path"]
        for i in range(step, len(path) + 1, step):
            pk = by_path.get(path[:i])
            if pk is not None:
                (full if row["category"] == Category.FULL else prob)[pk] += row["n"]
    return {o.pk: (full[o.pk], prob[o.pk]) for o in orgs}


@dataclass
class ChildRow:
    org: Organization
    full: int
    probationary: int

    @property
    def members(self) -> int:
        return self.full + self.probationary


def org_children_for(*, actor: Actor, org: Organization, include_dissolved: bool = False) -> list[ChildRow]:
    children = Organization.objects.filter(
        access.org_filter(actor, "path"), path__startswith=org.path, depth=org.depth + 1
    )
    if not include_dissolved:
        children = children.filter(dissolved_on__isnull=True)
    kids = list(children.order_by("path"))
    counts = member_counts(kids)
    return [ChildRow(k, *counts[k.pk]) for k in kids]


@dataclass
class OrgPage:
    org: Organization
    ancestors: list[Organization]
    children: list[ChildRow]
    full: int
    probationary: int
    employees: int
    positions: list[Position]
    last_election: Election | None
    next_election_due: date | None
    findings: list[health.Finding]
    events: list[OrgEvent]
    can_see_health: bool
    members: list[Any]  # current memberships, for a 党支部 or 党小组 (its roster at a glance)


def org_page_for(*, actor: Actor, pk: int) -> OrgPage:
    """Everything the organization page shows, in a bounded number of queries."""
    from qixin.people.models import EmploymentStatus, Person

    org = org_get_for(actor=actor, pk=pk)
    ancestors = [a for a in Organization.objects.get_ancestors(org) if access.reads_org(actor, a)]
    children = org_children_for(actor=actor, org=org)
    full, prob = member_counts([org])[org.pk]
    employees = Person.objects.filter(
        organization__path__startswith=org.path, employment_status=EmploymentStatus.ACTIVE
    ).count()
    positions = list(
        Position.objects.filter(organization=org, ended_on__isnull=True)
        .select_related("person")
        .order_by("title", "started_on")
    )
    last_election = org.elections.order_by("-held_on").first()
    from qixin.orgs.permissions import can_see_health

    sees_health = bool(can_see_health(actor, org))
    findings = health.check([org]) if sees_health and org.is_active else []
    events = list(org.events.select_related("actor")[:20])
    members: list[Any] = []
    if org.kind in (OrgKind.BRANCH, OrgKind.GROUP):
        from qixin.people.models import Membership

        members = list(
            Membership.objects.filter(Q(branch=org) | Q(party_group=org), ended_on__isnull=True)
            .select_related("person", "party_group")
            .order_by("category", "joined_on")
        )
    return OrgPage(
        org=org,
        ancestors=ancestors,
        children=children,
        full=full,
        probationary=prob,
        employees=employees,
        positions=positions,
        last_election=last_election,
        next_election_due=health.next_election_due(last_election),
        findings=findings,
        events=events,
        can_see_health=sees_health,
        members=members,
    )


def org_health_for(*, actor: Actor, org: Organization, on: date | None = None) -> list[health.Finding]:
    """Health findings for the organization's whole subtree that the actor may check."""
    from qixin.orgs.permissions import can_see_health

    if not can_see_health(actor, org):
        raise NotFound()
    orgs = list(
        Organization.objects.filter(
            access.org_filter(actor, "path"), path__startswith=org.path, dissolved_on__isnull=True
        ).order_by("path")
    )
    return health.check(orgs, on or timezone.localdate())


def branch_choices_for(*, actor: Actor) -> QuerySet[Organization]:
    return org_list_for(actor=actor, kind=OrgKind.BRANCH)


def position_get_for(*, actor: Actor, pk: int) -> Position:
    position = Position.objects.select_related("organization", "person").filter(pk=pk).first()
    if position is None or not access.reads_org(actor, position.organization):
        raise NotFound()
    return position


def orgs_existing_q(start: date, end: date) -> Q:
    """Organizations that existed at some time in [start, end)."""
    return (Q(established_on__isnull=True) | Q(established_on__lt=end)) & (
        Q(dissolved_on__isnull=True) | Q(dissolved_on__gte=start)
    )


def org_kind_counts_for(*, actor: Actor, org: Organization, on: date) -> dict[str, int]:
    """{kind: count} of the organizations in the subtree (the root included) that exist on `on`:
    established on or before it and not dissolved by then. Kinds are OrgKind values."""
    rows = (
        Organization.objects.filter(access.subtree_q(actor, org))
        .filter(orgs_existing_q(on, on + timedelta(days=1)))
        .order_by()
        .values("kind")
        .annotate(n=Count("id"))
    )
    counts = {kind: 0 for kind in OrgKind.values}
    counts.update({row["kind"]: row["n"] for row in rows})
    return counts


def org_drill_for(*, actor: Actor, org: Organization, kind: str, on: date) -> QuerySet[Organization]:
    """The organizations counted by org_kind_counts_for for one kind."""
    return (
        Organization.objects.filter(access.org_filter(actor, "path"), path__startswith=org.path, kind=kind)
        .filter(orgs_existing_q(on, on + timedelta(days=1)))
        .order_by("path")
    )


def org_children_for_report(*, actor: Actor, org: Organization) -> list[Organization]:
    """Active direct sub-organizations the actor reads (for comparisons between siblings)."""
    return list(
        Organization.objects.filter(
            access.org_filter(actor, "path"),
            path__startswith=org.path,
            depth=org.depth + 1,
            dissolved_on__isnull=True,
        ).order_by("path")
    )


def position_list_for(*, actor: Actor, org: Organization, include_ended: bool = False) -> QuerySet[Position]:
    """The posts of one organization the actor reads (current ones, or the whole history)."""
    if not access.reads_org(actor, org):
        raise NotFound()
    positions = Position.objects.filter(organization=org)
    if not include_ended:
        positions = positions.filter(ended_on__isnull=True)
    return positions.select_related("organization", "person").order_by("title", "started_on", "id")


def positions_for_export(*, actor: Actor) -> QuerySet[Position]:
    """Every post, current and past, in the organizations the actor reads (the import format's rows)."""
    return (
        Position.objects.filter(access.org_filter(actor, "organization__path"))
        .select_related("organization", "person")
        .order_by("organization__path", "title", "started_on", "id")
    )


def election_list_for(*, actor: Actor, org: Organization) -> QuerySet[Election]:
    if not access.reads_org(actor, org):
        raise NotFound()
    return Election.objects.filter(organization=org).select_related("organization").order_by("-held_on")
