"""Deadlines in working days: rules per kind (an organization may override them) and a calendar of
holidays and working weekends (调休)."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import Q
from django.utils import timezone

from qixin.core.rules import define, rulebook
from qixin.orgs.models import Organization

from .models import CalendarDay, TicketKind

SOURCE = "员工心声办理规范（旗心默认值，可按组织设置）"

RESPOND_DAYS = define(
    "care.respond_days",
    "员工心声首次答复期限（工作日），按类别",
    {
        TicketKind.APPEAL.value: 2,
        TicketKind.PROBLEM.value: 2,
        TicketKind.SUGGESTION.value: 2,
        TicketKind.WISH.value: 2,
    },
    SOURCE,
)
CLOSE_DAYS = define(
    "care.close_days",
    "员工心声办结期限（工作日），按类别",
    {
        TicketKind.APPEAL.value: 10,
        TicketKind.PROBLEM.value: 10,
        TicketKind.SUGGESTION.value: 10,
        TicketKind.WISH.value: 30,
    },
    SOURCE,
)


def _zone() -> ZoneInfo:
    return ZoneInfo(settings.TIME_ZONE)


def calendar_overrides(org: Organization, start: date, end: date) -> dict[date, bool]:
    """Exceptions between start and end (inclusive): global ones, then the organization's ancestors'
    (deeper wins)."""
    rows = (
        CalendarDay.objects.filter(day__gte=start, day__lte=end)
        .filter(Q(organization__isnull=True) | Q(organization__path__in=org.ancestor_paths()))
        .values_list("day", "is_workday", "organization__path")
    )
    ranked = sorted(rows, key=lambda r: len(r[2] or ""))
    return {day: workday for day, workday, _ in ranked}


def calendar_inherited(org: Organization | None, start: date, end: date) -> dict[date, CalendarDay]:
    """For each day between start and end (inclusive) that has one, the exception `org`'s subtree
    follows when `org` has none of its own: the deepest among the global calendar and the calendars
    of `org`'s ancestors. The global calendar (org None) inherits nothing."""
    if org is None:
        return {}
    rows = (
        CalendarDay.objects.filter(day__gte=start, day__lte=end)
        .filter(
            Q(organization__isnull=True) | Q(organization__path__in=org.ancestor_paths(include_self=False))
        )
        .select_related("organization")
    )
    ranked = sorted(rows, key=lambda e: len(e.organization.path) if e.organization else 0)
    return {entry.day: entry for entry in ranked}


def is_workday(day: date, overrides: dict[date, bool]) -> bool:
    if day in overrides:
        return overrides[day]
    return day.weekday() < 5


def add_working_days(
    start: datetime, days: int, org: Organization, overrides: dict[date, bool] | None = None
) -> datetime:
    """The end of the `days`-th working day after the day of `start` (local time): a ticket sent on
    Monday with 2 working days is due by the end of Wednesday; one sent on Saturday, by Tuesday."""
    local_day = timezone.localtime(start, _zone()).date()
    if overrides is None:
        overrides = calendar_overrides(org, local_day, local_day + timedelta(days=days * 3 + 40))
    day, counted = local_day, 0
    while counted < days:
        day += timedelta(days=1)
        if is_workday(day, overrides):
            counted += 1
    return datetime.combine(day + timedelta(days=1), time.min, tzinfo=_zone())


def working_days_between(start: datetime, end: datetime, org: Organization) -> int:
    """Whole working days from the day of start to the day of end (0 when on the same day)."""
    zone = _zone()
    first, last = timezone.localtime(start, zone).date(), timezone.localtime(end, zone).date()
    if last <= first:
        return 0
    overrides = calendar_overrides(org, first, last)
    return sum(
        1 for n in range(1, (last - first).days + 1) if is_workday(first + timedelta(days=n), overrides)
    )


def due_dates(kind: str, org: Organization, start: datetime) -> tuple[datetime, datetime]:
    """(first response due, closing due) for a ticket of `kind` at `org` from `start`."""
    book = rulebook(org, timezone.localtime(start, _zone()).date())
    respond = int(book.get(RESPOND_DAYS.key).get(kind, 2))
    close = int(book.get(CLOSE_DAYS.key).get(kind, 10))
    first = timezone.localtime(start, _zone()).date()
    overrides = calendar_overrides(org, first, first + timedelta(days=max(respond, close) * 3 + 40))
    return add_working_days(start, respond, org, overrides), add_working_days(start, close, org, overrides)
