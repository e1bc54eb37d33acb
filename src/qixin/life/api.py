"""/api/v1/life: the same services and selectors as the pages."""

from datetime import date, timedelta
from typing import Any

from django.utils import timezone
from ninja import Query, Router, Status
from ninja.pagination import paginate

from qixin.core.api import Day, ObjectId, Pagination
from qixin.core.errors import ApplicationError, Problem
from qixin.core.pages import AuthedRequest
from qixin.core.periods import Period
from qixin.people.selectors import person_or_none_from_input

from . import selectors, services
from .models import Meeting, MeetingKind
from .schemas import (
    CheckinIn,
    CheckinOut,
    ComplianceOut,
    LapseOut,
    LifeCampaignOut,
    LifeCampaignUpdateIn,
    MeetingCorrectIn,
    MeetingCreateIn,
    MeetingDetailOut,
    MeetingFiltersIn,
    MeetingOut,
    MeetingWithdrawIn,
    RecordIn,
    ResolutionCorrectIn,
    ResolutionOut,
    ResolutionWithdrawIn,
)

router = Router(tags=["组织生活"])


def _detail(request: AuthedRequest, pk: int) -> Any:
    page = selectors.meeting_page_for(actor=request.user, pk=pk)
    meeting: Any = page.meeting
    meeting.attendance_rows = page.attendance
    meeting.resolution_rows = page.resolutions
    return meeting


@router.get("/meetings", response=list[MeetingOut], summary="会议列表")
@paginate(Pagination)
def meeting_list(request: AuthedRequest, filters: Query[MeetingFiltersIn]) -> Any:
    org = selectors.org_for_life(actor=request.user, code=filters.org) if filters.org else None
    return selectors.meeting_list_for(
        actor=request.user,
        org=org,
        status=filters.status,
        kind_code=filters.kind,
        start=filters.start,
        end=filters.end,
    )


@router.get("/meetings/{pk}", response={200: MeetingDetailOut}, summary="会议详情")
def meeting_detail(request: AuthedRequest, pk: ObjectId) -> Any:
    return _detail(request, pk)


def _kind(org: Any, code: str) -> MeetingKind:
    kind = next((k for k in selectors.kinds_for(org=org) if k.code == code), None)
    if kind is None:
        raise ApplicationError(
            "invalid_kind",
            f"会议类型“{code}”不存在或不适用于该组织。",
            [Problem("不是可选值", field="kind")],
        )
    return kind


@router.post("/meetings", response={201: MeetingDetailOut}, summary="安排会议")
def meeting_create(request: AuthedRequest, payload: MeetingCreateIn) -> Any:
    org = selectors.org_for_life(actor=request.user, code=payload.org_code)
    kind = _kind(org, payload.kind)
    campaign = (
        selectors.campaign_get_for(actor=request.user, pk=payload.campaign_id)
        if payload.campaign_id
        else None
    )
    meeting = services.meeting_plan(
        actor=request.user,
        org=org,
        kind=kind,
        starts_at=payload.starts_at,
        ends_at=payload.ends_at,
        title=payload.title,
        place=payload.place,
        host=person_or_none_from_input(actor=request.user, employee_no=payload.host_employee_no),
        speaker=person_or_none_from_input(actor=request.user, employee_no=payload.speaker_employee_no),
        campaign=campaign,
    )
    return Status(201, _detail(request, meeting.pk))


@router.patch(
    "/meetings/{pk}",
    response={200: MeetingDetailOut},
    summary="更正会议（类型、时间、主题、地点、主持人、授课人、专题教育）",
)
def meeting_correct(request: AuthedRequest, pk: ObjectId, payload: MeetingCorrectIn) -> Any:
    """只更改提交的字段；只改开始时间时，结束时间随之移动、会议时长不变。已召开的会议须填写 reason（更正原因）。"""
    meeting: Meeting = selectors.meeting_get_for(actor=request.user, pk=pk)
    changes = payload.model_dump(exclude_unset=True)
    reason = changes.pop("reason", "")
    code = changes.pop("kind", None)
    if code:
        changes["kind"] = _kind(meeting.organization, code)
    for field, name in (("host_employee_no", "host"), ("speaker_employee_no", "speaker")):
        number = changes.pop(field, None)
        if number is not None:
            changes[name] = person_or_none_from_input(actor=request.user, employee_no=number)
    if "campaign_id" in changes:
        pk_campaign = changes.pop("campaign_id")
        changes["campaign"] = (
            selectors.campaign_get_for(actor=request.user, pk=pk_campaign) if pk_campaign else None
        )
    services.meeting_correct(actor=request.user, meeting=meeting, reason=reason, **changes)
    return _detail(request, pk)


@router.post("/meetings/{pk}/withdraw", response={200: MeetingDetailOut}, summary="撤销会议记录（保留备查）")
def meeting_withdraw(request: AuthedRequest, pk: ObjectId, payload: MeetingWithdrawIn) -> Any:
    meeting = selectors.meeting_get_for(actor=request.user, pk=pk)
    services.meeting_withdraw(actor=request.user, meeting=meeting, reason=payload.reason)
    return _detail(request, pk)


@router.patch("/resolutions/{pk}", response={200: ResolutionOut}, summary="更正决议")
def resolution_correct(request: AuthedRequest, pk: ObjectId, payload: ResolutionCorrectIn) -> Any:
    """只更改提交的字段；reason（更正原因）必填。"""
    resolution = selectors.resolution_get_for(actor=request.user, pk=pk)
    changes = payload.model_dump(exclude_unset=True)
    reason = changes.pop("reason")
    number = changes.pop("owner_employee_no", None)
    if number is not None:
        changes["owner"] = person_or_none_from_input(actor=request.user, employee_no=number)
    return services.resolution_correct(actor=request.user, resolution=resolution, reason=reason, **changes)


