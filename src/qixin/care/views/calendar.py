"""The working-day calendar (工作日历) that deadlines are counted in, and the 办理统计."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from qixin.core.pages import AuthedRequest, form_page
from qixin.orgs import selectors as org_selectors

from .. import forms, selectors, services
from ..permissions import can_edit_calendar

# --- the working-day calendar -----------------------------------------------------------------


def _year(value: str, default: int) -> int:
    try:
        year = int(value)
    except ValueError:
        return default
    return year if 1900 <= year <= 2100 else default


def _calendar_save(request: AuthedRequest, data: dict[str, Any]) -> str:
    """Mark one day or a run of days; what to tell the user."""
    org = org_selectors.org_from_input(actor=request.user, code=data["org"]) if data["org"] else None
    is_workday = data["kind"] == forms.WORKDAY
    first, last = data["day"], data["until"] or data["day"]
    if last == first:
        entry = services.calendar_day_set(
            actor=request.user, day=first, is_workday=is_workday, name=data["name"], organization=org
        )
        return f"已登记：{entry.day.isoformat()} {entry.kind_label}。"
    change = services.calendar_days_set(
        actor=request.user, first=first, last=last, is_workday=is_workday, name=data["name"], organization=org
    )
    done = f"已登记{len(change.days)}天{change.days[0].kind_label}。"
    if change.unchanged:
        kind = "工作日" if is_workday else "休息日"
        done += f"其中{len(change.unchanged)}天本来就是{kind}，未登记。"
    return done


@login_required
def calendar(request: AuthedRequest) -> HttpResponse:
    """The year's holidays and 调休 working days (global, and of the organizations the user manages),
    and the form that adds or changes one day or a run of days."""
    year = _year(request.GET.get("year", ""), timezone.localdate().year)
    days = list(selectors.calendar_day_list_for(actor=request.user, year=year))
    orgs = selectors.calendar_orgs_for(actor=request.user)
    initial: dict[str, Any] = {"kind": forms.HOLIDAY, "org": orgs[0].code if orgs else ""}
    edit = request.GET.get("edit", "")
    # isascii too: "²".isdigit() is true, and int("²") fails.
    if edit.isascii() and edit.isdigit():
        entry = selectors.calendar_day_get_for(actor=request.user, pk=int(edit))
        # The same predicate as the service's: a mark the user sees but may not change (a global one,
        # for a party worker) is not offered for editing only to be refused on saving.
        if can_edit_calendar(request.user, entry.organization):
            initial = {
                "day": entry.day,
                "kind": forms.WORKDAY if entry.is_workday else forms.HOLIDAY,
                "name": entry.name,
                "org": entry.organization.code if entry.organization else "",
            }
        elif entry.organization is None:
            messages.error(request, "您不能修改这条登记：全局登记只有系统管理员可以修改。")
        else:
            messages.error(request, f"您不能修改“{entry.organization.name}”的工作日历。")

    def save(data: dict[str, Any]) -> HttpResponse:
        messages.success(request, _calendar_save(request, data))
        return redirect(f"{reverse('care:calendar')}?year={data['day'].year}")

    context = {
        "days": days,
        "year": year,
        "orgs": orgs,
        "editing": "day" in initial,
        "action": reverse("care:calendar") + f"?year={year}",
    }
    return form_page(
        request,
        form=forms.CalendarDayForm(request.POST or None, initial=initial),
        context=context,
        template="care/calendar.html",
        on_valid=save,
    )


@login_required
def calendar_remove(request: AuthedRequest, pk: int) -> HttpResponse:
    """GET asks to confirm; POST removes (a refusal is a refusal page and an audit entry)."""
    entry = selectors.calendar_day_get_for(actor=request.user, pk=pk)
    if request.method == "POST":
        services.calendar_day_remove(actor=request.user, entry=entry)
        messages.success(request, f"已删除：{entry.day.isoformat()} {entry.kind_label}。")
        return redirect(f"{reverse('care:calendar')}?year={entry.day.year}")
    return render(request, "care/calendar_remove.html", {"entry": entry})


# --- statistics -------------------------------------------------------------------------------


def _date(value: str, default: date) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        return default


@login_required
def stats(request: AuthedRequest) -> HttpResponse:
    roots = org_selectors.org_roots_for(actor=request.user)
    code = request.GET.get("org", "")
    org = org_selectors.org_get_for(actor=request.user, code=code) if code else (roots[0] if roots else None)
    today = timezone.localdate()
    start = _date(request.GET.get("from", ""), today.replace(month=1, day=1))
    end = _date(request.GET.get("to", ""), today)
    context: dict[str, Any] = {"org": org, "start": start, "end": end}
    if org is not None:
        total, rows = selectors.ticket_stats_for(actor=request.user, org=org, start=start, end=end)
        context |= {"total": total, "rows": rows}
    return render(request, "care/stats.html", context)
