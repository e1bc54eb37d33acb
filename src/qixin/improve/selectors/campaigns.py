"""Reads of campaigns (活动), authorized for the actor."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Q, QuerySet, Sum

from qixin.core import access
from qixin.core.access import Actor
from qixin.core.errors import NotFound
from qixin.orgs.models import Organization

from ..models import Campaign, Project, SavingsEntry, SavingsStatus
from ..permissions import can_manage_campaign, can_view_campaign
from ._common import ZERO


def campaign_list_for(*, actor: Actor) -> QuerySet[Campaign]:
    return (
        Campaign.objects.filter(access.org_filter(actor, "organization__path"))
        .select_related("organization")
        .order_by("-starts_on", "name")
    )


def campaign_get_for(*, actor: Actor, pk: int) -> Campaign:
    campaign = Campaign.objects.select_related("organization").filter(pk=pk).first()
    if campaign is None or not can_view_campaign(actor, campaign):
        raise NotFound()
    return campaign


def campaign_projects(campaign: Campaign) -> QuerySet[Project]:
    """The projects of a campaign: linked to it directly or through one of its alliances."""
    return Project.objects.filter(Q(campaign=campaign) | Q(alliances__campaign=campaign)).distinct()


@dataclass
class CampaignPage:
    campaign: Campaign
    participants: list[Organization]
    alliances: int
    projects: int
    verified: Decimal
    progress: Decimal | None  # percent of the target
    can_manage: bool


def campaign_page_for(*, actor: Actor, pk: int) -> CampaignPage:
    """The campaign with its progress: savings verified within its period on its projects."""
    campaign = campaign_get_for(actor=actor, pk=pk)
    projects = campaign_projects(campaign)
    total = (
        SavingsEntry.objects.filter(
            project__in=Project.objects.filter(Q(campaign=campaign) | Q(alliances__campaign=campaign)).values(
                "pk"
            ),
            status=SavingsStatus.VERIFIED,
            verified_on__gte=campaign.starts_on,
            verified_on__lt=campaign.ends_on,
        ).aggregate(total=Sum("amount"))["total"]
        or ZERO
    )
    progress = (
        (total * 100 / campaign.savings_target).quantize(Decimal("0.1")) if campaign.savings_target else None
    )
    return CampaignPage(
        campaign=campaign,
        participants=list(campaign.participants.order_by("path")),
        alliances=campaign.alliances.count(),
        projects=projects.count(),
        verified=total,
        progress=progress,
        can_manage=bool(can_manage_campaign(actor, campaign)),
    )
