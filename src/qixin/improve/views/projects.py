"""Pages of improvement projects (项目)."""

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
from qixin.core.params import query_choice
from qixin.orgs.selectors import org_from_input
from qixin.people.selectors import person_from_input

from .. import forms, selectors, services
from ..models import Category, Stage
from ..permissions import can_edit_project
from ._common import _codes, _form

PROJECT_LIST = listing.register("improve:projects")


@login_required
def project_list(request: AuthedRequest) -> HttpResponse:
    filters = selectors.ProjectFilters(
        search=listing.search_text(request),
        stage=query_choice(request, "stage", Stage.values) or "",
        category=query_choice(request, "category", Category.values) or "",
        mine=request.GET.get("mine") == "1",
    )
    rows = selectors.project_search_for(actor=request.user, filters=filters)
    context = {"filters": filters, "stages": Stage.choices, "categories": Category.choices}
    return listing.show(
        request,
        PROJECT_LIST,
        rows,
        template="improve/projects.html",
        partial="improve/partials/_project_rows.html",
        context=context,
    )


@login_required
def project_new(request: AuthedRequest) -> HttpResponse:
    def save(data: dict[str, Any]) -> HttpResponse:
        alliances = [
            selectors.alliance_get_for(actor=request.user, code=code)
            for code in _codes(data["alliance_codes"])
        ]
        project = services.project_create(
            actor=request.user,
            organization=org_from_input(actor=request.user, code=data["org_code"]),
            title=data["title"],
            owner=person_from_input(actor=request.user, employee_no=data["owner_no"]),
            category=data["category"],
            custom_category=data["custom_category"],
            started_on=data["started_on"],
            savings_target=data["savings_target"],
            description=data["description"],
            alliances=alliances,
        )
        messages.success(request, f"已立项，编号{project.code}。")
        return redirect("improve:project", pk=project.pk)

    return _form(request, forms.ProjectForm(request.POST or None), "立项", save, reverse("improve:projects"))


@login_required
def project_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    page = selectors.project_page_for(actor=request.user, pk=pk)
    today = timezone.localdate()
    return render(
        request,
        "improve/project.html",
        {
            "page": page,
            "p": page.project,
            "stage_form": forms.StageForm(initial={"on": today}),
            "claim_form": forms.ClaimForm(initial={"occurred_on": today}),
            "verify_form": forms.VerifyForm(initial={"verified_on": today}),
            "team_form": forms.TeamForm(
                initial={"members": "\n".join(f"{m.person.employee_no} {m.role}".strip() for m in page.team)}
            ),
            "today": today,
        },
    )


@login_required
def project_edit(request: AuthedRequest, pk: int) -> HttpResponse:
    project = selectors.project_get_for(actor=request.user, pk=pk)
    require(can_edit_project(request.user, project))

    def save(data: dict[str, Any]) -> HttpResponse:
        services.project_update(
            actor=request.user,
            project=project,
            title=data["title"],
            category=data["category"],
            custom_category=data["custom_category"],
            description=data["description"],
            savings_target=data["savings_target"],
            alliances=selectors.project_alliances_from_input(
                actor=request.user, project=project, codes=_codes(data["alliance_codes"])
            ),
        )
        messages.success(request, "已保存。")
        return redirect("improve:project", pk=project.pk)

    initial = initial_from(
        project,
        forms.ProjectEditForm,
        alliance_codes=",".join(a.code for a in project.alliances.order_by("code")),
    )
    return _form(
        request,
        forms.ProjectEditForm(request.POST or None, initial=initial),
        f"修改项目{project.code}",
        save,
        reverse("improve:project", args=[project.pk]),
        note=(
            f"所在组织（{project.organization.name}）、负责人（{project.owner.name}）和立项日期"
            f"（{project.started_on:%Y-%m-%d}）不能修改；阶段、团队和节约额在项目页办理。"
        ),
    )


@post_action
def project_move(request: AuthedRequest, pk: int) -> HttpResponse:
    project = selectors.project_get_for(actor=request.user, pk=pk)

    def run(data: dict[str, Any]) -> str:
        services.project_move(
            actor=request.user, project=project, to_stage=data["to_stage"], on=data["on"], note=data["note"]
        )
        return str(data["to_stage"])

    return action(
        request,
        form=forms.StageForm(request.POST),
        run=run,
        done=lambda stage: f"项目已进入“{stage}”阶段。",
        back=reverse("improve:project", args=[project.pk]),
    )


@post_action
def project_team(request: AuthedRequest, pk: int) -> HttpResponse:
    project = selectors.project_get_for(actor=request.user, pk=pk)
    require(can_edit_project(request.user, project))  # before the people typed are looked up

    def run(data: dict[str, Any]) -> None:
        members = []
        for line in data["members"].splitlines():
            employee_no, _, role = line.strip().partition(" ")
            if employee_no:
                members.append((person_from_input(actor=request.user, employee_no=employee_no), role.strip()))
        services.project_team_set(actor=request.user, project=project, members=members)

    return action(
        request,
        form=forms.TeamForm(request.POST),
        run=run,
        done="团队已更新。",
        back=reverse("improve:project", args=[project.pk]),
    )
