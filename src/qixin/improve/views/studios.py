"""Pages of innovation studios (创新工作室)."""

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
from qixin.core.params import query_choice
from qixin.orgs.selectors import org_from_input
from qixin.people.selectors import person_from_input

from .. import forms, selectors, services
from ..models import StudioKind
from ..permissions import can_manage_studio
from ._common import _codes, _form

STUDIO_LIST = listing.register("improve:studios")


@login_required
def studio_list(request: AuthedRequest) -> HttpResponse:
    query = listing.search_text(request)
    rows = selectors.studio_search_for(
        actor=request.user, search_text=query, kind=query_choice(request, "kind", StudioKind.values) or ""
    )
    return listing.show(request, STUDIO_LIST, rows, template="improve/studios.html", context={"q": query})


@login_required
def studio_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    page = selectors.studio_page_for(actor=request.user, pk=pk)
    form = forms.StudioMembersForm(
        initial={
            "leader_no": page.studio.leader.employee_no,
            "member_nos": ",".join(
                m.person.employee_no for m in page.members if m.person_id != page.studio.leader_id
            ),
        }
    )
    return render(request, "improve/studio.html", {"page": page, "members_form": form})


@login_required
def studio_new(request: AuthedRequest) -> HttpResponse:
    def save(data: dict[str, Any]) -> HttpResponse:
        studio = services.studio_create(
            actor=request.user,
            organization=org_from_input(actor=request.user, code=data["org_code"]),
            name=data["name"],
            kind=data["kind"],
            leader=person_from_input(actor=request.user, employee_no=data["leader_no"]),
            founded_on=data["founded_on"],
            focus=data["focus"],
        )
        messages.success(request, f"已成立“{studio.name}”。")
        return redirect("improve:studio", pk=studio.pk)

    return _form(
        request, forms.StudioForm(request.POST or None), "成立工作室", save, reverse("improve:studios")
    )


@login_required
def studio_close(request: AuthedRequest, pk: int) -> HttpResponse:
    studio = selectors.studio_get_for(actor=request.user, pk=pk)
    require(can_manage_studio(request.user, studio))

    def save(data: dict[str, Any]) -> HttpResponse:
        services.studio_close(actor=request.user, studio=studio, on=data["on"])
        messages.success(request, f"“{studio.name}”已撤销。")
        return redirect("improve:studio", pk=studio.pk)

    return _form(
        request,
        forms.StudioCloseForm(request.POST or None, initial={"on": timezone.localdate()}),
        f"撤销“{studio.name}”",
        save,
        reverse("improve:studio", args=[studio.pk]),
        note="撤销后工作室不能再调整成员或关联新项目；已有成员、项目、案例和获奖保留，统计计算到撤销日期。",
        submit_label="确认撤销",
    )


@post_action
def studio_members(request: AuthedRequest, pk: int) -> HttpResponse:
    studio = selectors.studio_get_for(actor=request.user, pk=pk)
    require(can_manage_studio(request.user, studio))  # before the people typed are looked up
    return action(
        request,
        form=forms.StudioMembersForm(request.POST),
        run=lambda data: services.studio_update(
            actor=request.user,
            studio=studio,
            name=studio.name,
            kind=studio.kind,
            focus=studio.focus,
            leader=person_from_input(actor=request.user, employee_no=data["leader_no"]),
            members=[
                person_from_input(actor=request.user, employee_no=no)
                for no in _codes(data["member_nos"].replace("\n", ","))
            ],
        ),
        done="工作室成员已更新。",
        back=reverse("improve:studio", args=[studio.pk]),
    )
