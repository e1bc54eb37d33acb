from datetime import date

from ninja import Field, Schema

from qixin.core.api import Input

from .models import OrgKind, PositionTitle


class OrgOut(Schema):
    id: int
    code: str
    name: str
    kind: OrgKind
    kind_label: str = Field(..., alias="get_kind_display")
    unit: str
    established_on: date | None
    dissolved_on: date | None
    depth: int


class PositionOut(Schema):
    id: int
    title: str = Field(..., alias="display_title")
    person_id: int
    person_name: str = Field(..., alias="person.name")
    started_on: date


class FindingOut(Schema):
    org_code: str = Field(..., alias="org.code")
    org_name: str = Field(..., alias="org.name")
    code: str
    severity: str
    message: str


class OrgDetailOut(OrgOut):
    parent_code: str | None
    full_members: int
    probationary_members: int
    employees: int
    positions: list[PositionOut]
    last_election_on: date | None
    next_election_due: date | None


class OrgFilters(Input):
    q: str = Field("", max_length=100, description="名称、编码或所在单位")
    kind: OrgKind | None = None
    include_dissolved: bool = False


class OrgCreateIn(Input):
    parent_code: str | None = Field(
        None, max_length=32, description="上级组织编码；最上级党委不填（仅系统管理员）"
    )
    code: str = Field(..., min_length=1, max_length=32)
    name: str = Field(..., min_length=1, max_length=100)
    kind: OrgKind
    unit: str = Field("", max_length=100)
    established_on: date | None = None


class OrgUpdateIn(Input):
    name: str | None = Field(None, min_length=1, max_length=100)
    unit: str | None = Field(None, max_length=100)
    established_on: date | None = None


class PositionDetailOut(Schema):
    id: int
    org_code: str = Field(..., alias="organization.code")
    title: PositionTitle
    title_label: str = Field(..., alias="display_title")
    custom_title: str
    is_committee: bool
    person_id: int
    employee_no: str = Field(..., alias="person.employee_no")
    person_name: str = Field(..., alias="person.name")
    started_on: date
    ended_on: date | None


class PositionFiltersIn(Input):
    include_ended: bool = Field(False, description="包括已离任的职务（任职历史）")


class PositionAssignIn(Input):
    employee_no: str = Field(..., min_length=1, max_length=20, description="工号")
    title: PositionTitle
    custom_title: str = Field("", max_length=40, description="职务为“其他”（custom）时填写")
    started_on: date
    ended_on: date | None = Field(None, description="补录已离任的任期时填写")
    replace_current: bool = Field(False, description="任命书记时同时免去现任书记（以任职日期为其离任日期）")


class PositionEndIn(Input):
    ended_on: date


class OrgElectionOut(Schema):
    id: int
    org_code: str = Field(..., alias="organization.code")
    held_on: date
    term_years: int
    note: str


class OrgElectionRecordIn(Input):
    held_on: date
    term_years: int | None = Field(None, ge=1, le=10, description="留空按规则：党委5年，党总支、党支部3年")
    note: str = Field("", max_length=200)
