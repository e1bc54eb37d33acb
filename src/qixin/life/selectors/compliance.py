"""Compliance: each organization's meetings against the rules in force, window by window."""

from __future__ import annotations

import gc
import json
from bisect import bisect_left
from collections import Counter, defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.db import connections
from django.db.models import CharField, Count, Q, QuerySet
from django.db.models.functions import Cast
from django.utils import timezone

from qixin.core import access
from qixin.core.access import Actor
from qixin.core.errors import NotFound
from qixin.core.periods import Period, add_months
from qixin.core.rules import Rulebook, rulebooks_for
from qixin.orgs.models import Organization, OrgKind, Position, PositionTitle
from qixin.orgs.selectors import orgs_existing_q

from .. import rulebook as rb
from ..models import Campaign, Meeting, MeetingKind, MeetingStatus, Resolution
from ..permissions import can_see_compliance

# A resolution still to be carried out: neither withdrawn itself nor of a meeting whose record was
# withdrawn (a withdrawn record is kept but counts nowhere).
OPEN_RESOLUTION = Q(withdrawn_at__isnull=True, meeting__status=MeetingStatus.HELD)


@dataclass(slots=True)
class WindowStatus:
    window: rb.Window
    held: int
    needed: int
    state: str  # "met", "behind", "open", "future"

    @property
    def missing(self) -> int:
        return max(self.needed - self.held, 0)


def window_totals(windows: list[WindowStatus]) -> tuple[int, int, WindowStatus | None]:
    """(required, met, the open window) over windows whose deadline passed or that are done."""
    counted = [w for w in windows if w.state in ("met", "behind")]
    required = sum(w.needed for w in counted)
    met = sum(min(w.held, w.needed) for w in counted)
    return required, met, next((w for w in windows if w.state == "open"), None)


class RuleStatus:
    """One rule at one organization: its windows and the totals over those whose deadline passed
    (computed once: the compliance table reads them many times)."""

    __slots__ = (
        "behind",
        "frequency",
        "kind",
        "last_held",
        "met",
        "open_window",
        "remaining",
        "required",
        "windows",
    )

    def __init__(
        self,
        kind: MeetingKind,
        frequency: rb.Frequency,
        windows: list[WindowStatus],
        last_held: date | None,
        totals: tuple[int, int, WindowStatus | None] | None = None,
    ) -> None:
        self.kind = kind
        self.frequency = frequency
        self.windows = windows
        self.last_held = last_held
        self.required, self.met, self.open_window = totals or window_totals(windows)
        self.behind = self.required - self.met
        self.remaining = self.open_window.missing if self.open_window else 0

    @property
    def rule_key(self) -> str:
        return rb.frequency_key(self.kind.code)


@dataclass
class CampaignStatus:
    campaign: Campaign
    held: int

    @property
    def required(self) -> int:
        return self.campaign.required_sessions

    @property
    def behind(self) -> int:
        return max(self.required - self.held, 0)


@dataclass
class OrgCompliance:
    org: Organization
    parent_name: str
    rules: list[RuleStatus] = field(default_factory=list)
    present: int = 0
    should_attend: int = 0
    meetings_held: int = 0
    topic_list: str = ""
    topics_missing: list[str] = field(default_factory=list)
    resolutions_overdue: int = 0
    campaigns: list[CampaignStatus] = field(default_factory=list)

    @property
    def required(self) -> int:
        return sum(r.required for r in self.rules)

    @property
    def met(self) -> int:
        return sum(r.met for r in self.rules)

    @property
    def behind(self) -> int:
        return sum(r.behind for r in self.rules)

    @property
    def behind_rules(self) -> list[RuleStatus]:
        return [r for r in self.rules if r.behind]

    @property
    def campaigns_behind(self) -> int:
        return sum(c.behind for c in self.campaigns)

    @property
    def compliant(self) -> bool:
        return self.behind == 0

    @property
    def attendance_rate(self) -> float | None:
        return self.present / self.should_attend if self.should_attend else None

    def rule(self, kind_code: str) -> RuleStatus | None:
        return next((r for r in self.rules if r.kind.code == kind_code), None)


