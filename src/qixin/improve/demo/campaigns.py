"""Demo campaigns."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from qixin.demo.context import Context
from qixin.orgs.models import Organization

from ..models import Campaign
from ._common import YEAR_START


def _campaign(ctx: Context, root: Organization) -> Campaign:
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
