"""Pages of meetings: planning, recording, correcting, check-in."""

from __future__ import annotations

import io
from datetime import timedelta
from typing import Any

import segno
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from qixin.core import listing
from qixin.core.access import require
from qixin.core.actions import action, post_action
from qixin.core.errors import ApplicationError
from qixin.core.pages import AuthedRequest, form_page
from qixin.core.rules import rulebook
from qixin.core.text import chinese_date
from qixin.people.selectors import person_or_none_from_input

from .. import forms, selectors, services
from ..models import AttendanceStatus, MeetingStatus
from ..permissions import can_keep_life
from ._common import _employee_no, _today

MEETING_LIST = listing.register(
    "life:meetings",
    filters=(
        listing.Choice("status", MeetingStatus.values),
        listing.Year("year", "held_on__year"),
    ),
    search=("title", "place", "kind__name", "organization__name"),
)


@login_required
def meetings(request: AuthedRequest, pk: int) -> HttpResponse:
    org = selectors.org_for_life(actor=request.user, pk=pk)
    rows = selectors.meeting_list_for(actor=request.user, org=org)
    context = {"org": org, "statuses": MeetingStatus.choices}
    return listing.show(request, MEETING_LIST, rows, template="life/meetings.html", context=context)


@login_required
def meeting_new(request: AuthedRequest, pk: int) -> HttpResponse:
    org = selectors.org_for_life(actor=request.user, pk=pk)
    require(can_keep_life(request.user, org), hide=True)
    kinds = selectors.kinds_for(org=org)
    campaigns = list(selectors.campaign_list_for(actor=request.user, org=org).filter(ends_on__gte=_today()))
    start = timezone.localtime().replace(minute=0, second=0, microsecond=0) + timedelta(hours=1)
    form = forms.MeetingPlanForm(
        request.POST or None,
        kinds=kinds,
        campaigns=campaigns,
        initial={"starts_at": start, "ends_at": start + timedelta(hours=2)},
    )

    def save(data: dict[str, Any]) -> HttpResponse:
        campaign = next((c for c in campaigns if c.pk == data["campaign"]), None)
        meeting = services.meeting_plan(
            actor=request.user,
            org=org,
            kind=selectors.kind_get(org=org, pk=data["kind"]),
            starts_at=data["starts_at"],
            ends_at=data["ends_at"],
            title=data["title"],
            place=data["place"],
            host=person_or_none_from_input(actor=request.user, employee_no=data["host"]),
            speaker=person_or_none_from_input(actor=request.user, employee_no=data["speaker"]),
            campaign=campaign,
        )
        messages.success(request, "已安排会议。会议开始前可在会议页面展示签到二维码。")
        return redirect("life:meeting", pk=meeting.pk)

    context = {"org": org, "title": f"“{org.name}”安排会议", "action": request.path}
    return form_page(request, form=form, context=context, template="life/form.html", on_valid=save)


@login_required
def meeting_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    page = selectors.meeting_page_for(actor=request.user, pk=pk)
    context = {
        "page": page,
        "meeting": page.meeting,
        "resolution_form": forms.ResolutionForm(),
        "attachment_form": forms.AttachmentForm(),
        "checkin_url": request.build_absolute_uri(reverse("life:checkin", args=[page.meeting.checkin_token])),
    }
    return render(request, "life/meeting.html", context)


def _record_initial(meeting: Any, existing: dict[int, Any]) -> dict[str, Any]:
    """What the record form starts with: the meeting as recorded so far, and the attendance known
    already (a check-in is present, an excuse recorded is excused). Nobody else is marked."""
    initial: dict[str, Any] = {
        "minutes": meeting.minutes,
        "has_election": meeting.has_election,
        "host": _employee_no(meeting.host),
        "speaker": _employee_no(meeting.speaker),
    }
    for person_id, row in existing.items():
        initial[f"status_{person_id}"] = row.status
        initial[f"reason_{person_id}"] = row.reason
    return initial


