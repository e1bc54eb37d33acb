"""The rulebook page: the rules in force at an organization and where each comes from."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from qixin.core.access import Actor
from qixin.core.errors import NotFound
from qixin.orgs.models import Organization

from .. import rulebook as rb
from ..models import MeetingKind
from ..permissions import can_view_life
from .scope import kinds_for


@dataclass
class RulebookEntry:
    kind: MeetingKind
    frequency: rb.Frequency | None
    set_at: str  # where the value in force comes from: "默认", or the organization that set it
    counts_names: list[str]


@dataclass
class RulebookPage:
    org: Organization
    entries: list[RulebookEntry]
    topics: dict[str, Any]
    others: list[tuple[str, Any, str]]  # (label, value, set at)
    overrides: list[Any]


def rulebook_page_for(*, actor: Actor, org: Organization, on: date) -> RulebookPage:
    """The rules of organizational life in force at an organization and where each comes from."""
    from qixin.core.models import RuleOverride
    from qixin.core.rules import REGISTRY, rulebook

    if not can_view_life(actor, org):
        raise NotFound()
    book = rulebook(org, on)
    ancestors = org.ancestor_paths()
    overrides = list(
        RuleOverride.objects.filter(
            organization__path__in=ancestors, key__startswith="life.", effective_from__lte=on
        )
        .select_related("organization")
        .order_by("organization__depth", "effective_from")
    )
    origin: dict[str, str] = {}
    for override in overrides:
        origin[override.key] = override.organization.name
    kinds = kinds_for(org=org)
    names = {k.code: k.name for k in kinds}
    entries = []
    for kind in kinds:
        frequency = rb.frequency_for(book, kind.code, kind.default_frequency)
        key = rb.frequency_key(kind.code)
        default_origin = "默认" if kind.owner is None else f"{kind.owner.name}（新增类型）"
        entries.append(
            RulebookEntry(
                kind,
                frequency,
                origin.get(key, default_origin),
                [names.get(c, c) for c in frequency.counts] if frequency else [],
            )
        )
    others = [
        (REGISTRY[key].label, rb.rule_text(book.get(key)), origin.get(key, "默认"))
        for key in (
            "life.election_quorum",
            "life.committee_quorum",
            "life.remind_days",
            "life.checkin_early_minutes",
            rb.LAPSE_KEY,
            rb.LAPSE_WARN_KEY,
        )
    ]
    return RulebookPage(org, entries, book.get("life.topics"), others, overrides)
