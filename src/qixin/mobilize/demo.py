"""Demo data of this app, a step of `qixin seed-demo` (see qixin.demo.seed).

Per enterprise, at vw scale, the article's figures: 412 党员突击队
("400余支"); 732 party-member volunteers forming 163 防疫监督小组 and 300 复工复产保障队 (a volunteer may
be on two teams: still counted once); 85 "战疫复工先锋行动" with their teams and people, plus other
专项攻坚 and 急难险重任务; 228 members who held their posts (坚守) and 2,267 employees sent to help
(驰援); volunteers' service hours; a share of mission parts turned into deeds linked to the mission.
Trusted data loaded in bulk (no services, no audit entries), with the services' invariants.

The dates follow the day the demo is loaded (ctx.today): the spring campaign (春节 duty, the volunteer
teams, the 先锋行动 and those sent to help) in the last spring that is over, the other teams and
missions at their distance from today.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.urls import reverse

from qixin.brand.demo import enterprise_members, insert_rows, scaled
from qixin.brand.models import Deed, Pillar
from qixin.brand.selectors import frameworks_effective
from qixin.demo.context import Context
from qixin.orgs.models import Organization
from qixin.people.models import Membership, Person

from .models import (
    Assignment,
    Deployment,
    DeploymentKind,
    Mission,
    MissionKind,
    MissionStatus,
    ServiceRecord,
    Team,
    TeamKind,
    TeamMember,
)

COMMANDO, VOLUNTEERS, EPIDEMIC, RESUMPTION, PIONEER_POSTS = 412, 732, 163, 300, 60
PIONEER_ACTIONS, SPECIAL, URGENT = 85, 24, 6
HELD_POSTS, SENT = 228, 2267
ACTION_TOPICS = [
    "复工防疫物资保障",
    "关键零部件保供",
    "总装线复产爬坡",
    "供应商复工协调",
    "员工返岗健康监测",
    "口罩生产线援建",
    "物流通道打通",
    "新车型按期投产",
]
SPECIAL_TOPICS = ["新能源平台导入", "焊装线节能改造", "芯片短缺替代方案", "涂装VOC减排", "质量问题清零"]
URGENT_TOPICS = ["台风防汛抢险", "设备突发故障抢修", "极寒天气保供"]
DESTINATIONS = ["武汉基地", "仪征工厂", "宁德工厂", "长沙工厂", "宁波工厂"]
HELD = ["坚守工厂", "坚守生产一线", "坚守防疫卡口"]


def _day(rng: random.Random, start: date, end: date) -> date:
    return start + timedelta(days=rng.randrange(max(1, (end - start).days)))


@dataclass
class Totals:
    teams: int = 0
    volunteers: int = 0
    missions: int = 0
    held: int = 0
    sent: int = 0
    hours: Decimal = Decimal(0)


def seed(ctx: Context) -> None:
    rng = ctx.rng
    people = {p.pk: p for p in ctx.people}
    totals = Totals()
    for ent in enterprise_members(ctx):
        _enterprise(ctx, rng, ent.branches, ent.members, people, totals)
    ctx.log(
        f"  突击队与专项任务：{totals.teams}支队伍，{totals.volunteers}名党员志愿者，"
        f"{totals.missions}项任务，坚守{totals.held}名、驰援{totals.sent}名，服务{totals.hours}小时"
    )


def _enterprise(
    ctx: Context,
    rng: random.Random,
    branches: list[Organization],
    members: list[Membership],
    people: dict[int, Person],
    totals: Totals,
) -> None:
    by_branch: dict[int, list[int]] = {}
    for m in members:
        by_branch.setdefault(m.branch_id, []).append(m.person_id)
    member_ids = {m.person_id for m in members}
    branch_ids = {b.pk for b in branches}
    others_by_branch: dict[int, list[int]] = {}
    for person in people.values():
        if person.organization_id in branch_ids and person.pk not in member_ids:
            others_by_branch.setdefault(person.organization_id, []).append(person.pk)
    with_members = [b for b in branches if by_branch.get(b.pk)]
    spring = ctx.last_year_of(6, 1)  # the last spring campaign that is over (it ends by 31 May)

    teams: list[Team] = []
    rosters: list[list[tuple[int, bool]]] = []  # (person id, party member) per team, leader first

    def add_team(
        branch: Organization,
        kind: str,
        name: str,
        formed: date,
        ends: date | None,
        roster: list[tuple[int, bool]],
    ) -> None:
        teams.append(
            Team(
                name=name,
                kind=kind,
                organization=branch,
                leader_id=roster[0][0],
                formed_on=formed,
                disbanded_on=ends,
                description=f"{branch.name}{kind}",
            )
        )
        rosters.append(roster)

    # Volunteer teams: 732 volunteers in a sample of branches, each branch's volunteers forming its teams.
    n_epidemic, n_resumption = scaled(ctx, EPIDEMIC), scaled(ctx, RESUMPTION)
    n_teams = n_epidemic + n_resumption
    hosts = rng.sample(with_members, min(len(with_members), n_teams))
    n_volunteers = max(scaled(ctx, VOLUNTEERS), len(hosts))
    per_host_teams = [1] * len(hosts)
    for _ in range(n_teams - len(hosts)):
        per_host_teams[rng.randrange(len(hosts))] += 1
    per_host_volunteers = [min(len(by_branch[h.pk]), 1) for h in hosts]
    remaining = n_volunteers - sum(per_host_volunteers)
    while remaining > 0:
        i = rng.randrange(len(hosts))
        if per_host_volunteers[i] < len(by_branch[hosts[i].pk]):
            per_host_volunteers[i] += 1
            remaining -= 1
    kinds = [TeamKind.EPIDEMIC] * n_epidemic + [TeamKind.RESUMPTION] * n_resumption
    rng.shuffle(kinds)
    volunteer_ids: list[int] = []
    k = 0
    for host, t_count, v_count in zip(hosts, per_host_teams, per_host_volunteers, strict=True):
        chosen = rng.sample(by_branch[host.pk], v_count)
        volunteer_ids += chosen
        host_rosters: list[list[tuple[int, bool]]] = [[] for _ in range(t_count)]
        for i, pid in enumerate(chosen):  # everyone on one team; every team has someone
            host_rosters[i % t_count].append((pid, True))
        for i in range(v_count, t_count):
            host_rosters[i].append((chosen[i % v_count], True))
        for pid in chosen:  # about one in three also helps on a second team of their branch
            if t_count > 1 and rng.random() < 0.33:
                roster = host_rosters[rng.randrange(t_count)]
                if all(p != pid for p, _ in roster):
                    roster.append((pid, True))
        for roster in host_rosters:
            kind = kinds[k]
            k += 1
            others = others_by_branch.get(host.pk, [])
            if kind == TeamKind.RESUMPTION and others and rng.random() < 0.4:
                roster.append((rng.choice(others), False))  # employees who are not members join too
            formed = _day(rng, date(spring, 1, 28), date(spring, 2, 10))
            ends = date(spring, 4, 30) if kind == TeamKind.EPIDEMIC else date(spring, 5, 31)
            label = "防疫监督小组" if kind == TeamKind.EPIDEMIC else "复工复产保障队"
            add_team(host, kind, f"{host.unit or host.name}{label}{k}", formed, ends, roster)

    # 党员突击队 and 先锋岗, in branches across the enterprise, active through the year.
    for n in range(scaled(ctx, COMMANDO)):
        host = rng.choice(with_members)
        pool = by_branch[host.pk]
        roster = [(pid, True) for pid in rng.sample(pool, min(len(pool), rng.randint(4, 8)))]
        add_team(
            host,
            TeamKind.COMMANDO,
            f"{host.unit or host.name}党员突击队{n + 1}",
            _day(rng, ctx.ago(518), ctx.ago(245)),
            None,
            roster,
        )
    for n in range(scaled(ctx, PIONEER_POSTS)):
        host = rng.choice(with_members)
        roster = [(rng.choice(by_branch[host.pk]), True)]
        add_team(
            host,
            TeamKind.PIONEER_POST,
            f"{host.unit or host.name}党员先锋岗{n + 1}",
            _day(rng, ctx.ago(669), ctx.ago(153)),
            None,
            roster,
        )

    teams = Team.objects.bulk_create(teams, batch_size=2000)
    insert_rows(
        TeamMember,
        [
            {
                "team_id": team.pk,
                "person_id": pid,
                "is_party_member": party,
                "joined_on": team.formed_on,
                "left_on": team.disbanded_on,
            }
            for team, roster in zip(teams, rosters, strict=True)
            for pid, party in roster
        ],
    )
    by_kind: dict[str, list[tuple[Team, list[tuple[int, bool]]]]] = {}
    for team, roster in zip(teams, rosters, strict=True):
        by_kind.setdefault(team.kind, []).append((team, roster))

    # Missions: 85 先锋行动 in the spring, other 专项攻坚 through the year, a few 急难险重任务.
    missions: list[Mission] = []
    mission_teams: list[list[tuple[Team, list[tuple[int, bool]]]]] = []
    candidates = by_kind.get(TeamKind.COMMANDO, []) + by_kind.get(TeamKind.RESUMPTION, [])
    plans = (
        [(MissionKind.PIONEER, n, ACTION_TOPICS) for n in range(scaled(ctx, PIONEER_ACTIONS))]
        + [(MissionKind.SPECIAL, n, SPECIAL_TOPICS) for n in range(scaled(ctx, SPECIAL))]
        + [(MissionKind.URGENT, n, URGENT_TOPICS) for n in range(scaled(ctx, URGENT))]
    )
    for mission_kind, n, topics in plans:
        picked = rng.sample(candidates, min(len(candidates), rng.randint(1, 2)))
        org = picked[0][0].organization
        topic = topics[n % len(topics)]
        if mission_kind == MissionKind.PIONEER:
            start = _day(rng, date(spring, 2, 3), date(spring, 3, 1))
            end: date | None = start + timedelta(days=rng.randint(14, 60))
            status, outcome = MissionStatus.COMPLETED, f"按期完成{topic}，保障复工复产"
            name = f"战疫复工先锋行动·{topic}{n + 1}"
        elif mission_kind == MissionKind.SPECIAL:
            start = _day(rng, ctx.ago(245), ctx.ago(61))
            end, status, outcome = None, MissionStatus.ACTIVE, ""
            name = f"专项攻坚·{topic}{n + 1}"
        else:
            start = _day(rng, ctx.ago(153), ctx.ago(31))
            end = start + timedelta(days=rng.randint(1, 5))
            status, outcome = MissionStatus.COMPLETED, f"{topic}任务完成，未造成生产损失"
            name = f"{topic}{n + 1}"
        missions.append(
            Mission(
                name=name,
                kind=mission_kind,
                organization=org,
                goal=f"{topic}：明确目标、责任到人、限时完成",
                starts_on=start,
                ends_on=end,
                status=status,
                outcome=outcome,
            )
        )
        mission_teams.append(picked)
    missions = Mission.objects.bulk_create(missions, batch_size=2000)
    Mission.teams.through.objects.bulk_create(
        [
            Mission.teams.through(mission_id=m.pk, team_id=t.pk)
            for m, picked in zip(missions, mission_teams, strict=True)
            for t, _ in picked
        ],
        batch_size=2000,
    )
    assignments: list[Assignment] = []
    for mission, picked in zip(missions, mission_teams, strict=True):
        team, roster = picked[0]
        for pid, party in roster[: rng.randint(2, 5)]:
            if party:
                assignments.append(
                    Assignment(
                        mission=mission,
                        person_id=pid,
                        team=team,
                        part=rng.choice(["现场协调", "技术攻关", "物资保障", "班组带班", "质量把关"]),
                    )
                )
    assignments = Assignment.objects.bulk_create(assignments, batch_size=2000)

    # A third of the parts in missions were turned into deeds, linked to the mission.
    frameworks = frameworks_effective(branches)
    pillar_for: dict[int, Pillar | None] = {}
    for branch in branches:
        framework = frameworks.get(branch.pk)
        pillars = list(framework.pillars.all()) if framework else []
        pillar_for[branch.pk] = next((p for p in pillars if p.name in ("责任在前", "发展融力")), None)
    deeds: list[Deed] = []
    deed_pillar: list[Pillar | None] = []
    missions_by_id = {m.pk: m for m in missions}
    for assignment in assignments:
        if rng.random() >= 0.33:
            continue
        mission = missions_by_id[assignment.mission_id]
        person = people[assignment.person_id]
        deeds.append(
            Deed(
                person_id=person.pk,
                organization_id=person.organization_id,
                done_on=mission.ends_on or mission.starts_on,
                description=f"参加{mission.kind}“{mission.name}”：{assignment.part}",
                source_model="mobilize.assignment",
                source_pk=str(assignment.pk),
                source_label=f"{mission.name}：{person.name}"[:200],
                source_url=reverse("mobilize:mission", args=[mission.pk]),
            )
        )
        deed_pillar.append(pillar_for.get(person.organization_id))
    deeds = Deed.objects.bulk_create(deeds, batch_size=2000)
    Deed.pillars.through.objects.bulk_create(
        [
            Deed.pillars.through(deed_id=d.pk, pillar_id=p.pk)
            for d, p in zip(deeds, deed_pillar, strict=True)
            if p is not None
        ],
        batch_size=2000,
    )

    # Deployments: members who held their posts over the holiday; employees sent to help.
    pioneer = [m for m in missions if m.kind == MissionKind.PIONEER]
    held = rng.sample(sorted(member_ids), min(len(member_ids), scaled(ctx, HELD_POSTS)))
    everyone = sorted(p for p in people if people[p].organization_id in branch_ids)
    held_set = set(held)
    sent = rng.sample(
        [p for p in everyone if p not in held_set], min(len(everyone) - len(held), scaled(ctx, SENT))
    )
    deployments: list[dict[str, object]] = [
        {
            "person_id": pid,
            "organization_id": people[pid].organization_id,
            "kind": DeploymentKind.HELD_POST,
            "destination": rng.choice(HELD),
            "mission_id": None,
            "starts_on": date(spring, 1, 24),
            "ends_on": date(spring, 2, 9),
            "note": "春节期间坚守岗位",
        }
        for pid in held
    ]
    for pid in sent:
        start = _day(rng, date(spring, 2, 10), date(spring, 3, 10))
        deployments.append(
            {
                "person_id": pid,
                "organization_id": people[pid].organization_id,
                "kind": DeploymentKind.SENT,
                "destination": rng.choice(DESTINATIONS),
                "mission_id": rng.choice(pioneer).pk if pioneer and rng.random() < 0.3 else None,
                "starts_on": start,
                "ends_on": start + timedelta(days=rng.randint(7, 45)),
                "note": "",
            }
        )
    insert_rows(Deployment, deployments)

    # Service hours of the volunteers on their teams.
    team_of: dict[int, Team] = {}
    for team, roster in zip(teams, rosters, strict=True):
        if team.kind in (TeamKind.EPIDEMIC, TeamKind.RESUMPTION):
            for pid, _ in roster:
                team_of.setdefault(pid, team)
    records: list[dict[str, object]] = []
    hours = Decimal(0)
    for pid in volunteer_ids:
        team = team_of[pid]
        for day in rng.sample(range(60), rng.randint(3, 6)):
            served = Decimal(rng.randint(4, 16)) / 2
            hours += served
            records.append(
                {
                    "person_id": pid,
                    "organization_id": people[pid].organization_id,
                    "team_id": team.pk,
                    "mission_id": None,
                    "served_on": date(spring, 2, 10) + timedelta(days=day),
                    "hours": served,
                    "description": f"{team.kind}值守",
                }
            )
    insert_rows(ServiceRecord, records)
    totals.teams += len(teams)
    totals.volunteers += len(set(volunteer_ids))
    totals.missions += len(missions)
    totals.held += len(held)
    totals.sent += len(sent)
    totals.hours += hours
