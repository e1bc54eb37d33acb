"""Writes of education campaigns."""

from __future__ import annotations

from datetime import date

from django.db import transaction

from qixin.core import audit
from qixin.core.access import require
from qixin.core.errors import ApplicationError, Problem
from qixin.core.models import User
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


@transaction.atomic
def campaign_update(
    *,
    actor: User | None,
    campaign: Campaign,
    name: str,
    starts_on: date,
    ends_on: date,
    required_sessions: int,
    description: str = "",
) -> Campaign:
    """Change a campaign's name, period, required sessions or description, with the checks of
    campaign_create; the organization that set it stays. Audited with the values before and after."""
    require(can_keep_life(actor, campaign.organization))
    _check_campaign(campaign.organization, starts_on, ends_on, required_sessions)
    fields = ("name", "starts_on", "ends_on", "required_sessions", "description")
    before = {f: getattr(campaign, f) for f in fields}
    after = {
        "name": name.strip(),
        "starts_on": starts_on,
        "ends_on": ends_on,
        "required_sessions": required_sessions,
        "description": description.strip(),
    }
    changes = audit.diff(before, after)
    if not changes:
        return campaign
    for f in fields:
        setattr(campaign, f, after[f])
    try:
        full_clean(campaign)
    except ApplicationError:
        campaign.refresh_from_db()
        raise
    campaign.save()
    audit.record(actor=actor, action="update", obj=campaign, changes=changes)
    return campaign
