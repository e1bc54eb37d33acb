from datetime import date
from typing import Literal

from ninja import Field, Schema

from qixin.core.api import Input

from .models import Category, Education, EmploymentStatus, EndReason, Gender, Standing


class PersonOut(Schema):
    id: int
    employee_no: str
    name: str
    gender: str
    birth_date: date | None
    ethnicity: str
    education: str
    department: str
    job: str
    employment_status: EmploymentStatus
    organization_code: str
    organization_name: str
    category: str = Field(..., description="正式党员、预备党员或群众")
    branch_code: str | None
    phone: str = Field(..., description="脱敏显示")
    id_number: str = Field(..., description="脱敏显示")


class TransferOut(Schema):
    transferred_on: date
    from_branch: str
    to_branch: str
    reason: str


class MembershipOut(Schema):
    # Not the Category enum itself: improve has one of the same name, and OpenAPI names enums by class.
    category: Literal[Category.FULL, Category.PROBATIONARY]
    joined_on: date
    full_on: date | None
    branch_code: str
    party_group_code: str | None
    standing: str
    probation_due: date | None = Field(
        ..., description="预备期满日期（已延长的为延长后的日期）；正式党员为空"
    )
    probation_extended_until: date | None
    probation_extension_decided_on: date | None
    probation_extension_approved_on: date | None
    probation_extension_reason: str
    party_age: int | None
    lost_contact_since: date | None
    floating_to: str


class PersonDetailOut(PersonOut):
    hired_on: date | None
    left_on: date | None
    address: str = Field(..., description="脱敏显示")
    membership: MembershipOut | None
    transfers: list[TransferOut]


class SensitiveOut(Schema):
    id_number: str
    phone: str
    address: str


class PersonFiltersIn(Input):
    q: str = Field("", max_length=50, description="姓名、工号或拼音首字母")
    org: str = Field("", max_length=32, description="组织编码（含下级）")
    category: str = Field("", description="正式党员、预备党员、党员、群众")
    education: Education | None = None
    age_min: int | None = Field(None, ge=0, le=120)
    age_max: int | None = Field(None, ge=0, le=120)
    status: EmploymentStatus | None = EmploymentStatus.ACTIVE


class PersonFieldsIn(Input):
    gender: Gender | None = None
    birth_date: date | None = None
    ethnicity: str = Field("", max_length=20)
    education: Education | None = None
    department: str = Field("", max_length=100)
    job: str = Field("", max_length=100)
    phone: str = Field("", max_length=20)
    id_number: str = Field("", max_length=18)
    address: str = Field("", max_length=200)
    hired_on: date | None = None


class PersonCreateIn(PersonFieldsIn):
    employee_no: str = Field(..., min_length=1, max_length=20)
    name: str = Field(..., min_length=1, max_length=40)
    org_code: str = Field(..., min_length=1, max_length=32, description="所在组织编码；党员为所在党支部")
    category: Category | None = None
    joined_on: date | None = None
    full_on: date | None = None


class PersonUpdateIn(Input):
    name: str | None = Field(None, min_length=1, max_length=40)
    gender: Gender | None = None
    birth_date: date | None = None
    ethnicity: str | None = Field(None, max_length=20)
    education: Education | None = None
    department: str | None = Field(None, max_length=100)
    job: str | None = Field(None, max_length=100)
    phone: str | None = Field(None, max_length=20)
    id_number: str | None = Field(None, max_length=18)
    address: str | None = Field(None, max_length=200)
    hired_on: date | None = None


class TransferIn(Input):
    target_code: str = Field(..., min_length=1, max_length=32)
    on: date
    reason: str = Field("", max_length=200)


class StandingIn(Input):
    """Left out: unchanged. 失联 needs lost_contact_since, 流动 needs floating_to."""

    standing: Standing | None = None
    lost_contact: bool | None = None
    lost_contact_since: date | None = None
    floating: bool | None = None
    floating_to: str | None = Field(None, max_length=100)


class EndMembershipIn(Input):
    on: date
    reason: EndReason = Field(..., description="取消预备党员资格请用 cancel-probation")


class AdmitIn(Input):
    branch_code: str = Field(..., min_length=1, max_length=32, description="所在党支部编码")
    category: Category
    joined_on: date = Field(..., description="加入党组织日期（支部大会通过之日）")
    full_on: date | None = Field(None, description="转为正式党员日期；预备党员不填")


class ConfirmFullIn(Input):
    full_on: date = Field(..., description="转正日期，不早于预备期满之日")


class ExtendProbationIn(Input):
    months: int = Field(..., ge=1, le=120, description="延长月数（规则设定的范围内，默认6至12个月）")
    decided_on: date = Field(..., description="支部大会日期")
    approved_on: date = Field(..., description="上级批准日期")
    reason: str = Field(..., min_length=1, max_length=200)


class CancelProbationIn(Input):
    decided_on: date = Field(..., description="支部大会日期")
    approved_on: date = Field(..., description="上级批准日期，即组织关系终止之日")
    reason: str = Field(..., min_length=1, max_length=200)


class PersonLeaveIn(Input):
    on: date
    status: Literal[EmploymentStatus.LEFT, EmploymentStatus.RETIRED] = Field(..., description="离职或退休")
