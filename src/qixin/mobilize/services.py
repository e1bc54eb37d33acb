"""Every write of the mobilize app: validated, permission-checked, audited, one transaction."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from decimal import Decimal
from typing import Any, TypedDict, Unpack

from django.db import transaction
from django.utils import timezone

from qixin.brand.models import Deed, Pillar
from qixin.brand.services import deed_record
from qixin.core import audit
from qixin.core.access import reads_org, require
from qixin.core.errors import ApplicationError, Problem
from qixin.core.models import User
from qixin.core.services import model_update, update_values
from qixin.core.validation import full_clean
from qixin.orgs.models import Organization
from qixin.people.models import Membership, Person
from qixin.people.selectors import memberships_on_q

from .models import (
    MISSION_TRANSITIONS,
    Assignment,
    Deployment,
    DeploymentKind,
    Mission,
    MissionStatus,
    ServiceRecord,
    Team,
    TeamKind,
    TeamMember,
)
from .permissions import (
    can_manage_org,
    can_manage_person,
    can_record_deployment_deed,
    can_view_person,
)


def _require_org(actor: User | None, org: Organization) -> None:
    require(reads_org(actor, org), hide=True)
    require(can_manage_org(actor, org))


def _require_visible(actor: User | None, person: Person) -> None:
    require(can_view_person(actor, person), hide=True)


def is_party_member(person: Person, on: date) -> bool:
    return Membership.objects.filter(memberships_on_q(on), person=person).exists()


def _required(value: str, label: str) -> str:
    """Text a record cannot do without, stripped; left empty, the refusal names the field."""
    value = value.strip()
    if not value:
        raise ApplicationError("required", f"请填写{label}。", [Problem(message="不能为空", field=label)])
    return value


# --- teams ---------------------------------------------------------------------------------------


def _check_team(
    actor: User | None, *, name: str, kind: str, custom_kind: str, leader: Person | None
) -> tuple[str, str]:
    """The rules of a team, when it is formed and whenever it is changed: a name; a kind name when
    the kind is 其他 (and none otherwise); a leader the actor can see. Returns the stripped name and
    kind name."""
    name = _required(name, "队伍名称")
    if kind == TeamKind.CUSTOM and not custom_kind.strip():
        raise ApplicationError(
            "invalid", "类别为“其他”时请填写队伍类别名称。", [Problem(message="不能为空", field="类别名称")]
        )
    if leader is not None:
        _require_visible(actor, leader)
    return name, custom_kind.strip() if kind == TeamKind.CUSTOM else ""


def _team_facts(team: Team) -> dict[str, Any]:
    """What a change of a team is audited by."""
    return {
        "name": team.name,
        "kind": team.display_kind,
        "leader": team.leader.employee_no if team.leader is not None else None,
        "description": team.description,
    }


@transaction.atomic
def team_create(
    *,
    actor: User | None,
    organization: Organization,
    name: str,
    kind: str,
    formed_on: date,
    custom_kind: str = "",
    leader: Person | None = None,
    disbanded_on: date | None = None,
    description: str = "",
) -> Team:
    """Form a team at an organization. The leader, if named, joins it as its first member."""
    _require_org(actor, organization)
    name, custom_kind = _check_team(actor, name=name, kind=kind, custom_kind=custom_kind, leader=leader)
    team = Team(
        organization=organization,
        name=name,
        kind=kind,
        custom_kind=custom_kind,
        leader=leader,
        formed_on=formed_on,
        disbanded_on=disbanded_on,
        description=description.strip(),
    )
    full_clean(team)
    team.save()
    if leader is not None:
        TeamMember.objects.create(
            team=team, person=leader, is_party_member=is_party_member(leader, formed_on), joined_on=formed_on
        )
    audit.record(
        actor=actor,
        action="create",
        obj=team,
        changes={"kind": team.display_kind, "organization": organization.code, "formed_on": formed_on},
    )
    return team


@transaction.atomic
class TeamChanges(TypedDict, total=False):
    name: str
    kind: str
    custom_kind: str
    leader: Person | None
    description: str


TEAM_FIELDS = ("name", "kind", "custom_kind", "leader", "description")


def team_update(*, actor: User | None, team: Team, **changes: Unpack[TeamChanges]) -> Team:
    """Correct a team's name, kind, leader or description, by who keeps the records of the forming
    organization and under the same rules as when it was formed. A disbanded team is not changed.
    The forming organization and date stay: the figures count a team under its organization from
    that date (teams_active_for), and its members joined on or after it. A new leader who is not a
    current member joins today (or on the forming date, if that is later). Only the fields given
    change (a partial update)."""
    _require_org(actor, team.organization)
    if team.disbanded_on is not None:
        raise ApplicationError("team_disbanded", f"“{team.name}”已于{team.disbanded_on}解散，不能修改。")
    values = update_values(team, changes, TEAM_FIELDS)
    leader = values["leader"] if "leader" in changes else team.leader
    values["leader"] = leader
    values["name"], values["custom_kind"] = _check_team(
        actor, name=values["name"], kind=values["kind"], custom_kind=values["custom_kind"], leader=leader
    )
    values["description"] = values["description"].strip()
    joins = False
    if leader is not None and leader.pk != team.leader_id:
        membership = team.members.filter(person=leader).first()
        if membership is not None and membership.left_on is not None:
            raise ApplicationError(
                "leader_left",
                f"{leader.name}已于{membership.left_on}退出“{team.name}”，不能任队长。",
                [Problem(message="已退出队伍", field="队长工号")],
            )
        joins = membership is None

    def leader_joins(changes: dict[str, list[Any]]) -> None:
        if joins:
            assert leader is not None
            joined_on = max(timezone.localdate(), team.formed_on)
            TeamMember.objects.create(
                team=team,
                person=leader,
                is_party_member=is_party_member(leader, joined_on),
                joined_on=joined_on,
            )
            changes["leader_joined_on"] = [None, joined_on.isoformat()]

    model_update(
        instance=team,
        data=values,
        fields=TEAM_FIELDS,
        actor=actor,
        facts=_team_facts,
        after_save=leader_joins,
    )
    return team


@transaction.atomic
def team_disband(*, actor: User | None, team: Team, on: date) -> Team:
    _require_org(actor, team.organization)
    if team.disbanded_on is not None:
        raise ApplicationError("already_disbanded", f"“{team.name}”已于{team.disbanded_on}解散。")
    if on < team.formed_on:
        raise ApplicationError("bad_date", "解散日期不能早于组建日期。")
    team.disbanded_on = on
    team.save(update_fields=["disbanded_on", "updated_at"])
    team.members.filter(left_on__isnull=True).update(left_on=on)
    audit.record(actor=actor, action="disband", obj=team, changes={"disbanded_on": on})
    return team


@transaction.atomic
def team_member_add(
    *, actor: User | None, team: Team, person: Person, joined_on: date, as_leader: bool = False
) -> TeamMember:
    """Put a person on a team, flagged party member or not as of the day they join; `as_leader`
    makes them the leader of a team that has none (a team has one leader)."""
    _require_org(actor, team.organization)
    _require_visible(actor, person)
    if team.disbanded_on is not None and joined_on > team.disbanded_on:
        raise ApplicationError("team_disbanded", f"“{team.name}”已于{team.disbanded_on}解散。")
    if joined_on < team.formed_on:
        raise ApplicationError("bad_date", f"加入日期不能早于队伍组建日期（{team.formed_on}）。")
    if TeamMember.objects.filter(team=team, person=person).exists():
        raise ApplicationError("already_member", f"{person.name}已在“{team.name}”中。")
    if as_leader and team.leader_id not in (None, person.pk):
        raise ApplicationError("leader_taken", f"“{team.name}”已有队长，一支队伍只有一名队长")
    member = TeamMember(
        team=team, person=person, is_party_member=is_party_member(person, joined_on), joined_on=joined_on
    )
    full_clean(member)
    member.save()
    if as_leader and team.leader_id is None:
        team.leader = person
        team.save(update_fields=["leader", "updated_at"])
    audit.record(
        actor=actor,
        action="add_member",
        obj=team,
        changes={
            "person": person.employee_no,
            "joined_on": joined_on,
            "party": member.is_party_member,
            **({"leader": True} if as_leader else {}),
        },
    )
    return member


@transaction.atomic
def team_member_remove(*, actor: User | None, member: TeamMember, on: date) -> TeamMember:
    _require_org(actor, member.team.organization)
    if member.left_on is not None:
        raise ApplicationError("already_left", f"{member.person.name}已于{member.left_on}退出。")
    if on < member.joined_on:
        raise ApplicationError("bad_date", "退出日期不能早于加入日期。")
    member.left_on = on
    member.save(update_fields=["left_on"])
    audit.record(
        actor=actor, action="remove_member", obj=member.team, changes={"person": member.person.employee_no}
    )
    return member


# --- missions ------------------------------------------------------------------------------------


def _check_mission(*, name: str, goal: str, starts_on: date, ends_on: date | None) -> tuple[str, str]:
    """The rules of a mission, when it starts and whenever it is changed: a name, a goal, and an end
    (if any) not before its start. Returns the stripped name and goal."""
    name = _required(name, "任务名称")
    goal = _required(goal, "目标")
    if ends_on is not None and ends_on < starts_on:
        raise ApplicationError(
            "bad_period", "结束日期不能早于开始日期。", [Problem(message="早于开始日期", field="结束日期")]
        )
    return name, goal


def _mission_facts(mission: Mission) -> dict[str, Any]:
    """What a change of a mission is audited by."""
    return {
        "name": mission.name,
        "kind": mission.kind,
        "goal": mission.goal,
        "starts_on": mission.starts_on,
        "ends_on": mission.ends_on,
    }


@transaction.atomic
def mission_create(
    *,
    actor: User | None,
    organization: Organization,
    name: str,
    kind: str,
    goal: str,
    starts_on: date,
    ends_on: date | None = None,
) -> Mission:
    """Start a mission of an organization: a name, a goal, and a period that does not end before it
    starts (the rules of _check_mission)."""
    _require_org(actor, organization)
    name, goal = _check_mission(name=name, goal=goal, starts_on=starts_on, ends_on=ends_on)
    mission = Mission(
        organization=organization,
        name=name,
        kind=kind,
        goal=goal,
        starts_on=starts_on,
        ends_on=ends_on,
    )
    full_clean(mission)
    mission.save()
    audit.record(actor=actor, action="create", obj=mission, changes={"kind": kind, "starts_on": starts_on})
    return mission


def _require_mission_open(mission: Mission) -> None:
    if mission.status in (MissionStatus.COMPLETED, MissionStatus.CANCELLED):
        raise ApplicationError(
            "mission_closed", f"“{mission.name}”已{mission.get_status_display()}，不能再调整。"
        )


@transaction.atomic
class MissionChanges(TypedDict, total=False):
    name: str
    kind: str
    goal: str
    starts_on: date
    ends_on: date | None


MISSION_FIELDS = ("name", "kind", "goal", "starts_on", "ends_on")


def mission_update(*, actor: User | None, mission: Mission, **changes: Unpack[MissionChanges]) -> Mission:
    """Correct a mission's name, kind, goal or period while it is 筹备中 or 进行中, by who keeps the
    records of the organization that started it, under the same rules as when it started. The
    organization stays (the figures count the mission under it); the status and outcome change only
    through mission_set_status; a completed or cancelled mission is a closed record. Only the fields
    given change (a partial update)."""
    _require_org(actor, mission.organization)
    _require_mission_open(mission)
    values = update_values(mission, changes, MISSION_FIELDS)
    values["name"], values["goal"] = _check_mission(
        name=values["name"], goal=values["goal"], starts_on=values["starts_on"], ends_on=values["ends_on"]
    )
    model_update(instance=mission, data=values, fields=MISSION_FIELDS, actor=actor, facts=_mission_facts)
    return mission


@transaction.atomic
def mission_add_team(*, actor: User | None, mission: Mission, team: Team) -> Mission:
    _require_org(actor, mission.organization)
    require(reads_org(actor, team.organization), hide=True)
    _require_mission_open(mission)
    if mission.teams.filter(pk=team.pk).exists():
        raise ApplicationError("already_on_mission", f"“{team.name}”已参与该任务。")
    mission.teams.add(team)
    audit.record(actor=actor, action="add_team", obj=mission, changes={"team": team.pk})
    return mission


@transaction.atomic
def mission_assign(
    *, actor: User | None, mission: Mission, person: Person, part: str, team: Team | None = None
) -> Assignment:
    """Put a person on a mission with their part (承担工作)."""
    _require_org(actor, mission.organization)
    _require_visible(actor, person)
    _require_mission_open(mission)
    if Assignment.objects.filter(mission=mission, person=person).exists():
        raise ApplicationError("already_assigned", f"{person.name}已在“{mission.name}”中。")
    assignment = Assignment(mission=mission, person=person, team=team, part=part.strip())
    full_clean(assignment)
    assignment.save()
    audit.record(
        actor=actor,
        action="assign",
        obj=mission,
        changes={"person": person.employee_no, "part": assignment.part},
    )
    return assignment


@transaction.atomic
def assignment_remove(*, actor: User | None, assignment: Assignment, reason: str) -> Mission:
    """Take a person off a mission they were put on by mistake, stating why; by who keeps the
    records of the mission's organization (the same as putting them on). The assignment is deleted,
    so the person no longer counts among the mission's people; the audit entry keeps what it was and
    why. A part already recorded as a deed is refused: the deed cites it as its evidence and is
    deleted first on the member's brand page. A mission's record may be corrected after it closed,
    since a wrong name in it would otherwise stay in the figures."""
    mission = assignment.mission
    _require_org(actor, mission.organization)
    reason = _required(reason, "撤销原因")
    if Deed.objects.filter(
        person_id=assignment.person_id, source_model="mobilize.assignment", source_pk=str(assignment.pk)
    ).exists():
        raise ApplicationError(
            "deed_exists",
            f"{assignment.person.name}在该任务中的工作已记为党员事迹，请先在其党员事迹页删除该事迹。",
        )
    audit.record(
        actor=actor,
        action="unassign",
        obj=mission,
        changes={"person": assignment.person.employee_no, "part": assignment.part, "reason": reason},
    )
    assignment.delete()
    return mission


@transaction.atomic
def mission_set_status(
    *, actor: User | None, mission: Mission, status: str, outcome: str = "", on: date | None = None
) -> Mission:
    """Move a mission along 筹备中 → 进行中 → 已完成 (or 已取消). Completing records the outcome."""
    _require_org(actor, mission.organization)
    if status not in MISSION_TRANSITIONS.get(mission.status, set()):
        raise ApplicationError(
            "bad_transition",
            f"“{mission.name}”当前为“{mission.get_status_display()}”，不能改为“{MissionStatus(status).label}”。"
            if status in MissionStatus.values
            else "不是可选的任务状态。",
        )
    if status == MissionStatus.COMPLETED and not outcome.strip():
        raise ApplicationError(
            "invalid", "完成任务时请填写成效。", [Problem(message="不能为空", field="成效")]
        )
    before = mission.status
    mission.status = status
    if outcome.strip():
        mission.outcome = outcome.strip()
    if status in (MissionStatus.COMPLETED, MissionStatus.CANCELLED) and on is not None:
        mission.ends_on = on
    full_clean(mission)
    mission.save()
    audit.record(actor=actor, action="status", obj=mission, changes={"status": [before, status]})
    return mission


@transaction.atomic
def assignment_to_deed(
    *, actor: User | None, assignment: Assignment, pillars: Iterable[Pillar | str], description: str = ""
) -> Deed:
    """Turn a person's part in a mission into a deed of theirs, linked to the mission."""
    mission = assignment.mission
    require(reads_org(actor, mission.organization) or can_view_person(actor, assignment.person), hide=True)
    return deed_record(
        actor=actor,
        person=assignment.person,
        pillars=pillars,
        on=mission.ends_on or mission.starts_on,
        description=description or f"参加{mission.kind}“{mission.name}”：{assignment.part}",
        source=assignment,
    )


