"""`qixin seed-demo --scale small|vw|group --seed N`: a deterministic, realistic data set.

`vw` is the article's scale: one enterprise committee, 297 branches, 9,735 party members among
35,000 employees. `group` is ten enterprises of that size under a group committee. The same seed
gives the same data. Writes go through bulk inserts: this is a loader of trusted data, not a user.
Each app adds its step (its demo.py) to APP_STEPS; each receives the Context built so far
(qixin.demo.context).
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from datetime import date, timedelta

from django.contrib.auth.hashers import make_password
from django.db import connection, transaction
from django.utils import timezone
from faker import Faker

from qixin.advocacy import demo as advocacy_demo
from qixin.brand import demo as brand_demo
from qixin.care import demo as care_demo
from qixin.core import crypto, idcard
from qixin.core.models import Role, RoleGrant, User
from qixin.core.periods import add_years
from qixin.core.text import pinyin_full, pinyin_initials
from qixin.improve import demo as improve_demo
from qixin.improve.models import Designation, DesignationKind
from qixin.life import demo as life_demo
from qixin.mobilize import demo as mobilize_demo
from qixin.notices import demo as notices_demo
from qixin.orgs.models import (
    Election,
    Organization,
    OrgEvent,
    OrgEventKind,
    OrgKind,
    Position,
    PositionTitle,
    tree_insert,
    tree_insert_many,
)
from qixin.people.models import Category, Education, EmploymentStatus, Membership, Person

from .context import DEMO_PASSWORD, Context, Scale

SCALES = {
    "small": Scale(1, 12, 330, 1200),
    "vw": Scale(1, 297, 9735, 35000),
    "group": Scale(10, 297, 9735, 35000),
}

# Departments of a car maker: (name, code, share of branches, kind of the department's organization)
DEPARTMENTS = [
    ("总装", "ZZ", 40, OrgKind.COMMITTEE),
    ("焊装", "HZ", 30, OrgKind.COMMITTEE),
    ("涂装", "TZ", 20, OrgKind.COMMITTEE),
    ("冲压", "CY", 15, OrgKind.COMMITTEE),
    ("动力总成", "DL", 25, OrgKind.COMMITTEE),
    ("研发", "YF", 40, OrgKind.COMMITTEE),
    ("采购", "CG", 15, OrgKind.COMMITTEE),
    ("质保", "ZB", 25, OrgKind.COMMITTEE),
    ("销售", "XS", 20, OrgKind.COMMITTEE),
    ("物流", "WL", 15, OrgKind.COMMITTEE),
    ("规划", "GH", 10, OrgKind.COMMITTEE),
    ("信息", "XX", 10, OrgKind.COMMITTEE),
    ("财务", "CW", 3, OrgKind.GENERAL_BRANCH),
    ("人力资源", "RL", 3, OrgKind.GENERAL_BRANCH),
    ("工会", "GHH", 2, OrgKind.GENERAL_BRANCH),
    ("机关", "JG", 24, OrgKind.COMMITTEE),
]
WORKSHOP_WORDS = [
    "一车间",
    "二车间",
    "三车间",
    "四车间",
    "工艺科",
    "设备科",
    "生产准备",
    "质量科",
    "物料科",
    "维修站",
]
JOBS = {
    "总装": ["装配工", "总装工艺工程师", "班组长", "质量检验员"],
    "焊装": ["焊装工", "焊接机器人操作员", "焊装工艺工程师", "班组长"],
    "涂装": ["涂装工", "涂装工艺工程师", "设备维修工"],
    "冲压": ["冲压工", "模具维修工", "冲压工艺工程师"],
    "研发": ["整车研发工程师", "电控工程师", "软件工程师", "试验工程师"],
    "采购": ["采购工程师", "供应商质量工程师"],
    "质保": ["质量工程师", "检验员", "审核员"],
    "销售": ["区域经理", "市场专员", "售后工程师"],
}
REGIONS = ["310114", "310115", "310112", "320581", "330102", "340104", "370102", "420102", "510107", "410105"]
ETHNICITIES = ["汉族"] * 46 + ["回族", "满族", "蒙古族", "壮族"]
EDUCATION_WEIGHTS = [
    (Education.DOCTORATE, 1),
    (Education.MASTER, 10),
    (Education.BACHELOR, 38),
    (Education.COLLEGE, 28),
    (Education.SECONDARY, 15),
    (Education.HIGH_SCHOOL, 6),
    (Education.JUNIOR, 2),
]


def _split(total: int, weights: list[int], rng: random.Random) -> list[int]:
    """Split total into len(weights) positive parts proportional to weights (deterministic)."""
    scale = sum(weights)
    parts = [max(1, total * w // scale) for w in weights]
    while sum(parts) < total:
        parts[rng.randrange(len(parts))] += 1
    while sum(parts) > total:
        i = rng.randrange(len(parts))
        if parts[i] > 1:
            parts[i] -= 1
    return parts


def _tree(
    ctx: Context, index: int, root_parent: Organization | None
) -> tuple[Organization, list[Organization]]:
    """One enterprise: its committee, department organizations and branches (with party groups later)."""
    prefix = "QX" if ctx.scale.enterprises == 1 else f"QX{index + 1:02d}"
    name = "旗心汽车有限公司" if ctx.scale.enterprises == 1 else f"旗心汽车第{index + 1}有限公司"
    root = Organization(
        code=prefix, name=f"{name}委员会", kind=OrgKind.COMMITTEE, unit=name, established_on=date(1985, 3, 1)
    )
    root = tree_insert(root, root_parent)
    n_branches = ctx.scale.branches
    departments = DEPARTMENTS if n_branches >= 100 else DEPARTMENTS[:3] + DEPARTMENTS[12:13]
    per_dept = _split(n_branches, [d[2] for d in departments], ctx.rng)
    dept_orgs: list[Organization] = []
    for (dept, code, _, kind), count in zip(departments, per_dept, strict=True):
        kind = kind if count > 3 else OrgKind.GENERAL_BRANCH
        suffix = "委员会" if kind == OrgKind.COMMITTEE else "总支部委员会"
        dept_orgs.append(
            Organization(
                code=f"{prefix}-{code}",
                name=f"{dept}{suffix}",
                kind=kind,
                unit=dept,
                established_on=date(1998, 6, 1),
            )
        )
    dept_orgs = tree_insert_many(root, dept_orgs)
    by_code = {o.code: o for o in dept_orgs}
    branches: list[Organization] = []
    for (dept, code, _, _kind), count in zip(departments, per_dept, strict=True):
        dept_org = by_code[f"{prefix}-{code}"]
        children = []
        for n in range(1, count + 1):
            unit = f"{dept}{WORKSHOP_WORDS[(n - 1) % len(WORKSHOP_WORDS)]}" + (
                f"{(n - 1) // len(WORKSHOP_WORDS) + 1}区" if n > len(WORKSHOP_WORDS) else ""
            )
            children.append(
                Organization(
                    code=f"{prefix}-{code}-{n:02d}",
                    name=f"{dept}第{_cn_number(n)}党支部",
                    kind=OrgKind.BRANCH,
                    unit=unit,
                    established_on=date(2005 + ctx.rng.randrange(15), 1 + ctx.rng.randrange(12), 1),
                )
            )
        created = {o.code: o for o in tree_insert_many(dept_org, children)}
        branches += [created[c.code] for c in children]  # in numbering order, as before
    return root, branches


def _cn_number(n: int) -> str:
    digits = "零一二三四五六七八九"
    if n < 10:
        return digits[n]
    tens, ones = divmod(n, 10)
    return ("" if tens == 1 else digits[tens]) + "十" + (digits[ones] if ones else "")


NAMES_PER_GENDER = 6000  # a pool drawn once: Faker's names cost ~0.1 ms each, and names repeat anyway


def _names(ctx: Context, gender: str) -> list[str]:
    pool = ctx.names.get(gender)
    if pool is None:
        make = ctx.fake.name_male if gender == "男" else ctx.fake.name_female
        pool = ctx.names[gender] = [make() for _ in range(NAMES_PER_GENDER)]
    return pool


def _person(ctx: Context, number: int, org: Organization, *, member: bool) -> Person:
    rng = ctx.rng
    gender = "男" if rng.random() < (0.78 if member else 0.72) else "女"
    born = date(1966, 1, 1) + timedelta(days=rng.randrange(38 * 365))
    name = rng.choice(_names(ctx, gender))
    id_number = idcard.make(rng.choice(REGIONS), born, rng.randrange(1000), gender)
    while id_number in ctx.id_numbers:  # 35,000 random numbers collide a few times; ID numbers are unique
        id_number = idcard.make(rng.choice(REGIONS), born, rng.randrange(1000), gender)
    ctx.id_numbers.add(id_number)
    dept = org.unit if org.kind == OrgKind.BRANCH else "机关"
    dept_key = next((k for k in JOBS if dept.startswith(k)), "总装")
    education = rng.choices([e for e, _ in EDUCATION_WEIGHTS], [w for _, w in EDUCATION_WEIGHTS])[0]
    hired = max(add_years(born, 19 + rng.randrange(8)), date(1990, 1, 1))
    return Person(
        employee_no=f"{org.code.split('-')[0]}{number:06d}",
        name=name,
        name_initials=pinyin_initials(name),
        name_pinyin=pinyin_full(name),
        gender=gender,
        birth_date=born,
        ethnicity=rng.choice(ETHNICITIES),
        education=education,
        department=dept,
        job=rng.choice(JOBS[dept_key]),
        phone=f"1{rng.choice('3589')}{rng.randrange(10**9):09d}",
        id_number=id_number,
        id_digest=crypto.digest(id_number),
        address=f"上海市{rng.choice(['嘉定区安亭镇', '嘉定区菊园新区', '宝山区', '闵行区'])}",
        hired_on=min(hired, ctx.today - timedelta(days=30)),
        employment_status=EmploymentStatus.ACTIVE,
        organization=org,
    )


def seed_orgs_and_people(ctx: Context) -> None:
    rng = ctx.rng
    group_root = None
    if ctx.scale.enterprises > 1:
        group_root = tree_insert(
            Organization(
                code="QXG",
                name="旗心汽车集团委员会",
                kind=OrgKind.COMMITTEE,
                unit="旗心汽车集团",
                established_on=date(1980, 1, 1),
            ),
            None,
        )
        ctx.roots.append(group_root)
    number = 0
    for index in range(ctx.scale.enterprises):
        root, branches = _tree(ctx, index, group_root)
        if group_root is None:
            ctx.roots.append(root)
        ctx.branches += branches
        members_per = _split(ctx.scale.members, [rng.randint(6, 14) for _ in branches], rng)
        employees_per = _split(
            ctx.scale.employees - ctx.scale.members, [rng.randint(6, 14) for _ in branches], rng
        )
        people: list[Person] = []
        is_member: list[bool] = []
        for branch, n_members, n_others in zip(branches, members_per, employees_per, strict=True):
            for k in range(n_members + n_others):
                number += 1
                people.append(_person(ctx, number, branch, member=k < n_members))
                is_member.append(k < n_members)
        people = Person.objects.bulk_create(people, batch_size=2000)
        memberships = []
        for person, member in zip(people, is_member, strict=True):
            if not member:
                continue
            earliest = add_years(person.birth_date, 18)  # type: ignore[arg-type]
            span = max((ctx.today - earliest).days - 60, 30)
            joined = earliest + timedelta(days=rng.randrange(span))
            probationary = (ctx.today - joined).days < 365 or rng.random() < 0.015
            if probationary:
                joined = ctx.today - timedelta(days=rng.randrange(30, 420))
            membership = Membership(
                person=person,
                branch=person.organization,
                joined_on=joined,
                category=Category.PROBATIONARY if probationary else Category.FULL,
                full_on=None if probationary else min(add_years(joined, 1), ctx.today),
            )
            if rng.random() < 0.004:
                membership.lost_contact_since = ctx.today - timedelta(days=rng.randrange(60, 700))
            elif rng.random() < 0.01:
                membership.floating_to = rng.choice(["武汉", "长沙", "宁波", "天津"]) + "分公司"
            memberships.append(membership)
        ctx.members += Membership.objects.bulk_create(memberships, batch_size=2000)
        ctx.people += people
        ctx.log(f"  {root.name}：{len(branches)}个党支部，{len(memberships)}名党员，{len(people)}名员工")
    _groups_posts_and_elections(ctx)


def _groups_posts_and_elections(ctx: Context) -> None:
    rng = ctx.rng
    by_branch: dict[int, list[Membership]] = {}
    for membership in ctx.members:
        by_branch.setdefault(membership.branch_id, []).append(membership)
    positions: list[Position] = []
    elections: list[Election] = []
    events: list[OrgEvent] = []
    group_updates: list[Membership] = []
    all_orgs = list(Organization.objects.order_by("path"))
    for org in all_orgs:
        events.append(
            OrgEvent(organization=org, kind=OrgEventKind.CREATED, happened_on=org.established_on or ctx.today)
        )
        if org.kind in (OrgKind.COMMITTEE, OrgKind.GENERAL_BRANCH):
            years = 5 if org.kind == OrgKind.COMMITTEE else 3
            elections.append(
                Election(
                    organization=org,
                    held_on=ctx.today - timedelta(days=rng.randrange(60, 365 * years - 30)),
                    term_years=years,
                )
            )
    # Committees and general branches: a secretary and a deputy from the members of their subtree.
    full_by_path: dict[str, list[Membership]] = {}
    for membership in ctx.members:
        if membership.category == Category.FULL:
            full_by_path.setdefault(membership.branch.path, []).append(membership)
    taken: set[int] = set()
    for org in all_orgs:
        if org.kind not in (OrgKind.COMMITTEE, OrgKind.GENERAL_BRANCH):
            continue
        pool = [m for path, ms in full_by_path.items() if path.startswith(org.path) for m in ms[-3:]]
        pool = [m for m in pool if m.person_id not in taken]
        for member, title in zip(
            pool[:2], [PositionTitle.SECRETARY, PositionTitle.DEPUTY_SECRETARY], strict=False
        ):
            taken.add(member.person_id)
            positions.append(
                Position(
                    organization=org,
                    person_id=member.person_id,
                    title=title,
                    started_on=ctx.today - timedelta(days=400),
                )
            )
    for branch in ctx.branches:
        members = sorted(by_branch.get(branch.pk, []), key=lambda m: m.joined_on)
        full = [m for m in members if m.category == Category.FULL]
        # A realistic share of trouble: ~3% without secretary, ~6% past their term.
        overdue = rng.random() < 0.06
        held = ctx.today - timedelta(days=(rng.randrange(1100, 1500) if overdue else rng.randrange(30, 1000)))
        elections.append(Election(organization=branch, held_on=held, term_years=3))
        if full and rng.random() > 0.03:
            positions.append(
                Position(
                    organization=branch,
                    person_id=full[0].person_id,
                    title=PositionTitle.SECRETARY,
                    started_on=held,
                )
            )
        if len(full) >= 7:
            for member, title in zip(
                full[1:],
                [PositionTitle.ORGANIZATION, PositionTitle.PUBLICITY, PositionTitle.DISCIPLINE][
                    : 2 + rng.randrange(2)
                ],
                strict=False,
            ):
                positions.append(
                    Position(organization=branch, person_id=member.person_id, title=title, started_on=held)
                )
        if len(members) > 40:
            n_groups = 2 + len(members) // 40
            groups = tree_insert_many(
                branch,
                [
                    Organization(
                        code=f"{branch.code}-{g}",
                        name=f"第{_cn_number(g)}党小组",
                        kind=OrgKind.GROUP,
                        unit=branch.unit,
                    )
                    for g in range(1, n_groups + 1)
                ],
            )
            groups.sort(key=lambda group: int(group.code.rsplit("-", 1)[1]))
            for i, member in enumerate(members):
                member.party_group = groups[i % n_groups]
                group_updates.append(member)
            for g, group in enumerate(groups):
                leader = members[(g + len(groups) * 3) % len(members)]
                positions.append(
                    Position(
                        organization=group,
                        person_id=leader.person_id,
                        title=PositionTitle.GROUP_LEADER,
                        started_on=held,
                    )
                )
    Position.objects.bulk_create(positions, batch_size=2000)
    Election.objects.bulk_create(elections, batch_size=2000)
    OrgEvent.objects.bulk_create(events, batch_size=2000)
    Membership.objects.bulk_update(group_updates, ["party_group"], batch_size=2000)


def seed_accounts(ctx: Context) -> None:
    """One login per role, printed by `make run`."""
    password = make_password(DEMO_PASSWORD)
    root = ctx.roots[0]
    admin = User.objects.create(
        username="admin", first_name="系统管理员", is_superuser=True, password=password
    )
    worker = User.objects.create(username="dangwu", first_name="党建工作部", password=password)
    RoleGrant.objects.create(
        user=worker, role=Role.PARTY_WORKER, organization=root, starts_on=date(2020, 1, 1), granted_by=admin
    )
    secretary_post = (
        Position.objects.filter(
            title=PositionTitle.SECRETARY,
            organization__kind=OrgKind.BRANCH,
            organization__code__startswith=f"{root.code}-ZZ",
        )
        .select_related("person", "organization")
        .order_by("organization__path")
        .first()
    )
    assert secretary_post is not None
    secretary = secretary_post.person
    User.objects.create(
        username=secretary.employee_no, first_name=secretary.name, person=secretary, password=password
    )
    member = (
        Membership.objects.filter(branch=secretary_post.organization, category=Category.FULL)
        .exclude(person=secretary)
        .exclude(person__positions__isnull=False)
        .select_related("person")
        .first()
    )
    assert member is not None
    User.objects.create(
        username=member.person.employee_no,
        first_name=member.person.name,
        person=member.person,
        password=password,
    )
    employee = Person.objects.filter(
        organization=secretary_post.organization, memberships__isnull=True
    ).first()
    assert employee is not None
    User.objects.create(
        username=employee.employee_no, first_name=employee.name, person=employee, password=password
    )
    ctx.logins += [
        ("系统管理员", "admin", "全部数据与设置"),
        ("党务工作者", "dangwu", f"{root.name}的全部组织"),
        ("支部书记", secretary.employee_no, f"{secretary.name}，{secretary_post.organization.name}"),
        ("党员", member.person.employee_no, f"{member.person.name}，{secretary_post.organization.name}"),
        ("员工", employee.employee_no, f"{employee.name}，{employee.department}"),
    ]


STEPS: list[Callable[[Context], None]] = [seed_orgs_and_people, seed_accounts]
# Each app's demo data, in this order (later apps may use earlier ones' records).
APP_STEPS: list[Callable[[Context], None]] = [
    life_demo.seed,
    brand_demo.seed,
    mobilize_demo.seed,
    advocacy_demo.seed,
    improve_demo.seed,
    care_demo.seed,
    notices_demo.seed,
]


def steps() -> list[Callable[[Context], None]]:
    return STEPS + APP_STEPS


def has_organizations() -> bool:
    """Whether the database holds organizations already: the demo data loads only into an empty one."""
    return Organization.objects.exists()


def context(scale: str, seed: int, today: date, log: Callable[[str], None] = print) -> Context:
    """What the steps start from: the random generators of `seed` and the day the demo is dated to."""
    if scale not in SCALES:
        raise ValueError(f"未知规模“{scale}”，可选：{'、'.join(SCALES)}")
    fake = Faker("zh_CN")
    fake.seed_instance(seed)
    return Context(rng=random.Random(seed), fake=fake, scale=SCALES[scale], today=today, log=log)


def run(
    scale: str = "vw", seed: int = 1, log: Callable[[str], None] = print, today: date | None = None
) -> Context:
    """Load the demo data set into an empty database: a year of activity up to the day before `today`
    (by default the real today), with the coming days' meetings planned. The same seed and the same
    day give the same data."""
    ctx = context(scale, seed, today or timezone.localdate(), log)
    if has_organizations():
        raise RuntimeError("数据库中已有组织数据：演示数据只能载入空数据库。")
    with transaction.atomic():
        for step in steps():
            started = time.perf_counter()
            step(ctx)
            log(
                f"  {step.__module__.removeprefix('qixin.')}.{step.__name__}：{time.perf_counter() - started:.1f} 秒"
            )
    # Statistics for the query planner over the freshly loaded tables: without them SQLite picks
    # slower plans for the reports' grouped counts.
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return ctx


def loaded_on() -> date | None:
    """The day the demo data was loaded (its first login's account was opened then), if it was."""
    first = (
        User.objects.exclude(username="system").order_by("id").values_list("date_joined", flat=True).first()
    )
    return timezone.localdate(first) if first is not None else None


# The demo's logins are the first users it creates (after the system account): admin, dangwu, the
# branch secretary, a member, an employee (seed_accounts), then improve's caiwu and pingshen.
DEMO_LOGINS = 7
DUTY_LABELS = {
    DesignationKind.VERIFIER: ("财务核定", "的降本节约核定"),
    DesignationKind.REVIEWER: ("建议评审", "的建议评审"),
}


def saved_logins() -> list[tuple[str, str, str]]:
    """The demo logins of an already loaded database, as the seed printed them (for `qixin run` every
    time it starts): each user's role read back from its grant, duty, post or membership."""
    users = list(
        User.objects.exclude(username="system")
        .select_related("person__organization")
        .order_by("id")[:DEMO_LOGINS]
    )
    person_ids = [u.person_id for u in users if u.person_id]
    grants = {
        g.user_id: g
        for g in RoleGrant.objects.filter(user__in=users, role=Role.PARTY_WORKER).select_related(
            "organization"
        )
    }
    duties = {d.user_id: d for d in Designation.objects.filter(user__in=users).select_related("organization")}
    posts = {
        p.person_id: p
        for p in Position.objects.filter(
            person_id__in=person_ids, title=PositionTitle.SECRETARY, ended_on__isnull=True
        ).select_related("organization")
    }
    memberships = {
        m.person_id: m
        for m in Membership.objects.filter(person_id__in=person_ids, ended_on__isnull=True).select_related(
            "branch"
        )
    }
    logins = []
    for user in users:
        person = user.person
        if user.is_superuser:
            logins.append(("系统管理员", user.username, "全部数据与设置"))
        elif user.pk in grants:
            granted = grants[user.pk].organization
            logins.append(
                ("党务工作者", user.username, f"{granted.name}的全部组织" if granted else "全部组织")
            )
        elif user.pk in duties:
            duty = duties[user.pk]
            label, reach = DUTY_LABELS[DesignationKind(duty.kind)]
            logins.append((label, user.username, f"{user.first_name}，{duty.organization.name}{reach}"))
        elif person is not None and person.pk in posts:
            logins.append(("支部书记", user.username, f"{person.name}，{posts[person.pk].organization.name}"))
        elif person is not None and person.pk in memberships:
            logins.append(("党员", user.username, f"{person.name}，{memberships[person.pk].branch.name}"))
        elif person is not None:
            logins.append(("员工", user.username, f"{person.name}，{person.department}"))
        else:
            logins.append(("用户", user.username, user.first_name))
    return logins
