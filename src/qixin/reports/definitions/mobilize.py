"""Mobilization: "400余支党员突击队", "732名党员志愿者组成163支防疫监督小组和300支复工复产保障队",
"85个战疫复工先锋行动", "228名党员坚守", "2267名员工驰援"."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any, cast

from django.db.models import QuerySet
from django.urls import reverse

from qixin.mobilize import selectors as mobilize_selectors
from qixin.mobilize.models import DeploymentKind, MissionKind, TeamKind
from qixin.people.models import Person

from .. import narrative
from ..metrics import Drill, Metric, Scope, define_group, register

SECTION = "急难险重任务"
define_group("mobilize", reads=("mobilize", "orgs", "people", "core"))

TEAM_KEYS = {
    TeamKind.COMMANDO: "commando",
    TeamKind.VOLUNTEER: "volunteer",
    TeamKind.EPIDEMIC: "epidemic",
    TeamKind.RESUMPTION: "resumption",
    TeamKind.PIONEER_POST: "pioneer_post",
}
MISSION_KEYS = {MissionKind.SPECIAL: "special", MissionKind.PIONEER: "pioneer", MissionKind.URGENT: "urgent"}
DEPLOYMENT_KEYS = {DeploymentKind.SENT: "sent", DeploymentKind.HELD_POST: "held_post"}


def _period(scope: Scope) -> dict[str, Any]:
    return {"actor": scope.actor, "org": scope.org, "start": scope.period.start, "end": scope.period.end}


def _team_counts(scope: Scope) -> dict[str, int]:
    return cast(
        dict[str, int],
        scope.shared("mobilize_teams", lambda: mobilize_selectors.team_counts_by_kind_for(**_period(scope))),
    )


def _team_drill(kind: str) -> Callable[[Scope], Drill]:
    def drill(scope: Scope) -> Drill:
        rows = mobilize_selectors.teams_active_for(**_period(scope))
        if kind:
            rows = rows.filter(kind=kind)
        return Drill(
            title=f"期内在岗的{kind or '队伍'}",
            columns=["队伍名称", "类别", "组建组织", "队长", "组建日期", "解散日期"],
            records=rows,
            search=("name", "organization__name"),
            row=lambda t: [
                (t.name, reverse("mobilize:team", args=[t.pk])),
                t.display_kind,
                t.organization.name,
                t.leader.name if t.leader else "",
                t.formed_on,
                t.disbanded_on,
            ],
        )

    return drill


register(
    Metric(
        key="mobilize.teams",
        label="队伍",
        unit="支",
        section=SECTION,
        compute=lambda s: sum(_team_counts(s).values()),
        drill=_team_drill(""),
        description="所选组织内组建、期内在岗过的各类队伍（党员突击队、志愿服务队、防疫监督小组等）",
    )
)


def _team_kind(kind: str) -> Callable[[Scope], int]:
    return lambda scope: _team_counts(scope).get(kind, 0)


for _kind, _slug in TEAM_KEYS.items():
    register(
        Metric(
            key=f"mobilize.teams.{_slug}",
            label=_kind.label,
            unit="支",
            section=SECTION,
            compute=_team_kind(_kind),
            drill=_team_drill(_kind),
            description=f"期内在岗过的{_kind.label}",
        )
    )


def _people_drill(title: str, rows_for: Callable[[Scope], QuerySet[Person]]) -> Callable[[Scope], Drill]:
    def drill(scope: Scope) -> Drill:
        return Drill(
            title=title,
            columns=["姓名", "工号", "所在组织"],
            records=rows_for(scope),
            search=("name", "employee_no", "organization__name"),
            row=lambda p: [
                (p.name, reverse("brand:person", args=[p.pk])),
                p.employee_no,
                p.organization.name,
            ],
        )

    return drill


def _volunteers(scope: Scope) -> QuerySet[Person]:
    return mobilize_selectors.volunteers_for(**_period(scope))


register(
    Metric(
        key="mobilize.volunteers",
        label="党员志愿者",
        unit="名",
        section=SECTION,
        compute=lambda s: _volunteers(s).count(),
        drill=_people_drill("期内的党员志愿者", _volunteers),
        description="期内在志愿服务队、防疫监督小组、复工复产保障队中的党员，跨队伍去重（一人在几支队伍只计一次）",
    )
)


def _missions(kind: str) -> Callable[[Scope], Any]:
    return lambda scope: mobilize_selectors.missions_in_period_for(**_period(scope), kind=kind)


def _mission_counts(scope: Scope) -> dict[str, int]:
    return cast(
        dict[str, int],
        scope.shared("mobilize.missions", lambda: mobilize_selectors.mission_counts_for(**_period(scope))),
    )


def _mission_drill(kind: str) -> Callable[[Scope], Drill]:
    def drill(scope: Scope) -> Drill:
        return Drill(
            title=f"期内的{kind or '专项任务'}",
            columns=["任务名称", "类别", "发起组织", "开始日期", "结束日期", "状态", "成效"],
            records=_missions(kind)(scope),
            search=("name", "organization__name"),
            row=lambda m: [
                (m.name, reverse("mobilize:mission", args=[m.pk])),
                m.kind,
                m.organization.name,
                m.starts_on,
                m.ends_on,
                m.get_status_display(),
                m.outcome,
            ],
        )

    return drill


register(
    Metric(
        key="mobilize.missions",
        label="专项任务",
        unit="个",
        section=SECTION,
        compute=lambda s: _mission_counts(s)[""],
        drill=_mission_drill(""),
        description="所选组织内发起、期内进行过的专项攻坚、先锋行动和急难险重任务（不含已取消）",
    )
)
for _mkind, _mslug in MISSION_KEYS.items():
    register(
        Metric(
            key=f"mobilize.missions.{_mslug}",
            label=_mkind.label,
            unit="个",
            section=SECTION,
            compute=(lambda k: lambda s: _mission_counts(s)[k])(_mkind),
            drill=_mission_drill(_mkind),
            description=f"期内进行过的{_mkind.label}（不含已取消）",
        )
    )


def _mission_members(scope: Scope) -> QuerySet[Person]:
    return mobilize_selectors.mission_people_for(**_period(scope))


register(
    Metric(
        key="mobilize.mission_members",
        label="参加专项任务的党员",
        unit="名",
        section=SECTION,
        compute=lambda s: _mission_members(s).count(),
        drill=_people_drill("期内参加专项任务的党员", _mission_members),
        description="期内任务的分工人员和参与队伍的党员队员，去重",
    )
)


def _deployed_counts(scope: Scope) -> dict[str, int]:
    return cast(
        dict[str, int],
        scope.shared("mobilize.deployed", lambda: mobilize_selectors.deployed_counts_for(**_period(scope))),
    )


def _deployed(kind: str) -> Callable[[Scope], QuerySet[Person]]:
    return lambda scope: mobilize_selectors.deployed_people_for(**_period(scope), kind=kind)


register(
    Metric(
        key="mobilize.deployed",
        label="派驻人员",
        unit="名",
        section=SECTION,
        compute=lambda s: _deployed_counts(s)[""],
        drill=_people_drill("期内派驻（驰援、坚守等）的人员", _deployed("")),
        description="期内有派驻记录的人员（驰援、坚守等），一人多次只计一次",
    )
)
for _dkind, _dslug in DEPLOYMENT_KEYS.items():
    register(
        Metric(
            key=f"mobilize.deployed.{_dslug}",
            label=f"{_dkind.label}人员",
            unit="名",
            section=SECTION,
            compute=(lambda k: lambda s: _deployed_counts(s)[k])(_dkind),
            drill=_people_drill(f"期内{_dkind.label}的人员", _deployed(_dkind)),
            description=f"期内有“{_dkind.label}”记录的人员，去重",
        )
    )


def _hours_drill(scope: Scope) -> Drill:
    rows = mobilize_selectors.service_records_for(**_period(scope))
    return Drill(
        title="期内的服务时长记录",
        columns=["姓名", "工号", "日期", "时长（小时）", "队伍", "任务", "内容"],
        records=rows,
        search=("person__name", "person__employee_no"),
        row=lambda r: [
            (r.person.name, reverse("brand:person", args=[r.person_id])),
            r.person.employee_no,
            r.served_on,
            r.hours,
            r.team.name if r.team else "",
            r.mission.name if r.mission else "",
            r.description,
        ],
    )


register(
    Metric(
        key="mobilize.service_hours",
        label="服务时长",
        unit="小时",
        section=SECTION,
        compute=lambda s: Decimal(mobilize_selectors.service_hours_for(**_period(s))),
        drill=_hours_drill,
        description="期内记录的志愿服务时长合计",
    )
)


narrative.DEFAULT_PARAGRAPHS.append(
    "{period}，在急难险重任务中，各级党组织组建党员突击队{mobilize.teams.commando|余}，"
    "{mobilize.volunteers}党员志愿者组成防疫监督小组{mobilize.teams.epidemic}和复工复产保障队"
    "{mobilize.teams.resumption}，开展先锋行动{mobilize.missions.pioneer}；{mobilize.deployed.held_post}坚守岗位，"
    "{mobilize.deployed.sent}驰援一线，志愿服务{mobilize.service_hours}。"
)
