"""Every read of organizational life, scoped to what the actor may see.

compliance_for compares the rulebook with the meetings held for a whole subtree in a fixed number of
queries (about eight, whatever the number of branches): organizations, rulebooks, kinds, committees,
campaigns, meetings (one row each, with their attendance counts), overdue resolutions.
"""

from __future__ import annotations

import gc
import json
from bisect import bisect_left
from collections import Counter, defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from django.db import connections
from django.db.models import CharField, Count, Exists, F, Max, Min, OuterRef, Q, QuerySet
from django.db.models.functions import Cast
from django.utils import timezone

from qixin.core import access
from qixin.core.errors import NotFound
from qixin.core.periods import Period, add_months
from qixin.core.rules import Rulebook, rulebooks_for
from qixin.orgs.models import Organization, OrgKind, Position, PositionTitle
from qixin.orgs.selectors import orgs_existing_q

from . import rulebook as rb
from .models import (
    Attendance,
    AttendanceStatus,
    Campaign,
    Meeting,
    MeetingKind,
    MeetingStatus,
    Reminder,
    Resolution,
)
from .permissions import can_see_compliance, can_see_lapse, can_view_life, sees_any_lapse

# A resolution still to be carried out: neither withdrawn itself nor of a meeting whose record was
# withdrawn (a withdrawn record is kept but counts nowhere).
OPEN_RESOLUTION = Q(withdrawn_at__isnull=True, meeting__status=MeetingStatus.HELD)


def life_roots_for(*, actor: Any) -> list[Organization]:
    """The top organizations whose organizational life the actor keeps (admin: the tree's roots)."""
    scope = access.scope_for(actor)
    if scope.is_admin:
        return list(Organization.objects.get_root_nodes().filter(dissolved_on__isnull=True))
    return list(
        Organization.objects.filter(path__in=scope.manage, dissolved_on__isnull=True).order_by("path")
    )


def org_for_life(*, actor: Any, pk: int | None = None, code: str | None = None) -> Organization:
    lookup = {"pk": pk} if pk is not None else {"code": code}
    org = Organization.objects.filter(**lookup).first()
    if org is None or not can_view_life(actor, org):
        raise NotFound()
    return org


def kinds_for(*, org: Organization) -> list[MeetingKind]:
    """Kinds usable at an organization: the built-in ones and those added by it or its ancestors."""
    ancestors = org.ancestor_paths()
    return list(
        MeetingKind.objects.filter(Q(owner__isnull=True) | Q(owner__path__in=ancestors)).order_by(
            "sort_order", "id"
        )
    )


def kind_get(*, org: Organization, pk: int) -> MeetingKind:
    kind = next((k for k in kinds_for(org=org) if k.pk == pk), None)
    if kind is None:
        raise NotFound()
    return kind


# --- meetings ---------------------------------------------------------------------------------------


def meeting_list_for(
    *,
    actor: Any,
    org: Organization | None = None,
    status: str = "",
    kind_code: str = "",
    start: date | None = None,
    end: date | None = None,
) -> QuerySet[Meeting]:
    if org is not None:
        rows = Meeting.objects.filter(access.subtree_q(actor, org, "organization__path"))
    else:
        rows = Meeting.objects.filter(access.org_filter(actor, "organization__path"))
    if status:
        rows = rows.filter(status=status)
    if kind_code:
        rows = rows.filter(kind__code=kind_code)
    if start:
        rows = rows.filter(held_on__gte=start)
    if end:
        rows = rows.filter(held_on__lt=end)
    return rows.select_related("organization", "kind").order_by("-starts_at", "-id")


def meeting_get_for(*, actor: Any, pk: int) -> Meeting:
    """Load and authorize: a meeting outside the actor's scope is as missing as an unknown one."""
    meeting = (
        Meeting.objects.select_related("organization", "kind", "host", "speaker", "campaign")
        .filter(pk=pk)
        .first()
    )
    if meeting is None or not can_view_life(actor, meeting.organization):
        raise NotFound()
    return meeting


def meeting_by_token(*, token: str) -> Meeting | None:
    return Meeting.objects.select_related("organization", "kind").filter(checkin_token=token).first()


