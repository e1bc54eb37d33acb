"""Set-up: the working calendar that deadlines count on."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from django.db import IntegrityError, transaction

from qixin.core import audit
from qixin.core.errors import ApplicationError, PermissionDenied, Problem
from qixin.core.models import User
from qixin.core.validation import full_clean
from qixin.orgs.models import Organization

from .. import deadlines
from ..models import CALENDAR_KINDS, CALENDAR_NAME_MAX, CalendarDay
from ..permissions import can_edit_calendar
from ._common import _text

WEEKDAY_NAMES = ("星期一", "星期二", "星期三", "星期四", "星期五", "星期六", "星期日")


CALENDAR_RANGE_MAX_DAYS = 31


@dataclass(frozen=True)
class CalendarChange:
    """What setting a range of days did: the entries written (created or changed), and the days left
    alone because they already were so without an entry (the weekends of a holiday week)."""

    days: list[CalendarDay]
    unchanged: list[date]


def _calendar_require(actor: User | None, organization: Organization | None) -> None:
    if not can_edit_calendar(actor, organization):
        if organization is None:
            raise PermissionDenied("只有系统管理员可以修改全局工作日历；请填写适用组织。")
        raise PermissionDenied(f"您不能修改“{organization.name}”的工作日历。")


def _day_label(day: date) -> str:
    return f"{day.isoformat()}（{WEEKDAY_NAMES[day.weekday()]}）"


def _calendar_of(entry: CalendarDay) -> str:
    return f"“{entry.organization.name}”的日历" if entry.organization else "全局日历"


def _as_without_mark(source: CalendarDay | None, is_workday: bool) -> str:
    """What a day is without a mark of its own: "是休息日", or "在全局日历中是节假日（国庆节）"."""
    if source is None:
        return "是工作日" if is_workday else "是休息日"
    name = f"（{source.name}）" if source.name else ""
    return f"在{_calendar_of(source)}中是{source.kind_label}{name}"


def _calendar_set(
    *,
    actor: User | None,
    first: date,
    last: date,
    is_workday: bool,
    name: str,
    organization: Organization | None,
    skip_unchanged: bool,
) -> CalendarChange:
    """The one way a day of the calendar is written; see calendar_day_set and calendar_days_set."""
    _calendar_require(actor, organization)
    name = _text(name, "说明", maximum=CALENDAR_NAME_MAX, minimum=0)
    if last < first:
        raise ApplicationError(
            "invalid", "日期有误。", [Problem(message="结束日期不能早于开始日期", field="至")]
        )
    if (last - first).days + 1 > CALENDAR_RANGE_MAX_DAYS:
        raise ApplicationError(
            "invalid",
            "日期有误。",
            [Problem(message=f"一次最多登记{CALENDAR_RANGE_MAX_DAYS}天", field="至")],
        )
    inherited = deadlines.calendar_inherited(organization, first, last)
    own = {
        entry.day: entry
        for entry in CalendarDay.objects.select_for_update().filter(
            organization=organization, day__gte=first, day__lte=last
        )
    }
    field = "类型" if first == last else "日期"
    to_write: list[date] = []
    unchanged: list[date] = []
    problems: list[Problem] = []
    for n in range((last - first).days + 1):
        day = first + timedelta(days=n)
        source = inherited.get(day)
        without_entry = source.is_workday if source is not None else day.weekday() < 5
        if without_entry != is_workday:
            to_write.append(day)
            continue
        how = _as_without_mark(source, is_workday)
        if day in own:
            then = (
                "这条登记可以删除"
                if own[day].is_workday == is_workday
                else f"要改成{CALENDAR_KINDS[is_workday]}，请删除这条登记"
            )
            message = f"{_day_label(day)}已登记为{own[day].kind_label}，而不登记它也{how}：{then}"
        elif skip_unchanged:
            unchanged.append(day)
            continue
        elif source is None:
            message = f"{_day_label(day)}本来就{how}，不必登记为{CALENDAR_KINDS[is_workday]}"
        else:
            message = f"{_day_label(day)}{how}，不必重复登记"
        problems.append(Problem(message=message, field=field))
    if problems:
        summary = "这一天不必登记，未保存。" if first == last else "有的日期不必登记，整段都未保存。"
        raise ApplicationError("unchanged", summary, problems)
    if not to_write:
        raise ApplicationError(
            "unchanged",
            f"这段日期本来都是{'工作日' if is_workday else '休息日'}，不必登记为{CALENDAR_KINDS[is_workday]}。",
        )
    written: list[CalendarDay] = []
    for day in to_write:
        entry = own.get(day) or CalendarDay(day=day, organization=organization)
        before = {"workday": entry.is_workday, "name": entry.name} if entry.pk else None
        entry.is_workday, entry.name = is_workday, name
        full_clean(entry)
        try:
            with transaction.atomic():
                entry.save()
        except IntegrityError:
            # The unique constraint: someone else registered the same day in the meantime.
            raise ApplicationError("conflict", f"{_day_label(day)}刚被其他人登记，请刷新后再试。") from None
        audit.record(
            actor=actor,
            action="care_calendar",
            obj=entry,
            changes={
                "day": day,
                "organization": organization.code if organization else None,
                "workday": is_workday,
                "name": name,
                "before": before,
            },
        )
        written.append(entry)
    return CalendarChange(days=written, unchanged=unchanged)


@transaction.atomic
def calendar_day_set(
    *,
    actor: User | None,
    day: date,
    is_workday: bool,
    name: str = "",
    organization: Organization | None = None,
) -> CalendarDay:
    """Mark a day as a holiday or a working day (调休), everywhere (administrators) or in an
    organization's subtree (its managers); an existing mark of that day there is changed.

    Deadlines count working days: Monday to Friday, minus holidays, plus 调休 days (deadlines.py). A
    mark that would change nothing (a Saturday as a holiday, a Wednesday as a working day, or what the
    global or a superior's calendar already says) is refused: it is most likely the wrong day or the
    wrong kind. Deadlines already set are not recomputed (see calendar_day_remove)."""
    change = _calendar_set(
        actor=actor,
        first=day,
        last=day,
        is_workday=is_workday,
        name=name,
        organization=organization,
        skip_unchanged=False,
    )
    return change.days[0]


@transaction.atomic
def calendar_days_set(
    *,
    actor: User | None,
    first: date,
    last: date,
    is_workday: bool,
    name: str = "",
    organization: Organization | None = None,
) -> CalendarChange:
    """Mark every day from first to last (at most 31) the same way, e.g. 国庆 10月1日–7日 as holidays.

    The same rules as calendar_day_set, except that days already so without a mark (the weekend in
    a holiday week) are left alone and reported, not refused. A day that has a mark of its own which
    the range would make pointless refuses the whole range. All or nothing."""
    return _calendar_set(
        actor=actor,
        first=first,
        last=last,
        is_workday=is_workday,
        name=name,
        organization=organization,
        skip_unchanged=True,
    )


@transaction.atomic
def calendar_day_remove(*, actor: User | None, entry: CalendarDay) -> None:
    """Remove a mark: the day is again what the week (and the global or a superior's calendar) makes
    it. Like setting a day, this applies to deadlines set from now on (tickets submitted, escalated or
    reopened afterwards); the due times of tickets already submitted are not recomputed."""
    _calendar_require(actor, entry.organization)
    audit.record(
        actor=actor,
        action="care_calendar_remove",
        obj=entry,
        changes={
            "day": entry.day,
            "organization": entry.organization.code if entry.organization else None,
            "workday": entry.is_workday,
            "name": entry.name,
        },
    )
    entry.delete()
