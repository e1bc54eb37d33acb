"""Demo data of this app, a step of `qixin seed-demo` (see qixin.demo.seed).

Per enterprise, the article's figures for 2026 (the demo's year): a "Fit for 2026" campaign with a
target of 10亿元; 181 cost-reduction alliances; 6,572 projects registered by party members with a
savings ledger whose verified total passes 1,000,000,000 yuan; 30,418 suggestions (some of them
resubmissions of earlier ones, found as likely duplicates and partly merged); 108 studios, more
than 90% led by party members; improvement cases with 85 excellent ones selected for 2026; awards,
among them 上海市第32届优秀发明金奖 for 整车前期研发数字化平台 (6000万元).

Trusted data loaded in bulk: no services, but the same invariants, and the search index is built
in one statement at the end.
"""

from __future__ import annotations

import random
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from django.contrib.auth.hashers import make_password
from django.core.management.color import no_style
from django.db import connection
from django.db.models import Max, Model
from django.utils import timezone

from qixin.core.models import User
from qixin.demo.context import DEMO_PASSWORD, Context
from qixin.orgs.models import Organization, OrgKind
from qixin.people.models import Person

from . import phrases, search, similarity, text
from .models import (
    Alliance,
    AllianceBranch,
    AllianceMember,
    Award,
    AwardLevel,
    Campaign,
    Category,
    Designation,
    DesignationKind,
    DuplicateCandidate,
    DuplicateStatus,
    ExcellentCase,
    ImprovementCase,
    PointsEntry,
    PointsEvent,
    Project,
    ProjectMember,
    ProjectStageChange,
    SavingsEntry,
    SavingsStatus,
    Source,
    Stage,
    Studio,
    StudioKind,
    StudioMember,
    Suggestion,
    SuggestionCredit,
    SuggestionEvent,
    SuggestionKind,
    SuggestionStatus,
)

ALLIANCES = 181
PROJECTS = 6572
SUGGESTIONS = 30418
STUDIOS = 108
STUDIOS_LED_BY_NON_MEMBERS = 9  # 99 of 108 led by members: 91.7%
CASES = 420
EXCELLENT = 85
VERIFIED_TARGET = Decimal("1036000000")  # "超过10亿元"
VW_EMPLOYEES = 35000


@dataclass(frozen=True)
class Counts:
    """The article's figures at `vw` scale, in proportion to the employees at other scales."""

    alliances: int
    projects: int
    suggestions: int
    studios: int
    studios_led_by_non_members: int
    cases: int
    excellent: int
    verified_target: Decimal

    @classmethod
    def for_scale(cls, employees: int) -> Counts:
        share = employees / VW_EMPLOYEES

        def part(n: int, least: int) -> int:
            return max(least, round(n * share))

        return cls(
            alliances=part(ALLIANCES, 3),
            projects=part(PROJECTS, 30),
            suggestions=part(SUGGESTIONS, 200),
            studios=part(STUDIOS, 4),
            studios_led_by_non_members=part(STUDIOS_LED_BY_NON_MEMBERS, 0),
            cases=part(CASES, 20),
            excellent=part(EXCELLENT, 3),
            verified_target=(VERIFIED_TARGET * Decimal(share)).quantize(Decimal("1")),
        )


YEAR_START = date(2026, 1, 1)
CUSTOM = "办公与后勤"  # the demo's custom category
ZONE = ZoneInfo("Asia/Shanghai")
NOW = timezone.now()
POINTS = {
    PointsEvent.SUBMITTED: 1,
    PointsEvent.ACCEPTED: 5,
    PointsEvent.IMPLEMENTED: 10,
    PointsEvent.CONVERTED: 10,
}
REJECTIONS = (
    "该问题已列入设备部年度改造计划，无需重复立项。",
    "经测算投入产出比偏低，暂不实施。",
    "与现行工艺规范冲突，需工艺部门进一步论证。",
    "供应商合同尚在有效期内，合同到期时再评估。",
    "已有同类措施在实施中，请关注后续效果。",
)
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


def _aware(day: date, rng: random.Random) -> datetime:
    return datetime.combine(day, time(8 + rng.randrange(10), rng.randrange(60)), tzinfo=ZONE)


