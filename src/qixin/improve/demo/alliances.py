"""Demo alliances."""

from __future__ import annotations

from collections import defaultdict

from qixin.demo.context import Context
from qixin.orgs.models import Organization

from ..models import Alliance, AllianceBranch, AllianceMember, Campaign
from ._common import _day, _Enterprise


def _alliances(
    ctx: Context, ent: _Enterprise, campaign: Campaign, number: int
) -> tuple[list[Alliance], dict[int, list[Alliance]]]:
    rng = ctx.rng
    rows: list[Alliance] = []
    plan: list[tuple[list[Organization], Organization]] = []
    leads = rng.sample(ent.branches, min(ent.counts.alliances, len(ent.branches)))
    while len(leads) < ent.counts.alliances:
        leads.append(rng.choice(ent.branches))
    for i, lead in enumerate(leads, start=1):
        siblings = [b for b in ent.by_parent[lead.path[: -lead.steplen]] if b.pk != lead.pk]
        branches = [lead, *rng.sample(siblings, min(len(siblings), rng.choice([0, 0, 1, 1, 2])))]
        members = ent.members_by_branch.get(lead.pk) or [p.pk for p in ent.people_by_branch[lead.pk]]
        dept = (lead.unit or lead.name)[:4]
        rows.append(
            Alliance(
                code=f"LM-{number:02d}-{i:04d}",
                name=f"{dept}{rng.choice(['降本', '节能', '提质增效', '精益'])}联盟{i}",
                campaign=campaign,
                lead_branch=lead,
                leader_id=rng.choice(members),
                goal=rng.choice(
                    ["全年降本500万元", "单车制造成本下降2%", "能耗下降8%", "材料利用率提升3个百分点"]
                ),
                founded_on=_day(rng, ctx.ago(300), ctx.ago(215)),
            )
        )
        plan.append((branches, lead))
    alliances = Alliance.objects.bulk_create(rows, batch_size=1000)
    links, memberships = [], []
    by_branch: dict[int, list[Alliance]] = defaultdict(list)
    for alliance, (branches, _lead) in zip(alliances, plan, strict=True):
        people: set[int] = {alliance.leader_id}
        for branch in branches:
            links.append(AllianceBranch(alliance=alliance, branch=branch))
            by_branch[branch.pk].append(alliance)
            pool = ent.members_by_branch.get(branch.pk, [])
            people.update(rng.sample(pool, min(len(pool), rng.randint(2, 5))))
        memberships += [
            AllianceMember(alliance=alliance, person_id=pid, joined_on=alliance.founded_on) for pid in people
        ]
    AllianceBranch.objects.bulk_create(links, batch_size=2000)
    AllianceMember.objects.bulk_create(memberships, batch_size=2000)
    return alliances, by_branch
