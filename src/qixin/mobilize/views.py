"""Pages of teams, missions, deployments and service hours. Thin: parse, call a service or a
selector, render."""

from __future__ import annotations

from functools import partial
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from qixin.brand.selectors import framework_effective
from qixin.core import listing
from qixin.core.access import require
from qixin.core.actions import action, post_action
from qixin.core.errors import ApplicationError, NotFound
from qixin.core.forms import initial_from
from qixin.core.pages import AuthedRequest, form_page, titled_form_page
from qixin.core.params import query_choice, query_id
from qixin.orgs.selectors import org_from_input
from qixin.people.selectors import person_from_input, person_get_for

from . import forms, selectors, services
from .models import DeploymentKind, MissionKind, MissionStatus, TeamKind
from .permissions import can_manage_org, can_record_deployment_deed

TEAM_LIST = listing.register("mobilize:index")
MISSION_LIST = listing.register("mobilize:missions")
DEPLOYMENT_LIST = listing.register("mobilize:deployments")


_form = partial(titled_form_page, template="mobilize/form.html")


@login_required
def index(request: AuthedRequest) -> HttpResponse:
    kind = query_choice(request, "kind", TeamKind.values) or ""
    search = listing.search_text(request)
    rows = selectors.team_list_for(actor=request.user, kind=kind, search=search)
    context = {"kind": kind, "q": search, "kinds": TeamKind}
    return listing.show(request, TEAM_LIST, rows, template="mobilize/index.html", context=context)


@login_required
def team_new(request: AuthedRequest) -> HttpResponse:
    def save(data: dict[str, Any]) -> HttpResponse:
        org = org_from_input(actor=request.user, code=data["org"])
        leader = person_from_input(actor=request.user, employee_no=data["leader"]) if data["leader"] else None
        team = services.team_create(
            actor=request.user,
            organization=org,
            name=data["name"],
            kind=data["kind"],
            custom_kind=data["custom_kind"],
            leader=leader,
            formed_on=data["formed_on"],
            description=data["description"],
        )
        messages.success(request, f"已组建“{team.name}”。")
        return redirect("mobilize:team", pk=team.pk)

    return form_page(
        request,
        form=forms.TeamForm(request.POST or None, initial={"org": request.GET.get("org", "")}),
        context={"title": "组建队伍", "action": request.path, "cancel_url": reverse("mobilize:index")},
        template="mobilize/form.html",
        on_valid=save,
    )


@login_required
def team_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    team = selectors.team_get_for(actor=request.user, pk=pk)
    members = list(selectors.team_members_for(actor=request.user, team=team))

    def save(data: dict[str, Any]) -> HttpResponse:
        person = person_from_input(actor=request.user, employee_no=data["employee_no"])
        services.team_member_add(actor=request.user, team=team, person=person, joined_on=data["joined_on"])
        messages.success(request, f"{person.name}已加入“{team.name}”。")
        return redirect("mobilize:team", pk=team.pk)

    return form_page(
        request,
        form=forms.TeamMemberForm(request.POST or None),
        context={"team": team, "members": members, "action": request.path},
        template="mobilize/team.html",
        on_valid=save,
    )


@login_required
def team_edit(request: AuthedRequest, pk: int) -> HttpResponse:
    team = selectors.team_get_for(actor=request.user, pk=pk)
    require(can_manage_org(request.user, team.organization))

    def save(data: dict[str, Any]) -> HttpResponse:
        leader = person_from_input(actor=request.user, employee_no=data["leader"]) if data["leader"] else None
        services.team_update(
            actor=request.user,
            team=team,
            name=data["name"],
            kind=data["kind"],
            custom_kind=data["custom_kind"],
            leader=leader,
            description=data["description"],
        )
        messages.success(request, "已保存。")
        return redirect("mobilize:team", pk=team.pk)

    initial = initial_from(team, forms.TeamEditForm, leader=team.leader.employee_no if team.leader else "")
    return _form(
        request,
        forms.TeamEditForm(request.POST or None, initial=initial),
        f"修改队伍“{team.name}”",
        save,
        reverse("mobilize:team", args=[team.pk]),
        note=(
            f"组建组织（{team.organization.name}）和组建日期（{team.formed_on:%Y-%m-%d}）不能修改。"
            "新任队长如不在队中，自今日起加入队伍。"
        ),
    )


