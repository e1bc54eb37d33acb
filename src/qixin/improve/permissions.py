"""Named permissions of the cost-reduction and innovation app, composed from core.access predicates.

Besides the roles of core.access, two duties are held in this app (Designation), each at an
organization and reaching its subtree: 建议评审人 (suggestion reviewer, optionally for one department)
and 财务核定人 (finance verifier of savings). A verifier never verifies savings of a project they own,
work on, or claimed themselves.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db.models import Q
from django.utils import timezone
from rules.permissions import add_perm
from rules.predicates import predicate

from qixin.core import access
from qixin.core.access import Actor
from qixin.core.models import User
from qixin.orgs.models import Organization, OrgKind

if TYPE_CHECKING:
    from .models import Alliance, Campaign, ImprovementCase, Project, SavingsEntry, Studio, Suggestion


@dataclass(frozen=True)
class Duties:
    reviews: tuple[tuple[str, str], ...] = ()  # (organization path, department or "")
    verifies: tuple[str, ...] = ()  # organization paths


NO_DUTIES = Duties()


def duties_for(user: Actor) -> Duties:
    """The actor's current designations, computed once per user object (so once per request)."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return NO_DUTIES
    cached: Duties | None = getattr(user, "_improve_duties", None)
    if cached is not None:
        return cached
    from .models import Designation, DesignationKind

    today = timezone.localdate()
    rows = Designation.objects.filter(
        Q(ends_on__isnull=True) | Q(ends_on__gte=today), user=user, starts_on__lte=today
    ).values_list("kind", "organization__path", "department")
    reviews = tuple((path, dept) for kind, path, dept in rows if kind == DesignationKind.REVIEWER)
    verifies = access.minimal_paths(path for kind, path, _ in rows if kind == DesignationKind.VERIFIER)
    duties = Duties(reviews, verifies)
    setattr(user, "_improve_duties", duties)  # noqa: B010  (cached on the object: once per request)
    return duties


def forget_duties(user: User) -> None:
    if hasattr(user, "_improve_duties"):
        del user._improve_duties


def reviews_q(user: Actor, path_field: str = "organization__path", department_field: str = "department") -> Q:
    """Suggestions the actor reviews by designation."""
    query = Q(pk__in=[])
    for path, department in duties_for(user).reviews:
        part = Q(**{f"{path_field}__startswith": path})
        if department:
            part &= Q(**{department_field: department})
        query |= part
    return query


def _person_id(user: Actor) -> int | None:
    return access.scope_for(user).person_id


# --- organizations ----------------------------------------------------------------------------------


@predicate
def can_view_org(user: Actor, org: Organization) -> bool:
    return access.reads_org(user, org)


@predicate
def can_manage_org(user: Actor, org: Organization) -> bool:
    """Keep the improvement records of an organization: its secretary, its party workers."""
    return access.manages_org(user, org)


@predicate
def can_run_campaigns(user: Actor, org: Organization) -> bool:
    """Set a campaign: the managers of a committee (党委)."""
    return org.kind == OrgKind.COMMITTEE and access.manages_org(user, org)


@predicate
def can_designate(user: Actor, org: Organization) -> bool:
    return access.manages_org(user, org)


def may_designate_anywhere(user: Actor) -> bool:
    """Whether the actor designates reviewers and verifiers somewhere (can_designate, anywhere): who
    is shown 职责指定."""
    return access.manages_any_org(user)


# --- campaigns and alliances -------------------------------------------------------------------------


@predicate
def can_view_campaign(user: Actor, campaign: Campaign) -> bool:
    return access.reads_org(user, campaign.organization)


@predicate
def can_manage_campaign(user: Actor, campaign: Campaign) -> bool:
    return access.manages_org(user, campaign.organization)


@predicate
def can_view_alliance(user: Actor, alliance: Alliance) -> bool:
    if access.reads_org(user, alliance.lead_branch):
        return True
    person_id = _person_id(user)
    if person_id is not None and (
        alliance.leader_id == person_id
        or alliance.memberships.filter(person_id=person_id, left_on__isnull=True).exists()
    ):
        return True
    return any(access.reads_org(user, branch) for branch in alliance.branches.all())


@predicate
def can_manage_alliance(user: Actor, alliance: Alliance) -> bool:
    return access.manages_org(user, alliance.lead_branch)


# --- projects and savings -----------------------------------------------------------------------------


def is_on_team(user: Actor, project: Project) -> bool:
    person_id = _person_id(user)
    if person_id is None:
        return False
    return project.owner_id == person_id or project.memberships.filter(person_id=person_id).exists()


@predicate
def can_view_project(user: Actor, project: Project) -> bool:
    return (
        access.reads_org(user, project.organization)
        or is_on_team(user, project)
        or can_verify_in(user, project)
    )


@predicate
def can_start_project_in(user: Actor, org: Organization) -> bool:
    """Register a project: the organization's managers, or a person of that organization (党员立项)."""
    if access.manages_org(user, org):
        return True
    person_id = _person_id(user)
    if person_id is None:
        return False
    from qixin.people.models import Membership, Person

    return (
        Membership.objects.filter(
            person_id=person_id, ended_on__isnull=True, branch__path__startswith=org.path
        ).exists()
        or Person.objects.filter(pk=person_id, organization__path__startswith=org.path).exists()
    )


@predicate
def can_edit_project(user: Actor, project: Project) -> bool:
    """Details and the team: the owner or the organization's managers."""
    return access.manages_org(user, project.organization) or access.is_self(user, project.owner_id)


