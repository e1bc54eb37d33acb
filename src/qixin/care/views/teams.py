"""Care teams, their members and their intake points (the QR codes)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse

from qixin.core import listing
from qixin.core.actions import action, post_action
from qixin.core.errors import ApplicationError, NotFound
from qixin.core.pages import AuthedRequest
from qixin.core.selectors import user_named
from qixin.orgs import selectors as org_selectors

from .. import forms, qr, selectors, services
from ..models import WebhookFormat

TEAM_LIST = listing.register("care:teams")


@login_required
def teams(request: AuthedRequest) -> HttpResponse:
    """The teams the user sets up or belongs to; POST creates one (the form below the list)."""
    if request.method == "POST":

        def create(data: dict[str, Any]) -> Any:
            org = org_selectors.org_get_for(actor=request.user, code=data["org"].strip())
            return services.team_create(
                actor=request.user,
                organization=org,
                name=data["name"],
                webhook_url=data["webhook_url"],
                webhook_format=data["webhook_format"],
            )

        return action(
            request,
            form=forms.TeamForm(request.POST),
            run=create,
            done="已建立团队。",
            back=reverse("care:teams"),
        )
    rows = selectors.team_list_for(actor=request.user)
    context = {"formats": WebhookFormat.choices}
    return listing.show(request, TEAM_LIST, rows, template="care/teams.html", context=context)


@login_required
def team_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    team = selectors.team_get_for(actor=request.user, pk=pk)
    context = {
        "team": team,
        "members": selectors.team_members_for(actor=request.user, team=team),
        "points": selectors.point_list_for(actor=request.user, team=team),
        "deliveries": selectors.recent_deliveries_for(actor=request.user, team=team),
        "recent": selectors.RECENT_DELIVERIES,
    }
    return render(request, "care/team.html", context)


@post_action
def team_member_add(request: AuthedRequest, pk: int) -> HttpResponse:
    team = selectors.team_get_for(actor=request.user, pk=pk)

    def add(data: dict[str, Any]) -> Any:
        user = user_named(data["username"].strip(), active=True)
        if user is None:
            raise ApplicationError("no_user", "找不到该用户名（工号）。")
        return services.team_member_add(actor=request.user, team=team, user=user, is_leader=data["is_leader"])

    return action(
        request,
        form=forms.TeamMemberForm(request.POST),
        run=add,
        done="已加入团队。",
        back=reverse("care:team", args=[team.pk]),
    )


@post_action
def team_member_remove(request: AuthedRequest, pk: int) -> HttpResponse:
    member = selectors.team_member_get_for(actor=request.user, pk=pk)
    return action(
        request,
        run=lambda _: services.team_member_remove(actor=request.user, member=member),
        done="已移出团队。",
        back=reverse("care:team", args=[member.team_id]),
    )


@post_action
def point_create(request: AuthedRequest, pk: int) -> HttpResponse:
    team = selectors.team_get_for(actor=request.user, pk=pk)
    return action(
        request,
        form=forms.PointForm(request.POST),
        run=lambda data: services.point_create(actor=request.user, team=team, name=data["name"]),
        done="已新建收集点。",
        back=reverse("care:team", args=[team.pk]),
    )


@post_action
def point_set_active(request: AuthedRequest, pk: int) -> HttpResponse:
    point = selectors.point_get_for(actor=request.user, pk=pk)
    return action(
        request,
        form=forms.PointActiveForm(request.POST),
        run=lambda data: services.point_set_active(actor=request.user, point=point, active=data["active"]),
        done=lambda p: "已启用收集点。" if p.is_active else "已停用收集点。",
        back=reverse("care:team", args=[point.team_id]),
    )


def _intake_url(request: AuthedRequest, token: str) -> str:
    return request.build_absolute_uri(reverse("care:intake", args=[token]))


@login_required
def point_qr(request: AuthedRequest, pk: int, fmt: str) -> HttpResponse:
    point = selectors.point_get_for(actor=request.user, pk=pk)
    url = _intake_url(request, point.token)
    if fmt == "svg":
        return HttpResponse(qr.svg(url), content_type="image/svg+xml")
    if fmt == "png":
        return HttpResponse(qr.png(url), content_type="image/png")
    if fmt == "pdf":
        data = qr.poster(url=url, org_name=point.organization.name, point_name=point.name)
        response = HttpResponse(data, content_type="application/pdf")
        response["Content-Disposition"] = f'attachment; filename="poster-{point.pk}.pdf"'
        return response
    raise NotFound()
