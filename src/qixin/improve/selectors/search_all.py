"""Search across suggestions, projects and cases."""

from __future__ import annotations

from dataclasses import dataclass

from qixin.core.access import Actor

from ..models import ImprovementCase, Project, Suggestion
from ..text import search
from .cases import case_search_for
from .projects import ProjectFilters, project_search_for
from .suggestions import SuggestionFilters, suggestion_search_for


@dataclass
class SearchResults:
    query: str
    suggestions: list[Suggestion]
    projects: list[Project]
    cases: list[ImprovementCase]
    suggestion_total: int
    project_total: int
    case_total: int


def search_all_for(*, actor: Actor, query: str, limit: int = 10) -> SearchResults:
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
