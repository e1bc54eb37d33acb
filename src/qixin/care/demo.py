"""Demo data of this app, a step of `qixin seed-demo` (see qixin.demo.seed): a 连心桥团队 at the
enterprise and at each department, a QR intake point in every branch's workshop, the year's public
holidays, and a year of tickets and wishes with their answers, deadlines, ratings and escalations.
The year is the twelve months up to the day before the demo is loaded (ctx.today): what came in
lately is still being handled, and a handful are past their deadline (the 逾期 flag shows them).

Bulk inserts of trusted data; the deadlines are computed with the same working-day calendar as the
services (no per-ticket query)."""

from __future__ import annotations

import secrets
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings

from qixin.core.models import User
from qixin.demo.context import Context
from qixin.orgs.models import Organization, OrgKind

from . import deadlines
from .models import (
    CalendarDay,
    CareTeam,
    IntakePoint,
    MessageKind,
    Moderation,
    Notification,
    TeamMember,
    Ticket,
    TicketKind,
    TicketMessage,
    TicketStatus,
    Wish,
    WishStatus,
)
from .services import code_digest, code_for

# 2026 public holidays and working weekend days (调休) as announced for the year; demo data only:
# administrators keep the calendar in 工作日历.
HOLIDAYS = [
    ("元旦", date(2026, 1, 1), date(2026, 1, 3)),
    ("春节", date(2026, 2, 15), date(2026, 2, 23)),
    ("清明节", date(2026, 4, 4), date(2026, 4, 6)),
    ("劳动节", date(2026, 5, 1), date(2026, 5, 5)),
    ("端午节", date(2026, 6, 19), date(2026, 6, 21)),
    ("中秋节", date(2026, 9, 25), date(2026, 9, 27)),
    ("国庆节", date(2026, 10, 1), date(2026, 10, 7)),
    ("元旦", date(2025, 12, 31), date(2025, 12, 31)),
]
WORKDAYS = [
    date(2026, 1, 4),
    date(2026, 2, 14),
    date(2026, 2, 28),
    date(2026, 5, 9),
    date(2026, 9, 20),
    date(2026, 10, 10),
]

TEXTS = {
    TicketKind.APPEAL: [
        "夜班下班后班车太少，能否加一班23:30的班车？",
        "家里老人住院，想申请调整两周的班次。",
        "食堂晚班经常没有热菜，希望改善。",
        "更衣室柜子不够用，新员工没有柜子。",
        "孩子暑假没人照看，厂里能否办暑托班？",
        "宿舍热水时有时无，冬天洗澡很困难。",
    ],
    TicketKind.PROBLEM: [
        "三号线工位风扇坏了一周了，夏天很热。",
        "焊装车间B区照明不足，看不清焊点。",
        "停车场夜里路灯不亮，下班不安全。",
        "劳保手套尺码不全，女工没有合适的尺码。",
        "涂装车间通风噪声大，影响交接班沟通。",
        "物流通道叉车和行人混行，存在安全隐患。",
    ],
    TicketKind.SUGGESTION: [
        "包装纸箱可以回收循环使用，每年能省不少钱。",
        "建议把工位工具改成磁吸定位，减少找工具的时间。",
        "空压机夜间低负荷运行可以调低压力，节约能耗。",
        "来料检验可以抽检改免检，供应商质量稳定。",
        "建议在装配线增加防错工装，减少漏装螺栓。",
        "焊丝余料可以集中回收，降低损耗。",
    ],
    TicketKind.WISH: [
        "想给孩子过一个有意义的生日，希望有人陪他参观总装车间。",
        "父亲患病，希望能帮忙联系一位专家看诊。",
        "想学习电工技能，考一个证书。",
        "希望能有一次和家人一起参加厂里开放日的机会。",
        "想读夜大，希望有人指导一下报名。",
        "家里孩子学习跟不上，希望有党员志愿者辅导数学。",
    ],
}
WISH_TITLES = ["陪孩子参观总装车间", "联系专家看诊", "学习电工技能", "家庭开放日", "夜大报名指导", "数学辅导"]
ANSWERS = [
    "您好，已收到，我们正在与相关部门协调，会尽快给您答复。",
    "感谢反映，已安排专人跟进。",
    "已转交车间负责人，本周内处理。",
]
RESULTS = ["已处理完毕，感谢您的反映。", "已落实，如仍有问题请继续反映。", "已协调解决。"]
KIND_WEIGHTS = [
    (TicketKind.APPEAL, 35),
    (TicketKind.PROBLEM, 30),
    (TicketKind.SUGGESTION, 25),
    (TicketKind.WISH, 10),
]
TICKETS_PER_EMPLOYEE = 0.17  # about 6,000 a year at the article's scale (35,000 employees)


