"""Pages of organizational life. Thin: parse the request, call a service or a selector, render."""

from __future__ import annotations

import io
from datetime import date, timedelta
from typing import Any

import segno
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from qixin.core import tabular
from qixin.core.access import require
from qixin.core.errors import ApplicationError, NotFound
from qixin.core.pages import AuthedRequest, download, form_error, form_page, import_view
from qixin.core.params import query_year
from qixin.core.periods import Period
from qixin.core.rules import rulebook
from qixin.orgs.models import OrgKind
from qixin.people.selectors import person_or_none_from_input

from . import forms, importers, selectors, services, tables
from .models import AttendanceStatus, MeetingStatus
from .permissions import can_keep_life, can_see_compliance


def _today() -> date:
    return timezone.localdate()


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
    upcoming = list(
        selectors.meeting_list_for(actor=request.user, status=MeetingStatus.PLANNED, start=today).order_by(
            "starts_at"
        )[:10]
    )
    context = {
        "today": today,
        "due_pages": due_pages,
        "committees": committees,
        "reminders": selectors.reminders_for(actor=request.user, today=today),
        "upcoming": upcoming,
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


@login_required
def meetings(request: AuthedRequest, pk: int) -> HttpResponse:
    org = selectors.org_for_life(actor=request.user, pk=pk)
    rows = selectors.meeting_list_for(actor=request.user, org=org)[:200]
    return render(request, "life/meetings.html", {"org": org, "meetings": rows})


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


@login_required
def meeting_record(request: AuthedRequest, pk: int) -> HttpResponse:
    """Attendance from the roster (present / excused with a reason / absent), topics, minutes."""
    meeting = selectors.meeting_get_for(actor=request.user, pk=pk)
    require(can_keep_life(request.user, meeting.organization), hide=True)
    roster = services.roster(meeting.organization)
    existing = {a.person_id: a for a in meeting.attendance.all()}
    topics = list(rulebook(meeting.organization, meeting.held_on).get("life.topics")["topics"])
    error = None
    status = 200
    posted: dict[str, Any] = {}
    if request.method == "POST":
        posted = {
            "topics": request.POST.getlist("topics"),
            "minutes": request.POST.get("minutes", ""),
            "has_election": request.POST.get("has_election") == "on",
        }
        attendance = {
            m.person_id: services.AttendanceEntry(
                request.POST.get(f"status_{m.person_id}", ""), request.POST.get(f"reason_{m.person_id}", "")
            )
            for m in roster
        }
        try:
            services.meeting_record(
                actor=request.user,
                meeting=meeting,
                attendance=attendance,
                topics=posted["topics"],
                minutes=posted["minutes"],
                has_election=posted["has_election"],
                speaker=person_or_none_from_input(
                    actor=request.user, employee_no=request.POST.get("speaker", "")
                ),
                host=person_or_none_from_input(actor=request.user, employee_no=request.POST.get("host", "")),
            )
        except ApplicationError as exc:
            if exc.status == 404:
                raise
            error, status = exc, 400
        else:
            messages.success(request, "会议记录已保存。")
            return redirect("life:meeting", pk=meeting.pk)
    rows = []
    for m in roster:
        current = existing.get(m.person_id)
        chosen = request.POST.get(f"status_{m.person_id}") if request.method == "POST" else None
        rows.append(
            {
                "membership": m,
                "status": chosen or (current.status if current else AttendanceStatus.PRESENT),
                "reason": request.POST.get(f"reason_{m.person_id}", "")
                if request.method == "POST"
                else (current.reason if current else ""),
                "checked_in": bool(current and current.checked_in_at),
                "has_vote": services.has_vote(m),
            }
        )
    context = {
        "meeting": meeting,
        "rows": rows,
        "statuses": AttendanceStatus.choices,
        "topics": topics,
        "chosen_topics": posted.get("topics", meeting.topics),
        "minutes": posted.get("minutes", meeting.minutes),
        "has_election": posted.get("has_election", meeting.has_election),
        "error": error,
    }
    return render(request, "life/record.html", context, status=status)


@login_required
@require_POST
def meeting_cancel(request: AuthedRequest, pk: int) -> HttpResponse:
    meeting = selectors.meeting_get_for(actor=request.user, pk=pk)
    services.meeting_cancel(actor=request.user, meeting=meeting, reason=request.POST.get("reason", ""))
    messages.success(request, "会议已取消。")
    return redirect("life:meeting", pk=meeting.pk)


def _employee_no(person: Any) -> str:
    return person.employee_no if person is not None else ""


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
        "title": f"更正会议：{meeting.kind.name} {meeting.held_on:%Y年%m月%d日}",
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
        "title": f"撤销会议记录：{meeting.kind.name} {meeting.held_on:%Y年%m月%d日}",
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
        try:
            row = services.checkin(actor=request.user, token=token)
        except ApplicationError as exc:
            context["error"], status = exc, (exc.status if exc.status != 404 else 400)
        else:
            context["done"] = row
    return render(request, "life/checkin.html", context, status=status)


@login_required
@require_POST
def resolution_add(request: AuthedRequest, pk: int) -> HttpResponse:
    meeting = selectors.meeting_get_for(actor=request.user, pk=pk)
    form = forms.ResolutionForm(request.POST)
    if not form.is_valid():
        raise form_error(form)
    data = form.cleaned_data
    resolution = services.resolution_add(
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
    if resolution.voted and not resolution.passed:
        messages.warning(
            request,
            f"已登记。赞成票{resolution.votes_for}票，未超过应到会有表决权党员{resolution.voters_expected}名的半数，决议未通过。",
        )
    else:
        messages.success(request, "决议已登记。")
    return redirect("life:meeting", pk=meeting.pk)


@login_required
@require_POST
def resolution_follow_up(request: AuthedRequest, pk: int) -> HttpResponse:
    resolution = selectors.resolution_get_for(actor=request.user, pk=pk)
    form = forms.FollowUpForm(request.POST)
    if not form.is_valid():
        raise form_error(form)
    services.resolution_follow_up(actor=request.user, resolution=resolution, **form.cleaned_data)
    messages.success(request, "落实情况已更新。")
    return redirect("life:meeting", pk=resolution.meeting_id)


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


@login_required
@require_POST
def attachment_add(request: AuthedRequest, pk: int) -> HttpResponse:
    meeting = selectors.meeting_get_for(actor=request.user, pk=pk)
    form = forms.AttachmentForm(request.POST, request.FILES)
    if not form.is_valid():
        raise form_error(form)
    upload = form.cleaned_data["file"]
    if upload.size > services.MAX_ATTACHMENT_BYTES:
        raise ApplicationError("file_too_large", "文件太大，超过上传上限。")
    services.attachment_add(actor=request.user, meeting=meeting, name=upload.name, data=upload.read())
    messages.success(request, "附件已上传。")
    return redirect("life:meeting", pk=meeting.pk)


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


@login_required
def rules(request: AuthedRequest, pk: int) -> HttpResponse:
    """The rulebook in force at an organization, with forms to set its own values."""
    org = selectors.org_for_life(actor=request.user, pk=pk)
    today = _today()
    page = selectors.rulebook_page_for(actor=request.user, org=org, on=today)
    kinds = selectors.kinds_for(org=org)
    keeps = bool(can_keep_life(request.user, org))
    frequency_form = forms.FrequencyForm(kinds=kinds, initial={"effective_from": today})
    kind_form = forms.KindForm()
    topics_form = forms.TopicsForm(
        initial={
            "name": page.topics.get("name"),
            "pattern": page.topics.get("pattern"),
            "every": page.topics.get("every", "year"),
            "topics": "\n".join(page.topics.get("topics", [])),
            "effective_from": today,
        }
    )
    error = None
    if request.method == "POST" and keeps:
        which = request.POST.get("form")
        try:
            if which == "frequency":
                frequency_form = forms.FrequencyForm(request.POST, kinds=kinds)
                if not frequency_form.is_valid():
                    raise form_error(frequency_form)
                data = frequency_form.cleaned_data
                kind = selectors.kind_get(org=org, pk=data["kind"])
                value = (
                    {
                        "every": data["every"],
                        "times": data["times"],
                        "org_kinds": data["org_kinds"],
                        "counts": data["counts"] or [kind.code],
                    }
                    if data["every"]
                    else None
                )
                services.frequency_set(
                    actor=request.user,
                    org=org,
                    kind=kind,
                    frequency=value,
                    effective_from=data["effective_from"],
                    basis=data["basis"],
                )
            elif which == "topics":
                topics_form = forms.TopicsForm(request.POST)
                if not topics_form.is_valid():
                    raise form_error(topics_form)
                data = topics_form.cleaned_data
                services.topics_set(
                    actor=request.user,
                    org=org,
                    name=data["name"],
                    pattern=data["pattern"],
                    every=data["every"],
                    topics=data["topics"].splitlines(),
                    effective_from=data["effective_from"],
                )
            elif which == "kind":
                kind_form = forms.KindForm(request.POST)
                if not kind_form.is_valid():
                    raise form_error(kind_form)
                data = kind_form.cleaned_data
                services.kind_create(
                    actor=request.user,
                    org=org,
                    name=data["name"],
                    frequency={"every": data["every"], "times": data["times"], "org_kinds": ["branch"]}
                    if data["every"]
                    else None,
                )
            else:
                raise NotFound()
        except ApplicationError as exc:
            if exc.status == 404:
                raise
            error = exc
        else:
            messages.success(request, "规则已保存，本组织及下级自生效日期起适用。")
            return redirect("life:rules", pk=org.pk)
    context = {
        "org": org,
        "page": page,
        "keeps": keeps,
        "frequency_form": frequency_form,
        "topics_form": topics_form,
        "kind_form": kind_form,
        "error": error,
        "refused_form": request.POST.get("form") if error else "",  # shown open, with what was typed
    }
    return render(request, "life/rules.html", context, status=400 if error else 200)


@login_required
def campaigns(request: AuthedRequest) -> HttpResponse:
    rows = selectors.campaign_list_for(actor=request.user)[:100]
    keep = [o for o in selectors.life_roots_for(actor=request.user) if o.kind != OrgKind.BRANCH]
    return render(request, "life/campaigns.html", {"campaigns": rows, "committees": keep})


@login_required
def campaign_new(request: AuthedRequest, pk: int) -> HttpResponse:
    org = selectors.org_for_life(actor=request.user, pk=pk)
    require(can_keep_life(request.user, org), hide=True)

    def save(data: dict[str, Any]) -> HttpResponse:
        campaign = services.campaign_create(actor=request.user, org=org, **data)
        messages.success(request, f"已部署“{campaign.name}”。")
        return redirect("life:campaign", pk=campaign.pk)

    context = {"org": org, "title": f"“{org.name}”部署专题教育", "action": request.path}
    return form_page(
        request,
        form=forms.CampaignForm(request.POST or None),
        context=context,
        template="life/form.html",
        on_valid=save,
    )


@login_required
def campaign_edit(request: AuthedRequest, pk: int) -> HttpResponse:
    campaign = selectors.campaign_get_for(actor=request.user, pk=pk)
    org = campaign.organization
    require(can_keep_life(request.user, org), hide=True)
    fields = ("name", "starts_on", "ends_on", "required_sessions", "description")
    form = forms.CampaignForm(request.POST or None, initial={f: getattr(campaign, f) for f in fields})

    def save(data: dict[str, Any]) -> HttpResponse:
        services.campaign_update(actor=request.user, campaign=campaign, **data)
        messages.success(request, f"“{campaign.name}”已修改。")
        return redirect("life:campaign", pk=campaign.pk)

    context = {
        "org": org,
        "title": f"修改专题教育：{campaign.name}",
        "action": request.path,
        "back": reverse("life:campaign", args=[campaign.pk]),
    }
    return form_page(request, form=form, context=context, template="life/form.html", on_valid=save)


@login_required
def campaign_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    campaign = selectors.campaign_get_for(actor=request.user, pk=pk)
    participation = selectors.campaign_participation_for(actor=request.user, campaign=campaign)
    attended = sum(1 for p in participation if p.attended)
    context = {
        "campaign": campaign,
        "participation": participation,
        "attended": attended,
        "can_edit": bool(can_keep_life(request.user, campaign.organization)),
    }
    return render(request, "life/campaign.html", context)


@login_required
def import_page(request: AuthedRequest) -> HttpResponse:
    return import_view(
        request,
        runner=importers.import_meetings,
        template="life/import.html",
        context={"columns": importers.COLUMNS},
    )


@login_required
def template_download(request: AuthedRequest, fmt: str) -> HttpResponseBase:
    if fmt not in ("xlsx", "csv"):
        raise Http404
    return download(lambda path: tabular.write_template(path, importers.COLUMNS), f"会议记录导入模板.{fmt}")


@login_required
def export(request: AuthedRequest, fmt: str) -> HttpResponseBase:
    if fmt not in ("xlsx", "csv"):
        raise Http404
    return download(lambda path: importers.export_meetings(actor=request.user, path=path), f"会议记录.{fmt}")
