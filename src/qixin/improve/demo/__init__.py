"""Demo data of this app, a step of `qixin seed-demo` (see qixin.demo.seed).

Per enterprise, the article's figures for the demo's year: a "Fit for <year>" campaign with a
target of 10亿元; 181 cost-reduction alliances; 6,572 projects registered by party members with a
savings ledger whose verified total passes 1,000,000,000 yuan; 30,418 suggestions (some of them
resubmissions of earlier ones, found as likely duplicates and partly merged); 108 studios, more
than 90% led by party members; improvement cases with 85 excellent ones selected last October; awards,
among them 上海市第32届优秀发明金奖 for 整车前期研发数字化平台 (6000万元).

The dates follow the day the demo is loaded (ctx.today): the campaign began ten months before it,
and the year's improvement cases are those selected in the last October that is over.

Trusted data loaded in bulk: no services, but the same invariants, and the search index is built
in one statement at the end.
"""

from ._common import (
    ALLIANCES,
    CASES,
    CUSTOM,
    EXCELLENT,
    NOW,
    PROJECTS,
    STUDIOS,
    STUDIOS_LED_BY_NON_MEMBERS,
    SUGGESTIONS,
    VERIFIED_TARGET,
    VW_EMPLOYEES,
    ZONE,
    Counts,
)
from .awards import AWARDS
from .projects import STAGE_FLOW
from .steps import seed
from .studios import STUDIO_FOCUS
from .suggestions import POINTS, REJECTIONS

__all__ = [
    "ALLIANCES",
    "AWARDS",
    "CASES",
    "CUSTOM",
    "EXCELLENT",
    "NOW",
    "POINTS",
    "PROJECTS",
    "REJECTIONS",
    "STAGE_FLOW",
    "STUDIOS",
    "STUDIOS_LED_BY_NON_MEMBERS",
    "STUDIO_FOCUS",
    "SUGGESTIONS",
    "VERIFIED_TARGET",
    "VW_EMPLOYEES",
    "ZONE",
    "Counts",
    "seed",
]
