"""Reads of improvement projects (项目) and their ledgers, authorized for the actor."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet

from qixin.core import access
from qixin.core.access import Actor
from qixin.core.errors import ApplicationError, NotFound
from qixin.orgs.models import Organization

from ..models import Alliance, Campaign, Project, ProjectMember, SavingsEntry, SavingsStatus, Suggestion
from ..permissions import (
    can_claim_savings,
    can_edit_project,
    can_manage_org,
    can_verify_project_savings,
    can_view_project,
    claimed_by_someone_else,
    duties_for,
    is_on_team,
)
from ..text import search
from ._common import _person_id, verified_savings_subquery
from .alliances import alliance_get_for
from .campaigns import campaign_projects


def project_list_for(*, actor: Actor) -> QuerySet[Project]:
    """Projects of the organizations the actor reads, projects the actor works on, and (for finance
    verifiers) the projects of the organizations they verify."""
    scope = access.scope_for(actor)
    query: Any = scope.q(scope.read, "organization__path")
    for path in duties_for(actor).verifies:
        query |= Q(organization__path__startswith=path)
    if scope.person_id is not None and not scope.is_admin:
        query |= Q(owner_id=scope.person_id) | Exists(
            ProjectMember.objects.filter(project=OuterRef("pk"), person_id=scope.person_id)
        )
    return Project.objects.filter(query)


@dataclass(frozen=True)
class ProjectFilters:
    search: str = ""
    stage: str = ""
    category: str = ""
    org: Organization | None = None
    alliance: Alliance | None = None
    campaign: Campaign | None = None
    mine: bool = False
    member_owned: bool | None = None


def project_search_for(*, actor: Actor, filters: ProjectFilters) -> QuerySet[Project]:
    """The project list, with each project's verified savings; by relevance when searching."""
    rows = project_list_for(actor=actor)
    if filters.stage:
        rows = rows.filter(stage=filters.stage)
    if filters.category:
        rows = rows.filter(category=filters.category)
    if filters.org is not None:
        rows = rows.filter(organization__path__startswith=filters.org.path)
    if filters.alliance is not None:
        rows = rows.filter(alliances=filters.alliance)
    if filters.campaign is not None:
        rows = rows.filter(pk__in=campaign_projects(filters.campaign).values("pk"))
    if filters.member_owned is not None:
        rows = rows.filter(owner_is_member=filters.member_owned)
    if filters.mine:
        person_id = _person_id(actor)
        rows = rows.filter(Q(owner_id=person_id) | Q(memberships__person_id=person_id)).distinct()
    rows = rows.select_related("organization", "owner").annotate(verified=verified_savings_subquery())
    if filters.search:
        return search.by_rank(search.search(rows, filters.search), "-started_on", "-id")
    return rows.order_by("-started_on", "-id")


def project_get_for(*, actor: Actor, pk: int | None = None, code: str | None = None) -> Project:
    lookup = {"pk": pk} if pk is not None else {"code": code}
    project = (
        Project.objects.select_related("organization", "owner", "campaign", "studio").filter(**lookup).first()
    )
    if project is None or not can_view_project(actor, project):
        raise NotFound()
    return project


def project_alliances_from_input(*, actor: Actor, project: Project, codes: Sequence[str]) -> list[Alliance]:
    """The alliances whose codes a user typed when changing a project: the project's own alliances are
    found even outside the user's reach (the project page lists them); any other is one the user
    sees. An unknown code gets a clear message, not a "page not found"."""
    own = {a.code: a for a in project.alliances.all()}
    found = []
    for code in codes:
        alliance = own.get(code.strip())
        if alliance is None:
            try:
                alliance = alliance_get_for(actor=actor, code=code.strip())
            except NotFound:
                raise ApplicationError(
                    "unknown_alliance", f"找不到联盟编码“{code}”，或该联盟不在您的范围内。"
                ) from None
        found.append(alliance)
    return found


@dataclass
class Ledger:
    entries: list[SavingsEntry]
    verified: Decimal
    pending: Decimal
    rejected: Decimal


def ledger_of(project: Project) -> Ledger:
    """A project's ledger: every entry, and the totals by status (only `verified` is a result)."""
    entries = list(
        project.savings.select_related("claimed_by", "verified_by", "reverses")
        .prefetch_related("reversal")
        .order_by("occurred_on", "id")
    )
    sums: Counter[str] = Counter()
    for entry in entries:
        sums[entry.status] += entry.amount  # type: ignore[assignment]
    return Ledger(
        entries=entries,
        verified=Decimal(sums[SavingsStatus.VERIFIED]).quantize(Decimal("0.01")),
        pending=Decimal(sums[SavingsStatus.CLAIMED]).quantize(Decimal("0.01")),
        rejected=Decimal(sums[SavingsStatus.REJECTED]).quantize(Decimal("0.01")),
    )


@dataclass
class EntryRow:
    """A ledger entry with what the actor may do to it on the project's page (the services' rules)."""

    entry: SavingsEntry
    can_verify: bool  # verify or reject a claim
    can_change: bool  # edit or withdraw a claim
    can_reverse: bool


def _entry_rows(actor: Actor, project: Project, ledger: Ledger) -> list[EntryRow]:
    verifies = bool(can_verify_project_savings(actor, project))
    claims = bool(can_claim_savings(actor, project))
    rows = []
    for entry in ledger.entries:
        claimed = entry.status == SavingsStatus.CLAIMED
        verifies_it = verifies and claimed_by_someone_else(actor, entry)
        reversible = (
            entry.status == SavingsStatus.VERIFIED
            and not entry.is_reversal
            and not hasattr(entry, "reversal")
        )
        rows.append(
            EntryRow(
                entry=entry,
                can_verify=claimed and verifies_it,
                can_change=claimed and claims,
                can_reverse=reversible and verifies_it,
            )
        )
    return rows


@dataclass
class ProjectPage:
    project: Project
    team: list[ProjectMember]
    alliances: list[Alliance]
    stages: list[Any]
    ledger: Ledger
    entry_rows: list[EntryRow]
    suggestions: list[Suggestion]
    can_edit: bool
    can_claim: bool
    can_verify: bool
    is_manager: bool
    next_stages: list[str]


def project_page_for(*, actor: Actor, pk: int) -> ProjectPage:
    from ..models import STAGE_TRANSITIONS

    project = project_get_for(actor=actor, pk=pk)
    ledger = ledger_of(project)
    manager = bool(can_manage_org(actor, project.organization))
    team_ok = manager or bool(can_edit_project(actor, project)) or is_on_team(actor, project)
    next_stages = [
        to
        for (frm, to), who in STAGE_TRANSITIONS.items()
        if frm == project.stage and (manager or (who == "team" and team_ok))
    ]
    return ProjectPage(
        project=project,
        team=list(project.memberships.select_related("person").order_by("id")),
        alliances=list(project.alliances.order_by("code")),
        stages=list(project.stage_changes.select_related("actor").order_by("changed_on", "id")),
        ledger=ledger,
        entry_rows=_entry_rows(actor, project, ledger),
        suggestions=list(project.suggestions.order_by("number")),
        can_edit=bool(can_edit_project(actor, project)),
        can_claim=bool(can_claim_savings(actor, project)),
        can_verify=bool(can_verify_project_savings(actor, project)),
        is_manager=manager,
        next_stages=next_stages,
    )
