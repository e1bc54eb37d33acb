"""Reads of the reports: every figure for a subtree and a period, the records behind one, the
dashboard, the narrative. Everything goes through the metrics registry, scoped by the actor."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from django.utils import timezone

from qixin.core import versions
from qixin.core.access import Actor
from qixin.core.errors import ApplicationError, NotFound
from qixin.core.periods import Period, add_months
from qixin.core.text import chinese_date
from qixin.orgs import selectors as org_selectors
from qixin.orgs.models import Organization

from . import (
    definitions,  # noqa: F401  (registers the metrics)
    narrative,
)
from .metrics import GROUPS, REGISTRY, SECTIONS, Drill, Metric, Scope, Value, compute_all, kept, prefetch
from .models import NarrativeTemplate

MAX_TREND_MONTHS = 36
KEY_FIGURES = [
    "members.total",
    "members.full",
    "members.probationary",
    "employees.total",
    "orgs.branch",
    "members.admitted",
]
COMPARED = ["members.total", "employees.total", "members.per_100_employees"]
TRENDS = ["members.admitted"]


def period_from(first: date | None, last: date | None) -> Period:
    """A period from inclusive dates; by default the current calendar year to date."""
    today = timezone.localdate()
    first = first or date(today.year, 1, 1)
    last = last or today
    if last < first:
        raise ApplicationError("bad_period", "结束日期不能早于开始日期。")
    return Period.inclusive(first, last)


def period_label(period: Period) -> str:
    last = period.end.toordinal() - 1
    last_day = date.fromordinal(last)
    if period.start.month == 1 and period.start.day == 1 and last_day.month == 12 and last_day.day == 31:
        if period.start.year == last_day.year:
            return f"{period.start.year}年"
        return f"{period.start.year}年至{last_day.year}年"
    return f"{chinese_date(period.start)}至{chinese_date(last_day)}"


@dataclass
class Summary:
    org: Organization
    period: Period
    values: list[Value]
    paragraphs: list[list[narrative.Segment]]

    @property
    def by_key(self) -> dict[str, Value]:
        return {v.metric.key: v for v in self.values}

    def as_json(self) -> dict[str, Any]:
        """The stable JSON of `qixin report summary` and GET /api/v1/reports/summary (docs/reports.md)."""
        last_day = date.fromordinal(self.period.end.toordinal() - 1)
        return {
            "org": {"code": self.org.code, "name": self.org.name, "kind": self.org.kind},
            "period": {"from": self.period.start.isoformat(), "to": last_day.isoformat()},
            "metrics": {
                v.metric.key: {
                    "label": v.metric.label,
                    "unit": v.metric.unit,
                    "section": v.metric.section,
                    "value": float(v.value) if isinstance(v.value, Decimal) else v.value,
                }
                for v in self.values
            },
            "narrative": narrative.plain(self.paragraphs),
        }


def template_for(org: Organization) -> str:
    """The organization's own narrative template, else its nearest ancestor's, else the default."""
    paths = org.ancestor_paths()
    own = (
        NarrativeTemplate.objects.filter(organization__path__in=paths)
        .select_related("organization")
        .order_by("-organization__depth")
        .first()
    )
    return own.text if own else narrative.default_template()


def summary_for(*, actor: Actor, org: Organization, period: Period) -> Summary:
    return _summary(Scope(actor=actor, org=org, period=period))


def _summary(scope: Scope, snapshot: versions.Snapshot | None = None) -> Summary:
    values = compute_all(scope, snapshot=snapshot)
    by_key = {v.metric.key: v for v in values}
    paragraphs = narrative.render(template_for(scope.org), by_key, scope.org.name, period_label(scope.period))
    return Summary(org=scope.org, period=scope.period, values=values, paragraphs=paragraphs)


def metric_get(key: str) -> Metric:
    metric = REGISTRY.get(key)
    if metric is None:
        raise NotFound()
    return metric


def drill_for(*, actor: Actor, org: Organization, period: Period, key: str) -> tuple[Metric, Value, Drill]:
    metric = metric_get(key)
    if metric.drill is None:
        raise NotFound()
    scope = Scope(actor=actor, org=org, period=period)
    return metric, Value(metric, metric.compute(scope)), metric.drill(scope)


@dataclass
class Dashboard:
    summary: Summary
    key_figures: list[Value]
    sections: list[tuple[str, list[Value]]]
    months: list[str]
    trends: dict[str, list[float]]
    siblings: list[Organization]
    comparison: dict[str, list[float]]
    comparison_title: str


def _months(period: Period) -> list[Period]:
    months: list[Period] = []
    start = date(period.start.year, period.start.month, 1)
    while start < period.end and len(months) < MAX_TREND_MONTHS:
        following = add_months(start, 1)
        months.append(Period(max(start, period.start), min(following, period.end)))
        start = following
    return months


def dashboard_for(*, actor: Actor, org: Organization, period: Period) -> Dashboard:
    scope = Scope(actor=actor, org=org, period=period)
    # Compare with the organizations of the same kind beside it; at the top, compare its parts.
    parent = Organization.objects.get_parent(org)
    siblings = [
        s
        for s in (org_selectors.org_children_for_report(actor=actor, org=parent) if parent else [])
        if s.kind == org.kind
    ]
    comparison_title = "同级组织比较"
    if len(siblings) < 2:
        siblings = org_selectors.org_children_for_report(actor=actor, org=org) or [org]
        comparison_title = "下级组织比较"
    compared = [Scope(actor=actor, org=s, period=period) for s in siblings]
    months = [Scope(actor=actor, org=org, period=month) for month in _months(period)]

    def series() -> tuple[dict[str, list[float]], dict[str, list[float]]]:
        # The organization's own figures come with its siblings' and its months' in grouped queries.
        prefetch([scope, *compared], COMPARED)
        prefetch([scope, *months], TRENDS)
        trends = {key: [float(REGISTRY[key].compute(month)) for month in months] for key in TRENDS}
        comparison = {key: [float(REGISTRY[key].compute(each)) for each in compared] for key in COMPARED}
        return trends, comparison

    reads = sorted({app for key in TRENDS + COMPARED for app in GROUPS[REGISTRY[key].group].reads})
    compared_pks = ",".join(str(s.pk) for s in siblings)
    snapshot = versions.snapshot()  # read once, before anything on the page is computed
    trends, comparison = kept(
        actor,
        f"dashboard-series:{org.pk}:{period.start}:{period.end}:{compared_pks}",
        reads,
        series,
        snapshot,
    )
    summary = _summary(scope, snapshot)
    by_key = summary.by_key
    sections = [(name, [v for v in summary.values if v.metric.section == name]) for name in SECTIONS]
    return Dashboard(
        summary=summary,
        key_figures=[by_key[k] for k in KEY_FIGURES if k in by_key],
        sections=[(name, values) for name, values in sections if values],
        months=[f"{m.period.start:%Y-%m}" for m in months],
        trends=trends,
        siblings=siblings,
        comparison=comparison,
        comparison_title=comparison_title,
    )


def org_for_report(*, actor: Actor, code: str | None) -> Organization:
    """The organization named by code, or the actor's topmost one."""
    if code:
        return org_selectors.org_get_for(actor=actor, code=code)
    roots = org_selectors.org_roots_for(actor=actor)
    if not roots:
        raise NotFound()
    return roots[0]