@dataclass(frozen=True)
class ChildSummary:
    """A direct sub-organization (such as a department's committee): its rows and how many are behind."""

    org: Organization
    rows: int
    behind: int


@dataclass
class Compliance:
    org: Organization
    period: Period
    today: date
    rows: list[OrgCompliance]
    kinds: list[MeetingKind]
    children: list[ChildSummary] = field(default_factory=list)

    @property
    def behind_rows(self) -> list[OrgCompliance]:
        return [r for r in self.rows if not r.compliant]

    @property
    def required(self) -> int:
        return sum(r.required for r in self.rows)

    @property
    def met(self) -> int:
        return sum(r.met for r in self.rows)

    @property
    def present(self) -> int:
        return sum(r.present for r in self.rows)

    @property
    def should_attend(self) -> int:
        return sum(r.should_attend for r in self.rows)

    @property
    def kind_columns(self) -> list[MeetingKind]:
        """Kinds with a requirement somewhere in the subtree, in the rulebook's order."""
        used = {r.kind.pk for row in self.rows for r in row.rules}
        return [k for k in self.kinds if k.pk in used]


def _raw_rows(queryset: QuerySet[Any]) -> list[tuple[Any, ...]]:
    """Rows straight from the cursor, without a converter call per value: compliance reads one row
    per meeting of hundreds of branches, and the converters were most of its time."""
    sql, params = queryset.query.sql_with_params()
    with connections[queryset.db].cursor() as cursor:
        cursor.execute(sql, params)
        rows: list[tuple[Any, ...]] = cursor.fetchall()
        return rows


def _existed_through(org: Organization, window: rb.Window) -> bool:
    """A window is required only when the organization existed for all of it: a branch founded or
    dissolved within a month owes nothing for that month."""
    started = org.established_on is None or org.established_on <= window.start
    lasted = org.dissolved_on is None or org.dissolved_on >= window.deadline
    return started and lasted


@contextmanager
def _collector_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector while compliance builds its rows. The rows live only as
    long as the request, but collections during the build promote them to the oldest generation and
    soon trigger a full collection of the whole process (~100 ms at the article's scale); reference
    counting frees them all the same."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def compliance_for(
    *, actor: Actor, org: Organization, period: Period, today: date | None = None, behind_only: bool = False
) -> Compliance:
    """For each organization of the subtree that a rule applies to: each rule's windows whose deadline
    falls in the period (met, behind by how many, open, not yet begun), attendance, topics not covered,
    resolutions overdue and education campaigns. A fixed number of queries."""
    with _collector_paused():
        return _compliance(actor=actor, org=org, period=period, today=today, behind_only=behind_only)


def _compliance(
    *, actor: Actor, org: Organization, period: Period, today: date | None, behind_only: bool
) -> Compliance:
    """The work of compliance_for (with the collector paused)."""
    today = today or timezone.localdate()
    if not can_see_compliance(actor, org):
        raise NotFound()
    orgs = _subtree_orgs(actor, org, period)
    by_path = {o.path: o for o in orgs}
    on = min(today, period.end)
    books: dict[int, Rulebook] = rulebooks_for(orgs, on) if orgs else {}
    ancestors = org.ancestor_paths()
    kinds = _kinds_in_reach(org, ancestors)
    with_committee = _orgs_with_committee(org)
    campaigns = _campaigns_in(org, ancestors, period)
    span_start = rb.window_containing(period.start, "year").start
    if campaigns:
        span_start = min(span_start, *(c.starts_on for c in campaigns))
    windows = _Windows(period, kinds)
    branch_of, topic_window = _topic_windows(orgs, by_path, books, windows, today)
    held = _held_meetings(actor, org, period, span_start, branch_of, topic_window)
    facts = _Facts(
        today=today,
        span_start=span_start,
        kinds=kinds,
        with_committee=with_committee,
        campaigns=campaigns,
        by_path=by_path,
        books=books,
        windows=windows,
        held=held,
        topic_window=topic_window,
        overdue=_overdue_resolutions(actor, org, today),
    )
    rows = [row for row in (_org_row(facts, o) for o in orgs) if row.rules or row.campaigns]
    children = _child_summaries(org, orgs, rows)
    if behind_only:
        rows = [r for r in rows if not r.compliant]
    return Compliance(org=org, period=period, today=today, rows=rows, kinds=kinds, children=children)


