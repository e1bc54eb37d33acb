"""Reads of alliances (联盟), authorized for the actor."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Subquery, Sum, Value
from django.db.models.functions import Coalesce

from qixin.core import access
from qixin.core.access import Actor
from qixin.core.errors import NotFound
from qixin.orgs.models import Organization
from qixin.orgs.selectors import org_from_input
from qixin.people.models import Person
from qixin.people.selectors import person_from_input

from ..models import Alliance, AllianceBranch, AllianceMember, Campaign, Project, SavingsEntry, SavingsStatus
from ..permissions import can_manage_alliance, can_view_alliance
from ._common import MONEY_FIELD, ZERO, _person_id, verified_savings_of, verified_savings_subquery


def alliance_list_for(*, actor: Actor) -> QuerySet[Alliance]:
    """Alliances with a branch the actor reads, or that the actor leads or belongs to now (a member
    who has left no longer sees it, as permissions.can_view_alliance says)."""
    query: Any = Exists(
        AllianceBranch.objects.filter(access.org_filter(actor, "branch__path"), alliance=OuterRef("pk"))
    )
    person_id = _person_id(actor)
    if person_id is not None:
        query = query | Exists(
            AllianceMember.objects.filter(alliance=OuterRef("pk"), person_id=person_id, left_on__isnull=True)
        )
    return Alliance.objects.filter(query)


def alliance_search_for(
    *,
    actor: Actor,
    search_text: str = "",
    campaign: Campaign | None = None,
    org: Organization | None = None,
    active_only: bool = False,
) -> QuerySet[Alliance]:
    """The alliance list: with the number of projects and their verified savings."""
    rows = alliance_list_for(actor=actor)
    if search_text:
        rows = rows.filter(
            Q(name__icontains=search_text) | Q(code__icontains=search_text) | Q(goal__icontains=search_text)
        )
    if campaign is not None:
        rows = rows.filter(campaign=campaign)
    if org is not None:
        rows = rows.filter(
            Exists(AllianceBranch.objects.filter(alliance=OuterRef("pk"), branch__path__startswith=org.path))
        )
    if active_only:
        rows = rows.filter(dissolved_on__isnull=True)
    project_count = Alliance.objects.filter(pk=OuterRef("pk")).annotate(n=Count("projects")).values("n")
    savings = (
        SavingsEntry.objects.filter(project__alliances=OuterRef("pk"), status=SavingsStatus.VERIFIED)
        .order_by()
        .values("status")
        .annotate(total=Sum("amount"))
        .values("total")
    )
    return (
        rows.select_related("lead_branch", "leader", "campaign")
        .annotate(
            project_count=Coalesce(Subquery(project_count), Value(0)),
            verified=Coalesce(
                Subquery(savings, output_field=MONEY_FIELD), Value(ZERO), output_field=MONEY_FIELD
            ),
        )
        .order_by("code")
    )


def alliance_get_for(*, actor: Actor, pk: int | None = None, code: str | None = None) -> Alliance:
    lookup = {"pk": pk} if pk is not None else {"code": code}
    alliance = Alliance.objects.select_related("lead_branch", "leader", "campaign").filter(**lookup).first()
    if alliance is None or not can_view_alliance(actor, alliance):
        raise NotFound()
    return alliance


@dataclass
class AlliancePage:
    alliance: Alliance
    branches: list[Organization]
    members: list[AllianceMember]
    projects: list[Project]
    verified: Decimal
    can_manage: bool


def alliance_page_for(*, actor: Actor, pk: int) -> AlliancePage:
    alliance = alliance_get_for(actor=actor, pk=pk)
    projects = Project.objects.filter(alliances=alliance)
    return AlliancePage(
        alliance=alliance,
        branches=list(alliance.branches.order_by("path")),
        members=list(
            alliance.memberships.filter(left_on__isnull=True)
            .select_related("person")
            .order_by("person__employee_no")
        ),
        projects=list(
            projects.select_related("owner", "organization")
            .annotate(verified=verified_savings_subquery())
            .order_by("-started_on")
        ),
        verified=verified_savings_of(projects),
        can_manage=bool(can_manage_alliance(actor, alliance)),
    )


def alliance_branches_from_input(
    *, actor: Actor, alliance: Alliance, codes: Sequence[str]
) -> list[Organization]:
    """The branches whose codes a user typed when changing an alliance. The alliance's own branches
    are shown to whoever may see it, so they are found even outside the user's reach (a secretary
    keeps the other branches of the alliance their branch leads); any other code is one the user
    reaches."""
    own = {b.code: b for b in alliance.branches.all()}
    return [own.get(code.strip()) or org_from_input(actor=actor, code=code) for code in codes]


def alliance_person_from_input(*, actor: Actor, alliance: Alliance, employee_no: str) -> Person:
    """The person whose 工号 a user typed as an alliance's leader: a current member is found even
    outside the user's reach (the alliance page lists them); anyone else is a person the user reaches."""
    membership = (
        alliance.memberships.filter(left_on__isnull=True, person__employee_no=employee_no.strip())
        .select_related("person__organization")
        .first()
    )
    if membership is not None:
        return membership.person
    return person_from_input(actor=actor, employee_no=employee_no)


def alliance_member_get_for(*, actor: Actor, alliance_pk: int, person_pk: int) -> AllianceMember:
    """A current member of an alliance the actor sees (the alliance page lists them all), with its
    alliance loaded."""
    alliance = alliance_get_for(actor=actor, pk=alliance_pk)
    membership = (
        AllianceMember.objects.filter(alliance=alliance, person_id=person_pk, left_on__isnull=True)
        .select_related("person__organization")
        .first()
    )
    if membership is None:
        raise NotFound()
    membership.alliance = alliance
    return membership