# --- deployments and service hours ---------------------------------------------------------------


@transaction.atomic
def deployment_record(
    *,
    actor: User | None,
    person: Person,
    kind: str,
    destination: str,
    starts_on: date,
    ends_on: date | None = None,
    mission: Mission | None = None,
    note: str = "",
) -> Deployment:
    """Record who went where, from when to when (驰援武汉, 坚守工厂)."""
    _require_visible(actor, person)
    require(can_manage_person(actor, person))
    if mission is not None:
        require(reads_org(actor, mission.organization), hide=True)
    overlapping = Deployment.objects.filter(person=person, starts_on__lte=ends_on or date.max).exclude(
        ends_on__lt=starts_on
    )
    if overlapping.exists():
        other = overlapping.first()
        assert other is not None
        raise ApplicationError(
            "overlapping_deployment",
            f"{person.name}在此期间已有派驻记录（{other.kind}{other.destination}，自{other.starts_on}）。",
        )
    deployment = Deployment(
        person=person,
        organization=person.organization,
        kind=kind,
        destination=destination.strip(),
        mission=mission,
        starts_on=starts_on,
        ends_on=ends_on,
        note=note.strip(),
    )
    full_clean(deployment)
    deployment.save()
    audit.record(
        actor=actor,
        action="create",
        obj=deployment,
        changes={"person": person.employee_no, "kind": kind, "destination": deployment.destination},
    )
    return deployment