def _subtree_orgs(actor: Actor, org: Organization, period: Period) -> list[Organization]:
    """The organizations of the subtree the actor reaches that existed in the period, in tree order."""
    return list(
        Organization.objects.filter(access.subtree_q(actor, org))
        .filter(orgs_existing_q(period.start, period.end))
        .only("id", "path", "depth", "numchild", "name", "code", "kind", "established_on", "dissolved_on")
        .order_by("path")
    )


def _kinds_in_reach(org: Organization, ancestors: list[str]) -> list[MeetingKind]:
    """The kinds of meeting that count in the subtree: built-in, or defined above or within it."""
    return list(
        MeetingKind.objects.filter(
            Q(owner__isnull=True) | Q(owner__path__in=ancestors) | Q(owner__path__startswith=org.path)
        )
        .select_related("owner")
        .order_by("sort_order", "id")
    )


def _orgs_with_committee(org: Organization) -> set[int]:
    """The organizations of the subtree with a committee member in post (some rules apply only there)."""
    return set(
        Position.objects.filter(
            organization__path__startswith=org.path,
            ended_on__isnull=True,
            title__in=[
                PositionTitle.ORGANIZATION,
                PositionTitle.PUBLICITY,
                PositionTitle.DISCIPLINE,
                PositionTitle.COMMITTEE_MEMBER,
            ],
        )
        .order_by()
        .values_list("organization_id", flat=True)
        .distinct()
    )


def _campaigns_in(org: Organization, ancestors: list[str], period: Period) -> list[Campaign]:
    """The education campaigns above or within the subtree that overlap the period."""
    return list(
        Campaign.objects.filter(
            Q(organization__path__in=ancestors) | Q(organization__path__startswith=org.path),
            starts_on__lt=period.end,
            ends_on__gte=period.start,
        )
        .select_related("organization")
        .order_by("starts_on", "id")
    )


class _Windows:
    """The period's windows per frequency and each rule value parsed, each computed once (most
    organizations share their values)."""

    def __init__(self, period: Period, kinds: list[MeetingKind]) -> None:
        self.period = period
        self.keys = {k.code: rb.frequency_key(k.code) for k in kinds}
        self.windows_cache: dict[str, list[rb.Window]] = {}
        self.months_cache: dict[str, list[list[str]]] = {}
        self.parsed: dict[tuple[str, int], rb.Frequency | None] = {}

    def frequency(self, book: Rulebook, kind: MeetingKind) -> rb.Frequency | None:
        """Parse each distinct rule value once."""
        try:
            value = book.get(self.keys[kind.code])
        except KeyError:
            value = kind.default_frequency
        key = (kind.code, id(value))
        if key not in self.parsed:
            self.parsed[key] = rb.parse_frequency(kind.code, value)
        return self.parsed[key]

    def windows(self, every: str) -> list[rb.Window]:
        if every not in self.windows_cache:
            self.windows_cache[every] = rb.windows_with_deadline_in(self.period.start, self.period.end, every)
        return self.windows_cache[every]

    def months(self, every: str) -> list[list[str]]:
        """Each window's months as "YYYY-MM" (the keys meetings are counted under)."""
        if every not in self.months_cache:
            self.months_cache[every] = [
                [f"{add_months(w.start, i):%Y-%m}" for i in range(rb.EVERY_MONTHS[every])]
                for w in self.windows(every)
            ]
        return self.months_cache[every]


