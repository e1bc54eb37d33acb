"""The tree's items on the workbench (工作台): organizations that fail the health check.

For whoever checks the health of a subtree above a branch (党务工作者, 党委/党总支委员, 管理员): how many
organizations of it break each rule the office must act on, linked to the health page filtered to
that finding. A branch secretary's own items come from the roster and organizational life."""

from __future__ import annotations

from collections import Counter

from django.db.models import Q
from django.utils import timezone

from qixin.core import access
from qixin.core.access import Actor
from qixin.core.workbench import Item, link, source

from . import health
from .models import Organization, OrgKind
from .permissions import can_see_health
from .selectors import org_roots_for

# The findings the workbench counts, in the order shown; all are failures (urgent).
COUNTED = {
    "probation_overdue": "预备期已满未转正的组织",
    "term_overdue": "任期届满未换届的组织",
    "no_secretary": "无书记的组织",
    "lost_contact": "有党员失联满6个月的组织",
}


def health_roots_for(actor: Actor) -> list[Organization]:
    """The top organizations above branch level whose subtree's health the actor checks."""
    return [
        root
        for root in org_roots_for(actor=actor)
        if root.kind in (OrgKind.COMMITTEE, OrgKind.GENERAL_BRANCH) and can_see_health(actor, root)
    ]


@source("orgs.health", section="duties", reads=("core", "orgs", "people"))
def failing_organizations(actor: Actor) -> list[Item]:
    roots = health_roots_for(actor)
    if not roots:
        return []
    within = Q(pk__in=[])
    for path in access.minimal_paths(r.path for r in roots):
        within |= Q(path__startswith=path)
    orgs = list(
        Organization.objects.filter(access.org_filter(actor, "path"), within, dissolved_on__isnull=True)
        .only("id", "path", "depth", "numchild", "name", "code", "kind", "dissolved_on")
        .order_by("path")
    )
    findings = health.check(orgs, timezone.localdate())
    items: list[Item] = []
    for root in roots:
        failing: Counter[str] = Counter()
        for finding in findings:
            if finding.code in COUNTED and finding.org.path.startswith(root.path):
                failing[finding.code] += 1
        prefix = f"{root.name}：" if len(roots) > 1 else ""
        items.extend(
            Item(
                label=prefix + label,
                count=failing[code],
                url=link("orgs:health", root.pk, code=code),
                urgent=True,
            )
            for code, label in COUNTED.items()
        )
    return items