def deployment_deed_text(deployment: Deployment) -> str:
    """What a deployment says as a deed when nobody writes it otherwise: 驰援武汉（2026-02-01至
    2026-03-01，任务名）."""
    period = (
        f"{deployment.starts_on}至{deployment.ends_on}" if deployment.ends_on else f"自{deployment.starts_on}"
    )
    what = "派驻" if deployment.kind == DeploymentKind.OTHER else deployment.kind
    mission = f"，“{deployment.mission.name}”" if deployment.mission is not None else ""
    return f"{what}{deployment.destination}（{period}{mission}）"


@transaction.atomic
def deployment_to_deed(
    *, actor: User | None, deployment: Deployment, pillars: Iterable[Pillar | str], description: str = ""
) -> Deed:
    """Turn a deployment (驰援, 坚守) into a deed of the person, linked to it, the way a part in a
    mission becomes one (assignment_to_deed): by who may record the person's deeds (who keeps the
    records of their organization, or the person themself), at most once per deployment, dated the
    day it ended (or began, while it lasts). A deployment that has not begun is not a deed yet."""
    require(can_view_person(actor, deployment.person), hide=True)
    require(can_record_deployment_deed(actor, deployment))
    today = timezone.localdate()
    if deployment.starts_on > today:
        raise ApplicationError("not_started", f"该派驻自{deployment.starts_on}开始，尚未开始，不能记为事迹。")
    ended = deployment.ends_on is not None and deployment.ends_on <= today
    return deed_record(
        actor=actor,
        person=deployment.person,
        pillars=pillars,
        on=deployment.ends_on if ended and deployment.ends_on is not None else deployment.starts_on,
        description=description.strip() or deployment_deed_text(deployment),
        source=deployment,
    )


@transaction.atomic
def service_record(
    *,
    actor: User | None,
    person: Person,
    served_on: date,
    hours: Decimal,
    team: Team | None = None,
    mission: Mission | None = None,
    description: str = "",
) -> ServiceRecord:
    """Hours of service a person gave on a day (at most 24), for a team or a mission."""
    _require_visible(actor, person)
    require(can_manage_person(actor, person))
    for org in [t.organization for t in (team, mission) if t is not None]:
        require(reads_org(actor, org), hide=True)
    record = ServiceRecord(
        person=person,
        organization=person.organization,
        team=team,
        mission=mission,
        served_on=served_on,
        hours=hours,
        description=description.strip(),
    )
    full_clean(record)
    if not (Decimal(0) < hours <= Decimal(24)):
        raise ApplicationError(
            "invalid",
            "服务时长应大于 0 且不超过 24 小时。",
            [Problem(message="取值无效", field="时长（小时）")],
        )
    record.save()
    audit.record(
        actor=actor, action="create", obj=record, changes={"person": person.employee_no, "hours": hours}
    )
    return record
