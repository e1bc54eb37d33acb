"""Writes of campaigns (活动): creating and correcting them."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date
from decimal import Decimal
from typing import Any, TypedDict, Unpack

from django.db import transaction

from qixin.core import audit
from qixin.core.access import require
from qixin.core.errors import ApplicationError
from qixin.core.models import User
from qixin.core.services import update_values
from qixin.core.validation import full_clean
from qixin.orgs.models import Organization

from ..models import Campaign
from ..permissions import can_manage_campaign, can_run_campaigns
from ._common import _active, _required, money


def _takes_part(org: Organization, campaign_org: Organization, participants: Sequence[Organization]) -> bool:
    """Inside a campaign: in the subtree of the committee that set it and, when it names its
    participants, in the subtree of one of them."""
    return org.path.startswith(campaign_org.path) and (
        not participants or any(org.path.startswith(p.path) for p in participants)
    )


def _check_campaign(
    *,
    org: Organization,
    name: str,
    starts_on: date,
    ends_on: date,
    target: Decimal,
    participants: Sequence[Organization],
    campaign: Campaign | None = None,
) -> None:
    """The rules of a campaign of ``org``, when it is set and whenever it is changed (``campaign`` is
    then the one being changed): a period that ends after it starts, a target that is not negative,
    participants inside the committee, a name used once by the committee; and every branch of an
    alliance of the campaign still takes part in it."""
    if ends_on <= starts_on:
        raise ApplicationError("bad_period", "结束日期必须晚于开始日期。")
    if target < 0:
        raise ApplicationError("invalid", "降本目标不能为负数。")
    outside = [p.name for p in participants if not p.path.startswith(org.path)]
    if outside:
        raise ApplicationError("outside", f"参与组织必须是“{org.name}”的下级组织：{'、'.join(outside)}。")
    same_name = Campaign.objects.filter(organization=org, name=name)
    if campaign is not None:
        same_name = same_name.exclude(pk=campaign.pk)
    if same_name.exists():
        raise ApplicationError("duplicate", f"活动名称“{name}”已被“{org.name}”的其他活动使用。")
    if campaign is None:
        return
    for alliance in campaign.alliances.prefetch_related("branches").order_by("code"):
        left_out = [b.name for b in alliance.branches.all() if not _takes_part(b, org, participants)]
        if left_out:
            raise ApplicationError(
                "alliance_left_out",
                f"参与组织须包含{'、'.join(left_out)}：降本联盟“{alliance.name}”属于本活动，"
                "由这些党支部组建。",
            )


def _campaign_facts(campaign: Campaign, participants: Iterable[Organization]) -> dict[str, Any]:
    """What a change of a campaign is audited by."""
    return {
        "name": campaign.name,
        "starts_on": campaign.starts_on,
        "ends_on": campaign.ends_on,
        "savings_target": campaign.savings_target,
        "description": campaign.description,
        "participants": sorted({p.code for p in participants}),
    }


@transaction.atomic
def campaign_create(
    *,
    actor: User | None,
    organization: Organization,
    name: str,
    starts_on: date,
    ends_on: date,
    savings_target: Decimal,
    description: str = "",
    participants: Sequence[Organization] = (),
) -> Campaign:
    """A campaign is set at a committee (党委) by its managers, for the period [starts_on, ends_on), with
    a savings target; the organizations taking part lie in the committee's subtree."""
    require(can_run_campaigns(actor, organization))
    _active(organization)
    name = _required(name, "活动名称")
    target = money(savings_target, "降本目标")
    _check_campaign(
        org=organization,
        name=name,
        starts_on=starts_on,
        ends_on=ends_on,
        target=target,
        participants=participants,
    )
    campaign = Campaign(
        organization=organization,
        name=name,
        description=description.strip(),
        starts_on=starts_on,
        ends_on=ends_on,
        savings_target=target,
    )
    full_clean(campaign)
    campaign.save()
    campaign.participants.set(participants)
    audit.record(
        actor=actor,
        action="create",
        obj=campaign,
        changes={
            "name": name,
            "period": [starts_on, ends_on],
            "savings_target": target,
            "participants": [p.code for p in participants],
        },
    )
    return campaign


class CampaignChanges(TypedDict, total=False):
    name: str
    starts_on: date
    ends_on: date
    savings_target: Decimal
    description: str
    participants: Sequence[Organization]


CAMPAIGN_FIELDS = ("name", "starts_on", "ends_on", "savings_target", "description")


@transaction.atomic
def campaign_update(
    *, actor: User | None, campaign: Campaign, **changes: Unpack[CampaignChanges]
) -> Campaign:
    """Correct a campaign's name, period, target, description or participants, by the managers of
    the committee that set it and under the same rules as when it was set. The committee itself does
    not change: the campaign's participants, alliances and projects lie in its subtree. A participant
    cannot be dropped while an alliance of the campaign is formed by one of its branches. A change
    of the period changes which verified savings count towards the target (they are derived). Only
    the fields given change (a partial update); `participants` is the whole list."""
    require(can_manage_campaign(actor, campaign))
    wanted = changes.pop("participants", None)
    participants = list(wanted) if wanted is not None else list(campaign.participants.all())
    values = update_values(campaign, changes, CAMPAIGN_FIELDS)
    name, starts_on, ends_on = values["name"], values["starts_on"], values["ends_on"]
    savings_target, description = values["savings_target"], values["description"]
    name = _required(name, "活动名称")
    target = money(savings_target, "降本目标")
    _check_campaign(
        org=campaign.organization,
        name=name,
        starts_on=starts_on,
        ends_on=ends_on,
        target=target,
        participants=participants,
        campaign=campaign,
    )
    before = _campaign_facts(campaign, campaign.participants.all())
    campaign.name, campaign.starts_on, campaign.ends_on = name, starts_on, ends_on
    campaign.savings_target, campaign.description = target, description.strip()
    full_clean(campaign)
    diff = audit.diff(before, _campaign_facts(campaign, participants))
    if not diff:
        return campaign
    campaign.save()
    campaign.participants.set(participants)
    audit.record(actor=actor, action="update", obj=campaign, changes=diff)
    return campaign
