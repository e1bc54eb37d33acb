"""Set-up: teams, their members and intake points."""

from __future__ import annotations

import secrets

from django.db import transaction

from qixin.core import audit
from qixin.core.access import require
from qixin.core.errors import ApplicationError
from qixin.core.models import User
from qixin.core.services import model_update
from qixin.core.validation import full_clean
from qixin.orgs.models import Organization

from ..models import CareTeam, IntakePoint, TeamMember, Ticket
from ..permissions import can_set_up


@transaction.atomic
def team_create(
    *,
    actor: User | None,
    organization: Organization,
    name: str,
    webhook_url: str = "",
    webhook_format: str = "",
) -> CareTeam:
    """A care team (连心桥团队) at an organization; its intake points route tickets to it."""
    require(can_set_up(actor, organization))
    if CareTeam.objects.filter(organization=organization, name=name.strip()).exists():
        raise ApplicationError("duplicate", f"“{organization.name}”已有名为“{name.strip()}”的团队。")
    team = CareTeam(
        organization=organization,
        name=name.strip(),
        webhook_url=webhook_url.strip(),
        webhook_format=webhook_format if webhook_url.strip() else "",
    )
    if team.webhook_url and not team.webhook_format:
        raise ApplicationError("invalid", "请选择群机器人类型（企业微信或钉钉）。")
    full_clean(team)
    team.save()
    audit.record(actor=actor, action="create", obj=team, changes={"organization": organization.code})
    return team


@transaction.atomic
def team_member_add(*, actor: User | None, team: CareTeam, user: User, is_leader: bool = False) -> TeamMember:
    require(can_set_up(actor, team.organization))
    member, created = TeamMember.objects.get_or_create(
        team=team, user=user, defaults={"is_leader": is_leader}
    )
    if not created and member.is_leader != is_leader:
        member.is_leader = is_leader
        member.save(update_fields=["is_leader", "updated_at"])
    audit.record(
        actor=actor, action="care_member", obj=team, changes={"user": user.username, "leader": is_leader}
    )
    return member


@transaction.atomic
def team_member_remove(*, actor: User | None, member: TeamMember) -> None:
    require(can_set_up(actor, member.team.organization))
    audit.record(
        actor=actor, action="care_member_remove", obj=member.team, changes={"user": member.user.username}
    )
    Ticket.objects.filter(team=member.team, assignee=member.user).update(assignee=None)
    member.delete()


@transaction.atomic
def point_create(
    *, actor: User | None, team: CareTeam, name: str, organization: Organization | None = None
) -> IntakePoint:
    """An intake point of `organization` (the team's by default, or one in its subtree)."""
    organization = organization or team.organization
    require(can_set_up(actor, organization))
    if not organization.path.startswith(team.organization.path):
        raise ApplicationError("invalid", "收集点所属组织必须在处理团队所属组织之内。")
    point = IntakePoint(
        organization=organization, team=team, name=name.strip(), token=secrets.token_urlsafe(12)
    )
    full_clean(point, exclude=["token"])
    point.save()
    audit.record(actor=actor, action="create", obj=point, changes={"team": team.pk, "name": point.name})
    return point


@transaction.atomic
def point_set_active(*, actor: User | None, point: IntakePoint, active: bool) -> IntakePoint:
    """Stop a QR code (its page says so; its tickets stay) or start it again. Nothing changes, and
    nothing is audited, when it already is so."""
    require(can_set_up(actor, point.organization))
    model_update(instance=point, data={"is_active": active}, fields=["is_active"], actor=actor)
    return point
