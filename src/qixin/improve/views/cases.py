"""Pages of improvement cases (改善案例) and excellent-case selection."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from qixin.core import listing
from qixin.core.access import require
from qixin.core.actions import action, post_action
from qixin.core.forms import initial_from
from qixin.core.pages import AuthedRequest
from qixin.core.params import query_year
from qixin.orgs.selectors import org_from_input
from qixin.people.selectors import person_from_input

from .. import forms, selectors, services
from ..permissions import can_manage_case, can_select_excellent
from ._common import _form

CASE_LIST = listing.register("improve:cases")


@login_required
def case_list(request: AuthedRequest) -> HttpResponse:
    query = listing.search_text(request)
    year = query_year(request)
    rows = selectors.case_search_for(
        actor=request.user, search_text=query, year=year, excellent=request.GET.get("excellent") == "1"
    )
    context = {"q": query, "year": year or ""}
    return listing.show(request, CASE_LIST, rows, template="improve/cases.html", context=context)


@login_required
def case_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    page = selectors.case_page_for(actor=request.user, pk=pk)
    return render(
        request,
        "improve/case.html",
        {
            "page": page,
            "rate_form": forms.RateForm(),
            "select_form": forms.SelectForm(initial={"on": timezone.localdate()}),
        },
    )


@login_required
def case_new(request: AuthedRequest) -> HttpResponse:
    def save(data: dict[str, Any]) -> HttpResponse:
        case = services.case_create(
            actor=request.user,
            organization=org_from_input(actor=request.user, code=data.pop("org_code")),
            lead=person_from_input(actor=request.user, employee_no=data.pop("lead_no")),
            **data,
        )
        messages.success(request, f"已记录改善案例{case.code}。")
        return redirect("improve:case", pk=case.pk)

    return _form(
        request, forms.CaseForm(request.POST or None), "记录改善案例", save, reverse("improve:cases")
    )


@login_required
def case_edit(request: AuthedRequest, pk: int) -> HttpResponse:
    case = selectors.case_get_for(actor=request.user, pk=pk)
    require(can_manage_case(request.user, case))

    def save(data: dict[str, Any]) -> HttpResponse:
        services.case_update(actor=request.user, case=case, **data)
        messages.success(request, "已保存。")
        return redirect("improve:case", pk=case.pk)

    initial = initial_from(case, forms.CaseEditForm)
    return _form(
        request,
        forms.CaseEditForm(request.POST or None, initial=initial),
        f"修改改善案例{case.code}",
        save,
        reverse("improve:case", args=[case.pk]),
        note=(
            f"所在组织（{case.organization.name}）、主要完成人（{case.lead.name}）、年度（{case.year}）"
            f"和完成日期（{case.completed_on:%Y-%m-%d}）不能修改。"
        ),
    )


@login_required
def excellent_unselect(request: AuthedRequest, pk: int, selection_pk: int) -> HttpResponse:
    selection = selectors.excellent_selection_get_for(actor=request.user, case_pk=pk, pk=selection_pk)
    require(can_select_excellent(request.user, selection.organization))
    case = selection.case

    def save(data: dict[str, Any]) -> HttpResponse:
        services.excellent_unselect(actor=request.user, selection=selection, reason=data["reason"])
        messages.success(request, f"已撤销{case.code}的{selection.year}年度优秀改善案例评选。")
        return redirect("improve:case", pk=case.pk)

    return _form(
        request,
        forms.UnselectForm(request.POST or None),
        f"撤销{case.code}的{selection.year}年度优秀改善案例评选",
        save,
        reverse("improve:case", args=[case.pk]),
        note=(
            f"该案例于{selection.selected_on:%Y-%m-%d}由“{selection.organization.name}”评为优秀改善案例。"
            "撤销后不再计入该年度的优秀案例数，撤销原因记入操作记录。"
        ),
        submit_label="确认撤销",
    )


@post_action
def case_rate(request: AuthedRequest, pk: int) -> HttpResponse:
    case = selectors.case_get_for(actor=request.user, pk=pk)
    return action(
        request,
        form=forms.RateForm(request.POST),
        run=lambda data: services.case_rate(actor=request.user, case=case, rating=data["rating"]),
        done="已评级。",
        back=reverse("improve:case", args=[case.pk]),
    )


@post_action
def case_select(request: AuthedRequest, pk: int) -> HttpResponse:
    case = selectors.case_get_for(actor=request.user, pk=pk)
    require(can_manage_case(request.user, case))  # before the committee typed is looked up
    return action(
        request,
        form=forms.SelectForm(request.POST),
        run=lambda data: services.excellent_select(
            actor=request.user,
            organization=org_from_input(actor=request.user, code=data["org_code"]),
            year=case.year,
            cases=[case],
            on=data["on"],
            citation=data["citation"],
        ),
        done=f"已评为{case.year}年度优秀改善案例。",
        back=reverse("improve:case", args=[case.pk]),
    )