def _zone() -> ZoneInfo:
    return ZoneInfo(settings.TIME_ZONE)


def _calendar() -> dict[date, bool]:
    days: list[CalendarDay] = []
    for name, first, last in HOLIDAYS:
        day = first
        while day <= last:
            if day.weekday() < 5:  # a weekend day is a rest day anyway (the calendar refuses it)
                days.append(CalendarDay(day=day, is_workday=False, name=name))
            day += timedelta(days=1)
    days += [CalendarDay(day=d, is_workday=True, name="调休上班") for d in WORKDAYS]
    CalendarDay.objects.bulk_create(days)
    return {d.day: d.is_workday for d in days}


def seed(ctx: Context) -> None:
    rng = ctx.rng
    overrides = _calendar()
    root = ctx.roots[0]
    depts = list(
        Organization.objects.filter(path__startswith=root.path, depth=root.depth + 1).order_by("path")
    )
    teams = [CareTeam(organization=root, name="公司连心桥团队")] + [
        CareTeam(organization=d, name=f"{d.unit or d.name}连心桥团队") for d in depts
    ]
    teams = CareTeam.objects.bulk_create(teams)
    root_team, dept_teams = teams[0], {t.organization.path: t for t in teams[1:]}
    branches = [b for b in ctx.branches if b.path.startswith(root.path) and b.kind == OrgKind.BRANCH]
    points = IntakePoint.objects.bulk_create(
        [
            IntakePoint(
                organization=b,
                team=dept_teams[b.path[: b.steplen * 2]],
                name=f"{b.unit}休息区",
                token=secrets.token_urlsafe(12),
            )
            for b in branches
        ]
    )
    _members(ctx, root_team, dept_teams, datetime.combine(ctx.today, time(9), tzinfo=_zone()))

    people_by_org: dict[int, list[tuple[str, str]]] = {}
    for person in ctx.people:
        people_by_org.setdefault(person.organization_id, []).append((person.name, person.employee_no))
    members_by_branch: dict[int, list[int]] = {}
    for membership in ctx.members:
        members_by_branch.setdefault(membership.branch_id, []).append(membership.person_id)

    respond_days = deadlines.RESPOND_DAYS.default
    close_days = deadlines.CLOSE_DAYS.default
    zone = _zone()
    now = datetime.combine(ctx.today, time(8), tzinfo=zone)
    start_day = ctx.today - timedelta(days=365)
    count = int(ctx.scale.employees * ctx.scale.enterprises * TICKETS_PER_EMPLOYEE)
    kinds = [k for k, _ in KIND_WEIGHTS]
    weights = [w for _, w in KIND_WEIGHTS]
    tickets: list[Ticket] = []
    for n in range(count):
        point = points[rng.randrange(len(points))]
        kind = rng.choices(kinds, weights)[0]
        day = start_day + timedelta(days=rng.randrange(365))
        submitted = datetime.combine(day, time(rng.randrange(6, 23), rng.randrange(60)), tzinfo=zone)
        named = rng.random() < 0.3 and people_by_org.get(point.organization_id)
        name, number = rng.choice(people_by_org[point.organization_id]) if named else ("", "")
        org = point.organization
        respond_due = deadlines.add_working_days(submitted, int(respond_days[kind]), org, overrides)
        close_due = deadlines.add_working_days(submitted, int(close_days[kind]), org, overrides)
        late = rng.random() < 0.07 and day < ctx.ago(30)  # lapses of the last weeks: the handful below
        answer_hours = rng.randrange(60, 120) if late else rng.randrange(1, 40)
        close_hours = answer_hours + (rng.randrange(24 * 12, 24 * 20) if late else rng.randrange(4, 24 * 9))
        answered_at = submitted + timedelta(hours=answer_hours)
        closed_at = submitted + timedelta(hours=close_hours)
        ticket = Ticket(
            point=point,
            organization=org,
            team_id=point.team_id,
            kind=kind,
            body=rng.choice(TEXTS[kind]),
            is_anonymous=not name,
            submitter_name=name,
            submitter_employee_no=number,
            wish_consent=kind == TicketKind.WISH and rng.random() < 0.8,
            code_digest=code_digest(code_for(f"demo-ticket-{n:07d}-{rng.random()}")),
            submitted_at=submitted,
            respond_due=respond_due,
            close_due=close_due,
        )
        if answered_at < now:
            ticket.first_response_at = answered_at
            ticket.status = TicketStatus.ANSWERED
        if closed_at < now:
            ticket.status, ticket.closed_at, ticket.result = (
                TicketStatus.CLOSED,
                closed_at,
                rng.choice(RESULTS),
            )
            if rng.random() < 0.6:
                ticket.rating = rng.choices([5, 4, 3, 2, 1], [50, 30, 12, 5, 3])[0]
                ticket.rated_at = closed_at + timedelta(hours=rng.randrange(1, 48))
        ticket.was_overdue = (ticket.first_response_at or now) > respond_due or (
            ticket.closed_at or now
        ) > close_due
        if late and rng.random() < 0.4:
            ticket.lapsed_team_id = ticket.team_id  # the statistics blame the team that let it lapse
            ticket.team, ticket.organization, ticket.escalation_level = root_team, root, 1
        roll = rng.random()
        if roll < 0.01:
            ticket.moderation = Moderation.SPAM
        elif roll < 0.015:
            ticket.moderation = Moderation.HIDDEN
        tickets.append(ticket)
    # Last night's flood from one intake point waits in the 待审核 queue.
    point = points[0]
    for k in range(3):
        submitted = datetime.combine(ctx.ago(1), time(22, 30 + 2 * k), tzinfo=zone)
        tickets.append(
            Ticket(
                point=point,
                organization=point.organization,
                team_id=point.team_id,
                kind=TicketKind.PROBLEM,
                body=TEXTS[TicketKind.PROBLEM][0],
                is_anonymous=True,
                code_digest=code_digest(code_for(f"demo-flood-{k}-{rng.random()}")),
                submitted_at=submitted,
                respond_due=deadlines.add_working_days(
                    submitted, int(respond_days[TicketKind.PROBLEM]), point.organization, overrides
                ),
                close_due=deadlines.add_working_days(
                    submitted, int(close_days[TicketKind.PROBLEM]), point.organization, overrides
                ),
                moderation=Moderation.HELD,
                hold_reason="同一收集点短时间内提交过多",
            )
        )
    admin = User.objects.filter(username="admin").first()
    if admin is not None:
        Notification.objects.create(user=admin, text="有3件提交待审核（疑似刷屏）", created_at=now)
    _lapsed_lately(ctx, tickets, now)
    tickets = Ticket.objects.bulk_create(tickets, batch_size=2000)

    messages: list[TicketMessage] = []
    wishes: list[Wish] = []
    for ticket in tickets:
        if ticket.first_response_at is not None:
            messages.append(
                TicketMessage(
                    ticket=ticket,
                    kind=MessageKind.ANSWER,
                    body=rng.choice(ANSWERS),
                    created_at=ticket.first_response_at,
                )
            )
        if ticket.escalation_level:
            messages.append(
                TicketMessage(
                    ticket=ticket,
                    kind=MessageKind.EVENT,
                    body=f"超期未办，升级至“{root_team.name}”",
                    created_at=ticket.respond_due,
                )
            )
        if ticket.closed_at is not None:
            messages.append(
                TicketMessage(ticket=ticket, kind=MessageKind.EVENT, body="办结", created_at=ticket.closed_at)
            )
        if ticket.kind == TicketKind.WISH and ticket.wish_consent and ticket.moderation == Moderation.VISIBLE:
            wishes.append(_wish(ctx, ticket, members_by_branch, now))
    TicketMessage.objects.bulk_create(messages, batch_size=5000)
    Wish.objects.bulk_create(wishes, batch_size=2000)
    ctx.log(
        f"  员工心声：{len(teams)}个连心桥团队，{len(points)}个二维码收集点，{len(tickets)}件员工心声，"
        f"{len(wishes)}个心愿（已实现{sum(w.status == WishStatus.FULFILLED for w in wishes)}个）"
    )


