"""Writes of awards (奖项)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from decimal import Decimal

from django.db import transaction

from qixin.core import audit
from qixin.core.access import require
from qixin.core.errors import ApplicationError
from qixin.core.models import User
from qixin.core.validation import full_clean
from qixin.orgs.models import Organization
from qixin.people.models import Person

from ..models import Award, Project, Studio
from ..permissions import can_manage_org
from ._common import _belongs_to, _not_future, money


@transaction.atomic
def award_create(
    *,
    actor: User | None,
    organization: Organization,
    name: str,
    level: str,
    awarded_on: date,
    achievement: str,
    issuer: str = "",
    savings: Decimal | int = 0,
    savings_note: str = "",
    people: Sequence[Person] = (),
    studios: Sequence[Studio] = (),
    projects: Sequence[Project] = (),
) -> Award:
    """Record an award of an organization's achievement (its managers), linked to people, studios and
    projects of its subtree, with the savings it brought as stated."""
    require(can_manage_org(actor, organization))
    _not_future(awarded_on, "获奖日期")
    value = money(savings, "累计节约")
    if value < 0:
        raise ApplicationError("invalid", "累计节约不能为负数。")
    for person in people:
        if not _belongs_to(person, organization):
            raise ApplicationError("outside", f"{person.name}不属于“{organization.name}”。")
    linked: list[Studio | Project] = [*studios, *projects]
    for item in linked:
        if not item.organization.path.startswith(organization.path):
            raise ApplicationError("outside", f"“{item}”不属于“{organization.name}”。")
    award = Award(
        name=name.strip(),
        level=level,
        issuer=issuer.strip(),
        awarded_on=awarded_on,
        achievement=achievement.strip(),
        organization=organization,
        savings=value,
        savings_note=savings_note.strip(),
    )
    full_clean(award)
    award.save()
    award.people.set(people)
    award.studios.set(studios)
    award.projects.set(projects)
    audit.record(
        actor=actor,
        action="create",
        obj=award,
        changes={
            "achievement": award.achievement,
            "savings": value,
            "people": [p.employee_no for p in people],
            "studios": [s.code for s in studios],
            "projects": [p.code for p in projects],
        },
    )
    return award
