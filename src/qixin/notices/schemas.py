from datetime import datetime

from ninja import Field, Schema

from qixin.core.api import Input

from .models import AudienceKind


class NoticeOut(Schema):
    id: int
    organization_id: int
    organization_name: str = Field(..., alias="organization.name")
    audience_id: int
    audience_kind: str
    title: str
    body: str
    attachment_name: str
    attachment_size: int
    link_url: str
    link_label: str
    subject_kind: str
    subject_id: int | None
    published_at: datetime
    withdrawn_at: datetime | None
    expected_count: int


class NoticeRowOut(NoticeOut):
    to_me: bool
    read_at: datetime | None = Field(None, alias="my_read_at")
    managed: bool
    n_read: int | None = Field(None, description="已读人数（仅发布组织的管理者可见）")

    @staticmethod
    def resolve_n_read(obj: object) -> int | None:
        return getattr(obj, "n_read", None) if getattr(obj, "managed", False) else None


class NoticeIn(Input):
    org_code: str = Field(..., min_length=1, max_length=32, description="发布组织编码")
    audience_code: str = Field("", max_length=32, description="发送范围（组织编码；不填为发布组织）")
    audience_kind: AudienceKind = AudienceKind.MEMBERS
    title: str = Field(..., min_length=1, max_length=100)
    body: str = Field(..., min_length=1)


class WithdrawIn(Input):
    reason: str = Field("", max_length=200)


class ReceiptOut(Schema):
    person_id: int
    name: str = Field(..., alias="person.name")
    employee_no: str = Field(..., alias="person.employee_no")
    read_at: datetime | None
