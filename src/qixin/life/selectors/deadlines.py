"""What is due: upcoming deadlines, a secretary's first page and the year's calendar."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from qixin.core.access import Actor
from qixin.core.periods import Period
from qixin.core.rules import rulebooks_for
from qixin.core.text import chinese_date
from qixin.orgs.models import Organization, OrgKind

from .. import rulebook as rb
from ..models import Meeting, MeetingStatus, Resolution
from ..permissions import can_see_lapse
from .compliance import OPEN_RESOLUTION, OrgCompliance, WindowStatus, compliance_for, year_period
from .lapse import LapseReport, lapse_list_for
from .meetings import meeting_list_for


@dataclass(frozen=True)
class Due:
    org: Organization
    rule_key: str
    kind_name: str
    window: rb.Window
    remaining: int
    message: str


def upcoming_deadlines_for(*, actor: Actor, org: Organization, today: date) -> list[Due]:
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
                        f"截止{chinese_date(window.window.deadline)}（还有{left}天）。"
                    ),
                )
            )
    return dues


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


def due_page_for(*, actor: Actor, org: Organization, today: date) -> DuePage:
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


def calendar_for(*, actor: Actor, org: Organization, year: int, today: date) -> list[CalendarMonth]:
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
