"""Report pages: the dashboard, drill-downs, downloads and the narrative template."""

from __future__ import annotations

import tempfile
from datetime import date
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse

from qixin.core import listing
from qixin.core.errors import ApplicationError
from qixin.core.pages import AuthedRequest, download, form_error, form_page

from . import exports, selectors, services
from .forms import ReportFilterForm, TemplateForm
from .metrics import REGISTRY


def _scope(request: AuthedRequest) -> tuple[ReportFilterForm, Any, Any]:
    form = ReportFilterForm(request.GET or None)
    data = form.cleaned_data if form.is_valid() else {}
    if request.GET and not form.is_valid():
        raise ApplicationError("invalid", "查询条件有误，请检查日期。", form_error(form).problems)
    org = selectors.org_for_report(actor=request.user, code=data.get("org") or None)
    period = selectors.period_from(data.get("from"), data.get("to"))
    return form, org, period


def _query(org: Any, period: Any) -> str:
    last = date.fromordinal(period.end.toordinal() - 1)
    return urlencode({"org": org.code, "from": period.start.isoformat(), "to": last.isoformat()})


@login_required
def dashboard(request: AuthedRequest) -> HttpResponse:
    form, org, period = _scope(request)
    board = selectors.dashboard_for(actor=request.user, org=org, period=period)
    chart_data = {
        "months": board.months,
        "trends": [{"name": REGISTRY[k].label, "data": v} for k, v in board.trends.items()],
        "siblings": [s.name for s in board.siblings],
        # A quotient (每百名员工中的党员) on its own axis, at the right: not on the counts' scale.
        "comparison": [
            {"name": REGISTRY[k].label, "data": v, "axis": int(REGISTRY[k].is_quotient)}
            for k, v in board.comparison.items()
        ],
    }
    return render(
        request,
        "reports/dashboard.html",
        {
            "form": form,
            "org": org,
            "board": board,
            "query": _query(org, period),
            # Each figure links to its drill-down; the address is reversed once, not ~200 times: metric
            # keys are [a-z0-9_.] (narrative.PLACEHOLDER), so they need no quoting in a path.
            "drill": reverse("reports:drill", args=["k"]).removesuffix("k/"),
            "chart_data": chart_data,
            "period_label": selectors.period_label(period),
            "last_day": date.fromordinal(period.end.toordinal() - 1),
        },
    )


DRILL_LIST = listing.register("reports:drill", per_page=100)


def _drill_page(
    request: AuthedRequest, rows: Any, search: str
) -> tuple[Any, list[list[dict[str, Any]]], int]:
    """The page of a drill-down asked for, its rows as cells, and how many rows there are unsearched.

    Records in the database are searched, counted and paged in SQL, and only the page's rows are
    made. Rows computed in Python (one per organization), or records whose drill declares no
    searched fields, are searched in every cell's text."""
    per_page = listing.spec(DRILL_LIST).per_page
    if rows.records is not None and rows.row is not None and (rows.search or not search):
        records = rows.records
        total = records.count() if search else 0
        if search:
            records = records.filter(listing.search_q(search, rows.search))
        page = listing.paginate(request, records, per_page=per_page)
        table = [[_cell(c) for c in rows.row(record)] for record in page.object_list]
        return page, table, total or page.paginator.count
    everything = [[_cell(c) for c in row] for row in rows.all_rows()]
    total = len(everything)
    if search:  # a name, a 工号, a branch...: rows with a cell that contains it
        needle = search.casefold()
        everything = [
            row for row in everything if any(needle in str(c["text"] or "").casefold() for c in row)
        ]
    page = listing.paginate(request, everything, per_page=per_page)
    return page, list(page.object_list), total


@login_required
def drill(request: AuthedRequest, key: str) -> HttpResponseBase:
    _form, org, period = _scope(request)
    metric, value, rows = selectors.drill_for(actor=request.user, org=org, period=period, key=key)
    fmt = request.GET.get("format")
    if fmt in ("xlsx", "csv"):
        return download(lambda path: exports.write_drill(rows, path), f"{metric.label}.{fmt}")
    search = listing.search_text(request)
    page, table, total = _drill_page(request, rows, search)
    query = _query(org, period)
    return render(
        request,
        "reports/drill.html",
        {
            "metric": metric,
            "value": value,
            "drill": rows,
            "page": page,
            "table": table,
            "org": org,
            "period": period,
            "last_day": date.fromordinal(period.end.toordinal() - 1),
            "query": query,
            "page_query": f"{query}&{urlencode({'q': search})}" if search else query,
            "search": search,
            "total": total,
            "period_label": selectors.period_label(period),
        },
    )


@login_required
def summary_download(request: AuthedRequest, fmt: str) -> HttpResponseBase:
    if fmt not in exports.FORMATS:
        raise Http404
    _form, org, period = _scope(request)
    summary = selectors.summary_for(actor=request.user, org=org, period=period)
    base_url = request.build_absolute_uri("/").rstrip("/")
    name = f"{org.name}{selectors.period_label(period)}党建工作报告.{fmt}"
    if fmt in ("json", "md"):
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / f"report.{fmt}"
            exports.write_summary(summary, path, fmt, base_url)
            content = path.read_bytes()
        response = HttpResponse(
            content, content_type="application/json" if fmt == "json" else "text/markdown"
        )
        response["Content-Disposition"] = f"attachment; filename*=UTF-8''{_quote(name)}"
        return response
    return download(lambda path: exports.write_summary(summary, path, fmt, base_url), name)


def _cell(value: Any) -> dict[str, Any]:
    """A drill-down cell: a (text, url) pair links the record; anything else is shown as is."""
    if isinstance(value, tuple):
        return {"text": value[0], "url": value[1]}
    return {"text": value, "url": ""}


def _quote(name: str) -> str:
    from urllib.parse import quote

    return quote(name)


@login_required
def template_edit(request: AuthedRequest) -> HttpResponse:
    _form, org, _period = _scope(request)

    def save(data: dict[str, Any]) -> HttpResponse:
        services.narrative_template_save(actor=request.user, org=org, text=data["text"])
        messages.success(request, "报告模板已保存。")
        return redirect(f"{request.path}?org={org.code}")

    form = TemplateForm(request.POST or None, initial={"text": selectors.template_for(org)})
    return form_page(
        request,
        form=form,
        template="reports/template.html",
        on_valid=save,
        context={
            "org": org,
            "action": request.get_full_path(),
            "metrics": list(REGISTRY.values()),
            "title": f"“{org.name}”的报告模板",
        },
    )