def _day(rng: random.Random, start: date, end: date) -> date:
    """A day in [start, end)."""
    return start + timedelta(days=rng.randrange(max(1, (end - start).days)))


def _cents(value: float) -> Decimal:
    return Decimal(int(value * 100)) / 100


class _Enterprise:
    """The people and branches of one enterprise, as the demo built them."""

    def __init__(self, ctx: Context, root: Organization) -> None:
        self.root = root
        self.counts = Counts.for_scale(ctx.scale.employees)
        self.branches = [b for b in ctx.branches if b.path.startswith(root.path)]
        branch_ids = {b.pk for b in self.branches}
        self.members_by_branch: dict[int, list[int]] = defaultdict(list)
        for membership in ctx.members:
            if membership.branch_id in branch_ids:
                self.members_by_branch[membership.branch_id].append(membership.person_id)
        self.people_by_branch: dict[int, list[Person]] = defaultdict(list)
        for person in ctx.people:
            if person.organization_id in branch_ids:
                self.people_by_branch[person.organization_id].append(person)
        self.member_ids = {pid for ids in self.members_by_branch.values() for pid in ids}
        self.people = [p for ps in self.people_by_branch.values() for p in ps]
        self.by_parent: dict[str, list[Organization]] = defaultdict(list)
        for branch in self.branches:
            self.by_parent[branch.path[: -branch.steplen]].append(branch)


class _Table:
    """Fast inserts of trusted rows: plain dicts, ids given here, values adapted for the database by
    type, one executemany per table (the ORM's per-object work would take most of the step's time)."""

    def __init__(self, model: type[Model]) -> None:
        self.model = model
        self.fields = [f for f in model._meta.concrete_fields]
        self.rows: list[list[Any]] = []
        last = model._default_manager.aggregate(last=Max("pk"))["last"] or 0
        self.next_id = last + 1
        ops = connection.ops
        self.adapters: list[Any] = []
        for field in self.fields:
            kind = field.get_internal_type()
            if kind == "DateTimeField":
                self.adapters.append(ops.adapt_datetimefield_value)
            elif kind == "DateField":
                self.adapters.append(ops.adapt_datefield_value)
            elif kind == "DecimalField":
                self.adapters.append(
                    lambda v, f=field: ops.adapt_decimalfield_value(v, f.max_digits, f.decimal_places)
                )
            else:
                self.adapters.append(None)
        # What a column gets when a row does not give it (adapted once, not once per row).
        self.defaults: list[Any] = []
        for field, adapt in zip(self.fields, self.adapters, strict=True):
            value = NOW if field.name in ("created_at", "updated_at") else field.get_default()
            self.defaults.append(adapt(value) if adapt is not None and value is not None else value)

    def add(self, **values: Any) -> int:
        pk = values.setdefault("id", self.next_id)
        self.next_id = max(self.next_id, pk + 1)
        row = []
        for field, adapt, default in zip(self.fields, self.adapters, self.defaults, strict=True):
            if field.attname in values:
                value = values[field.attname]
                row.append(adapt(value) if adapt is not None and value is not None else value)
            else:
                row.append(default)
        self.rows.append(row)
        return int(pk)

    def flush(self) -> None:
        if not self.rows:
            return
        table = connection.ops.quote_name(self.model._meta.db_table)
        columns = ", ".join(connection.ops.quote_name(f.column or f.name) for f in self.fields)
        marks = ", ".join(["%s"] * len(self.fields))
        with connection.cursor() as cursor:
            for start in range(0, len(self.rows), 5000):
                cursor.executemany(
                    # Names come from the model's metadata; the values travel as parameters.
                    f"INSERT INTO {table} ({columns}) VALUES ({marks})",  # noqa: S608
                    self.rows[start : start + 5000],
                )
        self.rows = []
        # PostgreSQL's sequences do not see ids given explicitly.
        with connection.cursor() as cursor:
            for sql in connection.ops.sequence_reset_sql(no_style(), [self.model]):
                cursor.execute(sql)


