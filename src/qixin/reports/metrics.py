"""The metrics registry: every figure defined once, with its Chinese label, its unit, how it is
computed for a subtree and a period, and the records behind it (its drill-down).

A metric's key is part of the stable JSON of `qixin report summary` and GET /api/v1/reports/summary
(docs/reports.md); a new metric adds a key, a changed meaning is a new key.

Metrics are defined in reports/definitions/<app>.py and read the apps only through their selectors.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from qixin.core.periods import Period
from qixin.orgs.models import Organization

Number = int | Decimal


@dataclass
class Scope:
    """What a figure is computed for: an actor (whose access bounds everything), a subtree, a period."""

    actor: Any
    org: Organization
    period: Period
    memo: dict[str, Any] = field(default_factory=dict)

    @property
    def last_day(self) -> date:
        """Stock figures (members, organizations) are taken on the period's last day."""
        return self.period.end - timedelta(days=1)

    def shared(self, key: str, compute: Callable[[], Any]) -> Any:
        """Compute an intermediate result once for all the metrics that need it."""
        if key not in self.memo:
            self.memo[key] = compute()
        return self.memo[key]


@dataclass(frozen=True)
class Drill:
    """The records behind a figure: a title, column headers and rows (each row's first cell may be a
    (text, url) pair to link the record)."""

    title: str
    columns: Sequence[str]
    rows: Iterable[Sequence[Any]]


@dataclass(frozen=True)
class Metric:
    key: str
    label: str
    unit: str
    section: str
    compute: Callable[[Scope], Number]
    drill: Callable[[Scope], Drill] | None = None
    description: str = ""
    percent: bool = False  # a ratio in percent (Decimal), never summed

    @property
    def has_drill(self) -> bool:
        return self.drill is not None


REGISTRY: dict[str, Metric] = {}
SECTIONS: list[str] = []


@dataclass(frozen=True)
class Prefetcher:
    """Fills the shared intermediate results of many scopes at once (one grouped query instead of
    one per scope), e.g. for a comparison of sibling organizations or a trend by month. `keys` are
    the metrics it serves: it runs only for scopes that will compute one of them."""

    keys: frozenset[str]
    function: Callable[[list[Scope]], None]


PREFETCHERS: list[Prefetcher] = []


def prefetcher(*keys: str) -> Callable[[Callable[[list[Scope]], None]], Callable[[list[Scope]], None]]:
    def add(function: Callable[[list[Scope]], None]) -> Callable[[list[Scope]], None]:
        PREFETCHERS.append(Prefetcher(frozenset(keys), function))
        return function

    return add


def prefetch(scopes: list[Scope], keys: Iterable[str]) -> None:
    """Prepare `scopes` for computing the metrics `keys`."""
    wanted = set(keys)
    for each in PREFETCHERS:
        if each.keys & wanted:
            each.function(scopes)


def register(metric: Metric) -> Metric:
    if metric.key in REGISTRY:
        raise ValueError(f"metric {metric.key} defined twice")
    REGISTRY[metric.key] = metric
    if metric.section not in SECTIONS:
        SECTIONS.append(metric.section)
    return metric


def ratio(numerator: Number, denominator: Number, scale: int = 100) -> Decimal:
    """numerator / denominator × scale, to one decimal place; 0 when nothing to divide by."""
    if not denominator:
        return Decimal("0.0")
    return (Decimal(numerator) * scale / Decimal(denominator)).quantize(Decimal("0.1"))


@dataclass(frozen=True)
class Value:
    metric: Metric
    value: Number


def compute_all(scope: Scope, keys: Iterable[str] | None = None) -> list[Value]:
    chosen = [REGISTRY[k] for k in keys] if keys is not None else list(REGISTRY.values())
    return [Value(m, m.compute(scope)) for m in chosen]
