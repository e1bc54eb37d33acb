"""Whom reminders go to and which are due."""

from __future__ import annotations

from collections import defaultdict
from datetime import date

from qixin.core import access
from qixin.core.access import Actor
from qixin.orgs.models import Position, PositionTitle

from ..models import Reminder


def secretary_emails(org_ids: list[int]) -> dict[int, list[str]]:
    """E-mail addresses of the current secretaries (and deputies) of the organizations, by org id."""
    from qixin.core.models import User

    if not org_ids:
        return {}
    posts = Position.objects.filter(
        organization_id__in=org_ids,
        ended_on__isnull=True,
        title__in=[PositionTitle.SECRETARY, PositionTitle.DEPUTY_SECRETARY],
    ).values_list("organization_id", "person_id")
    person_orgs: dict[int, list[int]] = defaultdict(list)
    for org_id, person_id in posts:
        person_orgs[person_id].append(org_id)
    emails: dict[int, list[str]] = defaultdict(list)
    for person_id, email in (
        User.objects.filter(person_id__in=person_orgs, is_active=True)
        .exclude(email="")
        .values_list("person_id", "email")
    ):
        for org_id in person_orgs[person_id]:
            emails[org_id].append(email)
    return dict(emails)


def reminders_for(*, actor: Actor, today: date) -> list[Reminder]:
    """Open reminders (deadline not passed) for the organizations the actor keeps."""
    return list(
        Reminder.objects.filter(
            access.org_filter(actor, "organization__path", level="manage"), deadline__gte=today
        )
        .select_related("organization")
        .order_by("deadline", "id")[:50]
    )
