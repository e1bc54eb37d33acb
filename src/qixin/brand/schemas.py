from datetime import date

from ninja import Field, Schema
from pydantic import conint

from qixin.core.api import Input

from .models import EvaluationStatus, Grade, RecognitionKind, RecognitionLevel


class PillarOut(Schema):
    id: int
    name: str
    description: str


class FrameworkOut(Schema):
    id: int
    organization_id: int
    organization_name: str = Field(..., alias="organization.name")
    name: str
    slogan: str
    description: str
    pillars: list[PillarOut]

    @staticmethod
    def resolve_pillars(obj: object) -> list[object]:
        return list(obj.pillars.all())  # type: ignore[attr-defined]


class FrameworkIn(Input):
    name: str = Field(..., min_length=1, max_length=60)
    slogan: str = Field("", max_length=120)
    description: str = ""
    pillars: list[str] = Field(..., min_length=1)


class DeedOut(Schema):
    id: int
    person_id: int
    person_name: str = Field(..., alias="person.name")
    organization_id: int
    done_on: date
    description: str
    pillars: list[str]
    source_model: str
    source_pk: str
    source_label: str
    source_url: str

    @staticmethod
    def resolve_pillars(obj: object) -> list[str]:
        return [p.name for p in obj.pillars.all()]  # type: ignore[attr-defined]


class DeedIn(Input):
    person_id: int = Field(..., ge=1)
    done_on: date
    description: str = Field(..., min_length=1)
    pillars: list[str] = []
    source_url: str = Field("", max_length=300)


class RecognitionOut(Schema):
    id: int
    kind: str = Field(..., alias="display_kind")
    level: RecognitionLevel
    year: int
    person_id: int | None
    recipient_org_id: int | None
    citation: str
    granted_by: str


class RecognitionIn(Input):
    kind: RecognitionKind
    custom_kind: str = Field("", max_length=40)
    level: RecognitionLevel
    year: conint(ge=1949, le=2100)  # type: ignore[valid-type]
    employee_no: str = ""
    org_code: str = ""
    citation: str = ""
    granted_by: str = Field("", max_length=100)


class EvaluationOut(Schema):
    id: int
    branch_id: int
    branch_name: str = Field(..., alias="branch.name")
    year: int
    status: EvaluationStatus
    held_on: date | None


class EvaluationIn(Input):
    branch_id: int = Field(..., ge=1)
    year: conint(ge=2000, le=2100)  # type: ignore[valid-type]


class EntryOut(Schema):
    id: int
    person_id: int
    person_name: str = Field(..., alias="person.name")
    self_assessment: str
    votes_excellent: int
    votes_qualified: int
    votes_basic: int
    votes_unqualified: int
    grade: str
    follow_up: str


class GradeIn(Input):
    grade: Grade
    votes_excellent: int = Field(0, ge=0)
    votes_qualified: int = Field(0, ge=0)
    votes_basic: int = Field(0, ge=0)
    votes_unqualified: int = Field(0, ge=0)
    follow_up: str = ""


class SelfAssessmentIn(Input):
    text: str = Field(..., min_length=1)


class EvaluationCloseIn(Input):
    held_on: date
