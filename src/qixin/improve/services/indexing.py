"""Rebuilding the full-text index of suggestions, projects and cases."""

from __future__ import annotations

from typing import Any

from ..models import ImprovementCase, Project, Suggestion
from ..text import search, similarity
from .cases import case_tokens
from .projects import project_tokens
from .suggestions import suggestion_tokens


def reindex_all() -> dict[str, int]:
    """Recompute every record's search tokens and rebuild the indexes (after a dictionary change)."""
    counts = {}
    pairs: list[tuple[Any, Any]] = [
        (Suggestion, suggestion_tokens),
        (Project, project_tokens),
        (ImprovementCase, case_tokens),
    ]
    for model, tokens in pairs:
        rows: list[Any] = list(model.objects.all())
        for row in rows:
            row.search_tokens = tokens(row)
        model.objects.bulk_update(rows, ["search_tokens"], batch_size=2000)
        search.index_rebuild(model)
        counts[model._meta.label] = len(rows)
    suggestions = list(Suggestion.objects.only("id", "title", "text"))
    for suggestion in suggestions:
        suggestion.dedup_tokens = similarity.dedup_tokens(f"{suggestion.title}。{suggestion.text}")
    Suggestion.objects.bulk_update(suggestions, ["dedup_tokens"], batch_size=2000)
    similarity.forget_indexes()
    return counts
