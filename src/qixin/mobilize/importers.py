"""Team-member files (teams with their members) and deployment files: all-or-nothing imports through
the same services as the pages, and exports in the same columns."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from qixin.core import tabular, tabular_kinds
from qixin.core.errors import ApplicationError
from qixin.core.imports import RowResult, apply_rows
from qixin.core.models import User
from qixin.core.tabular import Column, Report, choice, parse_date, text
from qixin.core.tabular_kinds import TabularKind
from qixin.orgs.selectors import org_from_input
from qixin.people.selectors import person_from_input

from . import services
from .models import Deployment, DeploymentKind, Team, TeamKind, TeamMember
from .permissions import can_import

TEAM_MEMBER_COLUMNS = [
    Column("组建组织编码", "org_code", text, required=True, example="SV-ZZ", doc="队伍由哪个党组织组建"),
    Column(
        "队伍名称",
        "team",
        text,
        required=True,
        example="总装车间复工复产保障队",
        doc="同一组织下按名称识别队伍",
    ),
    Column(
        "队伍类别",
        "kind",
        choice(TeamKind.values),
        required=True,
        example="复工复产保障队",
        doc="党员突击队/志愿服务队/防疫监督小组/复工复产保障队/先锋岗/其他",
    ),
    Column("类别名称（其他）", "custom_kind", text, example="", doc="队伍类别为“其他”时填写"),
    Column("组建日期", "formed_on", parse_date, required=True, example="2020-02-03"),
    Column("队员工号", "employee_no", text, required=True, example="SV000123"),
    Column("加入日期", "joined_on", parse_date, example="2020-02-03", doc="留空为组建日期"),
    Column("是否队长", "is_leader", tabular.yes_no, example="否", doc="是/否；一支队伍一名队长"),
]


def _apply_team_members(
    *, actor: User | None, data: bytes, filename: str, dry_run: bool = False, progress: bool = False
) -> Report:
    """Create teams that do not exist yet (by organization and name) and add their members; a member
    already on the team is unchanged. The 党员 flag comes from the registry, not the file."""

    def apply(values: dict[str, Any]) -> RowResult:
        org = org_from_input(actor=actor, code=values["org_code"])
        person = person_from_input(actor=actor, employee_no=values["employee_no"])
        team = Team.objects.filter(organization=org, name=values["team"]).first()
        created_team = team is None
        if team is None:
            team = services.team_create(
                actor=actor,
                organization=org,
                name=values["team"],
                kind=values["kind"],
                custom_kind=values.get("custom_kind", ""),
                formed_on=values["formed_on"],
                leader=person if values.get("is_leader") else None,
            )
        elif team.kind != values["kind"]:
            raise ApplicationError("invalid", f"“{team.name}”已登记为{team.display_kind}，与本行类别不一致")
        if values.get("is_leader") and team.leader_id not in (None, person.pk):
            raise ApplicationError("invalid", f"“{team.name}”已有队长，一支队伍只有一名队长")
        if TeamMember.objects.filter(team=team, person=person).exists():
            return ("created" if created_team else "unchanged"), f"组建 {team.name}，队长 {person.name}"
        services.team_member_add(
            actor=actor,
            team=team,
            person=person,
            joined_on=values.get("joined_on") or team.formed_on,
            as_leader=bool(values.get("is_leader")),
        )
        return "created", f"{team.name}：新增队员 {person.name}"

    return apply_rows(
        actor=actor,
        data=data,
        filename=filename,
        columns=TEAM_MEMBER_COLUMNS,
        apply=apply,
        model="mobilize.TeamMember",
        dry_run=dry_run,
    )


def _team_member_rows(actor: User | None) -> Iterator[list[Any]]:
    from .selectors import team_list_for

    teams = team_list_for(actor=actor).values_list("pk", flat=True)
    members = (
        TeamMember.objects.filter(team__in=list(teams))
        .select_related("team", "team__organization", "person")
        .order_by("team__organization__code", "team__name", "person__employee_no")
    )
    for m in members.iterator(chunk_size=2000):
        yield [
            m.team.organization.code,
            m.team.name,
            m.team.kind,
            m.team.custom_kind,
            m.team.formed_on,
            m.person.employee_no,
            m.joined_on,
            m.team.leader_id == m.person_id,
        ]


DEPLOYMENT_COLUMNS = [
    Column("工号", "employee_no", text, required=True, example="SV000123"),
    Column(
        "类别", "kind", choice(DeploymentKind.values), required=True, example="驰援", doc="驰援/坚守/其他"
    ),
    Column("地点", "destination", text, required=True, example="武汉"),
    Column("开始日期", "starts_on", parse_date, required=True, example="2020-02-01"),
    Column("结束日期", "ends_on", parse_date, example="2020-03-15", doc="仍在派驻可留空"),
    Column("说明", "note", text, example="支援上汽通用武汉基地复工"),
]


def _apply_deployments(
    *, actor: User | None, data: bytes, filename: str, dry_run: bool = False, progress: bool = False
) -> Report:
    """Add deployments; the same person, place and start day already on record is unchanged."""

    def apply(values: dict[str, Any]) -> RowResult:
        person = person_from_input(actor=actor, employee_no=values["employee_no"])
        if Deployment.objects.filter(
            person=person, destination=values["destination"], starts_on=values["starts_on"]
        ).exists():
            return "unchanged", ""
        deployment = services.deployment_record(
            actor=actor,
            person=person,
            kind=values["kind"],
            destination=values["destination"],
            starts_on=values["starts_on"],
            ends_on=values.get("ends_on"),
            note=values.get("note", ""),
        )
        return "created", f"新增 {deployment}"

    return apply_rows(
        actor=actor,
        data=data,
        filename=filename,
        columns=DEPLOYMENT_COLUMNS,
        apply=apply,
        model="mobilize.Deployment",
        dry_run=dry_run,
    )


def _deployment_rows(actor: User | None) -> Iterator[list[Any]]:
    from .selectors import deployment_list_for

    for d in deployment_list_for(actor=actor).iterator(chunk_size=2000):
        yield [d.person.employee_no, d.kind, d.destination, d.starts_on, d.ends_on, d.note]


TEAM_MEMBERS = tabular_kinds.register(
    TabularKind(
        key="mobilize_team_members",
        label="队伍与队员",
        model="mobilize.TeamMember",
        columns=TEAM_MEMBER_COLUMNS,
        apply=_apply_team_members,
        export_rows=_team_member_rows,
        permitted=can_import,
    )
)
DEPLOYMENTS = tabular_kinds.register(
    TabularKind(
        key="mobilize_deployments",
        label="派驻名单",
        model="mobilize.Deployment",
        columns=DEPLOYMENT_COLUMNS,
        apply=_apply_deployments,
        export_rows=_deployment_rows,
        permitted=can_import,
    )
)
import_team_members, export_team_members = TEAM_MEMBERS.run, TEAM_MEMBERS.export
import_deployments, export_deployments = DEPLOYMENTS.run, DEPLOYMENTS.export