def _enterprises(ctx: Context) -> list[Organization]:
    if ctx.scale.enterprises == 1:
        return ctx.roots[:1]
    return list(
        Organization.objects.filter(
            depth=2, kind=OrgKind.COMMITTEE, path__startswith=ctx.roots[0].path
        ).order_by("path")
    )


def seed(ctx: Context) -> None:
    """Campaigns, alliances, projects and their ledgers, suggestions, studios, cases and awards."""
    text.tokenizer()
    for number, root in enumerate(_enterprises(ctx), start=1):
        ent = _Enterprise(ctx, root)
        campaign = _campaign(ctx, root)
        alliances, alliance_branches = _alliances(ctx, ent, campaign, number)
        studios = _studios(ctx, ent, number)
        projects = _projects(ctx, ent, campaign, alliances, alliance_branches, studios, number)
        total = _ledger(ctx, projects, number, ent.counts.verified_target)
        suggestions = _suggestions(ctx, ent, projects, number)
        cases = _cases(ctx, ent, studios, projects, number)
        _awards(ctx, ent, studios, projects)
        ctx.log(
            f"  {root.name}：降本联盟{len(alliances)}个，项目{len(projects)}个，核定节约{total:,.2f}元，"
            f"建议{suggestions}条，工作室{len(studios)}个，改善案例{cases}个"
        )
    for model in (Suggestion, Project, ImprovementCase):
        search.index_rebuild(model)
    if connection.vendor == "postgresql":
        # Fresh statistics after a bulk load, so the planner uses the search index from the start
        # (ANALYZE runs inside the loader's transaction; autovacuum would take minutes to get here).
        with connection.cursor() as cursor:
            for table in (Suggestion, Project, ImprovementCase, SavingsEntry, Organization, Person):
                cursor.execute(f"ANALYZE {connection.ops.quote_name(table._meta.db_table)}")
    similarity.forget_indexes()
    _duty_accounts(ctx)


def _campaign(ctx: Context, root: Organization) -> Campaign:
    campaign = Campaign.objects.create(
        organization=root,
        name="Fit for 2026 降本增效行动",
        description="“人人都是成本控制员”：党员带头立项、全员提建议，全价值链降本增效。",
        starts_on=YEAR_START,
        ends_on=date(2027, 1, 1),
        savings_target=Decimal("1000000000.00"),
    )
    campaign.participants.set(Organization.objects.filter(path__startswith=root.path, depth=root.depth + 1))
    return campaign


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
                founded_on=_day(rng, date(2026, 1, 5), date(2026, 3, 31)),
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


STAGE_FLOW = [Stage.PROPOSED, Stage.IMPLEMENTING, Stage.ACCEPTANCE, Stage.CLOSED]


