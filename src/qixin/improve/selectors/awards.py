"""Reads of excellent-case selections and awards (奖项), authorized for the actor."""

from __future__ import annotations

from django.db.models import QuerySet

from qixin.core import access
from qixin.core.access import Actor
from qixin.core.errors import NotFound
from qixin.core.periods import Period
from qixin.orgs.models import Organization
from qixin.people.models import Person

from ..models import Award, ExcellentCase, Project, Studio
from ._common import verified_savings_subquery
from .cases import case_get_for


def excellent_selection_get_for(
    *,
    actor: Actor,
    case_pk: int,
    pk: int | None = None,
    organization: Organization | None = None,
) -> ExcellentCase:
    """A selection of a case the actor sees, by its id or by the committee that made it (a case is
    selected at most once per committee: its year is the case's), with its case loaded."""
    case = case_get_for(actor=actor, pk=case_pk)
    rows = ExcellentCase.objects.filter(case=case).select_related("organization")
    if pk is not None:
        rows = rows.filter(pk=pk)
    if organization is not None:
        rows = rows.filter(organization=organization)
    selection = rows.first()
    if selection is None:
        raise NotFound()
    selection.case = case
    return selection


def excellent_list_for(*, actor: Actor, year: int | None = None) -> QuerySet[ExcellentCase]:
    rows = ExcellentCase.objects.filter(access.org_filter(actor, "case__organization__path"))
    if year is not None:
        rows = rows.filter(year=year)
    return rows.select_related("case__organization", "case__lead", "organization").order_by(
        "-year", "case__code"
    )


def award_list_for(
    *, actor: Actor, org: Organization | None = None, period: Period | None = None
) -> QuerySet[Award]:
    """Awards of the organizations the actor reads (optionally: in a subtree, awarded in a period),
    newest first: each with name, level, achievement, awarded_on and the stated savings (Decimal)."""
    rows = Award.objects.filter(access.org_filter(actor, "organization__path"))
    if org is not None:
        rows = rows.filter(organization__path__startswith=org.path)
    if period is not None:
        rows = rows.filter(awarded_on__gte=period.start, awarded_on__lt=period.end)
    return rows.select_related("organization").order_by("-awarded_on", "name")


def award_get_for(*, actor: Actor, pk: int) -> Award:
    award = Award.objects.select_related("organization").filter(pk=pk).first()
    if award is None or not access.reads_org(actor, award.organization):
        raise NotFound()
    return award


def award_page_for(*, actor: Actor, pk: int) -> tuple[Award, list[Person], list[Studio], list[Project]]:
    award = award_get_for(actor=actor, pk=pk)
    return (
        award,
        list(award.people.order_by("employee_no")),
        list(award.studios.order_by("code")),
        list(award.projects.annotate(verified=verified_savings_subquery()).order_by("code")),
    )
