"""Every read of the cost-reduction and innovation app, scoped to what the actor may see.

The report selectors at the end (savings_verified_for, alliance_count_for, project_counts_for,
suggestion_counts_for, studio_counts_for, excellent_case_counts_for, award_list_for) are what the
reports app reads; their docstrings state the shape they return.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any, cast

from django.db import connection
from django.db.models import (
    Count,
    DecimalField,
    Exists,
    Max,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce
from django.utils import timezone

from qixin.core import access
from qixin.core.errors import ApplicationError, NotFound
from qixin.core.periods import Period
from qixin.orgs.models import Organization
from qixin.orgs.selectors import org_from_input
from qixin.people.models import Membership, Person
from qixin.people.selectors import person_from_input

from . import search, similarity
from .models import (
    OPEN_STATUSES,
    Alliance,
    AllianceBranch,
    AllianceMember,
    Award,
    Campaign,
    Designation,
    DuplicateCandidate,
    DuplicateStatus,
    ExcellentCase,
    ImprovementCase,
    PointsEntry,
    Project,
    ProjectMember,
    SavingsEntry,
    SavingsStatus,
    Stage,
    Studio,
    StudioMember,
    Suggestion,
    SuggestionCredit,
    SuggestionStatus,
)
from .permissions import (
    can_claim_savings,
    can_edit_project,
    can_manage_alliance,
    can_manage_campaign,
    can_manage_case,
    can_manage_org,
    can_manage_studio,
    can_review_suggestion,
    can_select_excellent,
    can_submit_suggestion,
    can_verify_savings,
    can_view_alliance,
    can_view_campaign,
    can_view_case,
    can_view_project,
    can_view_studio,
    can_view_suggestion,
    duties_for,
    is_on_team,
    reviews_q,
)

ZERO = Decimal("0.00")
MONEY_FIELD = DecimalField(max_digits=16, decimal_places=2)


def _person_id(actor: Any) -> int | None:
    return access.scope_for(actor).person_id


def verified_savings_subquery(project_ref: str = "pk") -> Coalesce:
    """Verified savings of the project referenced by `project_ref` (reversals included), as an
    annotation."""
    total = (
        SavingsEntry.objects.filter(project=OuterRef(project_ref), status=SavingsStatus.VERIFIED)
        .order_by()
        .values("project")
        .annotate(total=Sum("amount"))
        .values("total")
    )
    return Coalesce(Subquery(total, output_field=MONEY_FIELD), Value(ZERO), output_field=MONEY_FIELD)


def verified_savings_of(projects: QuerySet[Project]) -> Decimal:
    """The verified savings of a set of projects, each project's entries counted once however the
    set was reached (alliances, branches, campaigns)."""
    total = SavingsEntry.objects.filter(
        project__in=projects.order_by().values("pk"), status=SavingsStatus.VERIFIED
    ).aggregate(total=Sum("amount"))["total"]
    return (total or ZERO).quantize(Decimal("0.01"))


# --- campaigns ----------------------------------------------------------------------------------------


def campaign_list_for(*, actor: Any) -> QuerySet[Campaign]:
    return (
        Campaign.objects.filter(access.org_filter(actor, "organization__path"))
        .select_related("organization")
        .order_by("-starts_on", "name")
    )


def campaign_get_for(*, actor: Any, pk: int) -> Campaign:
    campaign = Campaign.objects.select_related("organization").filter(pk=pk).first()
    if campaign is None or not can_view_campaign(actor, campaign):
        raise NotFound()
    return campaign


def campaign_projects(campaign: Campaign) -> QuerySet[Project]:
    """The projects of a campaign: linked to it directly or through one of its alliances."""
    return Project.objects.filter(Q(campaign=campaign) | Q(alliances__campaign=campaign)).distinct()


@dataclass
class CampaignPage:
    campaign: Campaign
    participants: list[Organization]
    alliances: int
    projects: int
    verified: Decimal
    progress: Decimal | None  # percent of the target
    can_manage: bool


def campaign_page_for(*, actor: Any, pk: int) -> CampaignPage:
    """The campaign with its progress: savings verified within its period on its projects."""
    campaign = campaign_get_for(actor=actor, pk=pk)
    projects = campaign_projects(campaign)
    total = (
        SavingsEntry.objects.filter(
            project__in=Project.objects.filter(Q(campaign=campaign) | Q(alliances__campaign=campaign)).values(
                "pk"
            ),
            status=SavingsStatus.VERIFIED,
            verified_on__gte=campaign.starts_on,
            verified_on__lt=campaign.ends_on,
        ).aggregate(total=Sum("amount"))["total"]
        or ZERO
    )
    progress = (
        (total * 100 / campaign.savings_target).quantize(Decimal("0.1")) if campaign.savings_target else None
    )
    return CampaignPage(
        campaign=campaign,
        participants=list(campaign.participants.order_by("path")),
        alliances=campaign.alliances.count(),
        projects=projects.count(),
        verified=total,
        progress=progress,
        can_manage=bool(can_manage_campaign(actor, campaign)),
    )


# --- alliances ----------------------------------------------------------------------------------------


def alliance_list_for(*, actor: Any) -> QuerySet[Alliance]:
    """Alliances with a branch the actor reads, or that the actor leads or belongs to."""
    query: Any = Exists(
        AllianceBranch.objects.filter(access.org_filter(actor, "branch__path"), alliance=OuterRef("pk"))
    )
    person_id = _person_id(actor)
    if person_id is not None:
        query = query | Exists(AllianceMember.objects.filter(alliance=OuterRef("pk"), person_id=person_id))
    return Alliance.objects.filter(query)


def alliance_search_for(
    *,
    actor: Any,
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


def alliance_get_for(*, actor: Any, pk: int | None = None, code: str | None = None) -> Alliance:
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


def alliance_page_for(*, actor: Any, pk: int) -> AlliancePage:
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
    *, actor: Any, alliance: Alliance, codes: Sequence[str]
) -> list[Organization]:
    """The branches whose codes a user typed when changing an alliance. The alliance's own branches
    are shown to whoever may see it, so they are found even outside the user's reach (a secretary
    keeps the other branches of the alliance their branch leads); any other code is one the user
    reaches."""
    own = {b.code: b for b in alliance.branches.all()}
    return [own.get(code.strip()) or org_from_input(actor=actor, code=code) for code in codes]


def alliance_person_from_input(*, actor: Any, alliance: Alliance, employee_no: str) -> Person:
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


def alliance_member_get_for(*, actor: Any, alliance_pk: int, person_pk: int) -> AllianceMember:
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


# --- projects -----------------------------------------------------------------------------------------


def project_list_for(*, actor: Any) -> QuerySet[Project]:
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


def project_search_for(*, actor: Any, filters: ProjectFilters) -> QuerySet[Project]:
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


def project_get_for(*, actor: Any, pk: int | None = None, code: str | None = None) -> Project:
    lookup = {"pk": pk} if pk is not None else {"code": code}
    project = (
        Project.objects.select_related("organization", "owner", "campaign", "studio").filter(**lookup).first()
    )
    if project is None or not can_view_project(actor, project):
        raise NotFound()
    return project


def project_alliances_from_input(*, actor: Any, project: Project, codes: Sequence[str]) -> list[Alliance]:
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
class ProjectPage:
    project: Project
    team: list[ProjectMember]
    alliances: list[Alliance]
    stages: list[Any]
    ledger: Ledger
    suggestions: list[Suggestion]
    can_edit: bool
    can_claim: bool
    can_verify: bool
    is_manager: bool
    next_stages: list[str]


def project_page_for(*, actor: Any, pk: int) -> ProjectPage:
    from .models import STAGE_TRANSITIONS

    project = project_get_for(actor=actor, pk=pk)
    ledger = ledger_of(project)
    manager = bool(can_manage_org(actor, project.organization))
    team_ok = manager or bool(can_edit_project(actor, project)) or is_on_team(actor, project)
    next_stages = [
        to
        for (frm, to), who in STAGE_TRANSITIONS.items()
        if frm == project.stage and (manager or (who == "team" and team_ok))
    ]
    probe = SavingsEntry(project=project, claimed_by=None)
    return ProjectPage(
        project=project,
        team=list(project.memberships.select_related("person").order_by("id")),
        alliances=list(project.alliances.order_by("code")),
        stages=list(project.stage_changes.select_related("actor").order_by("changed_on", "id")),
        ledger=ledger,
        suggestions=list(project.suggestions.order_by("number")),
        can_edit=bool(can_edit_project(actor, project)),
        can_claim=bool(can_claim_savings(actor, project)),
        can_verify=bool(can_verify_savings(actor, probe)),
        is_manager=manager,
        next_stages=next_stages,
    )


def savings_entry_get_for(*, actor: Any, pk: int) -> SavingsEntry:
    entry = (
        SavingsEntry.objects.select_related("project__organization", "project__owner").filter(pk=pk).first()
    )
    if entry is None or not can_view_project(actor, entry.project):
        raise NotFound()
    return entry


def savings_pending_for(*, actor: Any) -> QuerySet[SavingsEntry]:
    """Claims waiting for the actor's verification: in the organizations they verify, on projects
    they are not on and that they did not claim."""
    scope = access.scope_for(actor)
    if scope.is_admin:
        query = Q()
    else:
        query = Q(pk__in=[])
        for path in duties_for(actor).verifies:
            query |= Q(project__organization__path__startswith=path)
    rows = SavingsEntry.objects.filter(query, status=SavingsStatus.CLAIMED).exclude(
        claimed_by_id=getattr(actor, "pk", None)
    )
    if scope.person_id is not None:
        rows = rows.exclude(project__owner_id=scope.person_id).exclude(
            Exists(ProjectMember.objects.filter(project=OuterRef("project"), person_id=scope.person_id))
        )
    return rows.select_related("project__organization", "project__owner", "claimed_by").order_by(
        "claimed_at", "id"
    )


def savings_list_for(
    *, actor: Any, status: str = "", org: Organization | None = None
) -> QuerySet[SavingsEntry]:
    """Ledger entries of the projects the actor sees (for export and the finance pages)."""
    rows = SavingsEntry.objects.filter(project__in=project_list_for(actor=actor).values("pk"))
    if status:
        rows = rows.filter(status=status)
    if org is not None:
        rows = rows.filter(project__organization__path__startswith=org.path)
    return rows.select_related("project", "reverses").order_by("project__code", "occurred_on", "id")


# --- suggestions --------------------------------------------------------------------------------------


def _visible_q(actor: Any) -> Q:
    scope = access.scope_for(actor)
    query: Any = scope.q(scope.read, "organization__path") | reviews_q(actor)
    if scope.person_id is not None and not scope.is_admin:
        query |= Q(submitter_id=scope.person_id) | Exists(
            SuggestionCredit.objects.filter(suggestion=OuterRef("pk"), person_id=scope.person_id)
        )
    return cast(Q, query)


def suggestion_list_for(*, actor: Any) -> QuerySet[Suggestion]:
    """Suggestions of the organizations the actor reads, those they review by designation, and those
    they are credited for."""
    return Suggestion.objects.filter(_visible_q(actor))


@dataclass(frozen=True)
class SuggestionFilters:
    search: str = ""
    status: str = ""
    category: str = ""
    kind: str = ""
    org: Organization | None = None
    department: str = ""
    mine: bool = False
    to_review: bool = False


def suggestion_search_for(*, actor: Any, filters: SuggestionFilters) -> QuerySet[Suggestion]:
    """The suggestion list; by relevance when searching, newest first otherwise."""
    rows = suggestion_list_for(actor=actor)
    if filters.status:
        rows = rows.filter(status=filters.status)
    if filters.category:
        rows = rows.filter(category=filters.category)
    if filters.kind:
        rows = rows.filter(kind=filters.kind)
    if filters.org is not None:
        rows = rows.filter(organization__path__startswith=filters.org.path)
    if filters.department:
        rows = rows.filter(department=filters.department)
    if filters.mine:
        rows = rows.filter(
            Exists(
                SuggestionCredit.objects.filter(suggestion=OuterRef("pk"), person_id=_person_id(actor) or 0)
            )
        )
    if filters.to_review:
        rows = rows.filter(review_scope_q(actor), status__in=OPEN_STATUSES)
    rows = rows.select_related("organization")
    if filters.search:
        return search.by_rank(search.search(rows, filters.search), "-submitted_at", "-id")
    return rows.order_by("-submitted_at", "-id")


def review_scope_q(actor: Any) -> Q:
    """Suggestions the actor may review: managers of the organization and designated reviewers."""
    scope = access.scope_for(actor)
    return scope.q(scope.manage, "organization__path") | reviews_q(actor)


def suggestion_get_for(*, actor: Any, pk: int | None = None, number: str | None = None) -> Suggestion:
    lookup = {"pk": pk} if pk is not None else {"number": number}
    suggestion = (
        Suggestion.objects.select_related("organization", "submitter", "project", "merged_into", "reviewer")
        .filter(**lookup)
        .first()
    )
    if suggestion is None or not can_view_suggestion(actor, suggestion):
        raise NotFound()
    return suggestion


@dataclass(frozen=True)
class Similar:
    """A similar suggestion and its score; `likely` when it reaches the reviewer-queue threshold."""

    suggestion: Suggestion
    score: float

    @property
    def likely(self) -> bool:
        return self.score >= similarity.LIKELY_DUPLICATE

    @property
    def percent(self) -> int:
        return round(self.score * 100)


def suggestion_index() -> similarity.SuggestionIndex:
    """The process-local similarity index, brought up to date with the database first (incrementally
    when suggestions were only added; rebuilt otherwise)."""
    index = similarity.index_for(connection.alias)
    with index.lock:
        # Suggestions are never edited nor deleted (reviewers decide, merges keep both): their count
        # and the last id say whether the index is current, from the primary key index alone.
        stats = Suggestion.objects.aggregate(n=Count("id"), last=Max("id"))
        signature = (stats["n"], stats["last"] or 0, None)
        if index.signature == signature:
            return index
        if index.signature is not None:
            new = list(
                Suggestion.objects.filter(pk__gt=index.last_id)
                .order_by("pk")
                .values_list("pk", "dedup_tokens")
            )
            if index.signature[0] + len(new) == signature[0]:
                for pk, tokens in new:
                    index.add(pk, tokens)
                index.signature = signature
                return index
        index.reset()
        for pk, tokens in (
            Suggestion.objects.order_by("pk").values_list("pk", "dedup_tokens").iterator(chunk_size=5000)
        ):
            index.add(pk, tokens)
        index.signature = signature
    return index


def _similar(
    text: str, scope: Q, *, exclude: tuple[int, ...] = (), limit: int = 5, minimum: float = similarity.HINT
) -> list[Similar]:
    if not text.strip():
        return []
    index = suggestion_index()
    query = similarity.Analysis.of_text(text)
    ids = index.candidates(query, limit=200, exclude=exclude)
    if not ids:
        return []
    rows = list(
        Suggestion.objects.filter(scope, pk__in=ids)
        .exclude(status=SuggestionStatus.MERGED)
        .select_related("organization")
        .only(
            "id",
            "number",
            "title",
            "text",
            "status",
            "submitted_at",
            "dedup_tokens",
            "organization__name",
            "organization__path",
        )
    )
    scorer = similarity.SuggestionScorer(index.frequencies)
    by_pk = {row.pk: row for row in rows}
    ranked = scorer.rank(
        query, ((row.pk, similarity.Analysis.of_tokens(row.dedup_tokens)) for row in rows), limit
    )
    return [Similar(by_pk[pk], score) for pk, score in ranked if score >= minimum]


def similar_suggestions_for(
    *, actor: Any, text: str, exclude: tuple[int, ...] = (), limit: int = 5, minimum: float = similarity.HINT
) -> list[Similar]:
    """The suggestions most similar to `text` among those the actor sees (merged duplicates left
    out), best first, each with its score."""
    return _similar(text, _visible_q(actor), exclude=exclude, limit=limit, minimum=minimum)


def suggestion_hints_for(
    *, actor: Any, text: str, organization: Organization, limit: int = 5
) -> list[Similar]:
    """While someone writes a suggestion: similar ones already made in the same enterprise, so they
    can see the idea was had. Only number, title, status and score are shown, never who made it."""
    if not can_submit_suggestion(actor):
        return []
    root = organization.path[: organization.steplen]
    return _similar(text, Q(organization__path__startswith=root), limit=limit)


def likely_duplicates_of(suggestion: Suggestion) -> list[tuple[int, float]]:
    """(id, score) of existing suggestions of the same enterprise that are likely duplicates of a new
    one (score ≥ LIKELY_DUPLICATE), best first; used when it is submitted."""
    root = suggestion.organization.path[: suggestion.organization.steplen]
    found = _similar(
        f"{suggestion.title}。{suggestion.text}",
        Q(organization__path__startswith=root) & ~Q(pk=suggestion.pk),
        exclude=(suggestion.pk,),
        limit=5,
        minimum=similarity.LIKELY_DUPLICATE,
    )
    return [(s.suggestion.pk, s.score) for s in found]


@dataclass
class SuggestionPage:
    suggestion: Suggestion
    attachments: list[Any]
    credits: list[SuggestionCredit]
    events: list[Any]
    duplicates: list[DuplicateCandidate]
    similar: list[Similar]
    merged: list[Suggestion]
    can_review: bool
    next_actions: list[str]


def suggestion_page_for(*, actor: Any, pk: int) -> SuggestionPage:
    """The suggestion with its history, credits, attachments and — for reviewers — the open likely
    duplicates and the most similar suggestions with their scores."""
    suggestion = suggestion_get_for(actor=actor, pk=pk)
    can_review = bool(can_review_suggestion(actor, suggestion))
    duplicates: list[DuplicateCandidate] = []
    similar: list[Similar] = []
    if can_review:
        duplicates = list(
            DuplicateCandidate.objects.filter(
                Q(suggestion=suggestion) | Q(candidate=suggestion), status=DuplicateStatus.OPEN
            ).select_related("suggestion", "candidate")
        )
        if suggestion.status != SuggestionStatus.MERGED:
            similar = similar_suggestions_for(
                actor=actor, text=f"{suggestion.title}。{suggestion.text}", exclude=(suggestion.pk,)
            )
    actions: list[str] = []
    if can_review:
        by_status: dict[str, list[str]] = {
            SuggestionStatus.SUBMITTED: ["review", "decide", "merge"],
            SuggestionStatus.REVIEWING: ["decide", "convert", "merge"],
            SuggestionStatus.ACCEPTED: ["implement", "convert"],
        }
        actions = by_status.get(suggestion.status, [])
    return SuggestionPage(
        suggestion=suggestion,
        attachments=list(suggestion.attachments.all()),
        credits=list(suggestion.credits.select_related("person", "via").order_by("id")),
        events=list(suggestion.events.select_related("actor").order_by("at", "id")),
        duplicates=duplicates,
        similar=similar,
        merged=list(suggestion.merged.order_by("number")),
        can_review=can_review,
        next_actions=actions,
    )


def attachment_get_for(*, actor: Any, suggestion_pk: int, pk: int) -> Any:
    suggestion = suggestion_get_for(actor=actor, pk=suggestion_pk)
    attachment = suggestion.attachments.filter(pk=pk).first()
    if attachment is None:
        raise NotFound()
    return attachment


def duplicate_queue_for(*, actor: Any) -> QuerySet[DuplicateCandidate]:
    """Likely duplicates waiting for the actor's decision (in the suggestions they review)."""
    scope = review_scope_q(actor)
    reviewable = Suggestion.objects.filter(scope).values("pk")
    return (
        DuplicateCandidate.objects.filter(status=DuplicateStatus.OPEN, suggestion__in=reviewable)
        .select_related("suggestion__organization", "candidate__organization")
        .order_by("-score", "-found_at")
    )


