"""Demo data of this app, a step of `qixin seed-demo` (see qixin.demo.seed): a year of organizational
life for every branch (and party group), with a realistic share of branches behind, two education
campaigns, resolutions with some overdue, and full attendance rows for the demo secretary's branch.

Dated from the day the demo is loaded (ctx.today): the twelve months before this one and this one up to
yesterday are held; what falls on today or later is planned (已安排), so the coming days have meetings."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from qixin.core.periods import add_months
from qixin.core.services import system_user
from qixin.demo.context import Context
from qixin.orgs.models import Organization, OrgKind, Position, PositionTitle
from qixin.people.models import Category, Membership

from . import services
from .models import Attendance, AttendanceStatus, Campaign, Meeting, MeetingKind, MeetingStatus, Resolution
from .rulebook import DEFAULT_TOPICS

TZ = ZoneInfo("Asia/Shanghai")
PLACES = ["党员活动室", "车间会议室", "党建阵地", "培训中心", "线上会议"]
THEMES = ["“品牌+”主题党日", "学习贯彻会议精神", "岗位建功", "降本增效攻坚", "志愿服务", "安全生产"]
RESOLUTIONS = [
    "完善党员责任区划分",
    "开展降本金点子征集",
    "走访困难职工家庭",
    "组建党员突击队攻关质量问题",
    "推进“八个必过”落实",
]


def _at(day: date, hour: int) -> datetime:
    return datetime.combine(day, time(hour, 0), tzinfo=TZ)


DEMO_TOPICS = [*DEFAULT_TOPICS["topics"], "安全生产", "质量提升", "降本增效"]


def seed(ctx: Context) -> None:
    kinds = {k.code: k for k in MeetingKind.objects.filter(owner__isnull=True)}
    start = date(ctx.today.year - 1, ctx.today.month, 1)  # one year back from the first of this month
    root = ctx.roots[0] if ctx.roots else None
    if root is None or not ctx.branches:
        return
    people = _people(ctx)
    campaigns = _campaigns(ctx, root, start)
    # The enterprise completes the article's five topics to its eight (RULES.md: editable data).
    services.topics_set(
        actor=system_user(),
        org=root,
        name="八个必过",
        topics=DEMO_TOPICS,
        effective_from=start,
        basis="本企业党委会议决定：在参考文章所列五项之外，补充安全生产、质量提升、降本增效",
    )
    meetings = _meetings(ctx, kinds, start, people, campaigns)
    Meeting.objects.bulk_create(meetings, batch_size=2000)
    resolutions, attendance = _records(ctx, meetings, people)
    held = sum(1 for m in meetings if m.status == MeetingStatus.HELD)
    ctx.log(
        f"  组织生活：{held}次会议，{len(resolutions)}项决议，{len(campaigns)}项专题教育，{len(attendance)}条出席记录"
    )


@dataclass(frozen=True)
class _People:
    """The members by branch, the party groups by branch, and the demo secretary's branch."""

    by_branch: dict[int, list[Membership]]
    by_group: dict[int, int]
    groups: dict[int, list[Organization]]
    secretary_branch: int | None
    secretary_groups: set[int]
    stragglers: dict[int, date]


def _people(ctx: Context) -> _People:
    by_branch: dict[int, list[Membership]] = defaultdict(list)
    by_group: dict[int, int] = defaultdict(int)
    for m in ctx.members:
        by_branch[m.branch_id].append(m)
        if m.party_group_id:
            by_group[m.party_group_id] += 1
    groups: dict[int, list[Organization]] = defaultdict(list)
    branch_paths = {b.path: b for b in ctx.branches}
    for group in Organization.objects.filter(kind=OrgKind.GROUP).order_by("path"):
        branch = branch_paths.get(group.path[: -group.steplen])
        if branch is not None:
            groups[branch.pk].append(group)

    secretary_post = (
        Position.objects.filter(
            title=PositionTitle.SECRETARY, organization__kind=OrgKind.BRANCH, person__user__isnull=False
        )
        .values_list("organization_id", "person_id")
        .first()
    )
    secretary_branch, secretary_id = secretary_post or (None, None)
    # The demo secretary's branch records its party groups' meetings person by person too, and two
    # of its members stopped coming: one seven months ago, one four (组织生活预警 has something to show).
    secretary_groups = {g.pk for g in groups.get(secretary_branch or 0, [])}
    regulars = [m for m in by_branch.get(secretary_branch or 0, []) if m.person_id != secretary_id]
    stragglers = {
        m.person_id: add_months(ctx.today, -months)
        for m, months in zip(sorted(regulars, key=lambda m: m.person_id)[-2:], (7, 4), strict=False)
    }
    return _People(by_branch, by_group, groups, secretary_branch, secretary_groups, stragglers)


