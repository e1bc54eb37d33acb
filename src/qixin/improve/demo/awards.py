"""Demo awards."""

from __future__ import annotations

from decimal import Decimal

from qixin.demo.context import Context

from ..models import Award, AwardLevel, Project, Studio
from ._common import _day, _Enterprise

AWARDS = (
    (
        "上海市第32届优秀发明金奖",
        AwardLevel.PROVINCIAL,
        "上海市知识产权局",
        "整车前期研发数字化平台",
        Decimal("60000000"),
    ),
    (
        "上海市职工合理化建议创新奖",
        AwardLevel.PROVINCIAL,
        "上海市总工会",
        "涂装烘炉待机降温节能技术",
        Decimal("4200000"),
    ),
    ("集团技术创新一等奖", AwardLevel.GROUP, "集团", "MEB焊装线瓶颈工位节拍优化", Decimal("8600000")),
    ("集团降本增效优秀项目", AwardLevel.GROUP, "集团", "空压站变频与余热回收改造", Decimal("3500000")),
    ("公司创新之星项目奖", AwardLevel.COMPANY, "公司", "电极帽寿命优化与修磨标准化", Decimal("1200000")),
)


def _awards(ctx: Context, ent: _Enterprise, studios: list[Studio], projects: list[Project]) -> None:
    rng = ctx.rng
    research = [s for s in studios if "数字化" in s.focus] or studios
    for name, level, issuer, achievement, savings in AWARDS:
        studio = rng.choice(research if "研发" in achievement else studios)
        award = Award.objects.create(
            name=name,
            level=level,
            issuer=issuer,
            awarded_on=_day(rng, ctx.ago(245), ctx.ago(31)),
            achievement=achievement,
            organization=studio.organization,
            savings=savings,
            savings_note="累计节约",
        )
        award.studios.set([studio])
        award.people.set([studio.leader_id])
        award.projects.set([p for p in projects if p.studio_id == studio.pk][:2])