@predicate
def can_claim_savings(user: Actor, project: Project) -> bool:
    return access.manages_org(user, project.organization) or is_on_team(user, project)


def can_verify_in(user: Actor, project: Project) -> bool:
    """A designated finance verifier of the project's organization (before the conflict check)."""
    path = project.organization.path
    return access.is_admin(user) or any(path.startswith(p) for p in duties_for(user).verifies)


@predicate
def can_verify_project_savings(user: Actor, project: Project) -> bool:
    """Verify the savings of a project at all: a finance verifier who is not on the project's team
    (each entry then also asks that they did not claim it, can_verify_savings)."""
    return can_verify_in(user, project) and not is_on_team(user, project)


def claimed_by_someone_else(user: Actor, entry: SavingsEntry) -> bool:
    """Whether the entry was claimed by another user than the actor (no one verifies their own claim)."""
    return entry.claimed_by_id != getattr(user, "pk", None)


@predicate
def can_verify_savings(user: Actor, entry: SavingsEntry) -> bool:
    """Verify, reject or reverse: a finance verifier who is neither on the project's team nor the
    person who claimed the entry."""
    return bool(can_verify_project_savings(user, entry.project)) and claimed_by_someone_else(user, entry)


def may_verify_any_savings(user: Actor) -> bool:
    """Whether the actor verifies the savings of some organization (can_verify_in, anywhere): who is
    shown 待核定."""
    return access.is_admin(user) or bool(duties_for(user).verifies)


# --- suggestions ----------------------------------------------------------------------------------------


def is_credited(user: Actor, suggestion: Suggestion) -> bool:
    person_id = _person_id(user)
    if person_id is None:
        return False
    return suggestion.submitter_id == person_id or suggestion.credits.filter(person_id=person_id).exists()


def reviews_suggestion(user: Actor, suggestion: Suggestion) -> bool:
    path = suggestion.organization.path
    return any(
        path.startswith(p) and (not dept or dept == suggestion.department)
        for p, dept in duties_for(user).reviews
    )


def may_review_any_suggestion(user: Actor) -> bool:
    """Whether the actor reviews the suggestions of some organization (can_review_suggestion,
    anywhere): who is shown 评审."""
    return access.manages_any_org(user) or bool(duties_for(user).reviews)


@predicate
def can_submit_suggestion(user: Actor) -> bool:
    """Any employee with an account (and managers entering paper suggestions on someone's behalf)."""
    scope = access.scope_for(user)
    return scope.is_admin or scope.person_id is not None or bool(scope.manage)


@predicate
def can_view_suggestion(user: Actor, suggestion: Suggestion) -> bool:
    return (
        access.reads_org(user, suggestion.organization)
        or reviews_suggestion(user, suggestion)
        or is_credited(user, suggestion)
    )


@predicate
def can_review_suggestion(user: Actor, suggestion: Suggestion) -> bool:
    return access.manages_org(user, suggestion.organization) or reviews_suggestion(user, suggestion)


# --- studios, cases, awards ---------------------------------------------------------------------------


@predicate
def can_view_studio(user: Actor, studio: Studio) -> bool:
    person_id = _person_id(user)
    return (
        access.reads_org(user, studio.organization)
        or access.is_self(user, studio.leader_id)
        or (person_id is not None and studio.memberships.filter(person_id=person_id).exists())
    )


@predicate
def can_manage_studio(user: Actor, studio: Studio) -> bool:
    return access.manages_org(user, studio.organization)


@predicate
def can_view_case(user: Actor, case: ImprovementCase) -> bool:
    return access.reads_org(user, case.organization) or access.is_self(user, case.lead_id)


@predicate
def can_manage_case(user: Actor, case: ImprovementCase) -> bool:
    return access.manages_org(user, case.organization)


@predicate
def can_select_excellent(user: Actor, org: Organization) -> bool:
    """Rate cases and make the yearly selection: the managers of a committee."""
    return org.kind == OrgKind.COMMITTEE and access.manages_org(user, org)


def can_import_as_manager(user: Actor) -> bool:
    """Start an import of alliances, studios or cases: who keeps some organization's records."""
    return access.manages_any_org(user)


def can_import_as_employee(user: Actor) -> bool:
    """Start an import of projects or savings: also an employee with a record, who may register
    projects of their organization (党员立项) and claim the savings of their projects."""
    return access.manages_any_org(user) or access.scope_for(user).person_id is not None


add_perm("improve.view_org", can_view_org)
add_perm("improve.manage_org", can_manage_org)
add_perm("improve.run_campaigns", can_run_campaigns)
add_perm("improve.designate", can_designate)
add_perm("improve.view_campaign", can_view_campaign)
add_perm("improve.manage_campaign", can_manage_campaign)
add_perm("improve.view_alliance", can_view_alliance)
add_perm("improve.manage_alliance", can_manage_alliance)
add_perm("improve.view_project", can_view_project)
add_perm("improve.start_project", can_start_project_in)
add_perm("improve.edit_project", can_edit_project)
add_perm("improve.claim_savings", can_claim_savings)
add_perm("improve.verify_project_savings", can_verify_project_savings)
add_perm("improve.verify_savings", can_verify_savings)
add_perm("improve.submit_suggestion", can_submit_suggestion)
add_perm("improve.view_suggestion", can_view_suggestion)
add_perm("improve.review_suggestion", can_review_suggestion)
add_perm("improve.view_studio", can_view_studio)
add_perm("improve.manage_studio", can_manage_studio)
add_perm("improve.view_case", can_view_case)
add_perm("improve.manage_case", can_manage_case)
add_perm("improve.select_excellent", can_select_excellent)
