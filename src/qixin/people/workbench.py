"""The roster's items on the workbench (工作台): probationary members due for 转正.

For whoever keeps a branch's records (支部书记, 党务工作者, 管理员): members whose probation is over
and not yet discussed (urgent), and those whose probation ends within DUE_SOON_DAYS, counted over
the branches they keep, by each branch's rules (延长预备期 ends on its own date)."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from qixin.core import access
from qixin.core.access import Actor
from qixin.core.rules import rulebooks_for
from qixin.core.workbench import Item, link, source
from qixin.orgs.models import Organization

from .models import Category, Membership
from .rulebook import regular_probation_end

DUE_SOON_DAYS = 30


@source("people.probation", section="duties")
def probation_due(actor: Actor) -> list[Item]:
    scope = access.scope_for(actor)
    if not (scope.is_admin or scope.manage):
        return []
    today = timezone.localdate()
    rows = list(
        Membership.objects.filter(
            access.org_filter(actor, "branch__path", level="manage"),
            ended_on__isnull=True,
            category=Category.PROBATIONARY,
        ).values_list("branch_id", "joined_on", "probation_extended_until")
    )
    branches = Organization.objects.filter(pk__in={branch_id for branch_id, _, _ in rows}).only(
        "id", "path", "depth"
    )
    books = rulebooks_for(branches, today) if rows else {}
    over = soon = 0
    for branch_id, joined_on, extended_until in rows:
        due = extended_until or regular_probation_end(joined_on, books[branch_id])
        if due <= today:
            over += 1
        elif due <= today + timedelta(days=DUE_SOON_DAYS):
            soon += 1
    roots = scope.manage if len(scope.manage) == 1 else ()
    code = Organization.objects.filter(path=roots[0]).values_list("code", flat=True).first() if roots else ""
    url = link("people:list", org=code, category=Category.PROBATIONARY)
    return [
        Item(label="预备期已满待讨论转正的预备党员", count=over, url=url, urgent=True),
        Item(label=f"{DUE_SOON_DAYS}天内预备期满的预备党员", count=soon, url=url),
    ]
