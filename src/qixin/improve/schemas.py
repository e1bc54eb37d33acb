"""API shapes of cost reduction and innovation."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from ninja import Field, Schema

from qixin.core.api import Input

from .models import (
    AwardLevel,
    Category,
    SavingsStatus,
    Stage,
    StudioKind,
    SuggestionKind,
    SuggestionStatus,
)


class SuggestionOut(Schema):
    id: int
    number: str
    title: str
    text: str
    kind: SuggestionKind
    category: Category
    custom_category: str
    organization_code: str = Field(..., alias="organization.code")
    department: str
    source: str
    status: SuggestionStatus
    reply: str
    expected_benefit: Decimal | None
    submitted_at: datetime
    merged_into_id: int | None
    project_id: int | None


class SuggestionIn(Input):
    text: str = Field(..., min_length=1, max_length=4000)
    title: str = Field("", max_length=100)
    kind: str = "降本建议"
    category: str = "制造降本"
    custom_category: str = Field("", max_length=40)
    department: str = Field("", max_length=100)
    expected_benefit: Decimal | None = Field(None, ge=0, max_digits=14, decimal_places=2)
    organization_code: str | None = Field(None, max_length=32, description="代为录入时填写")
    submitter_employee_no: str | None = Field(None, max_length=20, description="代为录入时填写；留空为匿名")
    external_ref: str = Field("", max_length=64)


class SuggestionFilters(Schema):
    q: str = Field("", max_length=200)
    status: str = ""
    category: str = ""
    mine: bool = False
    to_review: bool = False


class SimilarOut(Schema):
    id: int
    number: str
    title: str
    status: SuggestionStatus
    score: float
    likely: bool


class SimilarIn(Input):
    text: str = Field(..., min_length=1, max_length=4000)
    organization_code: str | None = Field(None, max_length=32)


class DecideIn(Input):
    accept: bool
    reply: str = Field("", max_length=2000)


class ImplementIn(Input):
    on: date
    note: str = Field("", max_length=200)


class MergeIn(Input):
    into_id: int = Field(..., ge=1)


class ProjectOut(Schema):
    id: int
    code: str
    title: str
    organization_code: str = Field(..., alias="organization.code")
    owner_employee_no: str = Field(..., alias="owner.employee_no")
    owner_is_member: bool
    category: Category
    custom_category: str
    stage: Stage
    started_on: date
    stage_changed_on: date
    savings_target: Decimal


class ProjectIn(Input):
    title: str = Field(..., min_length=1, max_length=200)
    organization_code: str = Field(..., max_length=32)
    owner_employee_no: str = Field(..., max_length=20)
    category: str
    custom_category: str = Field("", max_length=40)
    started_on: date
    savings_target: Decimal = Field(Decimal(0), ge=0, max_digits=14, decimal_places=2)
    description: str = Field("", max_length=4000)
    alliance_codes: list[str] = []


class ProjectFilters(Schema):
    q: str = Field("", max_length=200)
    stage: str = ""
    category: str = ""
    mine: bool = False


class StageIn(Input):
    to_stage: str
    on: date
    note: str = Field("", max_length=200)


class SavingsOut(Schema):
    id: int
    number: str
    project_id: int
    amount: Decimal
    occurred_on: date
    description: str
    status: SavingsStatus
    verified_on: date | None
    verification_note: str
    rejection_reason: str
    reverses_id: int | None


class ClaimIn(Input):
    amount: Decimal = Field(..., max_digits=14, decimal_places=2)
    occurred_on: date
    description: str = Field(..., min_length=1, max_length=200)
    evidence: str = Field("", max_length=4000)


class VerifyIn(Input):
    verified_on: date
    note: str = Field(..., min_length=1, max_length=200)


class ReasonIn(Input):
    reason: str = Field(..., min_length=1, max_length=200)


class ReverseIn(Input):
    on: date
    reason: str = Field(..., min_length=1, max_length=200)


class AllianceOut(Schema):
    id: int
    code: str
    name: str
    lead_branch_code: str = Field(..., alias="lead_branch.code")
    leader_employee_no: str = Field(..., alias="leader.employee_no")
    founded_on: date
    dissolved_on: date | None
    goal: str


class CampaignOut(Schema):
    id: int
    name: str
    organization_code: str = Field(..., alias="organization.code")
    starts_on: date
    ends_on: date
    savings_target: Decimal


class StudioOut(Schema):
    id: int
    code: str
    name: str
    kind: StudioKind
    organization_code: str = Field(..., alias="organization.code")
    leader_employee_no: str = Field(..., alias="leader.employee_no")
    leader_is_member: bool
    founded_on: date
    focus: str


class CaseOut(Schema):
    id: int
    code: str
    title: str
    organization_code: str = Field(..., alias="organization.code")
    lead_employee_no: str = Field(..., alias="lead.employee_no")
    lead_is_member: bool
    category: Category
    year: int
    before: str
    after: str
    savings: Decimal
    rating: int | None


class AwardOut(Schema):
    id: int
    name: str
    level: AwardLevel
    issuer: str
    awarded_on: date
    achievement: str
    savings: Decimal


class AllianceIn(Input):
    name: str = Field(..., min_length=1, max_length=100)
    lead_branch_code: str = Field(..., max_length=32)
    branch_codes: list[str] = []
    leader_employee_no: str = Field(..., max_length=20)
    member_employee_nos: list[str] = []
    founded_on: date
    goal: str = Field("", max_length=2000)


class CampaignIn(Input):
    name: str = Field(..., min_length=1, max_length=100)
    organization_code: str = Field(..., max_length=32)
    starts_on: date
    ends_on: date
    savings_target: Decimal = Field(..., ge=0, max_digits=14, decimal_places=2)
    participant_codes: list[str] = []
    description: str = Field("", max_length=2000)


# PATCH bodies: only the fields sent change. The code, lead branch and founding date of an alliance
# and the committee of a campaign are not fields: they never change (see the services).


class AllianceUpdateIn(Input):
    name: str | None = Field(None, min_length=1, max_length=100)
    leader_employee_no: str | None = Field(None, min_length=1, max_length=20)
    branch_codes: list[str] | None = Field(
        None, description="其他参与党支部编码的完整列表（牵头党支部始终保留）；不传则不变"
    )
    goal: str | None = Field(None, max_length=2000)


class CampaignUpdateIn(Input):
    name: str | None = Field(None, min_length=1, max_length=100)
    starts_on: date | None = None
    ends_on: date | None = None
    savings_target: Decimal | None = Field(None, ge=0, max_digits=14, decimal_places=2)
    participant_codes: list[str] | None = Field(
        None, description="参与组织编码的完整列表，空列表为发起党委全体下级组织；不传则不变"
    )
    description: str | None = Field(None, max_length=2000)


class StudioIn(Input):
    name: str = Field(..., min_length=1, max_length=100)
    kind: str = "创新工作室"
    organization_code: str = Field(..., max_length=32)
    leader_employee_no: str = Field(..., max_length=20)
    member_employee_nos: list[str] = []
    founded_on: date
    focus: str = Field("", max_length=200)


class CaseIn(Input):
    title: str = Field(..., min_length=1, max_length=200)
    organization_code: str = Field(..., max_length=32)
    lead_employee_no: str = Field(..., max_length=20)
    category: str
    custom_category: str = Field("", max_length=40)
    year: int = Field(..., ge=2000, le=2100)
    completed_on: date
    before: str = Field(..., min_length=1, max_length=4000)
    after: str = Field(..., min_length=1, max_length=4000)
    savings: Decimal = Field(Decimal(0), ge=0, max_digits=14, decimal_places=2)


class ProjectUpdateIn(Input):
    """The organization, owner and 立项 date of a project are not fields: they never change."""

    title: str | None = Field(None, min_length=1, max_length=200)
    category: str | None = None
    custom_category: str | None = Field(None, max_length=40)
    savings_target: Decimal | None = Field(None, ge=0, max_digits=14, decimal_places=2)
    alliance_codes: list[str] | None = Field(None, description="所属联盟编码的完整列表；不传则不变")
    description: str | None = Field(None, max_length=4000)


class ClaimUpdateIn(Input):
    amount: Decimal | None = Field(None, max_digits=14, decimal_places=2)
    occurred_on: date | None = None
    description: str | None = Field(None, min_length=1, max_length=200)
    evidence: str | None = Field(None, max_length=4000)


class CaseUpdateIn(Input):
    """The organization, lead, year and completion date of a case are not fields: they never change."""

    title: str | None = Field(None, min_length=1, max_length=200)
    category: str | None = None
    custom_category: str | None = Field(None, max_length=40)
    before: str | None = Field(None, min_length=1, max_length=4000)
    after: str | None = Field(None, min_length=1, max_length=4000)
    savings: Decimal | None = Field(None, ge=0, max_digits=14, decimal_places=2)


# Closing actions: the date (and reason) they are recorded with.


class LeaveIn(Input):
    left_on: date


class DissolveIn(Input):
    on: date


class StudioCloseIn(Input):
    on: date


class UnselectIn(Input):
    organization_code: str = Field(..., max_length=32, description="评选该案例的党委编码")
    reason: str = Field(..., min_length=1, max_length=200)


class AllianceMemberOut(Schema):
    employee_no: str = Field(..., alias="person.employee_no")
    name: str = Field(..., alias="person.name")
    joined_on: date
    left_on: date | None