def _campaigns(ctx: Context, root: Organization, start: date) -> list[Campaign]:
    year = ctx.last_year_of(3, 1)  # this year's, once it has begun (in March)
    return Campaign.objects.bulk_create(
        [
            Campaign(
                organization=root,
                name="“克难奋进、共度时艰”专题教育",
                starts_on=date(year, 3, 1),
                ends_on=date(year, 12, 31),
                required_sessions=2,
                description="各党支部结合岗位实际开展专题学习和研讨，每个党支部至少开展2次。",
            ),
            Campaign(
                organization=root,
                name="“四史”学习教育",
                starts_on=start,
                ends_on=date(ctx.today.year, 6, 30),
                required_sessions=1,
                description="学习党史、新中国史、改革开放史、社会主义发展史。",
            ),
        ]
    )


def _meetings(
    ctx: Context,
    kinds: dict[str, MeetingKind],
    start: date,
    people: _People,
    campaigns: list[Campaign],
) -> list[Meeting]:
    """A year of each branch's meetings (a few branches fall behind), not yet saved: the twelve months
    before this one, and this one (held before today, planned from today)."""
    rng = ctx.rng
    months = [add_months(start, i) for i in range(13)]
    this_month = months[-1]
    topics = list(DEMO_TOPICS)
    meetings: list[Meeting] = []

    def add(org: Organization, code: str, day: date, should: int, diligence: float, **extra: object) -> None:
        meetings.append(_meeting(ctx, kinds, topics, org, code, day, should, diligence, **extra))

    # A realistic share of branches falls behind somewhere: one in ten (at least one).
    laggards = {b.pk for b in rng.sample(ctx.branches, max(1, len(ctx.branches) // 10))}
    for branch in ctx.branches:
        members = people.by_branch.get(branch.pk, [])
        should = len(members)
        if should == 0:
            continue
        behind = branch.pk in laggards
        skip = 0.2 if behind else 0.002
        diligence = rng.uniform(0.78, 0.9) if behind else rng.uniform(0.88, 0.98)
        full = sum(1 for m in members if m.category == Category.FULL)
        theme_planned = False
        for month in months:
            if rng.random() > skip:
                day = month + timedelta(days=rng.randrange(3, 20))
                theme_planned = day >= ctx.today
                add(branch, "theme_day", day, should, diligence)
            if full >= 7 and rng.random() > skip:
                add(
                    branch,
                    "branch_committee",
                    month + timedelta(days=rng.randrange(1, 5)),
                    min(full, 5),
                    0.95,
                )
            for group in people.groups.get(branch.pk, []):
                if rng.random() > skip:
                    add(
                        group,
                        "group_meeting",
                        month + timedelta(days=rng.randrange(5, 25)),
                        people.by_group[group.pk],
                        diligence,
                    )
            if (month.month - 1) % 3 == 0:
                lecture_campaign = (
                    campaigns[0] if month >= campaigns[0].starts_on and rng.random() < 0.7 else None
                )
                if lecture_campaign is None and month < campaigns[1].ends_on and rng.random() < 0.5:
                    lecture_campaign = campaigns[1]
                if rng.random() > skip:
                    add(
                        branch,
                        "party_congress",
                        month + timedelta(days=rng.randrange(20, 80)),
                        should,
                        diligence,
                    )
                if rng.random() > skip:
                    add(
                        branch,
                        "party_lecture",
                        month + timedelta(days=rng.randrange(10, 80)),
                        should,
                        diligence,
                        campaign=lecture_campaign,
                    )
        # The yearly ones: last year's in December, this year's by some already in October.
        for code in ("life_meeting", "democratic_review"):
            add(branch, code, date(ctx.today.year - 1, 12, rng.randrange(5, 25)), should, diligence)
            if rng.random() < (0.15 if behind else 0.35):
                day = date(ctx.today.year, 10, rng.randrange(10, 28))
                if day < ctx.today:
                    add(branch, code, day, should, diligence)
        if rng.random() < (0.5 if behind else 0.85):
            add(branch, "heart_talk", ctx.ago(rng.randrange(20, 240)), min(should, 6), 1.0)
        if not theme_planned:  # this month's is behind it: next month's is planned already
            day = add_months(this_month, 1) + timedelta(days=rng.randrange(3, 20))
            add(branch, "theme_day", day, should, diligence)
        if branch.pk == people.secretary_branch:
            # The demo secretary has a meeting to prepare in the coming days.
            week = ctx.today + timedelta(days=7)
            if not any(m.organization_id == branch.pk and ctx.today <= m.held_on < week for m in meetings):
                soon = ctx.today + timedelta(days=rng.randrange(1, 7))
                add(branch, "branch_committee" if full >= 7 else "party_lecture", soon, min(full, 5), 0.95)
    return meetings


def _meeting(
    ctx: Context,
    kinds: dict[str, MeetingKind],
    topics: list[str],
    org: Organization,
    code: str,
    day: date,
    should: int,
    diligence: float,
    **extra: object,
) -> Meeting:
    """A meeting of `org` on `day` (held before today, planned after), with counts drawn at random."""
    rng = ctx.rng
    present = sum(1 for _ in range(should) if rng.random() < diligence)
    excused = min(should - present, sum(1 for _ in range(should - present) if rng.random() < 0.7))
    covered = (
        rng.sample(topics, rng.randint(0, 2))
        if code in ("theme_day", "party_congress", "party_lecture")
        else []
    )
    hour = rng.choice([9, 10, 14, 15])
    return Meeting(
        organization=org,
        kind=kinds[code],
        title=rng.choice(THEMES) if code == "theme_day" else "",
        status=MeetingStatus.HELD if day < ctx.today else MeetingStatus.PLANNED,
        starts_at=_at(day, hour),
        ends_at=_at(day, hour + 2),
        held_on=day,
        place=rng.choice(PLACES),
        topics=covered if day < ctx.today else [],
        checkin_token=f"{rng.getrandbits(128):032x}",
        should_attend=should,
        present_count=present if day < ctx.today else 0,
        excused_count=excused if day < ctx.today else 0,
        absent_count=should - present - excused if day < ctx.today else 0,
        recorded_at=_at(day, hour + 3) if day < ctx.today else None,
        **extra,
    )


def _records(
    ctx: Context, meetings: list[Meeting], people: _People
) -> tuple[list[Resolution], list[Attendance]]:
    """The resolutions of held meetings, and attendance person by person where the demo shows it."""
    rng = ctx.rng
    resolutions: list[Resolution] = []
    attendance: list[Attendance] = []
    recounted: list[Meeting] = []
    owners = {b: ms for b, ms in people.by_branch.items()}
    for meeting in meetings:
        if meeting.status != MeetingStatus.HELD:
            continue
        if meeting.kind.code == "party_congress" and rng.random() < 0.5:
            pool = owners.get(meeting.organization_id) or []
            due = meeting.held_on + timedelta(days=rng.randrange(30, 120))
            done = due - timedelta(days=rng.randrange(0, 20)) if rng.random() < 0.8 else None
            resolutions.append(
                Resolution(
                    meeting=meeting,
                    text=rng.choice(RESOLUTIONS),
                    owner_id=rng.choice(pool).person_id if pool else None,
                    due_on=due,
                    done_on=done if done and done < ctx.today else None,
                    follow_up="已按期完成。" if done and done < ctx.today else "",
                )
            )
        if meeting.campaign_id is not None or meeting.organization_id == people.secretary_branch:
            members = people.by_branch.get(meeting.organization_id, [])
            attendance += _attendance(ctx, meeting, members, people.stragglers)
        elif meeting.organization_id in people.secretary_groups:
            members = [
                m
                for m in people.by_branch[people.secretary_branch or 0]
                if m.party_group_id == meeting.organization_id
            ]
            attendance += _attendance(ctx, meeting, members, people.stragglers)
        else:
            continue
        if (
            meeting.organization_id == people.secretary_branch
            or meeting.organization_id in people.secretary_groups
        ):
            recounted.append(meeting)
    Resolution.objects.bulk_create(resolutions, batch_size=2000)
    Attendance.objects.bulk_create(attendance, batch_size=5000)
    Meeting.objects.bulk_update(recounted, ["present_count", "excused_count", "absent_count"])
    return resolutions, attendance


def _attendance(
    ctx: Context, meeting: Meeting, members: list[Membership], stragglers: dict[int, date]
) -> list[Attendance]:
    """Attendance rows matching the meeting's counts (present first, then excused, then absent);
    members who stopped coming (`stragglers`, since when) last, so absent when anyone is."""
    order = list(members)
    ctx.rng.shuffle(order)
    order.sort(key=lambda m: stragglers.get(m.person_id, date.max) <= meeting.held_on)
    away = sum(1 for m in order if stragglers.get(m.person_id, date.max) <= meeting.held_on)
    over = meeting.present_count + meeting.excused_count - (len(order) - away)
    if away and over > 0:  # a full meeting: the stragglers were not there after all
        excused = min(over, meeting.excused_count)
        meeting.excused_count -= excused
        meeting.present_count -= over - excused
        meeting.absent_count += over
    rows = []
    for i, m in enumerate(order):
        if i < meeting.present_count:
            status, reason = AttendanceStatus.PRESENT, ""
        elif i < meeting.present_count + meeting.excused_count:
            status, reason = AttendanceStatus.EXCUSED, ctx.rng.choice(["出差", "病假", "倒班", "培训"])
        else:
            status, reason = AttendanceStatus.ABSENT, ""
        rows.append(
            Attendance(
                meeting=meeting,
                person_id=m.person_id,
                status=status,
                reason=reason,
                has_vote=m.category == Category.FULL,
            )
        )
    return rows
