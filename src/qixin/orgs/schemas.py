from datetime import date

from ninja import Field, Schema

from qixin.core.api import Input

from .models import OrgKind


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