def _topic_windows(
    orgs: list[Organization],
    by_path: dict[str, Organization],
    books: dict[int, Rulebook],
    windows: _Windows,
    today: date,
) -> tuple[dict[int, int], dict[int, rb.Window]]:
    """({organization id: its branch's id}, {branch id: its current topic window}).

    Topics count where they were covered: in the branch itself or one of its party groups, within
    the branch's current topic window (kept as one set per branch, not a record per meeting)."""
    branch_of: dict[int, int] = {}
    topic_window: dict[int, rb.Window] = {}
    for o in orgs:
        parent = by_path.get(o.path[: -o.steplen]) if o.kind == OrgKind.GROUP else None
        branch_of[o.id] = parent.id if parent is not None else o.id
        if o.kind == OrgKind.BRANCH:
            every = books[o.id].get("life.topics").get("every", "year")
            started = [w for w in windows.windows(every) if w.start <= today]
            if started:
                topic_window[o.id] = started[-1]
    return branch_of, topic_window


@dataclass(slots=True)
class _HeldMeetings:
    """The subtree's held meetings, counted: per (organization, kind, month), the latest day per
    (organization, kind), sessions per (organization, campaign), attendance per organization
    ([present, should attend, meetings held] in the period) and the topics covered per branch."""

    per_month: Counter[tuple[int, int, str]]
    last_day: dict[tuple[int, int], str]
    sessions: Counter[tuple[int, int]]
    attendance: dict[int, list[int]]
    covered: dict[int, set[str]]


def _held_meetings(
    actor: Actor,
    org: Organization,
    period: Period,
    span_start: date,
    branch_of: dict[int, int],
    topic_window: dict[int, rb.Window],
) -> _HeldMeetings:
    """One row per held meeting of the subtree in the span (who, what, when, which topics, attendance),
    in the order held, taken apart into columns: the counting below is done by Counter and zip in
    C, not by a Python statement per meeting. Days stay ISO text (it sorts as the dates do);
    meetings are counted per organization, kind and month ("YYYY-MM"), the unit every frequency
    window is made of."""
    meeting_rows = (
        Meeting.objects.filter(
            access.subtree_q(actor, org, "organization__path"),
            status=MeetingStatus.HELD,
            held_on__gte=span_start,
            held_on__lt=period.end,
        )
        .order_by("held_on")
        .annotate(day=Cast("held_on", CharField()))  # text: no date converter call per row
        .values_list(
            "organization_id", "kind_id", "day", "topics", "campaign_id", "present_count", "should_attend"
        )
    )
    columns = list(zip(*_raw_rows(meeting_rows), strict=True)) or [()] * 7
    org_ids, kind_ids, days, topic_lists, campaign_ids, present, should = columns
    days = tuple(str(day)[:10] for day in days)
    per_month = Counter(zip(org_ids, kind_ids, [day[:7] for day in days], strict=True))
    last_day = dict(zip(zip(org_ids, kind_ids, strict=True), days, strict=True))  # the latest wins
    sessions = Counter((o, c) for o, c in zip(org_ids, campaign_ids, strict=True) if c)
    # Attendance counts the meetings of the period itself (the span may begin earlier).
    first = bisect_left(days, period.start.isoformat())
    held_in_period = Counter(org_ids[first:])
    attendance: dict[int, list[int]] = {o: [0, 0, n] for o, n in held_in_period.items()}
    for o, p, s in zip(org_ids[first:], present[first:], should[first:], strict=True):
        counts = attendance[o]
        counts[0] += p
        counts[1] += s
    covered = _covered_topics(org_ids, days, topic_lists, branch_of, topic_window)
    return _HeldMeetings(per_month, last_day, sessions, attendance, covered)


def _covered_topics(
    org_ids: tuple[int, ...],
    days: tuple[str, ...],
    topic_lists: tuple[Any, ...],
    branch_of: dict[int, int],
    topic_window: dict[int, rb.Window],
) -> dict[int, set[str]]:
    """{branch id: the topics its meetings covered within its current topic window}."""
    covered: dict[int, set[str]] = defaultdict(set)
    topic_bounds = {b: (w.start.isoformat(), w.end.isoformat()) for b, w in topic_window.items()}
    parsed_topics: dict[str, list[str]] = {}  # topic lists repeat: each distinct text parsed once
    for org_id, day, topics in zip(org_ids, days, topic_lists, strict=True):
        if not topics or topics == "[]":
            continue
        if topics.__class__ is str:
            if topics not in parsed_topics:
                parsed_topics[topics] = json.loads(topics)
            topics = parsed_topics[topics]
        branch_id = branch_of.get(org_id, org_id)
        bounds = topic_bounds.get(branch_id)
        if bounds is not None and bounds[0] <= day < bounds[1]:
            covered[branch_id].update(topics)
    return covered