@post_action
def team_member_remove(request: AuthedRequest, pk: int) -> HttpResponse:
    member = selectors.team_member_get_for(actor=request.user, pk=pk)
    return action(
        request,
        form=forms.LeaveForm(request.POST),
        run=lambda data: services.team_member_remove(actor=request.user, member=member, on=data["left_on"]),
        done=f"{member.person.name}已退出。",
        back=reverse("mobilize:team", args=[member.team_id]),
    )


@post_action
def team_disband(request: AuthedRequest, pk: int) -> HttpResponse:
    team = selectors.team_get_for(actor=request.user, pk=pk)
    return action(
        request,
        form=forms.DisbandForm(request.POST),
        run=lambda data: services.team_disband(actor=request.user, team=team, on=data["on"]),
        done=f"“{team.name}”已解散，队员记录保留。",
        back=reverse("mobilize:team", args=[team.pk]),
    )


@login_required
def missions(request: AuthedRequest) -> HttpResponse:
    kind = query_choice(request, "kind", MissionKind.values) or ""
    status = query_choice(request, "status", MissionStatus.values) or ""
    rows = selectors.mission_list_for(actor=request.user, kind=kind, status=status)
    context = {"kind": kind, "status": status, "kinds": MissionKind, "statuses": MissionStatus}
    return listing.show(request, MISSION_LIST, rows, template="mobilize/missions.html", context=context)


@login_required
def mission_new(request: AuthedRequest) -> HttpResponse:
    def save(data: dict[str, Any]) -> HttpResponse:
        org = org_from_input(actor=request.user, code=data.pop("org"))
        mission = services.mission_create(actor=request.user, organization=org, **data)
        messages.success(request, f"已发起“{mission.name}”。")
        return redirect("mobilize:mission", pk=mission.pk)

    return form_page(
        request,
        form=forms.MissionForm(request.POST or None, initial={"org": request.GET.get("org", "")}),
        context={"title": "发起专项任务", "action": request.path, "cancel_url": reverse("mobilize:missions")},
        template="mobilize/form.html",
        on_valid=save,
    )


@login_required
def mission_edit(request: AuthedRequest, pk: int) -> HttpResponse:
    mission = selectors.mission_get_for(actor=request.user, pk=pk)
    require(can_manage_org(request.user, mission.organization))

    def save(data: dict[str, Any]) -> HttpResponse:
        services.mission_update(actor=request.user, mission=mission, **data)
        messages.success(request, "已保存。")
        return redirect("mobilize:mission", pk=mission.pk)

    initial = initial_from(mission, forms.MissionEditForm)
    return _form(
        request,
        forms.MissionEditForm(request.POST or None, initial=initial),
        f"修改专项任务“{mission.name}”",
        save,
        reverse("mobilize:mission", args=[mission.pk]),
        note=(
            f"发起组织（{mission.organization.name}）不能修改；任务状态和成效在任务页更新。"
            "已完成或已取消的任务不能修改。"
        ),
    )


@login_required
def assignment_remove(request: AuthedRequest, pk: int) -> HttpResponse:
    assignment = selectors.assignment_get_for(actor=request.user, pk=pk)
    require(can_manage_org(request.user, assignment.mission.organization))
    person, mission = assignment.person, assignment.mission

    def save(data: dict[str, Any]) -> HttpResponse:
        services.assignment_remove(actor=request.user, assignment=assignment, reason=data["reason"])
        messages.success(request, f"已将{person.name}移出任务。")
        return redirect("mobilize:mission", pk=mission.pk)

    return _form(
        request,
        forms.UnassignForm(request.POST or None),
        f"将{person.name}（{person.employee_no}）移出“{mission.name}”",
        save,
        reverse("mobilize:mission", args=[mission.pk]),
        note=(
            f"承担工作：{assignment.part}。用于更正误加入任务的人员：移出后不再计入该任务的人员，"
            "撤销原因记入操作记录。已记为党员事迹的不能移出。"
        ),
        submit_label="确认移出",
    )


