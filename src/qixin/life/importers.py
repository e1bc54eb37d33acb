"""The meetings history file: past meetings with their attendance counts, imported all-or-nothing
and idempotently (a meeting is matched by 组织编码, 会议类型 and start time), and exported in the
same format. Per-person attendance is recorded in the app; a history row carries the counts only."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, time, timedelta
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.utils import timezone

from qixin.core import access, audit, tabular, tabular_kinds
from qixin.core.errors import Problem
from qixin.core.models import User
from qixin.core.rules import rulebooks_for
from qixin.core.tabular import Column, Report, parse_date, text
from qixin.core.tabular_kinds import TabularKind
from qixin.orgs.models import Organization

from . import services
from .models import Meeting, MeetingKind, MeetingStatus
from .permissions import can_import_meetings

if TYPE_CHECKING:
    from .selectors import LapseReport, LapseWarning


def _clock(value: str) -> time:
    try:
        hours, minutes = value.strip().replace("：", ":").split(":")[:2]
        return time(int(hours), int(minutes))
    except ValueError:
        raise tabular.CellError(f"“{value}”不是有效时间，请写成 14:00 的形式") from None


_count = tabular.integer(low=0, high=100000, what="有效人数（0或正整数）")


def _topics(value: str) -> list[str]:
    return [t.strip() for t in value.replace("，", "、").replace(",", "、").split("、") if t.strip()]


COLUMNS = [
    Column("组织编码", "org_code", text, required=True, example="QX-ZZ-01", doc="党支部或党小组的编码"),
    Column(
        "会议类型", "kind_name", text, required=True, example="主题党日", doc="内置类型或本组织新增的类型名称"
    ),
    Column("日期", "day", parse_date, required=True, example="2026-03-15"),
    Column("开始时间", "start", _clock, example="14:00", doc="留空为 09:00"),
    Column("结束时间", "end", _clock, example="16:00", doc="留空为开始后2小时"),
    Column("主题", "title", text, example="“品牌+”主题党日"),
    Column("地点", "place", text, example="党员活动室"),
    Column("应到", "should_attend", _count, required=True, example="32"),
    Column("实到", "present", _count, required=True, example="30"),
    Column("请假", "excused", _count, example="2", doc="留空为0"),
    Column(
        "涉及议题",
        "topics",
        _topics,
        example="形势变化、思想引领",
        doc="以顿号分隔，须在本组织的必过议题清单中",
    ),
    Column("会议记录", "minutes", text, example="学习会议精神。"),
]
HEADERS = [c.header for c in COLUMNS]


def read_meetings(data: bytes, filename: str, actor: User | None) -> list[tuple[int, dict[str, Any]]]:
    rows, problems = tabular.read(data, filename, COLUMNS)
    codes = {v["org_code"] for _, v in rows if v.get("org_code")}
    orgs = {o.code: o for o in Organization.objects.filter(code__in=codes)}
    books = rulebooks_for(list(orgs.values())) if orgs else {}
    kinds = list(MeetingKind.objects.select_related("owner"))
    today = timezone.localdate()
    seen: dict[tuple[str, str, Any], int] = {}
    for number, values in rows:
        org = orgs.get(values.get("org_code", ""))
        if values.get("org_code") and (org is None or not access.reads_org(actor, org)):
            problems.append(Problem(f"找不到组织“{values['org_code']}”", row=number, column="组织编码"))
            continue
        if org is not None and not access.manages_org(actor, org):
            problems.append(Problem(f"组织“{org.code}”不在您的管理范围内", row=number, column="组织编码"))
            continue
        if org is None:
            continue
        kind = next(
            (
                k
                for k in kinds
                if k.name == values.get("kind_name")
                and (k.owner is None or org.path.startswith(k.owner.path))
            ),
            None,
        )
        if kind is None and values.get("kind_name"):
            problems.append(
                Problem(f"“{values['kind_name']}”不是本组织可用的会议类型", row=number, column="会议类型")
            )
        values["org"], values["kind"] = org, kind
        day = values.get("day")
        if day is not None and day > today:
            problems.append(
                Problem("日期不能晚于今天（历史记录只导入已召开的会议）", row=number, column="日期")
            )
        if day is not None:
            start = datetime.combine(
                day, values.get("start") or time(9, 0), tzinfo=timezone.get_current_timezone()
            )
            end = (
                datetime.combine(day, values["end"], tzinfo=timezone.get_current_timezone())
                if values.get("end")
                else start + timedelta(hours=2)
            )
            if end <= start:
                problems.append(Problem("结束时间应晚于开始时间", row=number, column="结束时间"))
            values["starts_at"], values["ends_at"] = start, end
            key = (org.code, values.get("kind_name", ""), start)
            if key in seen:
                problems.append(Problem(f"与第{seen[key]}行是同一次会议", row=number, column="开始时间"))
            seen[key] = number
        should, present, excused = (
            values.get("should_attend"),
            values.get("present"),
            values.get("excused", 0),
        )
        if should is not None and present is not None and present + excused > should:
            problems.append(
                Problem(f"实到{present}名加请假{excused}名超过应到{should}名", row=number, column="实到")
            )
        allowed = books[org.pk].get("life.topics")["topics"] if org.pk in books else []
        extra = [t for t in values.get("topics", []) if t not in allowed]
        if extra:
            problems.append(Problem(f"不在必过议题清单中：{'、'.join(extra)}", row=number, column="涉及议题"))
    if problems:
        raise tabular.refusal(problems, COLUMNS)
    return rows


def _apply_meetings(
    *, actor: User | None, data: bytes, filename: str, dry_run: bool = False, progress: bool = False
) -> Report:
    """Create past meetings (held) or update their counts, topics and minutes. All or nothing."""
    rows = read_meetings(data, filename, actor)
    report = Report(dry_run=dry_run)
    # The meetings already on record, found before the write transaction (one query, not one a row),
    # so that the transaction holds only the writing.
    on_record: dict[tuple[int, int, datetime], Meeting] = {}
    if rows:
        starts = [v["starts_at"] for _, v in rows]
        for known in Meeting.objects.filter(
            organization_id__in={v["org"].pk for _, v in rows},
            starts_at__gte=min(starts),
            starts_at__lte=max(starts),
        ).order_by("pk"):
            # The newest of two at the same time wins, as Meeting's ordering (-starts_at, -id) had it.
            on_record[(known.organization_id, known.kind_id, known.starts_at)] = known
    with transaction.atomic():
        for _number, v in rows:
            values = {
                "title": v.get("title", ""),
                "place": v.get("place", ""),
                "should_attend": v["should_attend"],
                "present_count": v["present"],
                "excused_count": v.get("excused", 0),
                "absent_count": v["should_attend"] - v["present"] - v.get("excused", 0),
                "topics": v.get("topics", []),
                "minutes": v.get("minutes", ""),
            }
            meeting = on_record.get((v["org"].pk, v["kind"].pk, v["starts_at"]))
            label = f"{v['org'].name} {v['day']} {v['kind'].name}"
            if meeting is not None and meeting.status == MeetingStatus.WITHDRAWN:
                # Withdrawing a record is a decision (with its reason): a file neither revives the
                # record nor enters it a second time.
                report.unchanged += 1
                if len(report.changes) < 20:
                    report.changes.append(f"未导入：{label}（该会议记录已撤销）")
            elif meeting is None:
                services.meeting_ledger_create(
                    actor=actor,
                    org=v["org"],
                    kind=v["kind"],
                    starts_at=v["starts_at"],
                    ends_at=v["ends_at"],
                    held_on=v["day"],
                    values=values,
                )
                report.created += 1
                if len(report.changes) < 20:
                    report.changes.append(f"新增：{label}")
            elif services.meeting_ledger_update(actor=actor, meeting=meeting, values=values):
                report.updated += 1
                if len(report.changes) < 20:
                    report.changes.append(f"更新：{label}")
            else:
                report.unchanged += 1
        audit.record(
            actor=actor,
            action="import",
            model="life.Meeting",
            object_repr=filename[-200:],
            changes={"created": report.created, "updated": report.updated, "dry_run": dry_run},
        )
        if dry_run:
            transaction.set_rollback(True)
    return report


def _meeting_rows(actor: User | None) -> Iterator[list[Any]]:
    """The meetings held that the actor may see, in the import format."""
    from .selectors import meeting_list_for

    rows = (
        meeting_list_for(actor=actor, status=MeetingStatus.HELD)
        .order_by("organization__path", "starts_at")
        .iterator(chunk_size=2000)
    )
    for m in rows:
        local_start, local_end = timezone.localtime(m.starts_at), timezone.localtime(m.ends_at)
        yield [
            m.organization.code,
            m.kind.name,
            m.held_on,
            f"{local_start:%H:%M}",
            f"{local_end:%H:%M}",
            m.title,
            m.place,
            m.should_attend,
            m.present_count,
            m.excused_count,
            "、".join(m.topics),
            m.minutes,
        ]


MEETINGS = tabular_kinds.register(
    TabularKind(
        key="life_meetings",
        label="会议记录",
        model="life.Meeting",
        columns=COLUMNS,
        apply=_apply_meetings,
        export_rows=_meeting_rows,
        permitted=can_import_meetings,
    )
)
import_meetings, export_meetings = MEETINGS.run, MEETINGS.export


LAPSE_HEADERS = [
    "姓名",
    "工号",
    "所在党支部",
    "组织编码",
    "最近一次出席",
    "最近一次请假",
    "起算日期",
    "起算依据",
    "连续未参加组织生活（月）",
    "程度",
    "备注",
]


def lapse_note(warning: LapseWarning) -> str:
    """流动 and 失联 beside a warning: the branch reads the warning differently for them."""
    notes = []
    if warning.floating_to:
        notes.append(f"流动党员（{warning.floating_to}）")
    if warning.lost_contact_since:
        notes.append(f"失联（自{warning.lost_contact_since:%Y-%m-%d}）")
    return "；".join(notes)


def export_lapse(*, actor: User | None, report: LapseReport, path: Any) -> int:
    """The warning list before 自行脱党 (selectors.lapse_list_for, already scoped), one row a member."""
    rows = (
        [
            w.name,
            w.employee_no,
            w.branch_name,
            w.branch_code,
            w.last_present,
            w.last_excused,
            w.counted_from,
            w.counted_from_label,
            w.months,
            f"{w.level}（满{w.lapse_months}个月视为自行脱党）" if w.severe else w.level,
            lapse_note(w),
        ]
        for w in report.warnings
    )
    count = tabular.write(path, LAPSE_HEADERS, rows)
    audit.record(
        actor=actor,
        action="export",
        model="people.Membership",
        object_repr=f"组织生活预警 {str(path)[-180:]}",
        changes={"rows": count},
    )
    return count