@dataclass
class MeetingPage:
    meeting: Meeting
    attendance: list[Attendance]
    resolutions: list[Resolution]
    attachments: list[Any]
    topics: list[str]
    can_keep: bool


def meeting_page_for(*, actor: Any, pk: int) -> MeetingPage:
    from qixin.core.rules import rulebook

    from .permissions import can_keep_life

    meeting = meeting_get_for(actor=actor, pk=pk)
    attendance = list(meeting.attendance.select_related("person").order_by("status", "person__employee_no"))
    resolutions = list(meeting.resolutions.select_related("owner").order_by("id"))
    attachments = list(meeting.attachments.all())
    topics = list(rulebook(meeting.organization, meeting.held_on).get("life.topics")["topics"])
    return MeetingPage(
        meeting,
        attendance,
        resolutions,
        attachments,
        topics,
        bool(can_keep_life(actor, meeting.organization)),
    )


def attachment_get_for(*, actor: Any, pk: int) -> Any:
    from .models import Attachment

    attachment = Attachment.objects.select_related("meeting__organization").filter(pk=pk).first()
    if attachment is None or not can_view_life(actor, attachment.meeting.organization):
        raise NotFound()
    return attachment


def resolution_get_for(*, actor: Any, pk: int) -> Resolution:
    resolution = Resolution.objects.select_related("meeting__organization", "owner").filter(pk=pk).first()
    if resolution is None or not can_view_life(actor, resolution.meeting.organization):
        raise NotFound()
    return resolution


def campaign_list_for(*, actor: Any, org: Organization | None = None) -> QuerySet[Campaign]:
    """Campaigns set in the actor's subtrees or above them (a branch sees its committee's campaigns)."""
    scope = access.scope_for(actor)
    rows = Campaign.objects.select_related("organization")
    if not scope.is_admin:
        ancestors = {
            p[:i] for p in scope.read for i in range(Organization.steplen, len(p) + 1, Organization.steplen)
        }
        rows = rows.filter(scope.q(scope.read, "organization__path") | Q(organization__path__in=ancestors))
    if org is not None:
        ancestors_of_org = org.ancestor_paths()
        rows = rows.filter(
            Q(organization__path__startswith=org.path) | Q(organization__path__in=ancestors_of_org)
        )
    return rows.order_by("-starts_on", "id")


def campaign_get_for(*, actor: Any, pk: int) -> Campaign:
    campaign = campaign_list_for(actor=actor).filter(pk=pk).first()
    if campaign is None:
        raise NotFound()
    return campaign


@dataclass(frozen=True)
class Participation:
    person_id: int
    name: str
    employee_no: str
    branch: str
    attended: int


def campaign_participation_for(
    *, actor: Any, campaign: Campaign, org: Organization | None = None
) -> list[Participation]:
    """Per member of the subtree's branches: campaign sessions attended (present)."""
    from qixin.people.models import Membership

    root = org or campaign.organization
    members = (
        Membership.objects.filter(
            access.org_filter(actor, "branch__path"),
            branch__path__startswith=root.path,
            ended_on__isnull=True,
        )
        .filter(branch__path__startswith=campaign.organization.path)
        .select_related("person", "branch")
        .order_by("branch__path", "person__employee_no")
    )
    attended = Counter(
        Attendance.objects.filter(
            meeting__campaign=campaign, meeting__status=MeetingStatus.HELD, status=AttendanceStatus.PRESENT
        ).values_list("person_id", flat=True)
    )
    return [
        Participation(m.person_id, m.person.name, m.person.employee_no, m.branch.name, attended[m.person_id])
        for m in members
    ]