def _mission_context(request: AuthedRequest, pk: int, **extra: Any) -> dict[str, Any]:
    page = selectors.mission_page_for(actor=request.user, pk=pk)
    return {
        "page": page,
        "mission": page.mission,
        "team_form": extra.get("team_form") or forms.MissionTeamForm(),
        "assign_form": extra.get("assign_form") or forms.AssignForm(),
        "status_form": extra.get("status_form") or forms.StatusForm(initial={"status": page.mission.status}),
        "error": extra.get("error"),
        "is_open": page.mission.status in (MissionStatus.PLANNED, MissionStatus.ACTIVE),
    }


@login_required
def mission_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    return render(request, "mobilize/mission.html", _mission_context(request, pk))


def _mission_action(request: AuthedRequest, pk: int, form: Any, key: str, act: Any) -> HttpResponse:
    """An action on a mission's page: a problem shows the page again, the form as typed."""
    mission = selectors.mission_get_for(actor=request.user, pk=pk)
    return action(
        request,
        form=form,
        run=lambda data: act(mission, data),
        done=lambda message: str(message),
        back=reverse("mobilize:mission", args=[pk]),
        failed=lambda exc: render(
            request,
            "mobilize/mission.html",
            _mission_context(request, pk, error=exc, **{key: form}),
            status=400,
        ),
    )


@post_action
def mission_add_team(request: AuthedRequest, pk: int) -> HttpResponse:
    def act(mission: Any, data: dict[str, Any]) -> str:
        try:
            team = selectors.team_get_for(actor=request.user, pk=data["team"])
        except NotFound:
            raise ApplicationError(
                "unknown_team", f"找不到编号为{data['team']}的队伍，或不在您的范围内。"
            ) from None
        services.mission_add_team(actor=request.user, mission=mission, team=team)
        return f"“{team.name}”已加入任务。"

    return _mission_action(request, pk, forms.MissionTeamForm(request.POST), "team_form", act)


@post_action
def mission_assign(request: AuthedRequest, pk: int) -> HttpResponse:
    def act(mission: Any, data: dict[str, Any]) -> str:
        person = person_from_input(actor=request.user, employee_no=data["employee_no"])
        services.mission_assign(actor=request.user, mission=mission, person=person, part=data["part"])
        return f"{person.name}已加入任务。"

    return _mission_action(request, pk, forms.AssignForm(request.POST), "assign_form", act)


@post_action
def mission_status(request: AuthedRequest, pk: int) -> HttpResponse:
    def act(mission: Any, data: dict[str, Any]) -> str:
        services.mission_set_status(actor=request.user, mission=mission, **data)
        return f"任务状态已改为“{mission.get_status_display()}”。"

    return _mission_action(request, pk, forms.StatusForm(request.POST), "status_form", act)


@login_required
def assignment_deed(request: AuthedRequest, pk: int) -> HttpResponse:
    assignment = selectors.assignment_get_for(actor=request.user, pk=pk)
    framework = framework_effective(assignment.person.organization)
    names = [p.name for p in framework.pillars.all()] if framework else []

    def save(data: dict[str, Any]) -> HttpResponse:
        services.assignment_to_deed(
            actor=request.user,
            assignment=assignment,
            pillars=data["pillars"],
            description=data["description"],
        )
        messages.success(request, f"已记入{assignment.person.name}的党员事迹。")
        return redirect("mobilize:mission", pk=assignment.mission_id)

    return form_page(
        request,
        form=forms.DeedForm(request.POST or None, pillar_names=names),
        context={
            "title": f"将{assignment.person.name}在“{assignment.mission.name}”中的工作记为事迹",
            "action": request.path,
            "cancel_url": reverse("mobilize:mission", args=[assignment.mission_id]),
            "framework": framework,
        },
        template="mobilize/form.html",
        on_valid=save,
    )