def _record_rows(form: forms.MeetingRecordForm, existing: dict[int, Any]) -> list[dict[str, Any]]:
    """The roster as the form shows it: what was posted, or what the form started with."""
    rows = []
    for m in form.roster:
        current = existing.get(m.person_id)
        rows.append(
            {
                "membership": m,
                "status": form[f"status_{m.person_id}"].value() or forms.UNMARKED,
                "reason": form[f"reason_{m.person_id}"].value() or "",
                "checked_in": bool(current and current.checked_in_at),
                "has_vote": services.has_vote(m),
            }
        )
    return rows


@login_required
def meeting_record(request: AuthedRequest, pk: int) -> HttpResponse:
    """Attendance from the roster (present / excused with a reason / absent), topics, minutes."""
    meeting = selectors.meeting_get_for(actor=request.user, pk=pk)
    require(can_keep_life(request.user, meeting.organization), hide=True)
    roster = services.roster(meeting.organization)
    existing = {a.person_id: a for a in meeting.attendance.all()}
    form = forms.MeetingRecordForm(
        request.POST if request.method == "POST" else None,
        roster=roster,
        initial=_record_initial(meeting, existing),
    )
    chosen_topics = request.POST.getlist("topics") if request.method == "POST" else meeting.topics

    def page(error: ApplicationError | None = None) -> HttpResponse:
        context = {
            "meeting": meeting,
            "form": form,
            "rows": _record_rows(form, existing),
            "statuses": AttendanceStatus.choices,
            "topics": list(rulebook(meeting.organization, meeting.held_on).get("life.topics")["topics"]),
            "chosen_topics": chosen_topics,
            "minutes": form["minutes"].value() or "",
            "has_election": bool(form["has_election"].value()),
            "error": error,
        }
        return render(request, "life/record.html", context, status=400 if error else 200)

    if request.method != "POST":
        return page()

    def record(data: dict[str, Any]) -> Any:
        return services.meeting_record(
            actor=request.user,
            meeting=meeting,
            attendance={pid: services.AttendanceEntry(*entry) for pid, entry in form.attendance().items()},
            topics=chosen_topics,
            minutes=data["minutes"],
            has_election=data["has_election"],
            speaker=person_or_none_from_input(actor=request.user, employee_no=data["speaker"]),
            host=person_or_none_from_input(actor=request.user, employee_no=data["host"]),
        )

    return action(
        request, form=form, run=record, done="会议记录已保存。", back=meeting.get_absolute_url(), failed=page
    )


@post_action
def meeting_cancel(request: AuthedRequest, pk: int) -> HttpResponse:
    meeting = selectors.meeting_get_for(actor=request.user, pk=pk)
    return action(
        request,
        form=forms.ReasonForm(request.POST, label="取消原因", required=False),
        run=lambda data: services.meeting_cancel(actor=request.user, meeting=meeting, reason=data["reason"]),
        done="会议已取消。",
        back=meeting.get_absolute_url(),
    )


