"""Reads of improvement cases (改善案例), authorized for the actor."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Exists, OuterRef, Q, QuerySet

from qixin.core import access
from qixin.core.access import Actor
from qixin.core.errors import NotFound
from qixin.orgs.models import Organization
from qixin.people.models import Person

from ..models import ExcellentCase, ImprovementCase
from ..permissions import can_manage_case, can_select_excellent, can_view_case
from ..text import search


def case_list_for(*, actor: Actor) -> QuerySet[ImprovementCase]:
    scope = access.scope_for(actor)
    query = scope.q(scope.read, "organization__path")
    if scope.person_id is not None and not scope.is_admin:
        query |= Q(lead_id=scope.person_id)
    return ImprovementCase.objects.filter(query)


def case_search_for(
    *,
    actor: Actor,
    search_text: str = "",
    year: int | None = None,
    org: Organization | None = None,
    excellent: bool = False,
    category: str = "",
) -> QuerySet[ImprovementCase]:
    rows = case_list_for(actor=actor)
    if year is not None:
        rows = rows.filter(year=year)
    if org is not None:
        rows = rows.filter(organization__path__startswith=org.path)
    if category:
        rows = rows.filter(category=category)
    if excellent:
        rows = rows.filter(Exists(ExcellentCase.objects.filter(case=OuterRef("pk"))))
    rows = rows.select_related("organization", "lead").annotate(
        is_excellent=Exists(ExcellentCase.objects.filter(case=OuterRef("pk")))
    )
    if search_text:
        return search.by_rank(search.search(rows, search_text), "-year", "code")
    return rows.order_by("-year", "code")


def case_get_for(*, actor: Actor, pk: int | None = None, code: str | None = None) -> ImprovementCase:
    lookup = {"pk": pk} if pk is not None else {"code": code}
    case = (
        ImprovementCase.objects.select_related("organization", "lead", "studio", "project", "rated_by")
        .filter(**lookup)
        .first()
    )
    if case is None or not can_view_case(actor, case):
        raise NotFound()
    return case


@dataclass
class CasePage:
    case: ImprovementCase
    team: list[Person]
    selections: list[ExcellentCase]
    can_manage: bool
    unselectable: set[int]  # the selections the actor may withdraw (can_select_excellent)


def case_page_for(*, actor: Actor, pk: int) -> CasePage:
    case = case_get_for(actor=actor, pk=pk)
    selections = list(case.selections.select_related("organization").order_by("-year", "organization__path"))
    return CasePage(
        case=case,
        team=list(case.team.order_by("employee_no")),
        selections=selections,
        can_manage=bool(can_manage_case(actor, case)),
        unselectable={s.pk for s in selections if can_select_excellent(actor, s.organization)},
    )