@login_required
def deployments(request: AuthedRequest) -> HttpResponse:
    kind = query_choice(request, "kind", DeploymentKind.values) or ""
    rows = selectors.deployment_list_for(actor=request.user, kind=kind)
    return listing.show(
        request,
        DEPLOYMENT_LIST,
        rows,
        template="mobilize/deployments.html",
        context={"kind": kind, "kinds": DeploymentKind},
        about_rows=lambda shown: {"deeds": selectors.deployments_with_deeds(list(shown))},
    )


@login_required
def person_page(request: AuthedRequest, pk: int) -> HttpResponse:
    """One person's teams, missions, deployments and hours (linked from their person page)."""
    person = person_get_for(actor=request.user, pk=pk)
    context = {
        "person": person,
        "mobilization": selectors.person_mobilization_for(actor=request.user, person=person),
    }
    return render(request, "mobilize/person.html", context)


@login_required
def deployment_deed(request: AuthedRequest, pk: int) -> HttpResponse:
    deployment = selectors.deployment_get_for(actor=request.user, pk=pk)
    require(can_record_deployment_deed(request.user, deployment))
    person = deployment.person
    framework = framework_effective(person.organization)
    names = [p.name for p in framework.pillars.all()] if framework else []
    back = (
        reverse("mobilize:mission", args=[deployment.mission_id])
        if deployment.mission_id and request.GET.get("from") == "mission"
        else reverse("mobilize:deployments")
    )

    def save(data: dict[str, Any]) -> HttpResponse:
        services.deployment_to_deed(
            actor=request.user,
            deployment=deployment,
            pillars=data["pillars"],
            description=data["description"],
        )
        messages.success(request, f"已记入{person.name}的党员事迹。")
        return redirect(back)

    return form_page(
        request,
        form=forms.DeedForm(
            request.POST or None,
            pillar_names=names,
            default_text=services.deployment_deed_text(deployment),
        ),
        context={
            "title": f"将{person.name}的派驻（{deployment.kind}{deployment.destination}）记为事迹",
            "action": request.get_full_path(),
            "cancel_url": back,
            "framework": framework,
        },
        template="mobilize/form.html",
        on_valid=save,
    )


@login_required
def deployment_new(request: AuthedRequest) -> HttpResponse:
    mission_pk = query_id(request, "mission")
    mission = selectors.mission_get_for(actor=request.user, pk=mission_pk) if mission_pk else None

    def save(data: dict[str, Any]) -> HttpResponse:
        person = person_from_input(actor=request.user, employee_no=data.pop("employee_no"))
        services.deployment_record(actor=request.user, person=person, mission=mission, **data)
        messages.success(request, f"已记录{person.name}{data['kind']}{data['destination']}。")
        return redirect("mobilize:mission", pk=mission.pk) if mission else redirect("mobilize:deployments")

    return form_page(
        request,
        form=forms.DeploymentForm(request.POST or None),
        context={
            "title": f"记录派驻（{mission.name}）" if mission else "记录派驻",
            "action": request.get_full_path(),
            "cancel_url": reverse("mobilize:deployments"),
        },
        template="mobilize/form.html",
        on_valid=save,
    )


@login_required
def service_new(request: AuthedRequest) -> HttpResponse:
    def save(data: dict[str, Any]) -> HttpResponse:
        person = person_from_input(actor=request.user, employee_no=data.pop("employee_no"))
        team_pk, mission_pk = data.pop("team"), data.pop("mission")
        try:
            team = selectors.team_get_for(actor=request.user, pk=team_pk) if team_pk else None
            mission = selectors.mission_get_for(actor=request.user, pk=mission_pk) if mission_pk else None
        except NotFound:
            raise ApplicationError("unknown_record", "找不到该队伍或任务，或不在您的范围内。") from None
        services.service_record(actor=request.user, person=person, team=team, mission=mission, **data)
        messages.success(request, f"已记录{person.name}的服务时长。")
        return redirect("mobilize:deployments")

    return form_page(
        request,
        form=forms.ServiceForm(request.POST or None),
        context={
            "title": "记录服务时长",
            "action": request.path,
            "cancel_url": reverse("mobilize:deployments"),
        },
        template="mobilize/form.html",
        on_valid=save,
    )