def _overdue_resolutions(actor: Actor, org: Organization, today: date) -> dict[int, int]:
    """{organization id: how many of its passed resolutions are open past their due date}."""
    return dict(
        Resolution.objects.filter(
            access.subtree_q(actor, org, "meeting__organization__path"),
            OPEN_RESOLUTION,
            due_on__lt=today,
            done_on__isnull=True,
            passed=True,
        )
        .order_by()
        .values("meeting__organization_id")
        .annotate(n=Count("id"))
        .values_list("meeting__organization_id", "n")
    )


_Outcome = tuple[list[WindowStatus], tuple[int, int, WindowStatus | None]]


@dataclass(slots=True)
class _Facts:
    """What every organization's row is built from, loaded once for the subtree."""

    today: date
    span_start: date
    kinds: list[MeetingKind]
    with_committee: set[int]
    campaigns: list[Campaign]
    by_path: dict[str, Organization]
    books: dict[int, Rulebook]
    windows: _Windows
    held: _HeldMeetings
    topic_window: dict[int, rb.Window]
    overdue: dict[int, int]
    kinds_of_code: dict[str, list[int]] = field(init=False)
    builtin: list[MeetingKind] = field(init=False)
    # Most organizations share an outcome: each one is computed once.
    outcomes: dict[tuple[str, int, tuple[int, ...]], _Outcome] = field(init=False)

    def __post_init__(self) -> None:
        self.kinds_of_code = defaultdict(list)
        for k in self.kinds:
            self.kinds_of_code[k.code].append(k.pk)
        self.builtin = [k for k in self.kinds if k.owner is None]
        self.outcomes = {}


def _org_row(facts: _Facts, o: Organization) -> OrgCompliance:
    """One organization's rules, attendance, topics, campaigns and overdue resolutions."""
    book = facts.books[o.id]
    parent = facts.by_path.get(o.path[: -o.steplen])
    row = OrgCompliance(org=o, parent_name=parent.name if parent is not None else "")
    has_committee = o.id in facts.with_committee
    whole_life = o.dissolved_on is None and (o.established_on is None or o.established_on <= facts.span_start)
    kinds = facts.kinds
    usable = (
        facts.builtin
        if len(facts.builtin) == len(kinds)
        else [k for k in kinds if k.owner is None or o.path.startswith(k.owner.path)]
    )
    for kind in usable:
        frequency = facts.windows.frequency(book, kind)
        if frequency is None or not frequency.applies_to(o.kind, has_committee):
            continue
        row.rules.append(_rule_status(facts, o, kind, frequency, whole_life))
    attendance = facts.held.attendance
    if o.id in attendance:
        row.present, row.should_attend, row.meetings_held = attendance[o.id]
    if o.kind == OrgKind.BRANCH:
        _branch_topics_and_campaigns(facts, o, book, row)
    row.resolutions_overdue = facts.overdue.get(o.id, 0)
    return row


def _rule_status(
    facts: _Facts, o: Organization, kind: MeetingKind, frequency: rb.Frequency, whole_life: bool
) -> RuleStatus:
    """One rule at one organization: the meetings held in each of its windows, and their states."""
    last_day = facts.held.last_day
    counted = [
        (o.id, kind_id)
        for code in frequency.counts
        for kind_id in facts.kinds_of_code.get(code, ())
        if (o.id, kind_id) in last_day
    ]
    every_windows = facts.windows.windows(frequency.every)
    held_counts = _held_counts(facts, counted, frequency.every, len(every_windows))
    last = max([last_day[k] for k in counted], default=None)
    key = (frequency.every, frequency.times, held_counts)
    shared = facts.outcomes.get(key) if whole_life else None
    if shared is None:
        statuses = _window_statuses(o, every_windows, held_counts, frequency.times, facts.today, whole_life)
        shared = (statuses, window_totals(statuses))
        if whole_life:
            facts.outcomes[key] = shared
    return RuleStatus(kind, frequency, shared[0], date.fromisoformat(last) if last else None, shared[1])