@router.post("/resolutions/{pk}/withdraw", response={200: ResolutionOut}, summary="撤销决议")
def resolution_withdraw(request: AuthedRequest, pk: ObjectId, payload: ResolutionWithdrawIn) -> Any:
    resolution = selectors.resolution_get_for(actor=request.user, pk=pk)
    return services.resolution_withdraw(actor=request.user, resolution=resolution, reason=payload.reason)


@router.delete("/attachments/{pk}", response={204: None}, summary="删除会议附件")
def attachment_delete(request: AuthedRequest, pk: ObjectId, reason: str = "") -> Any:
    """reason（删除原因）可不填，记入操作日志。"""
    attachment = selectors.attachment_get_for(actor=request.user, pk=pk)
    services.attachment_delete(actor=request.user, attachment=attachment, reason=reason[:200])
    return Status(204, None)


@router.patch("/campaigns/{pk}", response={200: LifeCampaignOut}, summary="修改专题教育")
def campaign_update(request: AuthedRequest, pk: ObjectId, payload: LifeCampaignUpdateIn) -> Any:
    """只更改提交的字段。"""
    campaign = selectors.campaign_get_for(actor=request.user, pk=pk)
    return services.campaign_update(
        actor=request.user, campaign=campaign, **payload.model_dump(exclude_unset=True)
    )


@router.post(
    "/meetings/{pk}/record",
    response={200: MeetingDetailOut},
    summary="记录会议（出席、议题、记录）",
)
def meeting_record(request: AuthedRequest, pk: ObjectId, payload: RecordIn) -> Any:
    meeting = selectors.meeting_get_for(actor=request.user, pk=pk)
    roster = {m.person.employee_no: m.person_id for m in services.roster(meeting.organization)}
    attendance: dict[int, services.AttendanceEntry] = {}
    problems = []
    for row, entry in enumerate(payload.attendance, start=1):
        person_id = roster.get(entry.employee_no)
        if person_id is None:
            problems.append(Problem(f"工号{entry.employee_no}不是本组织的党员", row=row, field="attendance"))
            continue
        attendance[person_id] = services.AttendanceEntry(entry.status, entry.reason)
    if problems:
        raise ApplicationError("meeting_invalid", "会议记录不完整或不符合规定，未保存。", problems)
    services.meeting_record(
        actor=request.user,
        meeting=meeting,
        attendance=attendance,
        topics=payload.topics,
        minutes=payload.minutes,
        has_election=payload.has_election,
        speaker=person_or_none_from_input(actor=request.user, employee_no=payload.speaker_employee_no),
    )
    return _detail(request, pk)


@router.post("/checkin", response={200: CheckinOut}, summary="扫码签到（本人）")
def checkin(request: AuthedRequest, payload: CheckinIn) -> Any:
    row = services.checkin(actor=request.user, token=payload.token)
    return {"meeting_id": row.meeting_id, "status": row.status, "checked_in_at": row.checked_in_at}


@router.get("/compliance", response={200: ComplianceOut}, summary="组织生活落实情况（含下级）")
def compliance(
    request: AuthedRequest,
    org: str,
    start: Day | None = None,
    end: Day | None = None,
    behind_only: bool = False,
) -> Any:
    """start 与 end 均含当日；默认为今年全年。"""
    root = selectors.org_for_life(actor=request.user, code=org)
    today = timezone.localdate()
    first = start or date(today.year, 1, 1)
    last = end or date(today.year, 12, 31)
    if last < first:
        raise ApplicationError("invalid", "结束日期不能早于开始日期。")
    period = Period(first, last + timedelta(days=1))
    report = selectors.compliance_for(
        actor=request.user, org=root, period=period, today=today, behind_only=behind_only
    )
    return {
        "org_code": root.code,
        "start": first,
        "end": last,
        "today": today,
        "rows": [
            {
                "org_code": row.org.code,
                "org_name": row.org.name,
                "compliant": row.compliant,
                "required": row.required,
                "met": row.met,
                "behind": row.behind,
                "present": row.present,
                "should_attend": row.should_attend,
                "topics_missing": row.topics_missing,
                "resolutions_overdue": row.resolutions_overdue,
                "rules": [
                    {
                        "kind": r.kind.code,
                        "kind_label": r.kind.name,
                        "frequency": r.frequency.label,
                        "required": r.required,
                        "met": r.met,
                        "behind": r.behind,
                        "remaining": r.remaining,
                        "deadline": r.open_window.window.deadline if r.open_window else None,
                        "last_held": r.last_held,
                    }
                    for r in row.rules
                ],
                "campaigns": [
                    {
                        "campaign_id": c.campaign.pk,
                        "name": c.campaign.name,
                        "held": c.held,
                        "required": c.required,
                    }
                    for c in row.campaigns
                ],
            }
            for row in report.rows
        ],
    }


@router.get("/lapse", response={200: LapseOut}, summary="组织生活预警（连续多月未参加组织生活的党员）")
def lapse(request: AuthedRequest, org: str = "", severe_only: bool = False) -> Any:
    """org 为组织编码（含下级），为空时为本人负责的全部组织；severe_only 只列已满视为自行脱党月数的党员。"""
    root = selectors.org_for_life(actor=request.user, code=org) if org else None
    report = selectors.lapse_list_for(actor=request.user, org=root, today=timezone.localdate())
    members = report.severe if severe_only else report.warnings
    return {
        "org_code": root.code if root is not None else None,
        "today": report.today,
        "count": len(members),
        "severe_count": len(report.severe),
        "unrecorded_branches": [o.code for o in report.unrecorded],
        "members": members,
    }