def campaign_participation_counts(*, actor: Any, org: Organization, period: Period) -> tuple[int, int]:
    """(members who attended at least one session of a campaign running in the period, members) in the
    subtree's branches, on the period's last day."""
    from qixin.people.models import Membership

    campaigns = [
        c.pk
        for c in campaign_list_for(actor=actor, org=org).filter(
            starts_on__lt=period.end, ends_on__gte=period.start
        )
    ]
    members = Membership.objects.filter(access.subtree_q(actor, org, "branch__path"), ended_on__isnull=True)
    total = members.count()
    if not campaigns:
        return 0, total
    # The current members of the subtree who were present at a session held in the period, counted in
    # the database from the campaigns' meetings (an index on (campaign, status, held_on) finds them and
    # one on (meeting, status, person) their attendance, without reading either table).
    attendees = Attendance.objects.filter(
        meeting__campaign_id__in=campaigns,
        meeting__status=MeetingStatus.HELD,
        meeting__held_on__gte=period.start,
        meeting__held_on__lt=period.end,
        status=AttendanceStatus.PRESENT,
    ).values("person_id")
    took_part = members.filter(person_id__in=attendees).count()
    return took_part, total


# --- compliance -------------------------------------------------------------------------------------


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
    *, actor: Any, org: Organization, period: Period, today: date | None = None, behind_only: bool = False
) -> Compliance:
    """For each organization of the subtree that a rule applies to: each rule's windows whose deadline
    falls in the period (met, behind by how many, open, not yet begun), attendance, topics not covered,
    resolutions overdue and education campaigns. A fixed number of queries."""
    with _collector_paused():
        return _compliance(actor=actor, org=org, period=period, today=today, behind_only=behind_only)


