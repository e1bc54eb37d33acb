"""/api/v1/reports: the summary of figures for an organization and a period."""

from datetime import date
from typing import Any

from ninja import Field, Query, Router, Schema

from qixin.core.api import Day, ErrorOut, Input
from qixin.core.pages import AuthedRequest
from qixin.orgs.models import OrgKind

from . import selectors

router = Router(tags=["报表"])


class MetricOut(Schema):
    label: str
    unit: str
    section: str
    value: float


class OrgRef(Schema):
    code: str
    name: str
    kind: OrgKind


class PeriodOut(Schema):
    from_: date = Field(..., alias="from")
    to: date


class SummaryOut(Schema):
    org: OrgRef
    period: PeriodOut
    metrics: dict[str, MetricOut]
    narrative: list[str]


class SummaryQuery(Input):
    org: str = Field("", max_length=32, description="组织编码；默认为您能看到的最上级组织")
    from_: Day | None = Field(None, alias="from", description="开始日期（含），默认本年1月1日")
    to: Day | None = Field(None, description="结束日期（含），默认今天")


@router.get(
    "/summary",
    response={200: SummaryOut, 400: ErrorOut, 404: ErrorOut, 422: ErrorOut},
    summary="报表摘要：指定组织（含下级）和期间的全部指标与报告正文",
    by_alias=True,
)
def summary(request: AuthedRequest, query: Query[SummaryQuery]) -> Any:
    target = selectors.org_for_report(actor=request.user, code=query.org or None)
    period = selectors.period_from(query.from_, query.to)
    return selectors.summary_for(actor=request.user, org=target, period=period).as_json()
