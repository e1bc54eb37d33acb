"""The app's home page, compliance, the lapse warning and the calendar."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import render

from qixin.core.access import require
from qixin.core.errors import ApplicationError
from qixin.core.pages import AuthedRequest, download, form_error
from qixin.core.params import query_year
from qixin.core.periods import Period
from qixin.orgs.models import OrgKind

from .. import forms, importers, selectors, tables
from ..permissions import can_import_meetings, can_see_compliance
from ._common import _today


@login_required
def index(request: AuthedRequest) -> HttpResponse:
    """The branch secretary's "what is due", the committee's compliance entry, a member's meetings."""
    today = _today()
    roots = selectors.life_roots_for(actor=request.user)
    due_pages = [
        selectors.due_page_for(actor=request.user, org=o, today=today)
        for o in roots
        if o.kind in (OrgKind.BRANCH, OrgKind.GROUP)
    ]
    committees = [o for o in roots if o.kind in (OrgKind.COMMITTEE, OrgKind.GENERAL_BRANCH)]
    upcoming = selectors.upcoming_meetings_for(actor=request.user, today=today)
    context = {
        "today": today,
        "due_pages": due_pages,
        "committees": committees,
        "reminders": selectors.reminders_for(actor=request.user, today=today),
        "upcoming": upcoming,
        "can_import": can_import_meetings(request.user),
    }
    return render(request, "life/index.html", context)


def _period(request: AuthedRequest, today: date) -> tuple[Period, forms.PeriodForm]:
    form = forms.PeriodForm(request.GET or None)
    start, last = date(today.year, 1, 1), date(today.year, 12, 31)
    if form.is_bound:
        if not form.is_valid():
            raise form_error(form)
        start = form.cleaned_data["start"] or start
        last = form.cleaned_data["end"] or last
    if last < start:
        raise ApplicationError("invalid", "结束日期不能早于开始日期。")
    return Period.inclusive(start, last), form


@login_required
def compliance(request: AuthedRequest, pk: int) -> HttpResponse:
    org = selectors.org_for_life(actor=request.user, pk=pk)
    today = _today()
    period, form = _period(request, today)
    behind = bool(form.is_bound and form.cleaned_data.get("behind"))
    report = selectors.compliance_for(actor=request.user, org=org, period=period, today=today)
    table = selectors.compliance_table(report)
    rows = tables.compliance_rows([t for t in table if not t.row.compliant] if behind else table)
    context = {"org": org, "report": report, "rows": rows, "form": form}
    return render(request, "life/compliance.html", context)


def _lapse_report(request: AuthedRequest) -> tuple[selectors.LapseReport, forms.LapseFilterForm, Any]:
    """The warning list of the request's filter: the organization chosen (its subtree) or everything
    the user keeps. A plain member keeps nothing and gets a 404, like any page not theirs."""
    orgs = selectors.lapse_orgs_for(actor=request.user)
    form = forms.LapseFilterForm(request.GET or None, orgs=orgs)
    if form.is_bound and not form.is_valid():
        raise form_error(form)
    data = form.cleaned_data if form.is_bound else {}
    org = next((o for o in orgs if o.pk == data.get("org")), None)
    report = selectors.lapse_list_for(actor=request.user, org=org, today=_today())
    if data.get("severe"):
        report = selectors.LapseReport(report.today, report.severe, report.unrecorded)
    return report, form, org


@login_required
def lapse(request: AuthedRequest) -> HttpResponse:
    """组织生活预警: members long without organizational life, before 自行脱党."""
    report, form, org = _lapse_report(request)
    query = request.GET.urlencode()
    context = {"report": report, "form": form, "org": org, "query": f"?{query}" if query else ""}
    return render(request, "life/lapse.html", context)


@login_required
def lapse_export(request: AuthedRequest, fmt: str) -> HttpResponseBase:
    if fmt not in ("xlsx", "csv"):
        raise Http404
    report, _form, _org = _lapse_report(request)
    return download(
        lambda path: importers.export_lapse(actor=request.user, report=report, path=path),
        f"组织生活预警.{fmt}",
    )


@login_required
def calendar(request: AuthedRequest, pk: int) -> HttpResponse:
    org = selectors.org_for_life(actor=request.user, pk=pk)
    require(can_see_compliance(request.user, org), hide=True)
    today = _today()
    year = min(max(query_year(request) or today.year, 2000), 2100)
    months = selectors.calendar_for(actor=request.user, org=org, year=year, today=today)
    context = {"org": org, "months": months, "year": year, "prev": year - 1, "next": year + 1}
    return render(request, "life/calendar.html", context)
