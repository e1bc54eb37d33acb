"""Organizational life's items on the workbench (工作台).

- who keeps a 党委/党总支's organizational life (党务工作者, 管理员): the organizations of the subtree
  behind the rules this year, linked to the compliance page (未达标 only);
- who keeps a branch's (支部书记): the meetings the rules still ask for in the current windows that
  are not even planned, the planned meetings whose time has passed without a record, and the
  members under 组织生活预警;
- a member: the meetings of their branch or party group in the coming days, not yet checked in.
"""

from __future__ import annotations

from collections import Counter
from datetime import date, datetime, timedelta

from django.db.models import Q
from django.utils import timezone

from qixin.core import access
from qixin.core.access import Actor
from qixin.core.workbench import Item, link, source
from qixin.orgs.models import Organization, OrgKind
from qixin.people.models import Membership

from .models import Attendance, AttendanceStatus, Meeting, MeetingStatus
from .permissions import can_see_compliance, can_see_lapse
from .selectors import compliance_for, due_period, lapse_list_for, life_roots_for, year_period

UPCOMING_DAYS = 14  # a member's "meetings to attend": those of the coming two weeks


@source("life.compliance", section="life", reads=("core", "orgs", "people", "life"))
def organizations_behind(actor: Actor) -> list[Item]:
    roots = [
        r
        for r in life_roots_for(actor=actor)
        if r.kind in (OrgKind.COMMITTEE, OrgKind.GENERAL_BRANCH) and can_see_compliance(actor, r)
    ]
    today = timezone.localdate()
    items = []
    for root in roots:
        report = compliance_for(actor=actor, org=root, period=year_period(today), today=today)
        prefix = f"{root.name}：" if len(roots) > 1 else ""
        items.append(
            Item(
                label=prefix + "今年组织生活未达标的组织",
                count=len(report.behind_rows),
                url=link("life:compliance", root.pk, behind="on"),
                urgent=True,
            )
        )
    return items


def _branch_roots(actor: Actor) -> list[Organization]:
    return [r for r in life_roots_for(actor=actor) if r.kind in (OrgKind.BRANCH, OrgKind.GROUP)]


@source("life.branch", section="life", reads=("core", "orgs", "people", "life"))
def branch_duties(actor: Actor) -> list[Item]:
    """The meetings still to plan and the members under 组织生活预警, of each branch the actor keeps."""
    roots = _branch_roots(actor)
    if not roots:
        return []
    today = timezone.localdate()
    planned: list[PlannedRow] = list(
        Meeting.objects.filter(organization__in=roots, status=MeetingStatus.PLANNED).values_list(
            "organization_id", "kind__code", "held_on", "starts_at"
        )
    )
    items = []
    for root in roots:
        prefix = f"{root.name}：" if len(roots) > 1 else ""
        mine = [row for row in planned if row[0] == root.pk]
        items.append(
            Item(
                label=prefix + "本期规定会议尚未安排",
                count=_still_to_plan(actor, root, mine, today),
                url=link("life:index"),
                urgent=True,
            )
        )
        if can_see_lapse(actor, root) and root.kind == OrgKind.BRANCH:
            report = lapse_list_for(actor=actor, org=root, today=today)
            items.append(
                Item(
                    label=prefix + "组织生活预警的党员",
                    count=len(report.warnings),
                    url=link("life:lapse", org=root.pk),
                    urgent=True,
                )
            )
    return items


@source("life.unrecorded", section="life")
def meetings_unrecorded(actor: Actor) -> list[Item]:
    """Planned meetings whose time has passed without a record (depends on the hour: not kept)."""
    roots = _branch_roots(actor)
    if not roots:
        return []
    late = Counter(
        Meeting.objects.filter(
            organization__in=roots, status=MeetingStatus.PLANNED, starts_at__lt=timezone.now()
        ).values_list("organization_id", flat=True)
    )
    return [
        Item(
            label=(f"{root.name}：" if len(roots) > 1 else "") + "已到时间未记录的会议",
            count=late[root.pk],
            url=link("life:meetings", root.pk, status=MeetingStatus.PLANNED),
            urgent=True,
        )
        for root in roots
    ]


PlannedRow = tuple[int, str, date, datetime]  # organization id, kind code, day, start


def _still_to_plan(actor: Actor, org: Organization, planned: list[PlannedRow], today: date) -> int:
    """Meetings the rules ask of `org` in their open windows, less those held or planned there."""
    report = compliance_for(actor=actor, org=org, period=due_period(today), today=today)
    row = next((r for r in report.rows if r.org.pk == org.pk), None)
    if row is None:
        return 0
    planned_in: Counter[tuple[str, int]] = Counter()
    for rule in row.rules:
        window = rule.open_window
        if window is None or not window.missing:
            continue
        for _org, code, held_on, _starts in planned:
            if code in rule.frequency.counts and window.window.start <= held_on < window.window.end:
                planned_in[(rule.kind.code, id(window))] += 1
    return sum(
        max(rule.open_window.missing - planned_in[(rule.kind.code, id(rule.open_window))], 0)
        for rule in row.rules
        if rule.open_window is not None
    )


@source("life.mine", section="mine")
def meetings_to_attend(actor: Actor) -> list[Item]:
    scope = access.scope_for(actor)
    if "member" not in scope.roles or scope.person_id is None:
        return []
    today = timezone.localdate()
    current = Membership.objects.filter(person_id=scope.person_id, ended_on__isnull=True)
    meetings = list(
        Meeting.objects.filter(
            Q(organization__in=current.values("branch_id"))
            | Q(organization__in=current.filter(party_group__isnull=False).values("party_group_id")),
            status=MeetingStatus.PLANNED,
            held_on__gte=today,
            held_on__lte=today + timedelta(days=UPCOMING_DAYS),
        )
        .exclude(
            pk__in=Attendance.objects.filter(
                person_id=scope.person_id, status=AttendanceStatus.PRESENT
            ).values("meeting_id")
        )
        .order_by("starts_at")
        .values_list("pk", flat=True)
    )
    url = link("life:meeting", meetings[0]) if len(meetings) == 1 else link("life:index")
    return [Item(label=f"{UPCOMING_DAYS}天内要参加的组织生活", count=len(meetings), url=url)]
