"""Writes of innovation studios (创新工作室): creating, correcting, closing."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from django.db import transaction

from qixin.core import audit
from qixin.core.access import require
from qixin.core.errors import ApplicationError
from qixin.core.models import User
from qixin.core.validation import full_clean
from qixin.orgs.models import Organization
from qixin.people.models import Person

from ..models import Studio, StudioMember
from ..permissions import can_manage_org, can_manage_studio
from ._common import (
    Ending,
    _active,
    _belongs_to,
    _end_group,
    _free_code,
    _not_future,
    _number,
    _placeholder,
    _today,
)


@transaction.atomic
def studio_create(
    *,
    actor: User | None,
    organization: Organization,
    name: str,
    leader: Person,
    founded_on: date,
    kind: str = "创新工作室",
    code: str = "",
    focus: str = "",
    members: Sequence[Person] = (),
) -> Studio:
    """Found a studio at an organization (its managers); its leader and members are people of the
    organization's subtree. Whether the leader is a party member is read from the registry."""
    require(can_manage_org(actor, organization))
    _active(organization)
    _not_future(founded_on, "成立日期")
    for person in (leader, *members):
        if not _belongs_to(person, organization):
            raise ApplicationError("outside", f"{person.name}不属于“{organization.name}”。")
    code = _free_code(Studio, "code", code, "工作室编码")
    studio = Studio(
        code=code or _placeholder(),
        name=name.strip(),
        kind=kind,
        organization=organization,
        leader=leader,
        founded_on=founded_on,
        focus=focus.strip(),
    )
    full_clean(studio)
    studio.save()
    if not code:
        studio.code = _number("GZS", founded_on, studio.pk)
        studio.save(update_fields=["code"])
    people = {p.pk: p for p in (leader, *members)}
    StudioMember.objects.bulk_create(
        [StudioMember(studio=studio, person=p, joined_on=founded_on) for p in people.values()]
    )
    audit.record(
        actor=actor,
        action="create",
        obj=studio,
        changes={
            "code": studio.code,
            "leader": leader.employee_no,
            "members": [p.employee_no for p in people.values()],
        },
    )
    return studio


@transaction.atomic
def studio_update(
    *,
    actor: User | None,
    studio: Studio,
    name: str,
    leader: Person,
    kind: str,
    focus: str = "",
    members: Sequence[Person] | None = None,
) -> Studio:
    """Change a studio's name, kind, focus, leader or members (people of its organization)."""
    require(can_manage_studio(actor, studio))
    if studio.closed_on is not None:
        raise ApplicationError("closed", "该工作室已撤销。")
    wanted = (
        list(members)
        if members is not None
        else [m.person for m in studio.memberships.select_related("person")]
    )
    for person in (leader, *wanted):
        if not _belongs_to(person, studio.organization):
            raise ApplicationError("outside", f"{person.name}不属于“{studio.organization.name}”。")
    before = {
        "name": studio.name,
        "kind": studio.kind,
        "focus": studio.focus,
        "leader": studio.leader.employee_no,
    }
    studio.name, studio.kind, studio.focus, studio.leader = name.strip(), kind, focus.strip(), leader
    full_clean(studio)
    studio.save()
    people = {p.pk: p for p in (leader, *wanted)}
    StudioMember.objects.filter(studio=studio).exclude(person_id__in=people).delete()
    existing = set(StudioMember.objects.filter(studio=studio).values_list("person_id", flat=True))
    StudioMember.objects.bulk_create(
        [
            StudioMember(studio=studio, person=p, joined_on=_today())
            for pk, p in people.items()
            if pk not in existing
        ]
    )
    changes = audit.diff(
        before, {"name": studio.name, "kind": kind, "focus": studio.focus, "leader": leader.employee_no}
    )
    audit.record(
        actor=actor,
        action="update",
        obj=studio,
        changes={**changes, "members": sorted(p.employee_no for p in people.values())},
    )
    return studio


CLOSED = Ending(field="closed_on", code="closed", action="close", noun="工作室", verb="撤销")


@transaction.atomic
def studio_close(*, actor: User | None, studio: Studio, on: date) -> Studio:
    """Close (撤销) a studio (its organization's managers) on a day between its founding and today.
    Its members, projects, cases and awards stay; it counts in the figures up to that day
    (studio_counts_for), and no project is linked to it afterwards."""
    require(can_manage_studio(actor, studio))
    _end_group(actor=actor, group=studio, ending=CLOSED, on=on)
    return studio
