"""Demo campaigns."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from qixin.demo.context import Context
from qixin.orgs.models import Organization

from ..models import Campaign
from ._common import YEAR_START


def _campaign(ctx: Context, root: Organization) -> Campaign:
    """The enterprise's campaign of this year (returned), after last year's, which has ended."""
    Campaign.objects.create(
        organization=root,
        name="2025 节能降耗专项行动",
        description="聚焦能源介质：压缩空气、照明和空调的节能改造，党员先锋岗带头。",
        starts_on=date(2025, 1, 1),
        ends_on=YEAR_START,
        savings_target=Decimal("200000000.00"),
    )
    campaign = Campaign.objects.create(
        organization=root,
        name="Fit for 2026 降本增效行动",
        description="“人人都是成本控制员”：党员带头立项、全员提建议，全价值链降本增效。",
        starts_on=YEAR_START,
        ends_on=date(2027, 1, 1),
        savings_target=Decimal("1000000000.00"),
    )
    campaign.participants.set(Organization.objects.filter(path__startswith=root.path, depth=root.depth + 1))
    return campaign
