from datetime import date

from ninja import Field, Schema

from qixin.core.api import Input

from .models import Channel


class ItemOut(Schema):
    id: int
    title: str
    url: str
    text: str


class AdvocacyCampaignOut(Schema):
    id: int
    name: str
    organization_id: int
    description: str
    starts_on: date
    ends_on: date | None


class ItemIn(Input):
    title: str = Field(..., min_length=1, max_length=100)
    url: str = Field("", max_length=300)
    text: str = ""


class AdvocacyCampaignIn(Input):
    org_code: str = Field(..., min_length=1)
    name: str = Field(..., min_length=1, max_length=100)
    description: str = ""
    starts_on: date
    ends_on: date | None = None
    items: list[ItemIn] = []


# PATCH body: only the fields sent change. The organization of a campaign is not a field: it never
# changes (see campaign_update).


class AdvocacyCampaignUpdateIn(Input):
    name: str | None = Field(None, min_length=1, max_length=100)
    description: str | None = None
    starts_on: date | None = None
    ends_on: date | None = Field(None, description="不传则不变；传 null 为不设结束日期")


class AdvocacyCampaignCloseIn(Input):
    on: date = Field(..., description="结束日期（不晚于今天）")


class ShareOut(Schema):
    id: int
    campaign_id: int
    person_id: int
    channel: str
    link: str
    reach: int | None
    shared_on: date


class ShareIn(Input):
    employee_no: str = ""
    channel: Channel
    link: str = Field("", max_length=300)
    reach: int | None = Field(None, ge=0)
    shared_on: date
    item_id: int | None = Field(None, ge=1)


class BranchOut(Schema):
    org_id: int
    name: str
    participants: int
    shares: int
    reach: int


class ParticipantOut(Schema):
    person_id: int
    name: str
    employee_no: str
    shares: int
    reach: int


class ParticipationOut(Schema):
    by_branch: list[BranchOut]
    by_person: list[ParticipantOut]
