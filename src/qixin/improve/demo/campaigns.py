"""Demo campaigns."""

from __future__ import annotations

from decimal import Decimal

from qixin.core.periods import add_years
from qixin.demo.context import Context
from qixin.orgs.models import Organization

from ..models import Campaign
from ._common import campaign_start


def _campaign(ctx: Context, root: Organization) -> Campaign:
    """The enterprise's campaign of this year (returned), after last year's, which has ended."""
    starts = campaign_start(ctx)
    before = add_years(starts, -1)
    Campaign.objects.create(
        organization=root,
        name=f"{before.year} 节能降耗专项行动",
        description="聚焦能源介质：压缩空气、照明和空调的节能改造，党员先锋岗带头。",
        starts_on=before,
        ends_on=starts,
        savings_target=Decimal("200000000.00"),
    )
    campaign = Campaign.objects.create(
        organization=root,
        name=f"Fit for {starts.year} 降本增效行动",
        description="“人人都是成本控制员”：党员带头立项、全员提建议，全价值链降本增效。",
        starts_on=starts,
        ends_on=add_years(starts, 1),
        savings_target=Decimal("1000000000.00"),
    )
    campaign.participants.set(Organization.objects.filter(path__startswith=root.path, depth=root.depth + 1))
    return campaign
