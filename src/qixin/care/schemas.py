from datetime import date, datetime
from decimal import Decimal

from ninja import Field, Schema

from qixin.core.api import Input


class TicketOut(Schema):
    id: int
    kind: str
    kind_label: str = Field(..., alias="get_kind_display")
    body: str
    status: str
    status_label: str = Field(..., alias="get_status_display")
    moderation: str
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
    kind: str
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
    status: str
    organization_code: str = Field(..., alias="organization.code")
    claimant: str
    published_at: datetime
    fulfilled_at: datetime | None


class WishPublishIn(Input):
    title: str = Field(..., max_length=100)
    text: str = Field(..., max_length=2000)


class WishClaimIn(Input):
    branch_code: str = ""


class FulfilIn(Input):
    fulfilment: str = Field(..., max_length=2000)


class NotificationOut(Schema):
    id: int
    text: str
    ticket_id: int | None
    created_at: datetime
    read_at: datetime | None
