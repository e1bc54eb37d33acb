"""Reads of innovation studios (创新工作室), authorized for the actor."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from qixin.core import access
from qixin.core.access import Actor
from qixin.core.errors import NotFound
from qixin.orgs.models import Organization
from qixin.people.models import Membership

from ..models import Award, ImprovementCase, Project, Studio, StudioMember
from ..permissions import can_manage_studio, can_view_studio
from ._common import verified_savings_of, verified_savings_subquery


def _leader_is_member(on: date, ref: str = "leader") -> Exists:
    return Exists(
        Membership.objects.filter(
            Q(ended_on__isnull=True) | Q(ended_on__gt=on), person=OuterRef(ref), joined_on__lte=on
        )
    )


def studio_list_for(*, actor: Actor) -> QuerySet[Studio]:
    scope = access.scope_for(actor)
    query: Any = scope.q(scope.read, "organization__path")
    if scope.person_id is not None and not scope.is_admin:
        query |= Q(leader_id=scope.person_id) | Exists(
            StudioMember.objects.filter(studio=OuterRef("pk"), person_id=scope.person_id)
        )
    return Studio.objects.filter(query)


def studio_search_for(
    *, actor: Actor, search_text: str = "", kind: str = "", org: Organization | None = None
) -> QuerySet[Studio]:
    """The studio list: whether the leader is a party member today, the number of members."""
    rows = studio_list_for(actor=actor)
    if search_text:
        rows = rows.filter(
            Q(name__icontains=search_text) | Q(focus__icontains=search_text) | Q(code__icontains=search_text)
        )
    if kind:
        rows = rows.filter(kind=kind)
    if org is not None:
        rows = rows.filter(organization__path__startswith=org.path)
    members = (
        StudioMember.objects.filter(studio=OuterRef("pk"))
        .order_by()
        .values("studio")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return (
        rows.select_related("organization", "leader")
        .annotate(
            leader_is_member=_leader_is_member(timezone.localdate()),
            member_count=Coalesce(Subquery(members), Value(0)),
        )
        .order_by("code")
    )


def studio_get_for(*, actor: Actor, pk: int | None = None, code: str | None = None) -> Studio:
    lookup = {"pk": pk} if pk is not None else {"code": code}
    studio = Studio.objects.select_related("organization", "leader").filter(**lookup).first()
    if studio is None or not can_view_studio(actor, studio):
        raise NotFound()
    return studio


@dataclass
class StudioPage:
    studio: Studio
    leader_is_member: bool
    members: list[StudioMember]
    projects: list[Project]
    cases: list[ImprovementCase]
    awards: list[Award]
    verified: Decimal
    can_manage: bool


def studio_page_for(*, actor: Actor, pk: int) -> StudioPage:
    """The studio and its results: its projects (with verified savings), cases and awards."""
    studio = studio_get_for(actor=actor, pk=pk)
    projects = Project.objects.filter(studio=studio)
    return StudioPage(
        studio=studio,
        leader_is_member=Membership.objects.filter(person=studio.leader, ended_on__isnull=True).exists(),
        members=list(studio.memberships.select_related("person").order_by("person__employee_no")),
        projects=list(
            projects.select_related("owner")
            .annotate(verified=verified_savings_subquery())
            .order_by("-started_on")
        ),
        cases=list(studio.cases.order_by("-year", "code")),
        awards=list(studio.awards.order_by("-awarded_on")),
        verified=verified_savings_of(projects),
        can_manage=bool(can_manage_studio(actor, studio)),
    )
