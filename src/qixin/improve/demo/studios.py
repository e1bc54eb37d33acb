"""Demo studios."""

from __future__ import annotations

from datetime import date

from qixin.demo.context import Context

from ..models import Studio, StudioKind, StudioMember
from ._common import _Enterprise

STUDIO_FOCUS = (
    "焊接工艺与机器人应用",
    "涂装节能与材料降耗",
    "总装防错与质量追溯",
    "冲压模具快速修复",
    "设备预测性维护",
    "智能物流与自动配送",
    "电控软件与数字化",
    "新能源电池检测",
)


def _studios(ctx: Context, ent: _Enterprise, number: int) -> list[Studio]:
    rng = ctx.rng
    rows, member_sets = [], []
    counts = ent.counts
    non_member_leaders = set(rng.sample(range(counts.studios), counts.studios_led_by_non_members))
    for i in range(counts.studios):
        branch = rng.choice(ent.branches)
        members = ent.members_by_branch.get(branch.pk) or []
        others = [p.pk for p in ent.people_by_branch[branch.pk] if p.pk not in ent.member_ids]
        if i in non_member_leaders and others:
            leader = rng.choice(others)
        else:
            leader = rng.choice(members) if members else rng.choice(ent.people_by_branch[branch.pk]).pk
        kind = StudioKind.TECHNICIAN if i % 4 == 3 else StudioKind.INNOVATION
        focus = rng.choice(STUDIO_FOCUS)
        rows.append(
            Studio(
                code=f"GZS-{number:02d}-{i + 1:03d}",
                name=f"{(branch.unit or branch.name)[:4]}{focus[:4]}{kind[:2]}工作室{i + 1}",
                kind=kind,
                organization=branch,
                leader_id=leader,
                focus=focus,
                founded_on=date(2012 + rng.randrange(13), 1 + rng.randrange(12), 1),
            )
        )
        pool = [p.pk for p in ent.people_by_branch[branch.pk]]
        member_sets.append({leader, *rng.sample(pool, min(len(pool), rng.randint(3, 8)))})
    studios = Studio.objects.bulk_create(rows)
    StudioMember.objects.bulk_create(
        [
            StudioMember(studio=s, person_id=pid, joined_on=s.founded_on)
            for s, ids in zip(studios, member_sets, strict=True)
            for pid in ids
        ],
        batch_size=2000,
    )
    return studios
