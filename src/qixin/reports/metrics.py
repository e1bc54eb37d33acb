"""The metrics registry: every figure defined once, with its Chinese label, its unit, how it is
computed for a subtree and a period, and the records behind it (its drill-down).

A metric's key is part of the stable JSON of `qixin report summary` and GET /api/v1/reports/summary
(docs/reports.md); a new metric adds a key, a changed meaning is a new key.

Metrics are defined in reports/definitions/<app>.py and read the apps only through their selectors.
Each of those modules is a group (`define_group(...)`): it names the apps whose tables its metrics read, and
the group's figures for a scope are kept under those apps' data versions (qixin.core.versions), so a
figure is computed again only after a write to what it reads, or on a new day.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from decimal import Decimal
from typing import Any, TypeVar

from django.db.models import QuerySet
from django.utils import timezone

from qixin.core import versions
from qixin.core.access import Actor
from qixin.core.periods import Period
from qixin.orgs.models import Organization

Number = int | Decimal
T = TypeVar("T")


@dataclass
class Scope:
    """What a figure is computed for: an actor (whose access bounds everything), a subtree, a period."""

    actor: Actor
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
    (text, url) pair to link the record).

    Records in the database are given as a queryset and the function that makes a row of one record:
    the drill-down page counts and pages them in SQL, and searches the fields named in `search`. A
    handful of rows computed in Python (one per organization) are given as `rows`."""

    title: str
    columns: Sequence[str]
    rows: Iterable[Sequence[Any]] = ()
    records: QuerySet[Any] | None = None
    row: Callable[[Any], Sequence[Any]] | None = None
    search: Sequence[str] = ()

    def all_rows(self) -> Iterator[Sequence[Any]]:
        """Every row, as an export writes them."""
        if self.records is None or self.row is None:
            return iter(self.rows)
        return (self.row(record) for record in self.records.iterator(chunk_size=2000))


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
    ratio: bool = False  # another quotient of counts (per 100…): never summed, charted on its own axis
    group: str = ""  # the definitions module that registered it (set by register)

    @property
    def has_drill(self) -> bool:
        return self.drill is not None

    @property
    def is_quotient(self) -> bool:
        """A figure that divides counts (a percentage, a number per 100): not on a count's scale."""
        return self.percent or self.ratio


REGISTRY: dict[str, Metric] = {}
SECTIONS: list[str] = []


@dataclass(frozen=True)
class Group:
    """The metrics of one definitions module. `reads`: the apps whose tables they read (a test checks
    it against the SQL they run). `by_the_minute`: they depend on the time of day (overdue items,
    say) and are computed every time; the others are kept for the day under the versions of `reads`."""

    name: str
    reads: tuple[str, ...]
    by_the_minute: bool = False


GROUPS: dict[str, Group] = {}


def define_group(name: str, *, reads: Iterable[str], by_the_minute: bool = False) -> Group:
    """Declare a definitions module's group; call it before the module registers its metrics."""
    unknown = set(reads) - set(versions.TRACKED_APPS)
    if unknown:
        raise ValueError(f"group {name} reads apps without data versions: {sorted(unknown)}")
    GROUPS[name] = Group(name, tuple(reads), by_the_minute)
    return GROUPS[name]


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
    name = metric.compute.__module__.rsplit(".", 1)[-1]
    if name not in GROUPS:
        raise ValueError(f"metric {metric.key}: its module declares no group (metrics.define_group)")
    metric = replace(metric, group=name)
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


def kept(
    actor: Actor,
    key: str,
    reads: Iterable[str],
    compute: Callable[[], T],
    snapshot: versions.Snapshot | None = None,
) -> T:
    """compute(), or what it gave this actor today while the data versions of `reads` are unchanged."""
    pk = getattr(actor, "pk", None)
    if pk is None:
        return compute()
    where = f"reports:{key}:{pk}:{timezone.localdate()}"
    return versions.cached(snapshot or versions.snapshot(), reads, where, compute)


def compute_all(
    scope: Scope, keys: Iterable[str] | None = None, snapshot: versions.Snapshot | None = None
) -> list[Value]:
    """The metrics `keys` (by default all) for the scope; each group's figures are kept while the
    data they read is unchanged (see the module's docstring)."""
    chosen = [REGISTRY[k] for k in keys] if keys is not None else list(REGISTRY.values())
    snapshot = snapshot or versions.snapshot()
    figures: dict[str, Number] = {}
    for name in dict.fromkeys(m.group for m in chosen):
        metrics = [m for m in chosen if m.group == name]

        def compute(metrics: list[Metric] = metrics) -> dict[str, Number]:
            return {m.key: m.compute(scope) for m in metrics}

        if GROUPS[name].by_the_minute:
            figures.update(compute())
            continue
        which = hashlib.blake2b(",".join(m.key for m in metrics).encode(), digest_size=6).hexdigest()
        key = f"{name}:{which}:{scope.org.pk}:{scope.period.start}:{scope.period.end}"
        figures.update(kept(scope.actor, key, GROUPS[name].reads, compute, snapshot))
    return [Value(m, figures[m.key]) for m in chosen]
