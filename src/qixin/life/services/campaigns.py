"""Writes of education campaigns."""

from __future__ import annotations

from datetime import date
from typing import TypedDict, Unpack

from django.db import transaction

from qixin.core import audit
from qixin.core.access import require
from qixin.core.errors import ApplicationError, Problem
from qixin.core.models import User
from qixin.core.services import model_update, update_values
from qixin.core.validation import full_clean
from qixin.orgs.models import Organization, OrgKind

from ..models import Campaign
from ..permissions import can_keep_life


def _check_campaign(org: Organization, starts_on: date, ends_on: date, required_sessions: int) -> None:
    if org.kind not in (OrgKind.COMMITTEE, OrgKind.GENERAL_BRANCH):
        raise ApplicationError("invalid", "专题教育由党委或党总支部署。")
    if ends_on < starts_on:
        raise ApplicationError(
            "invalid", "结束日期不能早于开始日期。", [Problem("早于开始日期", field="结束日期")]
        )
    if required_sessions < 1:
        raise ApplicationError("invalid", "应开展次数至少为1次。", [Problem("至少为1", field="应开展次数")])


@transaction.atomic
def campaign_create(
    *,
    actor: User | None,
    org: Organization,
    name: str,
    starts_on: date,
    ends_on: date,
    required_sessions: int,
    description: str = "",
) -> Campaign:
    """A committee sets a 专题教育/学习教育 for its branches with a period and required sessions."""
    require(can_keep_life(actor, org))
    _check_campaign(org, starts_on, ends_on, required_sessions)
    campaign = Campaign(
        organization=org,
        name=name.strip(),
        starts_on=starts_on,
        ends_on=ends_on,
        required_sessions=required_sessions,
        description=description.strip(),
    )
    full_clean(campaign)
    campaign.save()
    audit.record(actor=actor, action="create", obj=campaign, changes={"name": campaign.name, "org": org.code})
    return campaign


class CampaignChanges(TypedDict, total=False):
    name: str
    starts_on: date
    ends_on: date
    required_sessions: int
    description: str


CAMPAIGN_FIELDS = ("name", "starts_on", "ends_on", "required_sessions", "description")


@transaction.atomic
def campaign_update(
    *, actor: User | None, campaign: Campaign, **changes: Unpack[CampaignChanges]
) -> Campaign:
    """Change a campaign's name, period, required sessions or description, with the checks of
    campaign_create; the organization that set it stays. Only the fields given change (a partial
    update). Audited with the values before and after."""
    require(can_keep_life(actor, campaign.organization))
    values = update_values(campaign, changes, CAMPAIGN_FIELDS)
    values["name"], values["description"] = values["name"].strip(), values["description"].strip()
    _check_campaign(
        campaign.organization, values["starts_on"], values["ends_on"], values["required_sessions"]
    )
    try:
        model_update(instance=campaign, data=values, fields=CAMPAIGN_FIELDS, actor=actor)
    except ApplicationError:
        campaign.refresh_from_db()  # the caller's object shows what is stored, not the refused values
        raise
    return campaign
