"""/api/v1/advocacy: the same services and selectors as the pages."""

from typing import Any

from ninja import Router, Status
from ninja.pagination import paginate

from qixin.core.api import ObjectId, Pagination
from qixin.core.pages import AuthedRequest
from qixin.orgs.selectors import org_from_input

from . import selectors, services
from .schemas import (
    AdvocacyCampaignCloseIn,
    AdvocacyCampaignIn,
    AdvocacyCampaignOut,
    AdvocacyCampaignUpdateIn,
    ItemOut,
    ParticipationOut,
    ShareIn,
    ShareOut,
)

router = Router(tags=["品牌代言"])


@router.get("/campaigns", response=list[AdvocacyCampaignOut], summary="代言活动列表")
@paginate(Pagination)
def campaign_list(request: AuthedRequest) -> Any:
    return selectors.campaign_list_for(actor=request.user)


@router.post("/campaigns", response={201: AdvocacyCampaignOut}, summary="发起代言活动")
def campaign_create(request: AuthedRequest, payload: AdvocacyCampaignIn) -> Any:
    org = org_from_input(actor=request.user, code=payload.org_code)
    return Status(
        201,
        services.campaign_create(
            actor=request.user,
            organization=org,
            name=payload.name,
            description=payload.description,
            starts_on=payload.starts_on,
            ends_on=payload.ends_on,
            items=[(i.title, i.url, i.text) for i in payload.items],
        ),
    )


@router.patch("/campaigns/{pk}", response={200: AdvocacyCampaignOut}, summary="修改代言活动")
def campaign_update(request: AuthedRequest, pk: ObjectId, payload: AdvocacyCampaignUpdateIn) -> Any:
    campaign = selectors.campaign_get_for(actor=request.user, pk=pk)
    return services.campaign_update(
        actor=request.user, campaign=campaign, **payload.model_dump(exclude_unset=True)
    )


@router.post("/campaigns/{pk}/close", response={200: AdvocacyCampaignOut}, summary="结束代言活动")
def campaign_close(request: AuthedRequest, pk: ObjectId, payload: AdvocacyCampaignCloseIn) -> Any:
    campaign = selectors.campaign_get_for(actor=request.user, pk=pk)
    return services.campaign_close(actor=request.user, campaign=campaign, on=payload.on)


@router.get("/campaigns/{pk}/items", response={200: list[ItemOut]}, summary="传播内容")
def campaign_items(request: AuthedRequest, pk: ObjectId) -> Any:
    return list(selectors.campaign_get_for(actor=request.user, pk=pk).items.all())


@router.post("/campaigns/{pk}/shares", response={201: ShareOut}, summary="登记分享")
def share_create(request: AuthedRequest, pk: ObjectId, payload: ShareIn) -> Any:
    campaign = selectors.campaign_get_for(actor=request.user, pk=pk)
    person = selectors.participant_for(actor=request.user, employee_no=payload.employee_no)
    item = campaign.items.filter(pk=payload.item_id).first() if payload.item_id else None
    return Status(
        201,
        services.share_register(
            actor=request.user,
            campaign=campaign,
            person=person,
            channel=payload.channel,
            link=payload.link,
            reach=payload.reach,
            shared_on=payload.shared_on,
            item=item,
        ),
    )


@router.get("/campaigns/{pk}/participation", response={200: ParticipationOut}, summary="参与情况")
def participation(request: AuthedRequest, pk: ObjectId) -> Any:
    campaign = selectors.campaign_get_for(actor=request.user, pk=pk)
    return {
        "by_branch": selectors.participation_by_branch_for(actor=request.user, campaign=campaign),
        "by_person": selectors.participation_by_person_for(actor=request.user, campaign=campaign),
    }


@router.delete("/shares/{pk}", response={204: None}, summary="删除登记错误的分享")
def share_delete(request: AuthedRequest, pk: ObjectId) -> Any:
    share = selectors.share_get_for(actor=request.user, pk=pk)
    services.share_delete(actor=request.user, share=share)
    return Status(204, None)