def duplicate_get_for(*, actor: Any, pk: int) -> DuplicateCandidate:
    candidate = (
        DuplicateCandidate.objects.select_related("suggestion__organization", "candidate")
        .filter(pk=pk)
        .first()
    )
    if candidate is None or not can_view_suggestion(actor, candidate.suggestion):
        raise NotFound()
    return candidate


@dataclass
class PointsSummary:
    total: int
    entries: list[PointsEntry]


def points_of_for(*, actor: Any, person: Person) -> PointsSummary:
    """A person's suggestion points (the person themselves, or who reads their organization)."""
    if not (access.is_self(actor, person.pk) or access.reads_org(actor, person.organization)):
        raise NotFound()
    entries = list(
        PointsEntry.objects.filter(person=person).select_related("suggestion").order_by("-awarded_on", "-id")
    )
    return PointsSummary(total=sum(e.points for e in entries), entries=entries)


def designation_list_for(*, actor: Any) -> QuerySet[Designation]:
    return (
        Designation.objects.filter(access.org_filter(actor, "organization__path", level="manage"))
        .select_related("user", "organization")
        .order_by("organization__path", "kind", "user__username")
    )


def designation_get_for(*, actor: Any, pk: int) -> Designation:
    designation = designation_list_for(actor=actor).filter(pk=pk).first()
    if designation is None:
        raise NotFound()
    return designation