def _lapsed_lately(ctx: Context, tickets: list[Ticket], now: datetime) -> None:
    """A handful of the last weeks' tickets are still open past their deadline to close: about one in
    twenty-five of the open tickets, at least one."""
    open_count = sum(1 for t in tickets if t.status != TicketStatus.CLOSED)
    candidates = [
        t
        for t in tickets
        if t.status == TicketStatus.CLOSED
        and t.moderation == Moderation.VISIBLE
        and t.close_due < now
        and t.submitted_at.date() >= ctx.ago(30)
    ]
    for ticket in ctx.rng.sample(candidates, min(len(candidates), max(1, open_count // 25))):
        ticket.status, ticket.closed_at, ticket.result = TicketStatus.ANSWERED, None, ""
        ticket.rating, ticket.rated_at, ticket.was_overdue = None, None, True


def _wish(ctx: Context, ticket: Ticket, members_by_branch: dict[int, list[int]], now: datetime) -> Wish:
    rng = ctx.rng
    index = TEXTS[TicketKind.WISH].index(ticket.body)
    published = ticket.submitted_at + timedelta(days=rng.randrange(1, 4))
    wish = Wish(
        ticket=ticket,
        organization=ticket.point.organization if ticket.point else ticket.organization,
        title=WISH_TITLES[index],
        text=ticket.body,
        status=WishStatus.PUBLISHED,
        published_at=min(published, now),
    )
    claimed = published + timedelta(days=rng.randrange(1, 10))
    if claimed < now and rng.random() < 0.85:
        members = members_by_branch.get(wish.organization.pk, [])
        if members and rng.random() < 0.7:
            wish.claimed_by_person_id = rng.choice(members)
        else:
            wish.claimed_by_branch = wish.organization
        wish.status, wish.claimed_at = WishStatus.CLAIMED, claimed
        fulfilled = claimed + timedelta(days=rng.randrange(3, 30))
        if fulfilled < now and rng.random() < 0.8:
            wish.status, wish.fulfilled_at = WishStatus.FULFILLED, fulfilled
            wish.fulfilment = "心愿已由党员认领并实现，员工表示感谢。"
    return wish


def _members(ctx: Context, root_team: CareTeam, dept_teams: dict[str, CareTeam], now: datetime) -> None:
    """The demo logins take part: the party worker leads the enterprise team, the branch secretary
    answers in their department's team."""
    usernames = {role: username for role, username, _ in ctx.logins}
    members: list[TeamMember] = []
    worker = User.objects.filter(username=usernames.get("党务工作者", "")).first()
    if worker is not None:
        members.append(TeamMember(team=root_team, user=worker, is_leader=True))
    secretary = User.objects.filter(username=usernames.get("支部书记", "")).select_related("person").first()
    if secretary is not None and secretary.person is not None:
        path = secretary.person.organization.path
        team = dept_teams.get(path[: secretary.person.organization.steplen * 2])
        if team is not None:
            members.append(TeamMember(team=team, user=secretary, is_leader=True))
    TeamMember.objects.bulk_create(members)
    notes = [
        ("党务工作者", "超期升级：诉求（总装一车间休息区）"),
        ("系统管理员", "超期升级：诉求（总装一车间休息区）"),
    ]
    users = {
        u.username: u for u in User.objects.filter(username__in=[usernames.get(r, "") for r, _ in notes])
    }
    Notification.objects.bulk_create(
        [
            Notification(user=users[usernames[role]], text=text, created_at=now)
            for role, text in notes
            if usernames.get(role) in users
        ]
    )
