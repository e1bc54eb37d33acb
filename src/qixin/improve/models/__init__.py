"""Cost reduction and innovation (降本增效与创新): campaigns, alliances, projects with a savings
ledger, employee suggestions with review and duplicate detection, studios, improvement cases, awards.

Savings are a ledger: an entry is claimed by the project team and counts only once finance has
verified it; a verified entry is never edited, only reversed by a new (negative) entry. Savings
belong to a project, never to an alliance or a branch, so a project's savings count once however
many alliances it belongs to.
"""

from ._common import Category, category_label
from .alliances import Alliance, AllianceBranch, AllianceMember
from .awards import Award, AwardLevel
from .campaigns import Campaign
from .cases import ExcellentCase, ImprovementCase
from .designations import Designation, DesignationKind
from .projects import CLAIMABLE_STAGES, STAGE_TRANSITIONS, Project, ProjectMember, ProjectStageChange, Stage
from .savings import SavingsEntry, SavingsStatus
from .studios import Studio, StudioKind, StudioMember
from .suggestions import (
    OPEN_STATUSES,
    SUGGESTION_TRANSITIONS,
    DuplicateCandidate,
    DuplicateStatus,
    PointsEntry,
    PointsEvent,
    Source,
    Suggestion,
    SuggestionAttachment,
    SuggestionCredit,
    SuggestionEvent,
    SuggestionKind,
    SuggestionStatus,
)

__all__ = [
    "CLAIMABLE_STAGES",
    "OPEN_STATUSES",
    "STAGE_TRANSITIONS",
    "SUGGESTION_TRANSITIONS",
    "Alliance",
    "AllianceBranch",
    "AllianceMember",
    "Award",
    "AwardLevel",
    "Campaign",
    "Category",
    "Designation",
    "DesignationKind",
    "DuplicateCandidate",
    "DuplicateStatus",
    "ExcellentCase",
    "ImprovementCase",
    "PointsEntry",
    "PointsEvent",
    "Project",
    "ProjectMember",
    "ProjectStageChange",
    "SavingsEntry",
    "SavingsStatus",
    "Source",
    "Stage",
    "Studio",
    "StudioKind",
    "StudioMember",
    "Suggestion",
    "SuggestionAttachment",
    "SuggestionCredit",
    "SuggestionEvent",
    "SuggestionKind",
    "SuggestionStatus",
    "category_label",
]
