"""Pages of a meeting's resolutions and attachments."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse

from qixin.core.access import require
from qixin.core.actions import action, post_action
from qixin.core.pages import AuthedRequest, form_page
from qixin.people.selectors import person_or_none_from_input

from .. import forms, selectors, services
from ..permissions import can_keep_life
from ._common import _employee_no


def _resolution_added(request: AuthedRequest, resolution: Any) -> str:
    if resolution.voted and not resolution.passed:
        messages.warning(
            request,
            f"已登记。赞成票{resolution.votes_for}票，未超过应到会有表决权党员{resolution.voters_expected}名的半数，决议未通过。",
        )
        return ""
    return "决议已登记。"


@post_action
def resolution_add(request: AuthedRequest, pk: int) -> HttpResponse:
    meeting = selectors.meeting_get_for(actor=request.user, pk=pk)

    def add(data: dict[str, Any]) -> Any:
        return services.resolution_add(
            actor=request.user,
            meeting=meeting,
            text=data["text"],
            voted=data["voted"],
            votes_for=data["votes_for"],
            votes_against=data["votes_against"],
            abstentions=data["abstentions"],
            owner=person_or_none_from_input(actor=request.user, employee_no=data["owner"]),
            due_on=data["due_on"],
        )

    return action(
        request,
        form=forms.ResolutionForm(request.POST),
        run=add,
        done=lambda resolution: _resolution_added(request, resolution),
        back=meeting.get_absolute_url(),
    )


@post_action
def resolution_follow_up(request: AuthedRequest, pk: int) -> HttpResponse:
    resolution = selectors.resolution_get_for(actor=request.user, pk=pk)
    return action(
        request,
        form=forms.FollowUpForm(request.POST),
        run=lambda data: services.resolution_follow_up(actor=request.user, resolution=resolution, **data),
        done="落实情况已更新。",
        back=reverse("life:meeting", args=[resolution.meeting_id]),
    )


@login_required
def resolution_correct(request: AuthedRequest, pk: int) -> HttpResponse:
    resolution = selectors.resolution_get_for(actor=request.user, pk=pk)
    meeting = resolution.meeting
    require(can_keep_life(request.user, meeting.organization), hide=True)
    initial = {"text": resolution.text, "owner": _employee_no(resolution.owner), "due_on": resolution.due_on}
    form = forms.ResolutionCorrectForm(request.POST or None, initial=initial)

    def save(data: dict[str, Any]) -> HttpResponse:
        services.resolution_correct(
            actor=request.user,
            resolution=resolution,
            text=data["text"],
            owner=person_or_none_from_input(actor=request.user, employee_no=data["owner"]),
            due_on=data["due_on"],
            reason=data["reason"],
        )
        messages.success(request, "决议已更正。")
        return redirect("life:meeting", pk=meeting.pk)

    context = {
        "org": meeting.organization,
        "title": "更正决议",
        "action": request.path,
        "back": meeting.get_absolute_url(),
    }
    return form_page(request, form=form, context=context, template="life/form.html", on_valid=save)


@login_required
def resolution_withdraw(request: AuthedRequest, pk: int) -> HttpResponse:
    resolution = selectors.resolution_get_for(actor=request.user, pk=pk)
    meeting = resolution.meeting
    require(can_keep_life(request.user, meeting.organization), hide=True)

    def save(data: dict[str, Any]) -> HttpResponse:
        services.resolution_withdraw(actor=request.user, resolution=resolution, reason=data["reason"])
        messages.success(request, "决议已撤销。")
        return redirect("life:meeting", pk=meeting.pk)

    context = {
        "org": meeting.organization,
        "title": f"撤销决议：{resolution.text[:30]}",
        "what": "撤销后，该决议在会议页面上标为“已撤销”并注明原因，不再跟踪落实，也不计入逾期决议。此操作不能恢复。",
        "button": "确认撤销决议",
        "action": request.path,
        "back": meeting.get_absolute_url(),
    }
    form = forms.ReasonForm(request.POST or None, label="撤销原因")
    return form_page(request, form=form, context=context, template="life/confirm.html", on_valid=save)


@post_action
def attachment_add(request: AuthedRequest, pk: int) -> HttpResponse:
    meeting = selectors.meeting_get_for(actor=request.user, pk=pk)
    require(can_keep_life(request.user, meeting.organization))  # before the upload is read
    form = forms.AttachmentForm(request.POST, request.FILES, max_bytes=services.MAX_ATTACHMENT_BYTES)

    def add(data: dict[str, Any]) -> Any:
        upload = data["file"]
        return services.attachment_add(
            actor=request.user, meeting=meeting, name=upload.name, data=upload.read()
        )

    return action(request, form=form, run=add, done="附件已上传。", back=meeting.get_absolute_url())


@login_required
def attachment_download(request: AuthedRequest, pk: int) -> FileResponse:
    attachment = selectors.attachment_get_for(actor=request.user, pk=pk)
    response = FileResponse(
        attachment.file.open("rb"),
        content_type=attachment.content_type,
        as_attachment=attachment.content_type == "application/pdf",
        filename=attachment.name,
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


@login_required
def attachment_delete(request: AuthedRequest, pk: int) -> HttpResponse:
    attachment = selectors.attachment_get_for(actor=request.user, pk=pk)
    meeting = attachment.meeting
    require(can_keep_life(request.user, meeting.organization), hide=True)

    def save(data: dict[str, Any]) -> HttpResponse:
        services.attachment_delete(actor=request.user, attachment=attachment, reason=data["reason"])
        messages.success(request, f"附件“{attachment.name}”已删除。")
        return redirect("life:meeting", pk=meeting.pk)

    context = {
        "org": meeting.organization,
        "title": f"删除附件：{attachment.name}",
        "what": "删除后文件将从系统中移除，不能恢复；删除记录（文件名、大小、操作人）保留在操作日志中。",
        "button": "确认删除",
        "action": request.path,
        "back": meeting.get_absolute_url(),
    }
    form = forms.ReasonForm(request.POST or None, label="删除原因（可不填）", required=False)
    return form_page(request, form=form, context=context, template="life/confirm.html", on_valid=save)