def _held_counts(facts: _Facts, counted: list[tuple[int, int]], every: str, windows: int) -> tuple[int, ...]:
    """The meetings that count for a rule, held in each of its windows."""
    get = facts.held.per_month.get
    if not counted:
        return (0,) * windows
    if len(counted) == 1 and every == "month":
        org_id, kind_id = counted[0]
        return tuple([get((org_id, kind_id, month), 0) for (month,) in facts.windows.months("month")])
    return tuple(
        [
            sum([get((org_id, kind_id, month), 0) for org_id, kind_id in counted for month in months])
            for months in facts.windows.months(every)
        ]
    )


def _window_statuses(
    o: Organization,
    every_windows: list[rb.Window],
    held_counts: tuple[int, ...],
    times: int,
    today: date,
    whole_life: bool,
) -> list[WindowStatus]:
    """Each window's state: met, behind (its deadline passed), open (begun) or future; a window the
    organization did not exist through is left out."""
    statuses = []
    for window, count in zip(every_windows, held_counts, strict=True):
        if not whole_life and not _existed_through(o, window):
            continue
        if window.end <= today:
            state = "met" if count >= times else "behind"
        elif window.start <= today:
            state = "met" if count >= times else "open"
        else:
            state = "future"
        statuses.append(WindowStatus(window, count, times, state))
    return statuses


def _branch_topics_and_campaigns(facts: _Facts, o: Organization, book: Rulebook, row: OrgCompliance) -> None:
    """A branch's topic list, the topics it has not covered yet, and its education campaigns."""
    topic_rule = book.get("life.topics")
    row.topic_list = topic_rule.get("name", "") + (
        f"（{topic_rule['pattern']}）" if topic_rule.get("pattern") else ""
    )
    if o.id in facts.topic_window:
        done = facts.held.covered.get(o.id, set())
        row.topics_missing = [t for t in topic_rule["topics"] if t not in done]
    sessions = facts.held.sessions
    for campaign in facts.campaigns:
        if o.path.startswith(campaign.organization.path):
            row.campaigns.append(CampaignStatus(campaign, sessions[(o.id, campaign.pk)]))


def _child_summaries(
    org: Organization, orgs: list[Organization], rows: list[OrgCompliance]
) -> list[ChildSummary]:
    """Per child organization (not a party group): how many rows it has and how many are behind."""
    children = []
    for child in (o for o in orgs if o.depth == org.depth + 1 and o.kind != OrgKind.GROUP):
        mine = [r for r in rows if r.org.path.startswith(child.path)]
        if mine and child.kind != OrgKind.BRANCH:
            children.append(ChildSummary(child, len(mine), sum(1 for r in mine if not r.compliant)))
    return children


def year_period(day: date) -> Period:
    return Period(date(day.year, 1, 1), date(day.year + 1, 1, 1))


@dataclass
class TableRow:
    row: OrgCompliance
    cells: list[RuleStatus | None]


def compliance_table(report: Compliance) -> list[TableRow]:
    """The compliance rows with one cell per kind column (for the table pages and exports)."""
    columns = report.kind_columns
    return [TableRow(row, [row.rule(k.code) for k in columns]) for row in report.rows]


def compliance_or_empty(
    *, actor: Actor, org: Organization, period: Period, today: date | None = None
) -> Compliance:
    """Compliance for reports: empty (nothing required) for an actor who may not see it."""
    today = today or timezone.localdate()
    if not can_see_compliance(actor, org):
        return Compliance(org=org, period=period, today=today, rows=[], kinds=[])
    return compliance_for(actor=actor, org=org, period=period, today=today)
