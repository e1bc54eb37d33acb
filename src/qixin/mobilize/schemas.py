from datetime import date
from decimal import Decimal

from ninja import Field, Schema

from qixin.core.api import Input

from .models import DeploymentKind, MissionKind, MissionStatus, TeamKind


class MobilizeTeamOut(Schema):
    id: int
    name: str
    kind: str = Field(..., alias="display_kind")
    organization_id: int
    leader_id: int | None
    formed_on: date
    disbanded_on: date | None
    description: str


class TeamIn(Input):
    org_code: str = Field(..., min_length=1)
    name: str = Field(..., min_length=1, max_length=100)
    kind: TeamKind
    custom_kind: str = Field("", max_length=40)
    leader_employee_no: str = ""
    formed_on: date
    description: str = ""


# PATCH bodies: only the fields sent change. The organization and forming date of a team and the
# organization of a mission are not fields: they never change (see the services).


class MobilizeTeamUpdateIn(Input):
    name: str | None = Field(None, min_length=1, max_length=100)
    kind: TeamKind | None = None
    custom_kind: str | None = Field(None, max_length=40)
    leader_employee_no: str | None = Field(None, max_length=20, description="空字符串为不设队长；不传则不变")
    description: str | None = None


class TeamMemberOut(Schema):
    id: int
    person_id: int
    person_name: str = Field(..., alias="person.name")
    employee_no: str = Field(..., alias="person.employee_no")
    is_party_member: bool
    joined_on: date
    left_on: date | None


class TeamMemberIn(Input):
    employee_no: str = Field(..., min_length=1)
    joined_on: date


class MissionOut(Schema):
    id: int
    name: str
    kind: MissionKind
    organization_id: int
    goal: str
    starts_on: date
    ends_on: date | None
    status: MissionStatus
    outcome: str


class MissionIn(Input):
    org_code: str = Field(..., min_length=1)
    name: str = Field(..., min_length=1, max_length=100)
    kind: MissionKind
    goal: str = Field(..., min_length=1)
    starts_on: date
    ends_on: date | None = None


class MobilizeMissionUpdateIn(Input):
    name: str | None = Field(None, min_length=1, max_length=100)
    kind: MissionKind | None = None
    goal: str | None = Field(None, min_length=1)
    starts_on: date | None = None
    ends_on: date | None = Field(None, description="不传则不变；传 null 为不设结束日期")


class AssignmentOut(Schema):
    id: int
    mission_id: int
    person_id: int
    person_name: str = Field(..., alias="person.name")
    team_id: int | None
    part: str


class MissionAssignIn(Input):
    employee_no: str = Field(..., min_length=1)
    part: str = Field(..., min_length=1, max_length=200)
    team_id: int | None = Field(None, ge=1)


class MissionTeamIn(Input):
    team_id: int = Field(..., ge=1)


class MobilizeUnassignIn(Input):
    reason: str = Field(..., min_length=1, max_length=200)


class StatusIn(Input):
    status: MissionStatus
    outcome: str = ""
    on: date | None = None


class PartDeedIn(Input):
    pillars: list[str] = []
    description: str = ""


class DeploymentOut(Schema):
    id: int
    person_id: int
    person_name: str = Field(..., alias="person.name")
    kind: DeploymentKind
    destination: str
    mission_id: int | None
    starts_on: date
    ends_on: date | None
    note: str


class DeploymentIn(Input):
    employee_no: str = Field(..., min_length=1)
    kind: DeploymentKind
    destination: str = Field(..., min_length=1, max_length=100)
    starts_on: date
    ends_on: date | None = None
    mission_id: int | None = Field(None, ge=1)
    note: str = Field("", max_length=200)


class ServiceOut(Schema):
    id: int
    person_id: int
    served_on: date
    hours: Decimal
    team_id: int | None
    mission_id: int | None
    description: str


class ServiceIn(Input):
    employee_no: str = Field(..., min_length=1)
    served_on: date
    hours: Decimal = Field(..., gt=0, le=24, decimal_places=1)
    team_id: int | None = Field(None, ge=1)
    mission_id: int | None = Field(None, ge=1)
    description: str = Field("", max_length=200)
