from datetime import date, datetime
from decimal import Decimal
from typing import Any, Literal

from ninja import Field, Schema

from qixin.core.api import Input, ObjectId

from .models import CALENDAR_NAME_MAX, MessageKind, Moderation, TicketKind, TicketStatus, WishStatus


class TicketOut(Schema):
    id: int
    kind: TicketKind
    kind_label: str = Field(..., alias="get_kind_display")
    body: str
    status: TicketStatus
    status_label: str = Field(..., alias="get_status_display")
    moderation: Moderation
    hold_reason: str
    is_anonymous: bool
    submitter_name: str
    submitter_employee_no: str
    point: str | None = Field(None, alias="point.name")
    team_id: int
    team: str = Field(..., alias="team.name")
    organization_code: str = Field(..., alias="organization.code")
    assignee_id: int | None
    submitted_at: datetime
    respond_due: datetime
    close_due: datetime
    first_response_at: datetime | None
    closed_at: datetime | None
    result: str
    rating: int | None
    escalation_level: int
    has_photo: bool = False

    @staticmethod
    def resolve_has_photo(obj: object) -> bool:
        return bool(getattr(obj, "photo", None))


class MessageOut(Schema):
    kind: MessageKind
    body: str
    author: str | None = Field(None, alias="author.username")
    created_at: datetime


class TicketDetailOut(TicketOut):
    history: list[MessageOut]


class TicketFiltersIn(Schema):
    status: str = ""
    kind: str = ""
    moderation: str = "visible"
    mine: bool = False
    overdue: bool = False


class TextIn(Input):
    body: str = Field(..., max_length=2000)


class CloseIn(Input):
    result: str = Field(..., max_length=2000)


class AssignIn(Input):
    user_id: int | None = None


class ModerateIn(Input):
    moderation: str


class HeldModerateIn(Input):
    ids: list[ObjectId] = Field(..., min_length=1, max_length=500, description="事项编号")
    action: Literal["release", "discard"] = Field(
        ..., description="release：放行，转入待办并通知团队；discard：标为垃圾信息"
    )


class ForwardIn(Input):
    topic: str


class TeamOut(Schema):
    id: int
    name: str
    organization_code: str = Field(..., alias="organization.code")
    webhook_format: str


class PointOut(Schema):
    id: int
    name: str
    token: str
    team_id: int
    organization_code: str = Field(..., alias="organization.code")
    is_active: bool


class StatsOut(Schema):
    label: str
    team_id: int | None
    tickets: int
    answered: int
    closed: int
    overdue: int
    rated: int
    response_hours: Decimal
    close_days: Decimal
    overdue_share: Decimal
    satisfaction: Decimal


class StatsReportOut(Schema):
    total: StatsOut
    teams: list[StatsOut]


class StatsIn(Schema):
    org: str
    start: date
    end: date


class WishOut(Schema):
    id: int
    title: str
    text: str
    status: WishStatus
    organization_code: str = Field(..., alias="organization.code")
    claimant: str
    published_at: datetime
    fulfilled_at: datetime | None


class WishPublishIn(Input):
    title: str = Field(..., max_length=100)
    text: str = Field(..., max_length=2000)


class WishClaimIn(Input):
    branch_code: str = ""


class CareWishWithdrawIn(Input):
    reason: str = Field(..., max_length=200, description="撤下原因，记入办理记录（员工不可见）")


class FulfilIn(Input):
    fulfilment: str = Field(..., max_length=2000)


class NotificationOut(Schema):
    id: int
    text: str
    ticket_id: int | None
    created_at: datetime
    read_at: datetime | None


class CalendarDayOut(Schema):
    id: int
    day: date
    weekday: int = Field(..., description="星期几（1＝星期一 … 7＝星期日）")
    is_workday: bool = Field(..., description="true：调休上班；false：节假日（休息）")
    kind_label: str
    name: str
    organization_code: str | None = Field(None, alias="organization.code", description="空为全局")
    organization_name: str | None = Field(None, alias="organization.name")

    @staticmethod
    def resolve_weekday(obj: Any) -> int:
        return int(obj.day.isoweekday())


class CalendarDayIn(Input):
    day: date
    is_workday: bool = Field(..., description="true：调休上班；false：节假日（休息）")
    name: str = Field("", max_length=CALENDAR_NAME_MAX)
    org: str = Field("", max_length=32, description="适用组织编码；空为全局（须为系统管理员）")


class CalendarRangeIn(CalendarDayIn):
    until: date = Field(..., description="最后一天（含），最多 31 天")


class CalendarRangeOut(Schema):
    days: list[CalendarDayOut]
    unchanged: list[date] = Field(..., description="本来就是所登记类型、因而未登记的日期（如周末）")


class CalendarYearIn(Schema):
    year: int | None = Field(None, ge=1900, le=2100, description="年份，默认今年")