def _projects(
    ctx: Context,
    ent: _Enterprise,
    campaign: Campaign,
    alliances: list[Alliance],
    alliance_branches: dict[int, list[Alliance]],
    studios: list[Studio],
    number: int,
) -> list[Project]:
    rng = ctx.rng
    branches_with_members = [b for b in ent.branches if ent.members_by_branch.get(b.pk)]
    rows, teams, history = [], [], []
    studio_by_branch: dict[int, list[Studio]] = defaultdict(list)
    for studio in studios:
        studio_by_branch[studio.organization_id].append(studio)
    for i in range(ent.counts.projects):
        branch = rng.choice(branches_with_members)
        owner = rng.choice(ent.members_by_branch[branch.pk])
        category, title, description = phrases.project_title(rng)
        started = _day(rng, date(2026, 1, 10), date(2026, 9, 30))
        age = (ctx.today - started).days
        reach = min(3, age // 70 + rng.choice([0, 0, 1]))
        stage = STAGE_FLOW[reach]
        if rng.random() < 0.05 and reach < 3:
            stage = Stage.TERMINATED
        changed = started
        steps: list[tuple[str, str, date, str]] = [("", Stage.PROPOSED, started, "")]
        path = (
            STAGE_FLOW[1 : reach + 1]
            if stage != Stage.TERMINATED
            else [*STAGE_FLOW[1 : reach + 1], Stage.TERMINATED]
        )
        previous = Stage.PROPOSED
        for step in path:
            changed = min(changed + timedelta(days=rng.randint(10, 60)), ctx.today - timedelta(days=1))
            steps.append(
                (
                    previous,
                    step,
                    changed,
                    "市场变化，项目不再具备实施条件" if step == Stage.TERMINATED else "",
                )
            )
            previous = step
        studio_choices = studio_by_branch.get(branch.pk, [])
        rows.append(
            Project(
                code=f"XM-{number:02d}-{i + 1:05d}",
                title=title,
                description=description,
                organization=branch,
                owner_id=owner,
                owner_is_member=True,
                campaign=campaign,
                studio=rng.choice(studio_choices) if studio_choices and rng.random() < 0.5 else None,
                category=category,
                custom_category=CUSTOM if category == Category.CUSTOM else "",
                stage=stage,
                started_on=started,
                stage_changed_on=changed,
                savings_target=_cents(rng.lognormvariate(11.8, 0.8)),
                search_tokens=text.index_tokens(title, description, category, f"XM-{number:02d}-{i + 1:05d}"),
            )
        )
        pool = ent.members_by_branch[branch.pk]
        team = {owner, *rng.sample(pool, min(len(pool), rng.randint(1, 4)))}
        teams.append(team)
        history.append(steps)
    projects = Project.objects.bulk_create(rows, batch_size=1000)
    members, changes, links_table = (
        _Table(ProjectMember),
        _Table(ProjectStageChange),
        _Table(Project.alliances.through),
    )
    for project, team, steps in zip(projects, teams, history, strict=True):
        for pid in team:
            members.add(
                project_id=project.pk, person_id=pid, role="负责人" if pid == project.owner_id else "成员"
            )
        for a, b, d, n in steps:
            changes.add(project_id=project.pk, from_stage=a, to_stage=b, changed_on=d, note=n, created_at=NOW)
        choices = alliance_branches.get(project.organization_id, [])
        if choices and rng.random() < 0.85:
            for alliance in rng.sample(choices, min(len(choices), 2 if rng.random() < 0.06 else 1)):
                links_table.add(project_id=project.pk, alliance_id=alliance.pk)
    for table in (members, changes, links_table):
        table.flush()
    return projects


def _ledger(ctx: Context, projects: list[Project], number: int, target: Decimal) -> Decimal:
    """Entries on projects past 立项; amounts scaled so that the verified total reaches the target."""
    rng = ctx.rng
    drafts: list[dict[str, Any]] = []
    for project in projects:
        if project.stage == Stage.PROPOSED:
            continue
        for _ in range(rng.choice([1, 1, 2, 2, 3])):
            occurred = min(
                _day(rng, project.started_on + timedelta(days=20), ctx.today), ctx.today - timedelta(days=2)
            )
            occurred = max(occurred, project.started_on)
            roll = rng.random()
            status = (
                SavingsStatus.VERIFIED
                if roll < 0.88
                else SavingsStatus.CLAIMED
                if roll < 0.96
                else SavingsStatus.REJECTED
                if roll < 0.99
                else SavingsStatus.WITHDRAWN
            )
            verified_on = min(occurred + timedelta(days=rng.randint(3, 40)), ctx.today - timedelta(days=1))
            drafts.append(
                {
                    "project": project,
                    "raw": rng.lognormvariate(11.2, 0.9),
                    "occurred": occurred,
                    "status": status,
                    "verified_on": verified_on,
                }
            )
    verified_raw = sum(d["raw"] for d in drafts if d["status"] == SavingsStatus.VERIFIED)
    factor = float(target) / verified_raw * 1.01
    table = _Table(SavingsEntry)
    entries: list[dict[str, Any]] = []
    for i, draft in enumerate(drafts, start=1):
        verified = draft["status"] == SavingsStatus.VERIFIED
        entry = {
            "number": f"JS-{number:02d}-{i:06d}",
            "project_id": draft["project"].pk,
            "amount": _cents(draft["raw"] * factor),
            "occurred_on": draft["occurred"],
            "description": rng.choice(
                ["材料费节约", "电费节约", "人工工时节约", "采购价格下降", "返修损失减少", "外协费用节约"]
            ),
            "evidence": "按实施前后三个月的平均消耗测算",
            "status": draft["status"],
            "claimed_at": _aware(draft["occurred"], rng),
            "verified_on": draft["verified_on"] if verified else None,
            "verification_note": f"财务凭证 2026-{rng.randrange(1, 13):02d}-{rng.randrange(1, 9999):04d}"
            if verified
            else "",
            "rejection_reason": "测算依据不足，请补充实施前后的计量数据"
            if draft["status"] == SavingsStatus.REJECTED
            else "",
        }
        entry["id"] = table.add(**entry)
        entries.append(entry)
    # A few verified entries were later found wrong and reversed by finance.
    reversible = [
        e
        for e in entries
        if e["status"] == SavingsStatus.VERIFIED and e["verified_on"] < ctx.today - timedelta(days=30)
    ]
    reversals = []
    for entry in rng.sample(reversible, min(25, len(reversible))):
        on = min(entry["verified_on"] + timedelta(days=rng.randint(5, 25)), ctx.today - timedelta(days=1))
        reversal = {
            "number": f"{entry['number']}-R",
            "project_id": entry["project_id"],
            "amount": -entry["amount"],
            "occurred_on": entry["occurred_on"],
            "description": f"冲销{entry['number']}：重复申报",
            "status": SavingsStatus.VERIFIED,
            "claimed_at": _aware(on, rng),
            "verified_on": on,
            "verification_note": "重复申报，冲销",
            "reverses_id": entry["id"],
        }
        table.add(**reversal)
        reversals.append(reversal)
    table.flush()
    return sum(
        (e["amount"] for e in [*entries, *reversals] if e["status"] == SavingsStatus.VERIFIED), Decimal("0")
    )


def _suggestions(ctx: Context, ent: _Enterprise, projects: list[Project], number: int) -> int:
    rng = ctx.rng
    rows: list[dict[str, Any]] = []
    resubmitted: list[tuple[int, int]] = []  # (index of the copy, index of the original)
    converted_pool = [p for p in projects if p.stage != Stage.PROPOSED]
    dates = sorted(_day(rng, YEAR_START, ctx.today) for _ in range(ent.counts.suggestions))
    table = _Table(Suggestion)
    first_id = table.next_id
    for i, day in enumerate(dates):
        person = rng.choice(ent.people)
        if i > 100 and rng.random() < 0.03:
            original = rng.randrange(i)
            written_text = phrases.resubmission(rows[original]["text"], rng)
            title, category = rows[original]["title"], rows[original]["category"]
            resubmitted.append((i, original))
        else:
            written = phrases.suggestion_text(rng)
            written_text, title, category = written.text, written.title, written.category
        age = (ctx.today - day).days
        roll = rng.random()
        if age < 20 and roll < 0.6:
            status = SuggestionStatus.SUBMITTED if roll < 0.3 else SuggestionStatus.REVIEWING
        else:
            status = (
                SuggestionStatus.ACCEPTED
                if roll < 0.32
                else SuggestionStatus.REJECTED
                if roll < 0.57
                else SuggestionStatus.IMPLEMENTED
                if roll < 0.90
                else SuggestionStatus.CONVERTED
                if roll < 0.93
                else SuggestionStatus.SUBMITTED
                if roll < 0.965
                else SuggestionStatus.REVIEWING
            )
        source = rng.choices([Source.UI, Source.QR, Source.API, Source.IMPORT], [70, 20, 5, 5])[0]
        anonymous = source == Source.QR and rng.random() < 0.15
        decided = min(day + timedelta(days=rng.randint(3, 30)), ctx.today - timedelta(days=1))
        decided_status = status not in (SuggestionStatus.SUBMITTED, SuggestionStatus.REVIEWING)
        project = rng.choice(converted_pool) if status == SuggestionStatus.CONVERTED else None
        code = f"JY-{number:02d}-{i + 1:06d}"
        rows.append(
            {
                "id": first_id + i,
                "number": code,
                "title": title,
                "text": written_text,
                "kind": SuggestionKind.RATIONAL if rng.random() < 0.15 else SuggestionKind.COST,
                "category": category,
                "custom_category": CUSTOM if category == Category.CUSTOM else "",
                "organization_id": person.organization_id,
                "department": person.department,
                "submitter_id": None if anonymous else person.pk,
                "source": source,
                "expected_benefit": Decimal(rng.choice([5000, 20000, 50000, 100000, 300000]))
                if rng.random() < 0.4
                else None,
                "submitted_at": _aware(day, rng),
                "status": status,
                "decided_on": decided if decided_status else None,
                "reply": rng.choice(REJECTIONS)
                if status == SuggestionStatus.REJECTED
                else ("同意采纳，由车间组织实施。" if decided_status else ""),
                "implemented_on": min(
                    decided + timedelta(days=rng.randint(5, 40)), ctx.today - timedelta(days=1)
                )
                if status == SuggestionStatus.IMPLEMENTED
                else None,
                "project_id": project.pk if project is not None else None,
                "search_tokens": text.index_tokens(title, written_text, code),
                "dedup_tokens": similarity.dedup_tokens(f"{title}。{written_text}"),
            }
        )
    # Resubmissions still open were found as likely duplicates; about half were merged already.
    merges: dict[int, int] = {}
    for copy, original in resubmitted:
        if rows[copy]["status"] in (
            SuggestionStatus.SUBMITTED,
            SuggestionStatus.REVIEWING,
            SuggestionStatus.REJECTED,
            SuggestionStatus.ACCEPTED,
        ):
            rows[copy].update(status=SuggestionStatus.REVIEWING, reply="", decided_on=None)
            if rng.random() < 0.5 and original not in merges:
                merges[copy] = original
                rows[copy].update(status=SuggestionStatus.MERGED, merged_into_id=rows[original]["id"])
    for row in rows:
        table.add(**row)
    table.flush()
    scorer = similarity.SuggestionScorer()
    candidates = _Table(DuplicateCandidate)
    for copy, original in resubmitted:
        candidates.add(
            suggestion_id=rows[copy]["id"],
            candidate_id=rows[original]["id"],
            score=round(scorer.score(rows[copy]["text"], rows[original]["text"]), 3),
            status=DuplicateStatus.MERGED if copy in merges else DuplicateStatus.OPEN,
            found_at=rows[copy]["submitted_at"],
        )
    candidates.flush()
    credits, points, events = _Table(SuggestionCredit), _Table(PointsEntry), _Table(SuggestionEvent)
    credited: set[tuple[int, int]] = set()
    reached_by: dict[str, list[str]] = {
        SuggestionStatus.ACCEPTED: [PointsEvent.ACCEPTED],
        SuggestionStatus.IMPLEMENTED: [PointsEvent.ACCEPTED, PointsEvent.IMPLEMENTED],
        SuggestionStatus.CONVERTED: [PointsEvent.ACCEPTED, PointsEvent.CONVERTED],
    }
    for i, row in enumerate(rows):
        submitter = row["submitter_id"]
        day = row["submitted_at"].date()
        events.add(
            suggestion_id=row["id"],
            from_status="",
            to_status=SuggestionStatus.SUBMITTED,
            at=row["submitted_at"],
        )
        if row["decided_on"] is not None:
            events.add(
                suggestion_id=row["id"],
                from_status=SuggestionStatus.REVIEWING,
                to_status=row["status"],
                at=_aware(row["decided_on"], rng),
                note=row["reply"],
            )
        if submitter is None:
            continue
        targets = [row["id"]]
        if i in merges:  # the merged duplicate's submitter is credited on the original too
            targets.append(rows[merges[i]]["id"])
        for target in targets:
            if (target, submitter) not in credited:
                credited.add((target, submitter))
                credits.add(
                    suggestion_id=target,
                    person_id=submitter,
                    via_id=row["id"] if target != row["id"] else None,
                )
        points.add(
            person_id=submitter,
            suggestion_id=row["id"],
            event=PointsEvent.SUBMITTED,
            points=1,
            awarded_on=day,
        )
        for event in reached_by.get(row["status"], []):
            points.add(
                person_id=submitter,
                suggestion_id=row["id"],
                event=event,
                points=POINTS[PointsEvent(event)],
                awarded_on=row["decided_on"] or day,
            )
    for done in (credits, points, events):
        done.flush()
    return len(rows)


def _cases(
    ctx: Context, ent: _Enterprise, studios: list[Studio], projects: list[Project], number: int
) -> int:
    rng = ctx.rng
    rows = []
    excellent = ent.counts.excellent
    for i in range(ent.counts.cases):
        branch = rng.choice([b for b in ent.branches if ent.members_by_branch.get(b.pk)])
        member_lead = i < excellent + 5 or rng.random() < 0.75
        pool = (
            ent.members_by_branch[branch.pk]
            if member_lead
            else [p.pk for p in ent.people_by_branch[branch.pk] if p.pk not in ent.member_ids]
        )
        pool = pool or ent.members_by_branch[branch.pk]
        lead = rng.choice(pool)
        category, title, before, after = phrases.case_texts(rng)
        completed = _day(rng, date(2026, 1, 15), date(2026, 10, 1))
        code = f"AL-{number:02d}-{i + 1:04d}"
        rows.append(
            ImprovementCase(
                code=code,
                title=title,
                organization=branch,
                lead_id=lead,
                lead_is_member=lead in ent.member_ids,
                studio=rng.choice(studios) if rng.random() < 0.3 else None,
                category=category,
                custom_category=CUSTOM if category == Category.CUSTOM else "",
                year=2026,
                completed_on=completed,
                before=before,
                after=after,
                savings=_cents(rng.lognormvariate(11.5, 0.8)),
                rating=(5 if i < 40 else 4) if i < excellent else rng.choice([2, 3, 3, 4, None]),
                rated_on=date(2026, 10, 15) if i < excellent else completed + timedelta(days=20),
                search_tokens=text.index_tokens(title, before, after, category, code),
            )
        )
    for row in rows:
        if row.rating is None:
            row.rated_on = None
    cases = ImprovementCase.objects.bulk_create(rows, batch_size=1000)
    ExcellentCase.objects.bulk_create(
        [
            ExcellentCase(
                organization=ent.root,
                year=2026,
                case=case,
                selected_on=date(2026, 10, 20),
                citation="年度优秀改善案例",
            )
            for case in cases[:excellent]
        ]
    )
    return len(cases)


def _awards(ctx: Context, ent: _Enterprise, studios: list[Studio], projects: list[Project]) -> None:
    rng = ctx.rng
    research = [s for s in studios if "数字化" in s.focus] or studios
    for name, level, issuer, achievement, savings in AWARDS:
        studio = rng.choice(research if "研发" in achievement else studios)
        award = Award.objects.create(
            name=name,
            level=level,
            issuer=issuer,
            awarded_on=_day(rng, date(2026, 3, 1), date(2026, 10, 1)),
            achievement=achievement,
            organization=studio.organization,
            savings=savings,
            savings_note="累计节约",
        )
        award.studios.set([studio])
        award.people.set([studio.leader_id])
        award.projects.set([p for p in projects if p.studio_id == studio.pk][:2])


def _duty_accounts(ctx: Context) -> None:
    """A finance verifier and a suggestion reviewer for the demo logins."""
    root = ctx.roots[0]
    password = make_password(DEMO_PASSWORD)
    finance_person = Person.objects.filter(department__startswith="财务").order_by("employee_no").first()
    reviewer_person = (
        Person.objects.filter(department__startswith="总装", memberships__ended_on__isnull=True)
        .exclude(user__isnull=False)
        .exclude(positions__isnull=False)
        .order_by("-employee_no")
        .first()
    )
    finance = User.objects.create(
        username="caiwu",
        first_name=finance_person.name if finance_person else "财务部",
        person=finance_person,
        password=password,
    )
    reviewer = User.objects.create(
        username="pingshen",
        first_name=reviewer_person.name if reviewer_person else "评审人",
        person=reviewer_person,
        password=password,
    )
    Designation.objects.create(
        user=finance, kind=DesignationKind.VERIFIER, organization=root, starts_on=date(2025, 1, 1)
    )
    Designation.objects.create(
        user=reviewer, kind=DesignationKind.REVIEWER, organization=root, starts_on=date(2025, 1, 1)
    )
    ctx.logins += [
        ("财务核定", "caiwu", f"{finance.first_name}，{root.name}的降本节约核定"),
        ("建议评审", "pingshen", f"{reviewer.first_name}，{root.name}的建议评审"),
    ]
