"""Writes of meetings: planning, recording, cancelling, correcting, withdrawing."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any, TypedDict, Unpack

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from qixin.core import audit
from qixin.core.access import require
from qixin.core.errors import ApplicationError, Problem
from qixin.core.models import User
from qixin.core.rules import rulebook
from qixin.core.services import update_values
from qixin.core.text import chinese_date
from qixin.core.validation import full_clean
from qixin.notices import services as notices
from qixin.orgs.models import COMMITTEE_TITLES, Organization, OrgKind, Position
from qixin.people.models import Category, Membership, Person, Standing

from .. import rulebook as rb
from ..models import Attendance, AttendanceStatus, Campaign, Meeting, MeetingKind, MeetingStatus
from ..permissions import can_keep_life


def _kind_usable(kind: MeetingKind, org: Organization) -> bool:
    return kind.owner is None or org.path.startswith(kind.owner.path)


def roster(org: Organization) -> list[Membership]:
    """Who should attend a meeting of the organization: the current members of a 党支部, or of a
    党小组 for its meetings."""
    rows = Membership.objects.filter(ended_on__isnull=True).select_related("person")
    rows = rows.filter(party_group=org) if org.kind == OrgKind.GROUP else rows.filter(branch=org)
    return list(rows.order_by("category", "person__employee_no"))


def has_vote(membership: Membership) -> bool:
    """Probationary members and members whose party standing is suspended have no vote (RULES.md)."""
    return membership.category == Category.FULL and membership.standing == Standing.NORMAL


def _check_times(starts_at: datetime, ends_at: datetime) -> None:
    if ends_at <= starts_at:
        raise ApplicationError(
            "invalid", "结束时间应晚于开始时间。", [Problem("应晚于开始时间", field="结束时间")]
        )
    if ends_at - starts_at > timedelta(days=3):
        raise ApplicationError("invalid", "会议时长超过3天，请检查开始和结束时间。")


def _day_of(starts_at: datetime) -> date:
    """The day a meeting counts for: the date of its start in local (Beijing) time."""
    return timezone.localtime(starts_at).date()


def _check_meeting(
    org: Organization, kind: MeetingKind, starts_at: datetime, ends_at: datetime, campaign: Campaign | None
) -> None:
    """What planning a meeting and correcting one both check: a kind the organization may use, sane
    times, a campaign whose scope covers the organization."""
    if not _kind_usable(kind, org):
        raise ApplicationError(
            "invalid_kind",
            f"会议类型“{kind.name}”不适用于“{org.name}”。",
            [Problem("不适用于本组织", field="会议类型")],
        )
    _check_times(starts_at, ends_at)
    if campaign is not None and not org.path.startswith(campaign.organization.path):
        raise ApplicationError(
            "invalid",
            f"“{org.name}”不在专题教育“{campaign.name}”的范围内。",
            [Problem("不在专题教育的范围内", field="专题教育")],
        )


@transaction.atomic
def meeting_plan(
    *,
    actor: User | None,
    org: Organization,
    kind: MeetingKind,
    starts_at: datetime,
    ends_at: datetime,
    title: str = "",
    place: str = "",
    host: Person | None = None,
    speaker: Person | None = None,
    campaign: Campaign | None = None,
) -> Meeting:
    """Plan a meeting of a 党支部 or 党小组 (a branch may also record it at once: meeting_record)."""
    require(can_keep_life(actor, org))
    if org.kind not in (OrgKind.BRANCH, OrgKind.GROUP, OrgKind.GENERAL_BRANCH, OrgKind.COMMITTEE):
        raise ApplicationError("invalid", "该组织不能召开会议。")
    if not org.is_active:
        raise ApplicationError("org_dissolved", f"“{org.name}”已撤销，不能再安排会议。")
    _check_meeting(org, kind, starts_at, ends_at, campaign)
    expected = roster(org)
    meeting = Meeting(
        organization=org,
        kind=kind,
        title=title.strip(),
        place=place.strip(),
        starts_at=starts_at,
        ends_at=ends_at,
        held_on=_day_of(starts_at),
        host=host,
        speaker=speaker,
        campaign=campaign,
        checkin_token=secrets.token_urlsafe(24),
        should_attend=len(expected),
    )
    full_clean(meeting)
    meeting.save()
    audit.record(
        actor=actor,
        action="create",
        obj=meeting,
        changes={"org": org.code, "kind": kind.name, "starts_at": starts_at, "title": meeting.title},
    )
    _notify_planned(actor, meeting, expected)
    return meeting


def _notify_planned(actor: User | None, meeting: Meeting, expected: list[Membership]) -> None:
    """A meeting plan is a notice to those expected at it (the roster when it was planned): its
    time, place and a link to the meeting, through the notices app (which knows no meeting)."""
    starts, ends = timezone.localtime(meeting.starts_at), timezone.localtime(meeting.ends_at)
    until = f"{ends:%H:%M}" if starts.date() == ends.date() else f"{chinese_date(ends)} {ends:%H:%M}"
    lines = [
        f"{meeting.organization.name}定于{chinese_date(starts)} {starts:%H:%M}至{until}召开{meeting.kind.name}。",
        f"地点：{meeting.place or '另行通知'}。",
    ]
    if meeting.title:
        lines.insert(1, f"主题：{meeting.title}。")
    notices.meeting_notice_publish(
        actor=actor,
        organization=meeting.organization,
        title=f"会议通知：{meeting.title or meeting.kind.name}"[:100],
        body="\n".join(lines),
        reader_ids=[m.person_id for m in expected],
        meeting_id=meeting.pk,
        link_url=reverse("life:meeting", args=[meeting.pk]),
    )


@dataclass(frozen=True)
class AttendanceEntry:
    status: str
    reason: str = ""


def _quorum_problems(
    meeting: Meeting, entries: dict[int, AttendanceEntry], voters: list[int], has_election: bool
) -> list[Problem]:
    """The quorums of RULES.md for a meeting with this attendance; `voters` are the persons who should
    attend with a vote (the roster when recording, the recorded rows when correcting)."""
    book = rulebook(meeting.organization, meeting.held_on)
    problems: list[Problem] = []
    voters_present = [p for p in voters if entries[p].status == AttendanceStatus.PRESENT]
    if has_election:
        num, den = rb.fraction(book.get("life.election_quorum"))
        needed = -(-len(voters) * num // den)  # ceiling
        if len(voters_present) < needed:
            problems.append(
                Problem(
                    f"选举无效：有表决权的党员应到{len(voters)}名，实到{len(voters_present)}名，"
                    f"不足{num}/{den}（至少需要{needed}名）。预备党员没有表决权，不计入。",
                    field="进行选举",
                )
            )
    if meeting.kind.code == rb.COMMITTEE_KIND:
        committee = set(
            Position.objects.filter(
                organization=meeting.organization, ended_on__isnull=True, title__in=COMMITTEE_TITLES
            ).values_list("person_id", flat=True)
        )
        if committee:
            num, den = rb.fraction(book.get("life.committee_quorum"))
            present = sum(
                1 for pid in committee if pid in entries and entries[pid].status == AttendanceStatus.PRESENT
            )
            if present * den <= len(committee) * num:
                problems.append(
                    Problem(
                        f"支部委员会会议须超过半数委员到会：委员{len(committee)}名，到会{present}名。",
                        field="出席情况",
                    )
                )
    return problems


def _record_problems(
    meeting: Meeting, topics: list[str], has_election: bool, speaker: Person | None
) -> list[Problem]:
    """What a record of the meeting (its kind and day as they now stand) must satisfy besides its
    attendance: topics from the rulebook's list in force that day, an election only at a 党员大会, a
    党课 with its speaker."""
    problems: list[Problem] = []
    allowed = rulebook(meeting.organization, meeting.held_on).get("life.topics")["topics"]
    extra = [t for t in topics if t not in allowed]
    if extra:
        problems.append(Problem(f"不在本组织的必过议题清单中：{'、'.join(extra)}", field="涉及的必过议题"))
    if has_election and meeting.kind.code != rb.ELECTION_KIND:
        problems.append(Problem("选举只能在支部党员大会上进行", field="进行选举"))
    if meeting.kind.code == rb.LECTURE_KIND and speaker is None:
        problems.append(Problem("党课须登记授课人", field="授课人"))
    return problems


@transaction.atomic
def meeting_record(
    *,
    actor: User | None,
    meeting: Meeting,
    attendance: dict[int, AttendanceEntry],
    topics: list[str] | None = None,
    minutes: str = "",
    has_election: bool = False,
    host: Person | None = None,
    speaker: Person | None = None,
    title: str | None = None,
    place: str | None = None,
) -> Meeting:
    """Record a meeting as held: who attended (every member of the roster present, excused with a
    reason, or absent), the topics covered from the rulebook's list, the minutes. Rules of RULES.md
    that apply to the meeting are checked; a refusal says what is missing and changes nothing."""
    org = meeting.organization
    require(can_keep_life(actor, org))
    if meeting.status == MeetingStatus.CANCELLED:
        raise ApplicationError("cancelled", "该会议已取消，不能记录。")
    if meeting.status == MeetingStatus.WITHDRAWN:
        raise ApplicationError("withdrawn", "该会议的记录已撤销，不能再记录。")
    members = roster(org)
    problems: list[Problem] = []
    by_person = {m.person_id: m for m in members}
    unknown = set(attendance) - set(by_person)
    if unknown:
        names = "、".join(p.name for p in Person.objects.filter(pk__in=unknown).order_by("employee_no")[:5])
        problems.append(Problem(f"不是“{org.name}”的党员：{names or '（未知人员）'}", field="出席情况"))
    missing = [m.person.name for m in members if m.person_id not in attendance]
    if missing:
        problems.append(
            Problem(
                f"以下党员未登记出席情况：{'、'.join(missing[:10])}" + ("等" if len(missing) > 10 else "")
            )
        )
    for person_id, entry in attendance.items():
        if entry.status not in AttendanceStatus.values:
            problems.append(Problem("出席情况应为出席、请假或缺席", field="出席情况"))
        elif entry.status == AttendanceStatus.EXCUSED and not entry.reason.strip() and person_id in by_person:
            problems.append(
                Problem(f"{by_person[person_id].person.name}请假，须填写请假事由", field="请假事由")
            )
    topics = [t.strip() for t in (topics or []) if t.strip()]
    problems += _record_problems(meeting, topics, has_election, speaker or meeting.speaker)
    if problems:
        raise ApplicationError("meeting_invalid", "会议记录不完整或不符合规定，未保存。", problems)
    voters = [m.person_id for m in members if has_vote(m)]
    problems = _quorum_problems(meeting, attendance, voters, has_election)
    if problems:
        raise ApplicationError("quorum_not_met", "到会人数不符合规定，会议记录未保存。", problems)

    existing = {a.person_id: a for a in meeting.attendance.all()}
    to_create, to_update = [], []
    for membership in members:
        entry = attendance[membership.person_id]
        row = existing.get(membership.person_id)
        reason = entry.reason.strip() if entry.status == AttendanceStatus.EXCUSED else ""
        if row is None:
            to_create.append(
                Attendance(
                    meeting=meeting,
                    person_id=membership.person_id,
                    status=entry.status,
                    reason=reason,
                    has_vote=has_vote(membership),
                )
            )
        else:
            row.status, row.reason, row.has_vote = entry.status, reason, has_vote(membership)
            to_update.append(row)
    Attendance.objects.bulk_create(to_create)
    Attendance.objects.bulk_update(to_update, ["status", "reason", "has_vote"])
    Attendance.objects.filter(meeting=meeting).exclude(person_id__in=by_person).delete()

    before = {"status": meeting.status, "topics": meeting.topics}
    counts = {s: sum(1 for e in attendance.values() if e.status == s) for s in AttendanceStatus.values}
    meeting.should_attend = len(members)
    meeting.present_count = counts[AttendanceStatus.PRESENT]
    meeting.excused_count = counts[AttendanceStatus.EXCUSED]
    meeting.absent_count = counts[AttendanceStatus.ABSENT]
    meeting.topics = topics
    meeting.minutes = minutes.strip()
    meeting.has_election = has_election
    meeting.host = host or meeting.host
    meeting.speaker = speaker or meeting.speaker
    if title is not None:
        meeting.title = title.strip()
    if place is not None:
        meeting.place = place.strip()
    meeting.status = MeetingStatus.HELD
    meeting.recorded_at = timezone.now()
    meeting.recorded_by = actor if actor is not None and actor.pk else None
    full_clean(meeting)
    meeting.save()
    audit.record(
        actor=actor,
        action="record",
        obj=meeting,
        changes={
            **audit.diff(before, {"status": meeting.status, "topics": topics}),
            "present": meeting.present_count,
            "excused": meeting.excused_count,
            "absent": meeting.absent_count,
        },
    )
    return meeting


@transaction.atomic
def meeting_cancel(*, actor: User | None, meeting: Meeting, reason: str = "") -> Meeting:
    require(can_keep_life(actor, meeting.organization))
    if meeting.status == MeetingStatus.CANCELLED:
        raise ApplicationError("cancelled", "该会议已取消。")
    if not meeting.may_be_cancelled:
        raise ApplicationError("already_held", "会议已召开并记录，不能取消；记录有误的，请更正或撤销记录。")
    meeting.status = MeetingStatus.CANCELLED
    meeting.save(update_fields=["status", "updated_at"])
    audit.record(actor=actor, action="cancel", obj=meeting, changes={"reason": reason})
    starts = timezone.localtime(meeting.starts_at)
    notices.meeting_notice_cancel(
        actor=actor,
        organization=meeting.organization,
        meeting_id=meeting.pk,
        title=meeting.title or meeting.kind.name,
        body=f"原定于{chinese_date(starts)} {starts:%H:%M}召开的{meeting.kind.name}取消。"
        + (f"原因：{reason.strip()}。" if reason.strip() else ""),
    )
    return meeting


def _meeting_facts(meeting: Meeting) -> dict[str, Any]:
    """What a correction may change, as the audit entry keeps it before and after."""
    return {
        "kind": meeting.kind.name,
        # in local time, so that before and after read alike whatever time zone they were given in
        "starts_at": timezone.localtime(meeting.starts_at),
        "ends_at": timezone.localtime(meeting.ends_at),
        "held_on": meeting.held_on,
        "title": meeting.title,
        "place": meeting.place,
        "host": meeting.host_id,
        "speaker": meeting.speaker_id,
        "campaign": meeting.campaign_id,
    }


def _reason_required(reason: str, label: str, message: str) -> str:
    reason = reason.strip()
    if not reason:
        raise ApplicationError("reason_required", message, [Problem("不能为空", field=label)])
    if len(reason) > 200:
        raise ApplicationError("invalid", f"{label}不能超过200字。", [Problem("超过200字", field=label)])
    return reason


class MeetingChanges(TypedDict, total=False):
    kind: MeetingKind
    starts_at: datetime
    ends_at: datetime
    title: str
    place: str
    host: Person | None
    speaker: Person | None
    campaign: Campaign | None


MEETING_FIELDS = ("kind", "starts_at", "ends_at", "title", "place", "host", "speaker", "campaign")


@transaction.atomic
def meeting_correct(
    *, actor: User | None, meeting: Meeting, reason: str = "", **changes: Unpack[MeetingChanges]
) -> Meeting:
    """Correct a planned or held meeting: its kind, time, title, place, host, speaker or campaign.

    The checks of planning apply (a kind the organization may use, sane times, the campaign's scope).
    A held meeting is a record that the compliance of its period counts, so correcting it needs a
    reason (更正原因) kept in the audit entry with the values before and after; it cannot be moved
    into the future; and when its kind or day changes, the rules of recording are checked again
    against what was recorded: the topics of the rulebook in force on the new day, an election only
    at a 党员大会 with its 4/5 quorum, more than half of the committee at a 支部委员会会议 (RULES.md,
    Organizational life). Resolutions cannot end up due or done before the meeting that decided them.
    Only the fields given change (a partial update); a new start without a new end keeps the
    meeting's duration. Nothing is written unless everything holds."""
    org = meeting.organization
    require(can_keep_life(actor, org))
    if not meeting.may_be_corrected:
        raise ApplicationError("not_correctable", f"该会议{meeting.get_status_display()}，不能更正。")
    values = update_values(meeting, changes, MEETING_FIELDS)
    if changes.get("starts_at") is not None and changes.get("ends_at") is None:
        values["ends_at"] = values["starts_at"] + (meeting.ends_at - meeting.starts_at)
    try:
        return _meeting_correct(actor, meeting, reason=reason, **values)
    except ApplicationError:
        meeting.refresh_from_db()  # the caller's object shows what is stored, not the refused values
        raise


def _meeting_correct(
    actor: User | None,
    meeting: Meeting,
    *,
    reason: str,
    kind: MeetingKind,
    starts_at: datetime,
    ends_at: datetime,
    title: str,
    place: str,
    host: Person | None,
    speaker: Person | None,
    campaign: Campaign | None,
) -> Meeting:
    held = meeting.status == MeetingStatus.HELD
    _check_meeting(meeting.organization, kind, starts_at, ends_at, campaign)
    before = _meeting_facts(meeting)
    meeting.kind, meeting.starts_at, meeting.ends_at = kind, starts_at, ends_at
    meeting.held_on = _day_of(starts_at)
    meeting.title, meeting.place = title.strip(), place.strip()
    meeting.host, meeting.speaker, meeting.campaign = host, speaker, campaign
    changes = audit.diff(before, _meeting_facts(meeting))
    if not changes:
        return meeting
    if held:
        reason = _reason_required(reason, "更正原因", "更正已召开会议的记录，须填写更正原因。")
        if starts_at > timezone.now():
            raise ApplicationError(
                "invalid",
                "已召开的会议，开始时间不能晚于现在。",
                [Problem("晚于现在", field="开始时间")],
            )
        problems: list[Problem] = []
        if "kind" in changes or "held_on" in changes or "speaker" in changes:
            problems += _record_problems(meeting, list(meeting.topics), meeting.has_election, speaker)
        for resolution in meeting.resolutions.filter(withdrawn_at__isnull=True).order_by("id"):
            if (resolution.due_on and resolution.due_on < meeting.held_on) or (
                resolution.done_on and resolution.done_on < meeting.held_on
            ):
                problems.append(
                    Problem(
                        f"决议“{resolution.text[:30]}”的完成期限或完成日期早于更正后的会议日期，请先更正该决议",
                        field="开始时间",
                    )
                )
        if problems:
            raise ApplicationError("meeting_invalid", "更正后的会议不符合规定，未保存。", problems)
        if "kind" in changes or "held_on" in changes:
            rows = list(meeting.attendance.all())
            entries = {a.person_id: AttendanceEntry(a.status, a.reason) for a in rows}
            voters = [a.person_id for a in rows if a.has_vote]
            problems = _quorum_problems(meeting, entries, voters, meeting.has_election)
            if problems:
                raise ApplicationError(
                    "quorum_not_met", "按更正后的会议类型，到会人数不符合规定，未保存。", problems
                )
    full_clean(meeting)
    meeting.save()
    audit.record(
        actor=actor,
        action="correct",
        obj=meeting,
        changes={**changes, "status": meeting.status, "reason": reason.strip()},
    )
    return meeting


@transaction.atomic
def meeting_withdraw(*, actor: User | None, meeting: Meeting, reason: str) -> Meeting:
    """Withdraw the record of a held meeting entered by mistake (撤销记录), with the reason.

    The meeting is kept, with its attendance, resolutions and attachments, under the status
    WITHDRAWN: every count (compliance, participation, the warning before 自行脱党) reads held meetings
    only, so it stops counting, while what was recorded, by whom, and why it was withdrawn stay
    readable and the audit trail keeps pointing at a row that exists. A planned meeting is cancelled
    instead (meeting_cancel)."""
    require(can_keep_life(actor, meeting.organization))
    if not meeting.may_be_withdrawn:
        raise ApplicationError("not_held", "只有已召开并记录的会议可以撤销记录；尚未召开的会议请取消。")
    reason = _reason_required(reason, "撤销原因", "撤销会议记录，须填写撤销原因。")
    meeting.status = MeetingStatus.WITHDRAWN
    meeting.withdrawn_at = timezone.now()
    meeting.withdrawn_reason = reason
    full_clean(meeting)
    meeting.save(update_fields=["status", "withdrawn_at", "withdrawn_reason", "updated_at"])
    audit.record(
        actor=actor,
        action="withdraw",
        obj=meeting,
        changes={
            "status": [MeetingStatus.HELD, MeetingStatus.WITHDRAWN],
            "reason": reason,
            "kind": meeting.kind.name,
            "held_on": meeting.held_on,
            "present": meeting.present_count,
            "should_attend": meeting.should_attend,
        },
    )
    return meeting


# What a line of the meetings history file (life/importers.py) sets on a meeting held before
# attendance was recorded person by person: counts, topics and minutes.
LEDGER_FIELDS = (
    "title",
    "place",
    "should_attend",
    "present_count",
    "excused_count",
    "absent_count",
    "topics",
    "minutes",
)


def meeting_ledger_create(
    *,
    actor: User | None,
    org: Organization,
    kind: MeetingKind,
    starts_at: datetime,
    ends_at: datetime,
    held_on: date,
    values: dict[str, Any],
) -> Meeting:
    """A held meeting entered from the history file, with its counts (no attendance by person).
    The caller (the import) audits the whole file once, in its transaction."""
    require(can_keep_life(actor, org))
    meeting = Meeting(
        organization=org,
        kind=kind,
        status=MeetingStatus.HELD,
        starts_at=starts_at,
        ends_at=ends_at,
        held_on=held_on,
        checkin_token=secrets.token_urlsafe(24),
        recorded_at=timezone.now(),
        recorded_by=actor if actor is not None and actor.pk else None,
        **{f: values[f] for f in LEDGER_FIELDS},
    )
    meeting.save()
    return meeting


def meeting_ledger_update(*, actor: User | None, meeting: Meeting, values: dict[str, Any]) -> bool:
    """Update a meeting on record from the history file: its counts, topics and minutes, and held.
    A withdrawn record is not revived (the caller says so). Returns whether anything changed."""
    require(can_keep_life(actor, meeting.organization))
    if meeting.status == MeetingStatus.WITHDRAWN:
        raise ApplicationError("withdrawn", "该会议的记录已撤销，不能再导入。")
    if all(getattr(meeting, f) == values[f] for f in LEDGER_FIELDS):
        return False
    for f in LEDGER_FIELDS:
        setattr(meeting, f, values[f])
    meeting.status = MeetingStatus.HELD
    meeting.save()
    return True