# --- studios ------------------------------------------------------------------------------------------


def _leader_is_member(on: date, ref: str = "leader") -> Exists:
    return Exists(
        Membership.objects.filter(
            Q(ended_on__isnull=True) | Q(ended_on__gt=on), person=OuterRef(ref), joined_on__lte=on
        )
    )


def studio_list_for(*, actor: Any) -> QuerySet[Studio]:
    scope = access.scope_for(actor)
    query: Any = scope.q(scope.read, "organization__path")
    if scope.person_id is not None and not scope.is_admin:
        query |= Q(leader_id=scope.person_id) | Exists(
            StudioMember.objects.filter(studio=OuterRef("pk"), person_id=scope.person_id)
        )
    return Studio.objects.filter(query)


def studio_search_for(
    *, actor: Any, search_text: str = "", kind: str = "", org: Organization | None = None
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


def studio_get_for(*, actor: Any, pk: int | None = None, code: str | None = None) -> Studio:
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


def studio_page_for(*, actor: Any, pk: int) -> StudioPage:
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


# --- cases and awards ----------------------------------------------------------------------------------


def case_list_for(*, actor: Any) -> QuerySet[ImprovementCase]:
    scope = access.scope_for(actor)
    query = scope.q(scope.read, "organization__path")
    if scope.person_id is not None and not scope.is_admin:
        query |= Q(lead_id=scope.person_id)
    return ImprovementCase.objects.filter(query)


def case_search_for(
    *,
    actor: Any,
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


def case_get_for(*, actor: Any, pk: int | None = None, code: str | None = None) -> ImprovementCase:
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


def case_page_for(*, actor: Any, pk: int) -> CasePage:
    case = case_get_for(actor=actor, pk=pk)
    selections = list(case.selections.select_related("organization").order_by("-year", "organization__path"))
    return CasePage(
        case=case,
        team=list(case.team.order_by("employee_no")),
        selections=selections,
        can_manage=bool(can_manage_case(actor, case)),
        unselectable={s.pk for s in selections if can_select_excellent(actor, s.organization)},
    )


def excellent_selection_get_for(
    *,
    actor: Any,
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


def excellent_list_for(*, actor: Any, year: int | None = None) -> QuerySet[ExcellentCase]:
    rows = ExcellentCase.objects.filter(access.org_filter(actor, "case__organization__path"))
    if year is not None:
        rows = rows.filter(year=year)
    return rows.select_related("case__organization", "case__lead", "organization").order_by(
        "-year", "case__code"
    )


def award_list_for(
    *, actor: Any, org: Organization | None = None, period: Period | None = None
) -> QuerySet[Award]:
    """Awards of the organizations the actor reads (optionally: in a subtree, awarded in a period),
    newest first: each with name, level, achievement, awarded_on and the stated savings (Decimal)."""
    rows = Award.objects.filter(access.org_filter(actor, "organization__path"))
    if org is not None:
        rows = rows.filter(organization__path__startswith=org.path)
    if period is not None:
        rows = rows.filter(awarded_on__gte=period.start, awarded_on__lt=period.end)
    return rows.select_related("organization").order_by("-awarded_on", "name")


def award_get_for(*, actor: Any, pk: int) -> Award:
    award = Award.objects.select_related("organization").filter(pk=pk).first()
    if award is None or not access.reads_org(actor, award.organization):
        raise NotFound()
    return award


def award_page_for(*, actor: Any, pk: int) -> tuple[Award, list[Person], list[Studio], list[Project]]:
    award = award_get_for(actor=actor, pk=pk)
    return (
        award,
        list(award.people.order_by("employee_no")),
        list(award.studios.order_by("code")),
        list(award.projects.annotate(verified=verified_savings_subquery()).order_by("code")),
    )


# --- the overview and the reports' selectors ---------------------------------------------------------------


def savings_verified_for(*, actor: Any, org: Organization, period: Period) -> Decimal:
    """Savings verified by finance with a verification date in [period.start, period.end), on the
    projects of the organization's subtree that the actor sees. Reversals are verified entries with a
    negative amount, dated when they were made. Each entry counts once: a project belongs to one
    organization, whatever alliances it is in. Returns a Decimal in yuan with two places."""
    total = SavingsEntry.objects.filter(
        access.subtree_q(actor, org, "project__organization__path"),
        status=SavingsStatus.VERIFIED,
        verified_on__gte=period.start,
        verified_on__lt=period.end,
    ).aggregate(total=Sum("amount"))["total"]
    return (total or ZERO).quantize(Decimal("0.01"))


def savings_verified_drill_for(*, actor: Any, org: Organization, period: Period) -> QuerySet[SavingsEntry]:
    """The entries summed by savings_verified_for, with their project."""
    return (
        SavingsEntry.objects.filter(
            access.subtree_q(actor, org, "project__organization__path"),
            status=SavingsStatus.VERIFIED,
            verified_on__gte=period.start,
            verified_on__lt=period.end,
        )
        .select_related("project__organization")
        .order_by("verified_on", "id")
    )


def _alliances_in(actor: Any, org: Organization, period: Period) -> QuerySet[Alliance]:
    return Alliance.objects.filter(
        access.subtree_q(actor, org, "lead_branch__path"), founded_on__lt=period.end
    ).filter(Q(dissolved_on__isnull=True) | Q(dissolved_on__gte=period.start))


def alliance_count_for(*, actor: Any, org: Organization, period: Period) -> int:
    """Alliances led by a branch of the subtree that existed at some time in the period (founded
    before its end, not dissolved before its start). Returns an int."""
    return _alliances_in(actor, org, period).count()


def alliance_drill_for(*, actor: Any, org: Organization, period: Period) -> QuerySet[Alliance]:
    return _alliances_in(actor, org, period).select_related("lead_branch", "leader").order_by("code")


def _projects_started(actor: Any, org: Organization, period: Period) -> QuerySet[Project]:
    return Project.objects.filter(
        access.subtree_q(actor, org, "organization__path"),
        started_on__gte=period.start,
        started_on__lt=period.end,
    )


def project_counts_for(*, actor: Any, org: Organization, period: Period) -> dict[str, Any]:
    """Projects of the subtree registered (立项) in the period:
    {"total": int, "member_owned": int (owner a party member on the 立项 date: 党员立项),
     "by_stage": {stage: int for every Stage value, by the current stage}}."""
    rows = _projects_started(actor, org, period).values("stage", "owner_is_member").annotate(n=Count("id"))
    by_stage = {stage: 0 for stage in Stage.values}
    member_owned = total = 0
    for row in rows:
        by_stage[row["stage"]] += row["n"]
        total += row["n"]
        if row["owner_is_member"]:
            member_owned += row["n"]
    return {"total": total, "member_owned": member_owned, "by_stage": by_stage}


def project_drill_for(
    *, actor: Any, org: Organization, period: Period, stage: str = "", member_owned: bool | None = None
) -> QuerySet[Project]:
    rows = _projects_started(actor, org, period)
    if stage:
        rows = rows.filter(stage=stage)
    if member_owned is not None:
        rows = rows.filter(owner_is_member=member_owned)
    return rows.select_related("organization", "owner").order_by("started_on", "id")


def _suggestions_submitted(actor: Any, org: Organization, period: Period) -> QuerySet[Suggestion]:
    start = timezone.make_aware(datetime.combine(period.start, datetime.min.time()))
    end = timezone.make_aware(datetime.combine(period.end, datetime.min.time()))
    return Suggestion.objects.filter(
        access.subtree_q(actor, org, "organization__path"), submitted_at__gte=start, submitted_at__lt=end
    )


def suggestion_counts_for(*, actor: Any, org: Organization, period: Period) -> dict[str, Any]:
    """Suggestions about the subtree submitted in the period:
    {"total": int (every submission, merged duplicates included),
     "distinct": int (merged duplicates left out),
     "adopted": int (accepted, implemented or turned into a project),
     "by_status": {status: int for every SuggestionStatus value, by the current status}}."""
    rows = _suggestions_submitted(actor, org, period).values("status").annotate(n=Count("id"))
    by_status = {status: 0 for status in SuggestionStatus.values}
    for row in rows:
        by_status[row["status"]] = row["n"]
    total = sum(by_status.values())
    adopted = sum(
        by_status[s]
        for s in (SuggestionStatus.ACCEPTED, SuggestionStatus.IMPLEMENTED, SuggestionStatus.CONVERTED)
    )
    return {
        "total": total,
        "distinct": total - by_status[SuggestionStatus.MERGED],
        "adopted": adopted,
        "by_status": by_status,
    }


def suggestion_drill_for(
    *, actor: Any, org: Organization, period: Period, status: str = ""
) -> QuerySet[Suggestion]:
    rows = _suggestions_submitted(actor, org, period)
    if status:
        rows = rows.filter(status=status)
    return rows.select_related("organization").order_by("submitted_at", "id")


def _studios_on(actor: Any, org: Organization, on: date) -> QuerySet[Studio]:
    return Studio.objects.filter(
        access.subtree_q(actor, org, "organization__path"), founded_on__lte=on
    ).filter(Q(closed_on__isnull=True) | Q(closed_on__gt=on))


def studio_counts_for(*, actor: Any, org: Organization, on: date) -> dict[str, Any]:
    """Studios of the subtree existing on `on`:
    {"total": int, "led_by_members": int (leader a party member on `on`, per the registry),
     "share_led_by_members": Decimal percent with one place, or None when there is no studio,
     "by_kind": {kind: int for every StudioKind value}}."""
    from .models import StudioKind

    rows = (
        _studios_on(actor, org, on)
        .annotate(member=_leader_is_member(on))
        .values("kind", "member")
        .annotate(n=Count("id"))
    )
    by_kind = {kind: 0 for kind in StudioKind.values}
    led = total = 0
    for row in rows:
        by_kind[row["kind"]] += row["n"]
        total += row["n"]
        led += row["n"] if row["member"] else 0
    share = (Decimal(led) * 100 / total).quantize(Decimal("0.1")) if total else None
    return {"total": total, "led_by_members": led, "share_led_by_members": share, "by_kind": by_kind}


def studio_drill_for(
    *, actor: Any, org: Organization, on: date, led_by_members: bool | None = None
) -> QuerySet[Studio]:
    rows = _studios_on(actor, org, on).annotate(leader_is_member=_leader_is_member(on))
    if led_by_members is not None:
        rows = rows.filter(leader_is_member=led_by_members)
    return rows.select_related("organization", "leader").order_by("code")


def excellent_case_counts_for(*, actor: Any, org: Organization, year: int) -> dict[str, int]:
    """Excellent cases of `year` selected by the subtree's committees, of cases in the subtree:
    {"total": int (distinct cases), "led_by_members": int (lead a party member when completed:
    党员主导)}."""
    cases = ImprovementCase.objects.filter(
        access.subtree_q(actor, org, "organization__path"),
        Exists(
            ExcellentCase.objects.filter(
                case=OuterRef("pk"), year=year, organization__path__startswith=org.path[: org.steplen]
            )
        ),
    )
    row = cases.aggregate(total=Count("id"), led=Count("id", filter=Q(lead_is_member=True)))
    return {"total": row["total"], "led_by_members": row["led"]}


def excellent_case_drill_for(*, actor: Any, org: Organization, year: int) -> QuerySet[ImprovementCase]:
    return (
        ImprovementCase.objects.filter(
            access.subtree_q(actor, org, "organization__path"),
            Exists(ExcellentCase.objects.filter(case=OuterRef("pk"), year=year)),
        )
        .select_related("organization", "lead")
        .order_by("code")
    )


@dataclass
class Overview:
    """The app's home page: the figures of the actor's subtree for the year, and their to-dos."""

    org: Organization | None
    period: Period
    campaigns: list[Campaign]
    savings: Decimal
    alliances: int
    projects: dict[str, Any]
    suggestions: dict[str, Any]
    studios: dict[str, Any]
    excellent: dict[str, int]
    to_review: int
    duplicates: int
    to_verify: int
    my_points: int
    extra: dict[str, Any] = field(default_factory=dict)


def overview_for(*, actor: Any, org: Organization | None, period: Period) -> Overview:
    person_id = _person_id(actor)
    my_points = (
        PointsEntry.objects.filter(person_id=person_id).aggregate(n=Sum("points"))["n"] or 0
        if person_id
        else 0
    )
    to_review = Suggestion.objects.filter(review_scope_q(actor), status__in=OPEN_STATUSES).count()
    duplicates = duplicate_queue_for(actor=actor).count()
    to_verify = (
        savings_pending_for(actor=actor).count()
        if (duties_for(actor).verifies or access.is_admin(actor))
        else 0
    )
    if org is None:
        empty: dict[str, Any] = {}
        return Overview(
            None,
            period,
            [],
            ZERO,
            0,
            empty,
            empty,
            empty,
            {"total": 0, "led_by_members": 0},
            to_review,
            duplicates,
            to_verify,
            my_points,
        )
    last = period.end - timedelta(days=1)
    return Overview(
        org=org,
        period=period,
        campaigns=list(
            campaign_list_for(actor=actor).filter(ends_on__gt=period.start, starts_on__lt=period.end)[:5]
        ),
        savings=savings_verified_for(actor=actor, org=org, period=period),
        alliances=alliance_count_for(actor=actor, org=org, period=period),
        projects=project_counts_for(actor=actor, org=org, period=period),
        suggestions=suggestion_counts_for(actor=actor, org=org, period=period),
        studios=studio_counts_for(actor=actor, org=org, on=last),
        excellent=excellent_case_counts_for(actor=actor, org=org, year=last.year),
        to_review=to_review,
        duplicates=duplicates,
        to_verify=to_verify,
        my_points=my_points,
    )


# --- search across kinds -------------------------------------------------------------------------------


@dataclass
class SearchResults:
    query: str
    suggestions: list[Suggestion]
    projects: list[Project]
    cases: list[ImprovementCase]
    suggestion_total: int
    project_total: int
    case_total: int


def search_all_for(*, actor: Any, query: str, limit: int = 10) -> SearchResults:
    """The best matches of a query among the suggestions, projects and cases the actor sees."""
    suggestions = suggestion_search_for(actor=actor, filters=SuggestionFilters(search=query))
    projects = project_search_for(actor=actor, filters=ProjectFilters(search=query))
    cases = case_search_for(actor=actor, search_text=query)
    if not query.strip() or not search.query_terms(query):
        return SearchResults(query, [], [], [], 0, 0, 0)
    return SearchResults(
        query=query,
        suggestions=list(suggestions[:limit]),
        projects=list(projects[:limit]),
        cases=list(cases[:limit]),
        suggestion_total=suggestions.count(),
        project_total=projects.count(),
        case_total=cases.count(),
    )