@login_required
def meeting_correct(request: AuthedRequest, pk: int) -> HttpResponse:
    """更正: kind, time, title, place, host, speaker, campaign of a planned or held meeting."""
    meeting = selectors.meeting_get_for(actor=request.user, pk=pk)
    org = meeting.organization
    require(can_keep_life(request.user, org), hide=True)
    kinds = selectors.kinds_for(org=org)
    campaigns = list(selectors.campaign_list_for(actor=request.user, org=org))
    initial = {
        "kind": meeting.kind_id,
        "title": meeting.title,
        "starts_at": timezone.localtime(meeting.starts_at),
        "ends_at": timezone.localtime(meeting.ends_at),
        "place": meeting.place,
        "host": _employee_no(meeting.host),
        "speaker": _employee_no(meeting.speaker),
        "campaign": meeting.campaign_id,
    }
    form = forms.MeetingCorrectForm(request.POST or None, kinds=kinds, campaigns=campaigns, initial=initial)

    def save(data: dict[str, Any]) -> HttpResponse:
        services.meeting_correct(
            actor=request.user,
            meeting=meeting,
            kind=selectors.kind_get(org=org, pk=data["kind"]),
            starts_at=data["starts_at"],
            ends_at=data["ends_at"],
            title=data["title"],
            place=data["place"],
            host=person_or_none_from_input(actor=request.user, employee_no=data["host"]),
            speaker=person_or_none_from_input(actor=request.user, employee_no=data["speaker"]),
            campaign=next((c for c in campaigns if c.pk == data["campaign"]), None),
            reason=data["reason"],
        )
        messages.success(request, "会议信息已更正。")
        return redirect("life:meeting", pk=meeting.pk)

    note = (
        "这次会议已召开并记录。更正日期或会议类型后，落实情况按更正后的日期和类型重新计算；"
        "出席情况请在“修改会议记录”中更正。"
        if meeting.status == MeetingStatus.HELD
        else ""
    )
    context = {
        "org": org,
        "title": f"更正会议：{meeting.kind.name} {chinese_date(meeting.held_on)}",
        "action": request.path,
        "note": note,
        "back": meeting.get_absolute_url(),
    }
    return form_page(request, form=form, context=context, template="life/form.html", on_valid=save)


@login_required
def meeting_withdraw(request: AuthedRequest, pk: int) -> HttpResponse:
    """撤销记录: a confirmation page with the reason; the record is kept, marked withdrawn."""
    meeting = selectors.meeting_get_for(actor=request.user, pk=pk)
    require(can_keep_life(request.user, meeting.organization), hide=True)

    def save(data: dict[str, Any]) -> HttpResponse:
        services.meeting_withdraw(actor=request.user, meeting=meeting, reason=data["reason"])
        messages.success(request, "会议记录已撤销，不再计入落实情况。")
        return redirect("life:meeting", pk=meeting.pk)

    context = {
        "org": meeting.organization,
        "title": f"撤销会议记录：{meeting.kind.name} {chinese_date(meeting.held_on)}",
        "what": "撤销后，这次会议不再计入组织生活落实情况、专题教育和组织生活预警；"
        "出席情况、决议和附件保留备查，撤销原因记入操作日志。此操作不能恢复。",
        "button": "确认撤销记录",
        "action": request.path,
        "back": meeting.get_absolute_url(),
    }
    form = forms.ReasonForm(request.POST or None, label="撤销原因")
    return form_page(request, form=form, context=context, template="life/confirm.html", on_valid=save)


@login_required
def meeting_qr(request: AuthedRequest, pk: int) -> HttpResponse:
    """The check-in QR code as an SVG image (an image URL, so the CSP needs no inline content)."""
    meeting = selectors.meeting_get_for(actor=request.user, pk=pk)
    require(can_keep_life(request.user, meeting.organization), hide=True)
    url = request.build_absolute_uri(reverse("life:checkin", args=[meeting.checkin_token]))
    buffer = io.BytesIO()
    segno.make(url, error="m").save(buffer, kind="svg", scale=6, border=2, xmldecl=False)
    response = HttpResponse(buffer.getvalue(), content_type="image/svg+xml")
    response["Cache-Control"] = "private, max-age=300"
    return response


@login_required
def checkin(request: AuthedRequest, token: str) -> HttpResponse:
    """Scanned on a phone: shows the meeting and a check-in button (a POST, so a link preview or a
    prefetch never checks anyone in)."""
    meeting = selectors.meeting_by_token(token=token)
    context: dict[str, Any] = {"meeting": meeting}
    status = 200
    if meeting is None:
        context["error"] = ApplicationError(
            "checkin_unknown", "签到码无效：没有找到这次会议，请向支部书记确认。"
        )
        status = 404
    elif request.method == "POST":
        return action(
            request,
            run=lambda _data: services.checkin(actor=request.user, token=token),
            back=request.path,
            failed=lambda exc: render(request, "life/checkin.html", {**context, "error": exc}, status=400),
            answer=lambda row: render(request, "life/checkin.html", {**context, "done": row}),
        )
    return render(request, "life/checkin.html", context, status=status)
