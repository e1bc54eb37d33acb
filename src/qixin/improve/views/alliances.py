"""Pages of alliances (联盟)."""

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
from qixin.core.pages import AuthedRequest
from qixin.orgs.selectors import org_from_input
from qixin.people.selectors import person_from_input

from .. import forms, selectors, services
from ..permissions import can_manage_alliance
from ._common import _codes, _form

ALLIANCE_LIST = listing.register("improve:alliances")


@login_required
def alliance_list(request: AuthedRequest) -> HttpResponse:
    query = listing.search_text(request)
    rows = selectors.alliance_search_for(actor=request.user, search_text=query)
    return listing.show(request, ALLIANCE_LIST, rows, template="improve/alliances.html", context={"q": query})


@login_required
def alliance_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    return render(
        request,
        "improve/alliance.html",
        {
            "page": selectors.alliance_page_for(actor=request.user, pk=pk),
            "member_form": forms.MemberForm(initial={"joined_on": timezone.localdate()}),
        },
    )


@login_required
def alliance_new(request: AuthedRequest) -> HttpResponse:
    def save(data: dict[str, Any]) -> HttpResponse:
        alliance = services.alliance_create(
            actor=request.user,
            name=data["name"],
            lead_branch=org_from_input(actor=request.user, code=data["lead_code"]),
            branches=[org_from_input(actor=request.user, code=code) for code in _codes(data["branch_codes"])],
            leader=person_from_input(actor=request.user, employee_no=data["leader_no"]),
            founded_on=data["founded_on"],
            goal=data["goal"],
        )
        messages.success(request, f"已组建降本联盟“{alliance.name}”。")
        return redirect("improve:alliance", pk=alliance.pk)

    return _form(
        request, forms.AllianceForm(request.POST or None), "组建降本联盟", save, reverse("improve:alliances")
    )


@login_required
def alliance_edit(request: AuthedRequest, pk: int) -> HttpResponse:
    alliance = selectors.alliance_get_for(actor=request.user, pk=pk)
    require(can_manage_alliance(request.user, alliance))

    def save(data: dict[str, Any]) -> HttpResponse:
        services.alliance_update(
            actor=request.user,
            alliance=alliance,
            name=data["name"],
            leader=selectors.alliance_person_from_input(
                actor=request.user, alliance=alliance, employee_no=data["leader_no"]
            ),
            branches=selectors.alliance_branches_from_input(
                actor=request.user, alliance=alliance, codes=_codes(data["branch_codes"])
            ),
            goal=data["goal"],
        )
        messages.success(request, "已保存。")
        return redirect("improve:alliance", pk=alliance.pk)

    initial = {
        "name": alliance.name,
        "branch_codes": ",".join(
            b.code for b in alliance.branches.order_by("path") if b.pk != alliance.lead_branch_id
        ),
        "leader_no": alliance.leader.employee_no,
        "goal": alliance.goal,
    }
    return _form(
        request,
        forms.AllianceEditForm(request.POST or None, initial=initial),
        f"修改降本联盟“{alliance.name}”",
        save,
        reverse("improve:alliance", args=[alliance.pk]),
        note=(
            f"联盟编码（{alliance.code}）、牵头党支部（{alliance.lead_branch.name}）"
            f"和成立日期（{alliance.founded_on:%Y-%m-%d}）不能修改。"
        ),
    )


@login_required
def alliance_dissolve(request: AuthedRequest, pk: int) -> HttpResponse:
    alliance = selectors.alliance_get_for(actor=request.user, pk=pk)
    require(can_manage_alliance(request.user, alliance))

    def save(data: dict[str, Any]) -> HttpResponse:
        services.alliance_dissolve(actor=request.user, alliance=alliance, on=data["on"])
        messages.success(request, f"降本联盟“{alliance.name}”已解散。")
        return redirect("improve:alliance", pk=alliance.pk)

    return _form(
        request,
        forms.DissolveForm(request.POST or None, initial={"on": timezone.localdate()}),
        f"解散降本联盟“{alliance.name}”",
        save,
        reverse("improve:alliance", args=[alliance.pk]),
        note="解散后联盟不能再修改、加入成员或关联项目；已有项目和节约额保持不变，统计计算到解散日期。",
        submit_label="确认解散",
    )


@login_required
def alliance_member_remove(request: AuthedRequest, pk: int, person_pk: int) -> HttpResponse:
    membership = selectors.alliance_member_get_for(actor=request.user, alliance_pk=pk, person_pk=person_pk)
    alliance, person = membership.alliance, membership.person
    require(can_manage_alliance(request.user, alliance))

    def save(data: dict[str, Any]) -> HttpResponse:
        services.alliance_member_remove(
            actor=request.user, alliance=alliance, person=person, left_on=data["left_on"]
        )
        messages.success(request, f"{person.name}已退出联盟。")
        return redirect("improve:alliance", pk=alliance.pk)

    return _form(
        request,
        forms.MemberLeaveForm(request.POST or None, initial={"left_on": timezone.localdate()}),
        f"{person.name}退出降本联盟“{alliance.name}”",
        save,
        reverse("improve:alliance", args=[alliance.pk]),
        note=f"{person.name}于{membership.joined_on:%Y-%m-%d}加入。退出后成员记录保留，注明退出日期。",
        submit_label="确认退出",
    )


@post_action
def alliance_member_add(request: AuthedRequest, pk: int) -> HttpResponse:
    alliance = selectors.alliance_get_for(actor=request.user, pk=pk)
    require(can_manage_alliance(request.user, alliance))  # before the person typed is looked up

    def run(data: dict[str, Any]) -> str:
        person = person_from_input(actor=request.user, employee_no=data["employee_no"])
        services.alliance_member_add(
            actor=request.user, alliance=alliance, person=person, joined_on=data["joined_on"]
        )
        return person.name

    return action(
        request,
        form=forms.MemberForm(request.POST),
        run=run,
        done=lambda name: f"{name}已加入联盟。",
        back=reverse("improve:alliance", args=[alliance.pk]),
    )
