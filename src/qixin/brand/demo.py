"""Demo data of this app, a step of `qixin seed-demo` (see qixin.demo.seed).

Per enterprise: the committee's brand "五个在前" (信念在前, 责任在前, 创新在前, 榜样在前, 纪律在前), which
every organization inherits, except the 研发 committee, which defines SAIC GM's "通融达道·思源致远" with
文化融心, 发展融力, 育人融智, 关爱融情; members' deeds tagged by pillar; recognitions (189 创新之星 at vw
scale, 党员工匠, 全国劳模, 上海工匠, 五一劳动奖章, 红旗党组织 ...) of this year and last; last year's
民主评议党员 of every branch, done in December. Dated from the day the demo is loaded (ctx.today). Trusted data loaded in bulk (no services, no audit entries), with the services' invariants.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from django.db import connection
from django.db.models import Model
from django.utils import timezone

from qixin.demo.context import Context
from qixin.orgs.models import Organization, OrgKind
from qixin.people.models import Category, Membership

from .models import (
    BrandFramework,
    Deed,
    Evaluation,
    EvaluationEntry,
    EvaluationStatus,
    Grade,
    Pillar,
    Recognition,
    RecognitionKind,
    RecognitionLevel,
)

VW_PILLARS = [
    ("信念在前", "理想信念坚定，关键时刻站得出来"),
    ("责任在前", "急难险重任务冲在前、顶得上"),
    ("创新在前", "立足岗位创新创效"),
    ("榜样在前", "做员工身边看得见的榜样"),
    ("纪律在前", "严守纪律规矩"),
]
GM_PILLARS = [
    ("文化融心", "以文化凝聚人心"),
    ("发展融力", "以党建合力推动发展"),
    ("育人融智", "培养人才、汇聚智慧"),
    ("关爱融情", "关心关爱员工"),
]
DEEDS = {
    "信念在前": ["带头学习“四史”并为班组宣讲", "在主题党日上讲述入党初心", "牵头开展“思危奋进”专题学习"],
    "责任在前": ["主动请缨加入党员突击队", "春节坚守岗位保障生产", "连续加班完成新车型爬坡任务"],
    "创新在前": ["提出焊装节拍优化方案，获采纳实施", "主持技改项目降低能耗", "带领工作室攻关涂装缺陷"],
    "榜样在前": ["带教新员工三名，均顺利上岗", "被评为班组安全标兵", "帮扶困难职工解决实际问题"],
    "纪律在前": ["严格执行质量红线，拦截批量缺陷", "带头遵守防疫规定", "规范开展供应商廉洁承诺"],
    "文化融心": ["组织“我的最亲密接触”品牌体验活动", "策划部门文化沙龙"],
    "发展融力": ["牵头跨部门联合攻关", "推动研发数字化平台上线"],
    "育人融智": ["担任青年工程师导师", "开设技术讲堂六期"],
    "关爱融情": ["走访慰问困难职工家庭", "认领并完成员工“点亮心愿”"],
}
RECOGNITIONS = [  # (kind, level, count at vw scale, granted by)
    (RecognitionKind.INNOVATION_STAR, RecognitionLevel.COMPANY, 189, "公司党委"),
    (RecognitionKind.CRAFTSMAN, RecognitionLevel.COMPANY, 36, "公司党委"),
    (RecognitionKind.OUTSTANDING_MEMBER, RecognitionLevel.COMMITTEE, 120, "公司党委"),
    (RecognitionKind.OUTSTANDING_WORKER, RecognitionLevel.COMMITTEE, 30, "公司党委"),
    (RecognitionKind.NATIONAL_MODEL, RecognitionLevel.NATIONAL, 2, "中华全国总工会"),
    (RecognitionKind.SHANGHAI_CRAFTSMAN, RecognitionLevel.MUNICIPAL, 6, "上海市总工会"),
    (RecognitionKind.MAY_DAY_MEDAL, RecognitionLevel.MUNICIPAL, 4, "上海市总工会"),
]
ORG_RECOGNITIONS = [
    (RecognitionKind.ADVANCED_ORG, RecognitionLevel.GROUP, 15, "集团党委"),
    (RecognitionKind.RED_FLAG_ORG, RecognitionLevel.COMPANY, 10, "公司党委"),
]
DEEDS_PER_MEMBER = 0.3


def insert_rows(model: type[Model], rows: Sequence[Mapping[str, Any]]) -> int:
    """Fast inserts of trusted rows (plain dicts by attname; ids left to the database): one
    executemany per table, as the ORM's per-object work would take most of the step's time."""
    if not rows:
        return 0
    ops = connection.ops
    now = timezone.now()
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    adapters: list[Any] = []
    for f in fields:
        kind = f.get_internal_type()
        if kind == "DateTimeField":
            adapters.append(ops.adapt_datetimefield_value)
        elif kind == "DateField":
            adapters.append(ops.adapt_datefield_value)
        elif kind == "DecimalField":
            adapters.append(lambda v, f=f: ops.adapt_decimalfield_value(v, f.max_digits, f.decimal_places))
        else:
            adapters.append(None)
    values = []
    for row in rows:
        line = []
        for f, adapt in zip(fields, adapters, strict=True):
            if f.attname in row:
                value = row[f.attname]
            elif f.name in ("created_at", "updated_at"):
                value = now
            else:
                value = f.get_default()
            line.append(adapt(value) if adapt is not None and value is not None else value)
        values.append(line)
    table = ops.quote_name(model._meta.db_table)
    columns = ", ".join(ops.quote_name(f.column or f.name) for f in fields)
    marks = ", ".join(["%s"] * len(fields))
    # Names come from the model's metadata; the values travel as parameters.
    sql = f"INSERT INTO {table} ({columns}) VALUES ({marks})"  # noqa: S608
    with connection.cursor() as cursor:
        for start in range(0, len(values), 5000):
            cursor.executemany(sql, values[start : start + 5000])
    return len(values)


def enterprises(ctx: Context) -> list[Organization]:
    """The enterprise committees (the roots at vw scale; the group's children at group scale)."""
    if ctx.scale.enterprises == 1:
        return ctx.roots[:1]
    root = ctx.roots[0]
    return list(
        Organization.objects.filter(
            path__startswith=root.path, depth=root.depth + 1, kind=OrgKind.COMMITTEE
        ).order_by("path")
    )


def scaled(ctx: Context, count: int) -> int:
    """A vw-scale count for this scale (small keeps at least one)."""
    return max(1, round(count * ctx.scale.members / 9735))


@dataclass
class Enterprise:
    root: Organization
    branches: list[Organization] = field(default_factory=list)
    members: list[Membership] = field(default_factory=list)


def enterprise_members(ctx: Context) -> list[Enterprise]:
    result = []
    for root in enterprises(ctx):
        # Fresh from the database: inserting a sibling sorted by code may have moved a branch's path
        # since the seed built ctx.branches.
        root.refresh_from_db()
        ent = Enterprise(
            root,
            list(
                Organization.objects.filter(path__startswith=root.path, kind=OrgKind.BRANCH).order_by("path")
            ),
        )
        ids = {b.pk for b in ent.branches}
        ent.members = [m for m in ctx.members if m.branch_id in ids and m.ended_on is None]
        result.append(ent)
    return result


def seed(ctx: Context) -> None:
    rng = ctx.rng
    deeds: list[Deed] = []
    deed_pillars: list[tuple[int, list[Pillar]]] = []
    recognitions: list[Recognition] = []
    this_year = ctx.today.year
    for ent in enterprise_members(ctx):
        vw = BrandFramework.objects.create(
            organization=ent.root,
            name="五个在前",
            slogan="党员身份亮出来、党员标准严起来、党员形象树起来",
            description="上汽大众党员品牌：信念、责任、创新、榜样、纪律五个在前。",
        )
        vw_pillars = Pillar.objects.bulk_create(
            [
                Pillar(framework=vw, name=n, description=d, position=i)
                for i, (n, d) in enumerate(VW_PILLARS, 1)
            ]
        )
        # SAIC GM's brand at the 研发 committee (at small scale, which has none, the last department).
        research = (
            Organization.objects.filter(code=f"{ent.root.code}-YF").first()
            or Organization.objects.filter(path__startswith=ent.root.path, depth=ent.root.depth + 1)
            .order_by("-path")
            .first()
        )
        gm_pillars: list[Pillar] = []
        if research is not None:
            gm = BrandFramework.objects.create(
                organization=research,
                name="通融达道·思源致远",
                slogan="通融达道，思源致远",
                description="上汽通用党建品牌，研发党委沿用此品牌。",
            )
            gm_pillars = Pillar.objects.bulk_create(
                [
                    Pillar(framework=gm, name=n, description=d, position=i)
                    for i, (n, d) in enumerate(GM_PILLARS, 1)
                ]
            )
        by_id = {b.pk: b for b in ent.branches}
        # Deeds: about three in ten members have one in the last ten months.
        for membership in rng.sample(ent.members, int(len(ent.members) * DEEDS_PER_MEMBER)):
            branch = by_id[membership.branch_id]
            pillars = (
                gm_pillars if research is not None and branch.path.startswith(research.path) else vw_pillars
            )
            chosen = rng.sample(pillars, 1 if rng.random() < 0.8 else 2)
            done_on = ctx.ago(304) + timedelta(days=rng.randrange(304))
            deeds.append(
                Deed(
                    person_id=membership.person_id,
                    organization=branch,
                    done_on=done_on,
                    description=rng.choice(DEEDS[chosen[0].name]),
                )
            )
            deed_pillars.append((len(deeds) - 1, chosen))
        # Recognitions of people (this year mostly, some last year) and of branches.
        for kind, level, count, granter in RECOGNITIONS:
            # The article's count this year, and about a fifth as many the year before.
            n_now = scaled(ctx, count)
            picked = rng.sample(ent.members, min(len(ent.members), n_now + n_now // 5))
            for i, membership in enumerate(picked):
                recognitions.append(
                    Recognition(
                        kind=kind,
                        level=level,
                        year=this_year if i < n_now else this_year - 1,
                        person_id=membership.person_id,
                        organization=by_id[membership.branch_id],
                        citation=rng.choice(DEEDS["创新在前"] + DEEDS["榜样在前"]),
                        granted_by=granter,
                    )
                )
        for kind, level, count, granter in ORG_RECOGNITIONS:
            n_now = scaled(ctx, count)
            picked_orgs = rng.sample(ent.branches, min(len(ent.branches), n_now + n_now // 5))
            for i, branch in enumerate(picked_orgs):
                recognitions.append(
                    Recognition(
                        kind=kind,
                        level=level,
                        year=this_year if i < n_now else this_year - 1,
                        recipient_org=branch,
                        organization=branch,
                        granted_by=granter,
                    )
                )
    created = Deed.objects.bulk_create(deeds, batch_size=2000)
    Deed.pillars.through.objects.bulk_create(
        [
            Deed.pillars.through(deed_id=created[i].pk, pillar_id=p.pk)
            for i, pillars in deed_pillars
            for p in pillars
        ],
        batch_size=2000,
    )
    Recognition.objects.bulk_create(recognitions, batch_size=2000)
    entries = _evaluations(ctx)
    ctx.log(
        f"  党员品牌：{len(deeds)}项事迹，{len(recognitions)}项荣誉，"
        f"{entries}名党员参加{ctx.today.year - 1}年度民主评议"
    )


def _evaluations(ctx: Context) -> int:
    """Every branch's 民主评议党员 of last year, done in its December, following the rules: full members vote,
    more than half of them; 优秀 about one in seven; a rare 不合格 with its follow-up."""
    rng = ctx.rng
    year = ctx.today.year - 1
    by_branch: dict[int, list[Membership]] = defaultdict(list)
    for membership in ctx.members:
        if membership.joined_on <= date(year, 12, 1) and membership.ended_on is None:
            by_branch[membership.branch_id].append(membership)
    evaluations = Evaluation.objects.bulk_create(
        [
            Evaluation(
                branch=branch,
                year=year,
                held_on=date(year, 12, 10) + timedelta(days=rng.randrange(20)),
                status=EvaluationStatus.CLOSED,
            )
            for branch in ctx.branches
            if any(m.category == Category.FULL for m in by_branch.get(branch.pk, []))
        ],
        batch_size=2000,
    )
    entries: list[dict[str, Any]] = []
    for evaluation in evaluations:
        members = by_branch[evaluation.branch_id]
        voters = sum(1 for m in members if m.category == Category.FULL)
        for membership in members:
            roll = rng.random()
            grade = (
                Grade.EXCELLENT
                if roll < 0.14
                else Grade.QUALIFIED
                if roll < 0.985
                else Grade.BASICALLY_QUALIFIED
                if roll < 0.998
                else Grade.UNQUALIFIED
            )
            ballots = voters - rng.randrange(0, max(1, voters // 5))  # at least four in five vote
            votes = {g: 0 for g in Grade.values}
            votes[grade] = ballots - ballots // 10
            votes[Grade.QUALIFIED if grade != Grade.QUALIFIED else Grade.EXCELLENT] += ballots // 10
            entries.append(
                {
                    "evaluation_id": evaluation.pk,
                    "person_id": membership.person_id,
                    "self_assessment": "认真学习，履职尽责，按时参加组织生活，按时足额交纳党费。",
                    "votes_excellent": votes[Grade.EXCELLENT],
                    "votes_qualified": votes[Grade.QUALIFIED],
                    "votes_basic": votes[Grade.BASICALLY_QUALIFIED],
                    "votes_unqualified": votes[Grade.UNQUALIFIED],
                    "grade": grade,
                    "follow_up": "限期改正，由支部书记谈心谈话并跟踪" if grade == Grade.UNQUALIFIED else "",
                }
            )
    count = insert_rows(EvaluationEntry, entries)
    # This year's evaluation has just begun in the first branch (the demo secretary's): members are
    # writing their self-assessments, nobody is graded yet.
    assembly = sorted((b for b in ctx.branches if "-ZZ-" in b.code), key=lambda b: b.code)
    first = assembly[0] if assembly else min(ctx.branches, key=lambda b: b.code)
    if by_branch.get(first.pk):
        current = Evaluation.objects.create(branch=first, year=ctx.today.year, status=EvaluationStatus.OPEN)
        insert_rows(
            EvaluationEntry,
            [
                {
                    "evaluation_id": current.pk,
                    "person_id": m.person_id,
                    "self_assessment": "" if i % 3 else "今年参加了复工复产保障队，按时参加组织生活。",
                }
                for i, m in enumerate(by_branch[first.pk])
            ],
        )
    return count
