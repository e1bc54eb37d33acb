"""Reads of suggestions (合理化建议), their likely duplicates and points, authorized for the actor."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any, cast

from django.db import connection
from django.db.models import Count, Exists, Max, OuterRef, Q, QuerySet

from qixin.core import access
from qixin.core.access import Actor
from qixin.core.errors import NotFound
from qixin.orgs.models import Organization
from qixin.people.models import Person

from ..models import (
    OPEN_STATUSES,
    DuplicateCandidate,
    DuplicateStatus,
    PointsEntry,
    Suggestion,
    SuggestionCredit,
    SuggestionStatus,
)
from ..permissions import can_review_suggestion, can_submit_suggestion, can_view_suggestion, reviews_q
from ..text import search, similarity
from ._common import _person_id


def _visible_q(actor: Actor) -> Q:
    scope = access.scope_for(actor)
    query: Any = scope.q(scope.read, "organization__path") | reviews_q(actor)
    if scope.person_id is not None and not scope.is_admin:
        query |= Q(submitter_id=scope.person_id) | Exists(
            SuggestionCredit.objects.filter(suggestion=OuterRef("pk"), person_id=scope.person_id)
        )
    return cast(Q, query)


def suggestion_list_for(*, actor: Actor) -> QuerySet[Suggestion]:
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


def suggestion_search_for(*, actor: Actor, filters: SuggestionFilters) -> QuerySet[Suggestion]:
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


def suggestions_to_review_count_for(*, actor: Actor) -> int:
    """How many suggestions wait for the actor's review: the list's 待我评审 (to_review=1)."""
    return suggestion_search_for(actor=actor, filters=SuggestionFilters(to_review=True)).count()


def my_suggestion_counts_for(*, actor: Actor, decided_since: date) -> tuple[int, int]:
    """The actor's own suggestions (those they are credited for, the list's 我的, mine=1), in one
    aggregate: how many wait for a decision, and how many were decided since `decided_since`."""
    if _person_id(actor) is None:
        return 0, 0
    counts = suggestion_search_for(actor=actor, filters=SuggestionFilters(mine=True)).aggregate(
        waiting=Count("pk", filter=Q(status__in=OPEN_STATUSES)),
        decided=Count("pk", filter=~Q(status__in=OPEN_STATUSES) & Q(decided_on__gte=decided_since)),
    )
    return counts["waiting"], counts["decided"]


def review_scope_q(actor: Actor) -> Q:
    """Suggestions the actor may review: managers of the organization and designated reviewers."""
    scope = access.scope_for(actor)
    return scope.q(scope.manage, "organization__path") | reviews_q(actor)


def suggestion_get_for(*, actor: Actor, pk: int | None = None, number: str | None = None) -> Suggestion:
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
    *,
    actor: Actor,
    text: str,
    exclude: tuple[int, ...] = (),
    limit: int = 5,
    minimum: float = similarity.HINT,
) -> list[Similar]:
    """The suggestions most similar to `text` among those the actor sees (merged duplicates left
    out), best first, each with its score."""
    return _similar(text, _visible_q(actor), exclude=exclude, limit=limit, minimum=minimum)


def suggestion_hints_for(
    *, actor: Actor, text: str, organization: Organization, limit: int = 5
) -> list[Similar]:
    """While someone writes a suggestion: similar ones already made in the same enterprise, so they
    can see the idea was had. Only number, title, status and score are shown, never who made it."""
    if not can_submit_suggestion(actor):
        return []
    root = organization.path[: organization.steplen]
    return _similar(text, Q(organization__path__startswith=root), limit=limit)


def hint_org_for(*, actor: Actor, code: str) -> Organization | None:
    """The organization whose code is being typed on the suggestion form, when the actor may see
    it: none yet (no hints) while the code is unknown or half typed."""
    org = Organization.objects.filter(code=code.strip()).first() if code.strip() else None
    return org if org is not None and access.reads_org(actor, org) else None


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


def suggestion_page_for(*, actor: Actor, pk: int) -> SuggestionPage:
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


def attachment_get_for(*, actor: Actor, suggestion_pk: int, pk: int) -> Any:
    suggestion = suggestion_get_for(actor=actor, pk=suggestion_pk)
    attachment = suggestion.attachments.filter(pk=pk).first()
    if attachment is None:
        raise NotFound()
    return attachment


def duplicate_queue_for(*, actor: Actor) -> QuerySet[DuplicateCandidate]:
    """Likely duplicates waiting for the actor's decision (in the suggestions they review)."""
    scope = review_scope_q(actor)
    reviewable = Suggestion.objects.filter(scope).values("pk")
    return (
        DuplicateCandidate.objects.filter(status=DuplicateStatus.OPEN, suggestion__in=reviewable)
        .select_related("suggestion__organization", "candidate__organization")
        .order_by("-score", "-found_at")
    )


def duplicate_get_for(*, actor: Actor, pk: int) -> DuplicateCandidate:
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


def points_of_for(*, actor: Actor, person: Person) -> PointsSummary:
    """A person's suggestion points (the person themselves, or who reads their organization)."""
    if not (access.is_self(actor, person.pk) or access.reads_org(actor, person.organization)):
        raise NotFound()
    entries = list(
        PointsEntry.objects.filter(person=person).select_related("suggestion").order_by("-awarded_on", "-id")
    )
    return PointsSummary(total=sum(e.points for e in entries), entries=entries)