def _compliance(
    *, actor: Any, org: Organization, period: Period, today: date | None, behind_only: bool
) -> Compliance:
    """The work of compliance_for (with the collector paused)."""
    today = today or timezone.localdate()
    if not can_see_compliance(actor, org):
        raise NotFound()
    orgs = list(
        Organization.objects.filter(access.subtree_q(actor, org))
        .filter(orgs_existing_q(period.start, period.end))
        .only("id", "path", "depth", "numchild", "name", "code", "kind", "established_on", "dissolved_on")
        .order_by("path")
    )
    by_path = {o.path: o for o in orgs}
    on = min(today, period.end)
    books: dict[int, Rulebook] = rulebooks_for(orgs, on) if orgs else {}
    ancestors = org.ancestor_paths()
    kinds = list(
        MeetingKind.objects.filter(
            Q(owner__isnull=True) | Q(owner__path__in=ancestors) | Q(owner__path__startswith=org.path)
        )
        .select_related("owner")
        .order_by("sort_order", "id")
    )
    kinds_of_code: dict[str, list[int]] = defaultdict(list)
    for k in kinds:
        kinds_of_code[k.code].append(k.pk)
    with_committee = set(
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
    campaigns = list(
        Campaign.objects.filter(
            Q(organization__path__in=ancestors) | Q(organization__path__startswith=org.path),
            starts_on__lt=period.end,
            ends_on__gte=period.start,
        )
        .select_related("organization")
        .order_by("starts_on", "id")
    )
    span_start = rb.window_containing(period.start, "year").start
    if campaigns:
        span_start = min(span_start, *(c.starts_on for c in campaigns))
    windows_cache: dict[str, list[rb.Window]] = {}
    months_cache: dict[str, list[list[str]]] = {}
    parsed: dict[tuple[str, int], rb.Frequency | None] = {}
    keys = {k.code: rb.frequency_key(k.code) for k in kinds}

    def frequencies(book: Rulebook, kind: MeetingKind) -> rb.Frequency | None:
        """Parse each distinct rule value once (most organizations share their values)."""
        try:
            value = book.get(keys[kind.code])
        except KeyError:
            value = kind.default_frequency
        key = (kind.code, id(value))
        if key not in parsed:
            parsed[key] = rb.parse_frequency(kind.code, value)
        return parsed[key]

    def windows(every: str) -> list[rb.Window]:
        if every not in windows_cache:
            windows_cache[every] = rb.windows_with_deadline_in(period.start, period.end, every)
        return windows_cache[every]

    def window_months(every: str) -> list[list[str]]:
        """Each window's months as "YYYY-MM" (the keys meetings are counted under)."""
        if every not in months_cache:
            months_cache[every] = [
                [f"{add_months(w.start, i):%Y-%m}" for i in range(rb.EVERY_MONTHS[every])]
                for w in windows(every)
            ]
        return months_cache[every]

    # Topics count where they were covered: in the branch itself or one of its party groups, within
    # the branch's current topic window (kept as one set per branch, not a record per meeting).
    branch_of: dict[int, int] = {}
    topic_window: dict[int, rb.Window] = {}
    for o in orgs:
        parent = by_path.get(o.path[: -o.steplen]) if o.kind == OrgKind.GROUP else None
        branch_of[o.id] = parent.id if parent is not None else o.id
        if o.kind == OrgKind.BRANCH:
            started = [
                w for w in windows(books[o.id].get("life.topics").get("every", "year")) if w.start <= today
            ]
            if started:
                topic_window[o.id] = started[-1]
    covered: dict[int, set[str]] = defaultdict(set)
    topic_bounds = {b: (w.start.isoformat(), w.end.isoformat()) for b, w in topic_window.items()}
    # One row per held meeting of the subtree in the span (who, what, when, which topics, attendance),
    # in the order held, taken apart into columns: the counting below is done by Counter and zip in
    # C, not by a Python statement per meeting. Days stay ISO text (it sorts as the dates do);
    # meetings are counted per organization, kind and month ("YYYY-MM"), the unit every frequency
    # window is made of.
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

    overdue = dict(
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

    get = per_month.get
    rows: list[OrgCompliance] = []
    builtin = [k for k in kinds if k.owner is None]
    outcomes: dict[
        tuple[str, int, tuple[int, ...]], tuple[list[WindowStatus], tuple[int, int, WindowStatus | None]]
    ] = {}
    for o in orgs:
        book = books[o.id]
        parent = by_path.get(o.path[: -o.steplen])
        row = OrgCompliance(org=o, parent_name=parent.name if parent is not None else "")
        has_committee = o.id in with_committee
        whole_life = o.dissolved_on is None and (o.established_on is None or o.established_on <= span_start)
        usable = (
            builtin
            if len(builtin) == len(kinds)
            else [k for k in kinds if k.owner is None or o.path.startswith(k.owner.path)]
        )
        for kind in usable:
            frequency = frequencies(book, kind)
            if frequency is None or not frequency.applies_to(o.kind, has_committee):
                continue
            counted = [
                (o.id, kind_id)
                for code in frequency.counts
                for kind_id in kinds_of_code.get(code, ())
                if (o.id, kind_id) in last_day
            ]
            every_windows = windows(frequency.every)
            if not counted:
                held_counts: tuple[int, ...] = (0,) * len(every_windows)
            elif len(counted) == 1 and frequency.every == "month":
                org_id, kind_id = counted[0]
                held_counts = tuple([get((org_id, kind_id, month), 0) for (month,) in window_months("month")])
            else:
                held_counts = tuple(
                    [
                        sum(
                            [
                                get((org_id, kind_id, month), 0)
                                for org_id, kind_id in counted
                                for month in months
                            ]
                        )
                        for months in window_months(frequency.every)
                    ]
                )
            last = max([last_day[k] for k in counted], default=None)
            key = (frequency.every, frequency.times, held_counts)
            shared = outcomes.get(key) if whole_life else None
            if shared is None:
                statuses = []
                for window, count in zip(every_windows, held_counts, strict=True):
                    if not whole_life and not _existed_through(o, window):
                        continue
                    if window.end <= today:
                        state = "met" if count >= frequency.times else "behind"
                    elif window.start <= today:
                        state = "met" if count >= frequency.times else "open"
                    else:
                        state = "future"
                    statuses.append(WindowStatus(window, count, frequency.times, state))
                shared = (statuses, window_totals(statuses))
                if whole_life:  # most organizations share an outcome: compute each one once
                    outcomes[key] = shared
            row.rules.append(
                RuleStatus(kind, frequency, shared[0], date.fromisoformat(last) if last else None, shared[1])
            )
        if o.id in attendance:
            row.present, row.should_attend, row.meetings_held = attendance[o.id]
        if o.kind == OrgKind.BRANCH:
            topic_rule = book.get("life.topics")
            row.topic_list = topic_rule.get("name", "") + (
                f"（{topic_rule['pattern']}）" if topic_rule.get("pattern") else ""
            )
            if o.id in topic_window:
                done = covered.get(o.id, set())
                row.topics_missing = [t for t in topic_rule["topics"] if t not in done]
            for campaign in campaigns:
                if o.path.startswith(campaign.organization.path):
                    row.campaigns.append(CampaignStatus(campaign, sessions[(o.id, campaign.pk)]))
        row.resolutions_overdue = overdue.get(o.id, 0)
        if row.rules or row.campaigns:
            rows.append(row)
    children = []
    for child in (o for o in orgs if o.depth == org.depth + 1 and o.kind != OrgKind.GROUP):
        mine = [r for r in rows if r.org.path.startswith(child.path)]
        if mine and child.kind != OrgKind.BRANCH:
            children.append(ChildSummary(child, len(mine), sum(1 for r in mine if not r.compliant)))
    if behind_only:
        rows = [r for r in rows if not r.compliant]
    return Compliance(org=org, period=period, today=today, rows=rows, kinds=kinds, children=children)


def year_period(day: date) -> Period:
    return Period(date(day.year, 1, 1), date(day.year + 1, 1, 1))


@dataclass(frozen=True)
class Due:
    org: Organization
    rule_key: str
    kind_name: str
    window: rb.Window
    remaining: int
    message: str


def upcoming_deadlines_for(*, actor: Any, org: Organization, today: date) -> list[Due]:
    """Requirements still open whose deadline is within the rulebook's reminder days."""
    report = compliance_for(actor=actor, org=org, period=year_period(today), today=today)
    books = rulebooks_for([r.org for r in report.rows], today) if report.rows else {}
    dues = []
    for row in report.rows:
        days = int(books[row.org.pk].get("life.remind_days"))
        for rule in row.rules:
            window = rule.open_window
            if window is None or window.missing == 0:
                continue
            left = (window.window.deadline - today).days
            if left > days:
                continue
            dues.append(
                Due(
                    org=row.org,
                    rule_key=rule.rule_key,
                    kind_name=rule.kind.name,
                    window=window.window,
                    remaining=window.missing,
                    message=(
                        f"{row.parent_name if row.org.kind == OrgKind.GROUP else ''}{row.org.name}：{rule.kind.name}（{rule.frequency.label}）本期还需召开{window.missing}次，"
                        f"截止{window.window.deadline:%Y年%m月%d日}（还有{left}天）。"
                    ),
                )
            )
    return dues


def secretary_emails(org_ids: list[int]) -> dict[int, list[str]]:
    """E-mail addresses of the current secretaries (and deputies) of the organizations, by org id."""
    from qixin.core.models import User

    if not org_ids:
        return {}
    posts = Position.objects.filter(
        organization_id__in=org_ids,
        ended_on__isnull=True,
        title__in=[PositionTitle.SECRETARY, PositionTitle.DEPUTY_SECRETARY],
    ).values_list("organization_id", "person_id")
    person_orgs: dict[int, list[int]] = defaultdict(list)
    for org_id, person_id in posts:
        person_orgs[person_id].append(org_id)
    emails: dict[int, list[str]] = defaultdict(list)
    for person_id, email in (
        User.objects.filter(person_id__in=person_orgs, is_active=True)
        .exclude(email="")
        .values_list("person_id", "email")
    ):
        for org_id in person_orgs[person_id]:
            emails[org_id].append(email)
    return dict(emails)


def reminders_for(*, actor: Any, today: date) -> list[Reminder]:
    """Open reminders (deadline not passed) for the organizations the actor keeps."""
    return list(
        Reminder.objects.filter(
            access.org_filter(actor, "organization__path", level="manage"), deadline__gte=today
        )
        .select_related("organization")
        .order_by("deadline", "id")[:50]
    )


# --- the warning before 自行脱党 ------------------------------------------------------------------


class LapseSince:
    """What a member's months without organizational life are counted from (shown with the date)."""

    PRESENT = "最近一次出席"
    EXCUSED = "最近一次请假"
    TRANSFERRED_IN = "转入本支部"
    JOINED = "加入党组织"
    RECORDS_BEGIN = "本支部开始逐人登记出席"
    COUNTS_ONLY = "本支部最近一次只记人数的会议"


@dataclass(frozen=True)
class LapseWarning:
    """A current member who has taken no part in organizational life for `months` whole months."""

    person_id: int
    name: str
    employee_no: str
    branch_id: int
    branch_code: str
    branch_name: str
    last_present: date | None
    last_excused: date | None
    counted_from: date
    counted_from_label: str
    months: int
    warn_months: int
    lapse_months: int
    floating_to: str
    lost_contact_since: date | None

    @property
    def severe(self) -> bool:
        """Reached the months after which the 党章 treats a member as having left (自行脱党)."""
        return self.months >= self.lapse_months

    @property
    def level(self) -> str:
        return "严重" if self.severe else "预警"


@dataclass
class LapseReport:
    today: date
    warnings: list[LapseWarning]
    # Branches in scope with members but no meeting recorded person by person: nobody there can be
    # judged (a meeting recorded with counts only says nothing of who came).
    unrecorded: list[Organization]

    @property
    def severe(self) -> list[LapseWarning]:
        return [w for w in self.warnings if w.severe]


def lapse_orgs_for(*, actor: Any) -> list[Organization]:
    """The organizations whose warning list the actor may filter by (those they keep, party groups
    aside)."""
    return list(
        Organization.objects.filter(access.org_filter(actor, level="manage"), dissolved_on__isnull=True)
        .exclude(kind=OrgKind.GROUP)
        .only("id", "path", "depth", "name", "code", "kind")
        .order_by("path")
    )


def lapse_list_for(*, actor: Any, org: Organization | None = None, today: date | None = None) -> LapseReport:
    """Current members (not 停止党籍) of the subtree, or of everything the actor keeps, who have not
    taken part in organizational life for at least the rulebook's `life.lapse_warn_months`; severe
    from `life.lapse_months` (RULES.md, Members: 6 consecutive months without organizational life,
    without good reason, is treated as leaving the party; the product warns the branch well before).

    Taking part is being present at a held meeting (of any organization: the branch, its party group,
    a branch the member belonged to before). An absence excused with a reason (请假, which a record
    cannot have without one) is a good reason: it stops the count like attending. The count runs from
    the latest of: that attendance or excuse, the transfer into the current branch, joining the party,
    the branch's first meeting recorded person by person (before it, the records cannot tell), and
    its latest meeting attended but recorded with counts only (anyone may have been there).

    Six queries whatever the number of members: members, their latest attendance and excuse (MAX
    grouped by person), their transfers in, what each branch's meetings record, the branches, their
    rulebooks."""
    from qixin.people.models import Membership, MembershipTransfer, Standing

    today = today or timezone.localdate()
    if org is not None:
        if not can_see_lapse(actor, org):
            raise NotFound()
        if org.kind == OrgKind.GROUP:
            members_q = Q(party_group=org)
            meetings_q = Q(organization__path__startswith=org.path[: -org.steplen])
        else:
            members_q = access.subtree_q(actor, org, "branch__path", level="manage")
            meetings_q = access.subtree_q(actor, org, "organization__path", level="manage")
    else:
        if not sees_any_lapse(actor):
            raise NotFound()
        members_q = access.org_filter(actor, "branch__path", level="manage")
        meetings_q = access.org_filter(actor, "organization__path", level="manage")
    members = Membership.objects.filter(members_q, ended_on__isnull=True, joined_on__lte=today).exclude(
        standing=Standing.SUSPENDED
    )
    # Tuples, not model instances: at the article's scale these are ten thousand members, and
    # building three objects for each took most of the time.
    rows = list(
        members.order_by("branch__path", "person__employee_no").values_list(
            "id",
            "person_id",
            "joined_on",
            "floating_to",
            "lost_contact_since",
            "person__name",
            "person__employee_no",
            "branch_id",
        )
    )
    if not rows:
        return LapseReport(today, [], [])
    accounted = {
        person_id: (present, excused)
        for person_id, present, excused in Attendance.objects.filter(
            person_id__in=members.values("person_id"),
            status__in=[AttendanceStatus.PRESENT, AttendanceStatus.EXCUSED],
            meeting__status=MeetingStatus.HELD,
            meeting__held_on__lte=today,
        )
        .order_by()
        .values("person_id")
        .annotate(
            present=Max("meeting__held_on", filter=Q(status=AttendanceStatus.PRESENT)),
            excused=Max("meeting__held_on", filter=Q(status=AttendanceStatus.EXCUSED)),
        )
        .values_list("person_id", "present", "excused")
    }
    moved_in = dict(
        MembershipTransfer.objects.filter(
            membership__in=members.values("pk"),
            to_branch_id=F("membership__branch_id"),
            transferred_on__lte=today,
        )
        .order_by()
        .values("membership_id")
        .annotate(on=Max("transferred_on"))
        .values_list("membership_id", "on")
    )
    # What the records can tell, per branch (with its party groups: a group's path is its branch's and
    # one step more): they begin with the first held meeting recorded person by person; a later
    # meeting recorded with counts only (an imported ledger) that someone attended may have been
    # attended by anyone, so nobody is counted as absent before it.
    recorded = Exists(Attendance.objects.filter(meeting=OuterRef("pk")))
    records_begin: dict[str, date] = {}
    counts_only: dict[str, date] = {}
    for path, kind, first, last_unrecorded in (
        Meeting.objects.filter(meetings_q, status=MeetingStatus.HELD, held_on__lte=today)
        .annotate(recorded=recorded)
        .order_by()
        .values("organization__path", "organization__kind")
        .annotate(
            first=Min("held_on", filter=Q(recorded=True)),
            last_unrecorded=Max("held_on", filter=Q(recorded=False, present_count__gt=0)),
        )
        .values_list("organization__path", "organization__kind", "first", "last_unrecorded")
    ):
        branch_path = path[: -Organization.steplen] if kind == OrgKind.GROUP else path
        if first is not None and (branch_path not in records_begin or first < records_begin[branch_path]):
            records_begin[branch_path] = first
        if last_unrecorded is not None and last_unrecorded > counts_only.get(branch_path, date.min):
            counts_only[branch_path] = last_unrecorded
    branches = {
        o.pk: o
        for o in Organization.objects.filter(pk__in={row[7] for row in rows}).only(
            "id", "path", "depth", "name", "code", "kind"
        )
    }
    books = rulebooks_for(branches.values(), today)
    warnings: list[LapseWarning] = []
    unrecorded: dict[int, Organization] = {}
    for pk, person_id, joined_on, floating_to, lost_contact_since, name, employee_no, branch_id in rows:
        branch = branches[branch_id]
        begin = records_begin.get(branch.path)
        if begin is None:
            unrecorded[branch.pk] = branch
            continue
        present, excused = accounted.get(person_id, (None, None))
        candidates = [
            (begin, 0, LapseSince.RECORDS_BEGIN),
            (counts_only.get(branch.path), 0, LapseSince.COUNTS_ONLY),
            (joined_on, 1, LapseSince.JOINED),
            (moved_in.get(pk), 2, LapseSince.TRANSFERRED_IN),
            (excused, 3, LapseSince.EXCUSED),
            (present, 4, LapseSince.PRESENT),
        ]
        since, _rank, label = max((c for c in candidates if c[0] is not None), key=lambda c: (c[0], c[1]))
        warn, lapse = rb.lapse_thresholds(books[branch.pk])
        months = rb.whole_months_between(since, today)
        if months < warn:
            continue
        warnings.append(
            LapseWarning(
                person_id=person_id,
                name=name,
                employee_no=employee_no,
                branch_id=branch.pk,
                branch_code=branch.code,
                branch_name=branch.name,
                last_present=present,
                last_excused=excused,
                counted_from=since,
                counted_from_label=label,
                months=months,
                warn_months=warn,
                lapse_months=lapse,
                floating_to=floating_to,
                lost_contact_since=lost_contact_since,
            )
        )
    warnings.sort(key=lambda w: (not w.severe, -w.months))  # stable: branch and 工号 within
    return LapseReport(today, warnings, sorted(unrecorded.values(), key=lambda o: o.path))


@dataclass
class DuePage:
    """What a branch secretary sees first: what is due, what is behind, what is planned."""

    org: Organization
    compliance: OrgCompliance | None
    planned: list[Meeting]
    recent: list[Meeting]
    overdue_resolutions: list[Resolution]
    lapse: LapseReport | None = None  # None: the actor may not see it


def due_period(today: date) -> Period:
    """What a secretary sees as due: this year, and in January also last December's deadlines."""
    last_month = (today.replace(day=1) - timedelta(days=1)).replace(day=1)
    return Period(min(date(today.year, 1, 1), last_month), date(today.year + 1, 1, 1))


def due_page_for(*, actor: Any, org: Organization, today: date) -> DuePage:
    report = compliance_for(actor=actor, org=org, period=due_period(today), today=today)
    row = next((r for r in report.rows if r.org.pk == org.pk), None)
    planned = list(
        meeting_list_for(actor=actor, org=org, status=MeetingStatus.PLANNED)
        .filter(held_on__gte=today)
        .order_by("starts_at")[:10]
    )
    recent = list(meeting_list_for(actor=actor, org=org, status=MeetingStatus.HELD)[:10])
    overdue = list(
        Resolution.objects.filter(
            OPEN_RESOLUTION,
            meeting__organization__path__startswith=org.path,
            due_on__lt=today,
            done_on__isnull=True,
            passed=True,
        )
        .select_related("meeting", "owner")
        .order_by("due_on")[:20]
    )
    lapse = lapse_list_for(actor=actor, org=org, today=today) if can_see_lapse(actor, org) else None
    return DuePage(org, row, planned, recent, overdue, lapse)


@dataclass
class CalendarMonth:
    month: date
    meetings: list[Meeting]
    deadlines: list[tuple[str, WindowStatus]]


def calendar_for(*, actor: Any, org: Organization, year: int, today: date) -> list[CalendarMonth]:
    """A branch's year: its meetings month by month, and each requirement's deadline with its state."""
    period = Period(date(year, 1, 1), date(year + 1, 1, 1))
    report = compliance_for(actor=actor, org=org, period=period, today=today)
    row = next((r for r in report.rows if r.org.pk == org.pk), None)
    meetings = list(
        meeting_list_for(actor=actor, org=org, start=period.start, end=period.end)
        .filter(status__in=[MeetingStatus.PLANNED, MeetingStatus.HELD])
        .order_by("starts_at")
    )
    months = []
    for m in range(1, 13):
        first = date(year, m, 1)
        deadlines = (
            [
                (rule.kind.name, w)
                for rule in row.rules
                for w in rule.windows
                if w.window.deadline.year == year and w.window.deadline.month == m
            ]
            if row
            else []
        )
        months.append(CalendarMonth(first, [x for x in meetings if x.held_on.month == m], deadlines))
    return months


@dataclass
class TableRow:
    row: OrgCompliance
    cells: list[RuleStatus | None]


def compliance_table(report: Compliance) -> list[TableRow]:
    """The compliance rows with one cell per kind column (for the table pages and exports)."""
    columns = report.kind_columns
    return [TableRow(row, [row.rule(k.code) for k in columns]) for row in report.rows]


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


def rulebook_page_for(*, actor: Any, org: Organization, on: date) -> RulebookPage:
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


def compliance_or_empty(
    *, actor: Any, org: Organization, period: Period, today: date | None = None
) -> Compliance:
    """Compliance for reports: empty (nothing required) for an actor who may not see it."""
    today = today or timezone.localdate()
    if not can_see_compliance(actor, org):
        return Compliance(org=org, period=period, today=today, rows=[], kinds=[])
    return compliance_for(actor=actor, org=org, period=period, today=today)


def held_meetings_for(*, actor: Any, org: Organization, period: Period) -> QuerySet[Meeting]:
    """Meetings held in the period in the subtree (what the reports count and drill into)."""
    return meeting_list_for(
        actor=actor, org=org, status=MeetingStatus.HELD, start=period.start, end=period.end
    ).order_by("held_on", "id")
