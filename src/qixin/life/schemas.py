from datetime import date, datetime

from ninja import Field, Schema

from qixin.core.api import Day, Input

from .models import AttendanceStatus, MeetingStatus


class MeetingOut(Schema):
    id: int
    org_code: str = Field(..., alias="organization.code")
    org_name: str = Field(..., alias="organization.name")
    kind: str = Field(..., alias="kind.code")
    kind_label: str = Field(..., alias="kind.name")
    title: str
    status: MeetingStatus
    starts_at: datetime
    ends_at: datetime
    place: str
    should_attend: int
    present_count: int
    excused_count: int
    absent_count: int


class AttendanceOut(Schema):
    person_id: int
    name: str = Field(..., alias="person.name")
    employee_no: str = Field(..., alias="person.employee_no")
    status: AttendanceStatus
    reason: str
    has_vote: bool
    checked_in_at: datetime | None


class ResolutionOut(Schema):
    id: int
    text: str
    voted: bool
    votes_for: int | None
    voters_expected: int | None
    passed: bool
    owner_id: int | None
    due_on: date | None
    done_on: date | None
    follow_up: str
    withdrawn_at: datetime | None
    withdrawn_reason: str


class MeetingDetailOut(MeetingOut):
    topics: list[str]
    minutes: str
    has_election: bool
    host_id: int | None
    speaker_id: int | None
    campaign_id: int | None
    withdrawn_at: datetime | None
    withdrawn_reason: str
    attendance: list[AttendanceOut] = Field(..., alias="attendance_rows")
    resolutions: list[ResolutionOut] = Field(..., alias="resolution_rows")


class MeetingFiltersIn(Input):
    org: str = Field("", max_length=32, description="组织编码（含下级）")
    status: str = Field("", description="planned、held、cancelled 或 withdrawn（已撤销记录）")
    kind: str = Field("", max_length=40, description="会议类型编码，如 theme_day")
    start: Day | None = Field(None, description="开始日期（含）")
    end: Day | None = Field(None, description="结束日期（不含）")


class MeetingCreateIn(Input):
    org_code: str = Field(..., min_length=1, max_length=32)
    kind: str = Field(..., min_length=1, max_length=40, description="会议类型编码")
    starts_at: datetime
    ends_at: datetime
    title: str = Field("", max_length=200)
    place: str = Field("", max_length=100)
    host_employee_no: str = Field("", max_length=20)
    speaker_employee_no: str = Field("", max_length=20)
    campaign_id: int | None = None


class MeetingCorrectIn(Input):
    """Only the fields sent are changed. A new start without an end keeps the meeting's duration."""

    kind: str | None = Field(None, min_length=1, max_length=40, description="会议类型编码")
    starts_at: datetime | None = None
    ends_at: datetime | None = None
    title: str | None = Field(None, max_length=200)
    place: str | None = Field(None, max_length=100)
    host_employee_no: str | None = Field(None, max_length=20, description="空字符串表示清除")
    speaker_employee_no: str | None = Field(None, max_length=20, description="空字符串表示清除")
    campaign_id: int | None = Field(None, description="null 表示不属于专题教育")
    reason: str = Field("", max_length=200, description="更正原因；已召开的会议必填")


class MeetingWithdrawIn(Input):
    reason: str = Field(..., min_length=1, max_length=200, description="撤销原因")


class ResolutionCorrectIn(Input):
    """Only the fields sent are changed."""

    text: str | None = Field(None, min_length=1, max_length=500)
    owner_employee_no: str | None = Field(None, max_length=20, description="空字符串表示清除")
    due_on: date | None = None
    reason: str = Field(..., min_length=1, max_length=200, description="更正原因")


class ResolutionWithdrawIn(Input):
    reason: str = Field(..., min_length=1, max_length=200, description="撤销原因")


class LifeCampaignOut(Schema):
    id: int
    org_code: str = Field(..., alias="organization.code")
    name: str
    starts_on: date
    ends_on: date
    required_sessions: int
    description: str


class LifeCampaignUpdateIn(Input):
    """Only the fields sent are changed."""

    name: str | None = Field(None, min_length=1, max_length=100)
    starts_on: date | None = None
    ends_on: date | None = None
    required_sessions: int | None = Field(None, ge=1, le=100)
    description: str | None = Field(None, max_length=5000)


class AttendanceIn(Input):
    employee_no: str = Field(..., min_length=1, max_length=20)
    status: AttendanceStatus
    reason: str = Field("", max_length=200)


class RecordIn(Input):
    attendance: list[AttendanceIn]
    topics: list[str] = []
    minutes: str = Field("", max_length=20000)
    has_election: bool = False
    speaker_employee_no: str = Field("", max_length=20)


class CheckinIn(Input):
    token: str = Field(..., min_length=10, max_length=40)


class CheckinOut(Schema):
    meeting_id: int
    status: str
    checked_in_at: datetime | None


class RuleCellOut(Schema):
    kind: str
    kind_label: str
    frequency: str
    required: int
    met: int
    behind: int
    remaining: int
    deadline: date | None
    last_held: date | None


class CampaignCellOut(Schema):
    campaign_id: int
    name: str
    held: int
    required: int


class ComplianceRowOut(Schema):
    org_code: str
    org_name: str
    compliant: bool
    required: int
    met: int
    behind: int
    present: int
    should_attend: int
    topics_missing: list[str]
    resolutions_overdue: int
    rules: list[RuleCellOut]
    campaigns: list[CampaignCellOut]


class ComplianceOut(Schema):
    org_code: str
    start: date
    end: date
    today: date
    rows: list[ComplianceRowOut]


class LapseMemberOut(Schema):
    name: str
    employee_no: str
    branch_code: str
    branch_name: str
    last_present: date | None = Field(..., description="最近一次出席组织生活的日期；从未出席为空")
    last_excused: date | None = Field(..., description="最近一次请假（写明事由）的日期")
    counted_from: date = Field(..., description="起算日期")
    counted_from_label: str = Field(..., description="起算依据，如“最近一次出席”“转入本支部”")
    months: int = Field(..., description="连续未参加组织生活的整月数")
    warn_months: int
    lapse_months: int
    severe: bool = Field(..., description="已满视为自行脱党的月数")
    level: str = Field(..., description="预警 或 严重")
    floating_to: str
    lost_contact_since: date | None


class LapseOut(Schema):
    org_code: str | None = Field(..., description="所选组织；为空表示本人负责的全部组织")
    today: date
    count: int
    severe_count: int
    unrecorded_branches: list[str] = Field(..., description="尚未逐人登记出席、无法判断的党支部（编码）")
    members: list[LapseMemberOut]
