"""Rules as data. Each rule has a default from RULES.md (with its source); an organization may
override it for its subtree from a date (RuleOverride). Code asks `rulebook(org).get(key)` and never
hard-codes the number.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

from django.utils import timezone

if TYPE_CHECKING:
    from qixin.orgs.models import Organization


@dataclass(frozen=True)
class Rule:
    key: str
    label: str
    default: Any
    source: str


REGISTRY: dict[str, Rule] = {}


def define(key: str, label: str, default: Any, source: str) -> Rule:
    rule = Rule(key, label, default, source)
    REGISTRY[key] = rule
    return rule


class Rulebook:
    """The rules in force at one organization on one day: its own overrides, else its nearest
    ancestor's, else the default."""

    def __init__(self, values: dict[str, Any]) -> None:
        self._values = values

    def get(self, key: str) -> Any:
        if key in self._values:
            return self._values[key]
        return REGISTRY[key].default


def rulebooks_for(orgs: Iterable[Organization], on: date | None = None) -> dict[int, Rulebook]:
    """Rulebooks for many organizations in one query (their ancestors' overrides included)."""
    from .models import RuleOverride

    on = on or timezone.localdate()
    orgs = list(orgs)
    ancestor_paths = {path for org in orgs for path in org.ancestor_paths()}
    overrides = (
        RuleOverride.objects.filter(organization__path__in=ancestor_paths, effective_from__lte=on)
        .select_related("organization")
        .order_by("effective_from")
        .only("key", "value", "effective_from", "organization__path")
    )
    by_path: dict[str, dict[str, Any]] = {}
    for override in overrides:  # later effective dates win within one node
        by_path.setdefault(override.organization.path, {})[override.key] = override.value
    books = {}
    for org in orgs:
        values: dict[str, Any] = {}
        for i in range(org.steplen, len(org.path) + 1, org.steplen):  # root first, deepest last
            values.update(by_path.get(org.path[:i], {}))
        books[org.pk] = Rulebook(values)
    return books


def rulebook(org: Organization, on: date | None = None) -> Rulebook:
    return rulebooks_for([org], on)[org.pk]
