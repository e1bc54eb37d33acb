"""Every write of organizational life: validated, permission-checked, audited, one transaction.

The rules checked when a meeting is recorded come from RULES.md through the rulebook: an election
needs at least 4/5 of the members with voting rights present; any vote needs more than half of them
present; a resolution passes only when the votes in favour exceed half of all members with voting
rights who should attend (not of those present); probationary members have no vote.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from qixin.core import access, audit
from qixin.core.access import require
from qixin.core.errors import ApplicationError, Problem
from qixin.core.models import RuleOverride, User
from qixin.core.rules import REGISTRY, rulebook
from qixin.core.validation import full_clean
from qixin.orgs.models import COMMITTEE_TITLES, Organization, OrgKind, Position
from qixin.people.models import Category, Membership, Person, Standing

from . import rulebook as rb
from .models import (
    Attachment,
    Attendance,
    AttendanceStatus,
    Campaign,
    Meeting,
    MeetingKind,
    MeetingStatus,
    Reminder,
    Resolution,
)
from .permissions import can_keep_life, can_loosen_rules

if TYPE_CHECKING:
    from .selectors import LapseWarning

MAX_ATTACHMENT_BYTES: int = getattr(settings, "QIXIN_LIFE_ATTACHMENT_MAX_BYTES", 10 * 1024 * 1024)
# What a file must start with to be accepted, whatever its name says.
SIGNATURES: list[tuple[bytes, str, str]] = [
    (b"\xff\xd8\xff", "image/jpeg", ".jpg"),
    (b"\x89PNG\r\n\x1a\n", "image/png", ".png"),
    (b"%PDF-", "application/pdf", ".pdf"),
]
ALLOWED_SUFFIXES = {
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".png": "image/png",
    ".pdf": "application/pdf",
}


# --- the rulebook -----------------------------------------------------------------------------------


@transaction.atomic
def kind_create(
    *, actor: User | None, org: Organization, name: str, frequency: dict[str, Any] | None = None
) -> MeetingKind:
    """An organization adds a kind of meeting for its subtree, with an optional frequency."""
    require(can_keep_life(actor, org))
    name = name.strip()
    if not name:
        raise ApplicationError("invalid", "请填写会议类型名称。", [Problem("不能为空", field="名称")])
    if MeetingKind.objects.filter(Q(owner__isnull=True) | Q(owner=org), name=name).exists():
        raise ApplicationError("duplicate_kind", f"会议类型“{name}”已存在。")
    value = rb.check_frequency_value(frequency) if frequency else {}
    if value:
        value = {"counts": [], "committee_only": False, **value}
    kind = MeetingKind(
        owner=org, name=name, code=f"org{org.pk}-{secrets.token_hex(4)}", default_frequency=value
    )
    full_clean(kind)
    kind.save()
    if value and not value["counts"]:
        kind.default_frequency["counts"] = [kind.code]
        kind.save(update_fields=["default_frequency"])
    audit.record(actor=actor, action="create", obj=kind, changes={"name": name, "frequency": value})
    return kind


def _rule_override(
    actor: User | None, org: Organization, key: str, value: Any, effective_from: date, basis: str
) -> RuleOverride:
    """Set a rule for the organization's subtree. Its own managers may ask more than its superior's
    rule (on `effective_from`), not less: loosening is the superior's decision (can_loosen_rules)."""
    parent = Organization.objects.get_parent(org)
    if parent is not None and not can_loosen_rules(actor, org):
        try:
            inherited = rulebook(parent, effective_from).get(key)
        except KeyError:  # a kind the organization added: nothing above it to loosen
            inherited = None
        reason = rb.loosening(key, value, inherited) if inherited is not None else None
        if reason:
            raise ApplicationError(
                "needs_superior",
                f"不能{reason}：这会低于上级党组织（{parent.name}）的要求，须由上级党组织设定。",
            )
    override, _created = RuleOverride.objects.update_or_create(
        organization=org, key=key, effective_from=effective_from, defaults={"value": value, "basis": basis}
    )
    audit.record(actor=actor, action="rule_set", obj=override, changes={"key": key, "value": value})
    return override


@transaction.atomic
def frequency_set(
    *,
    actor: User | None,
    org: Organization,
    kind: MeetingKind,
    frequency: dict[str, Any] | None,
    effective_from: date,
    basis: str = "",
) -> RuleOverride:
    """Set how often a kind must happen in the organization's subtree from a date (None: no
    requirement). Deeper nodes inherit it unless they set their own."""
    require(can_keep_life(actor, org))
    value: dict[str, Any] = {}
    if frequency:
        value = {"counts": [kind.code], "committee_only": False, **rb.check_frequency_value(dict(frequency))}
        if not isinstance(value["counts"], list) or not value["counts"]:
            raise ApplicationError("invalid_rule", "请指定哪些会议类型计入该要求。")
    return _rule_override(actor, org, rb.frequency_key(kind.code), value, effective_from, basis)


@transaction.atomic
def topics_set(
    *,
    actor: User | None,
    org: Organization,
    name: str,
    topics: list[str],
    pattern: str = "",
    every: str = "year",
    effective_from: date,
    basis: str = "",
) -> RuleOverride:
    """The must-cover topic list of an organization (such as the 八个必过) and its pattern ("6+6")."""
    require(can_keep_life(actor, org))
    cleaned = [t.strip() for t in topics if t.strip()]
    if not cleaned:
        raise ApplicationError("invalid_rule", "议题清单不能为空。")
    if len(set(cleaned)) != len(cleaned):
        raise ApplicationError("invalid_rule", "议题清单中有重复的议题。")
    if every not in rb.EVERY_MONTHS:
        raise ApplicationError("invalid_rule", "周期应为每月、每季度、每半年或每年。")
    value = {
        "name": name.strip() or "必过议题",
        "pattern": pattern.strip(),
        "every": every,
        "topics": cleaned,
    }
    return _rule_override(actor, org, "life.topics", value, effective_from, basis)


@transaction.atomic
def rule_set(
    *, actor: User | None, org: Organization, key: str, value: Any, effective_from: date, basis: str = ""
) -> RuleOverride:
    """Any other rule of organizational life (quorums, reminder days)."""
    require(can_keep_life(actor, org))
    if not key.startswith("life.") or key not in REGISTRY:
        raise ApplicationError("invalid_rule", f"没有名为“{key}”的组织生活规则。")
    if type(value) is not type(REGISTRY[key].default):
        raise ApplicationError("invalid_rule", f"规则“{REGISTRY[key].label}”的取值格式不对。")
    if key in (rb.LAPSE_KEY, rb.LAPSE_WARN_KEY):
        rb.check_lapse_value(key, value, rulebook(org, effective_from))
    return _rule_override(actor, org, key, value, effective_from, basis)


# --- meetings ---------------------------------------------------------------------------------------


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
        should_attend=len(roster(org)),
    )
    full_clean(meeting)
    meeting.save()
    audit.record(
        actor=actor,
        action="create",
        obj=meeting,
        changes={"org": org.code, "kind": kind.name, "starts_at": starts_at, "title": meeting.title},
    )
    return meeting


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
    if meeting.status in (MeetingStatus.HELD, MeetingStatus.WITHDRAWN):
        raise ApplicationError("already_held", "会议已召开并记录，不能取消；记录有误的，请更正或撤销记录。")
    meeting.status = MeetingStatus.CANCELLED
    meeting.save(update_fields=["status", "updated_at"])
    audit.record(actor=actor, action="cancel", obj=meeting, changes={"reason": reason})
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


@transaction.atomic
def meeting_correct(
    *,
    actor: User | None,
    meeting: Meeting,
    kind: MeetingKind,
    starts_at: datetime,
    ends_at: datetime,
    title: str,
    place: str,
    host: Person | None,
    speaker: Person | None,
    campaign: Campaign | None,
    reason: str = "",
) -> Meeting:
    """Correct a planned or held meeting: its kind, time, title, place, host, speaker or campaign.

    The checks of planning apply (a kind the organization may use, sane times, the campaign's scope).
    A held meeting is a record that the compliance of its period counts, so correcting it needs a
    reason (更正原因) kept in the audit entry with the values before and after; it cannot be moved
    into the future; and when its kind or day changes, the rules of recording are checked again
    against what was recorded: the topics of the rulebook in force on the new day, an election only
    at a 党员大会 with its 4/5 quorum, more than half of the committee at a 支部委员会会议 (RULES.md,
    Organizational life). Resolutions cannot end up due or done before the meeting that decided them.
    Nothing is written unless everything holds."""
    org = meeting.organization
    require(can_keep_life(actor, org))
    if meeting.status not in (MeetingStatus.PLANNED, MeetingStatus.HELD):
        raise ApplicationError("not_correctable", f"该会议{meeting.get_status_display()}，不能更正。")
    try:
        return _meeting_correct(
            actor, meeting, kind, starts_at, ends_at, title, place, host, speaker, campaign, reason
        )
    except ApplicationError:
        meeting.refresh_from_db()  # the caller's object shows what is stored, not the refused values
        raise


def _meeting_correct(
    actor: User | None,
    meeting: Meeting,
    kind: MeetingKind,
    starts_at: datetime,
    ends_at: datetime,
    title: str,
    place: str,
    host: Person | None,
    speaker: Person | None,
    campaign: Campaign | None,
    reason: str,
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
    if meeting.status != MeetingStatus.HELD:
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


def _check_resolution(meeting: Meeting, text: str, due_on: date | None) -> None:
    """What a resolution's own text and deadline must satisfy, whether entered or corrected."""
    if not text.strip():
        raise ApplicationError("invalid", "请填写决议事项。", [Problem("不能为空", field="决议事项")])
    if due_on is not None and due_on < meeting.held_on:
        raise ApplicationError(
            "invalid", "完成期限不能早于会议日期。", [Problem("早于会议日期", field="完成期限")]
        )


def _check_resolution_open(resolution: Resolution) -> None:
    if resolution.withdrawn_at is not None:
        raise ApplicationError("withdrawn", "该决议已撤销，不能再更改。")
    if resolution.meeting.status != MeetingStatus.HELD:
        raise ApplicationError("withdrawn", "该会议的记录已撤销，其决议不能再更改。")


@transaction.atomic
def resolution_add(
    *,
    actor: User | None,
    meeting: Meeting,
    text: str,
    voted: bool = False,
    votes_for: int | None = None,
    votes_against: int | None = None,
    abstentions: int | None = None,
    owner: Person | None = None,
    due_on: date | None = None,
) -> Resolution:
    """A decision of a recorded meeting. A vote is valid only with more than half of the members
    with voting rights present, and passes only when the votes in favour exceed half of all members
    with voting rights who should attend (RULES.md: not of those present)."""
    require(can_keep_life(actor, meeting.organization))
    if meeting.status != MeetingStatus.HELD:
        raise ApplicationError("not_held", "请先记录会议（出席情况），再登记决议。")
    _check_resolution(meeting, text, due_on)
    resolution = Resolution(meeting=meeting, text=text.strip(), voted=voted, owner=owner, due_on=due_on)
    if voted:
        rows = list(meeting.attendance.filter(has_vote=True).values_list("status", flat=True))
        expected = len(rows)
        present = sum(1 for s in rows if s == AttendanceStatus.PRESENT)
        if present * 2 <= expected:
            raise ApplicationError(
                "vote_invalid",
                f"表决无效：有表决权的党员应到{expected}名，实到{present}名，未超过半数。预备党员没有表决权。",
            )
        if votes_for is None:
            raise ApplicationError("invalid", "表决事项须填写赞成票数。", [Problem("必填", field="赞成票")])
        cast = votes_for + (votes_against or 0) + (abstentions or 0)
        if cast > present:
            raise ApplicationError(
                "vote_invalid",
                f"票数合计{cast}票，超过到会的有表决权党员{present}名。",
                [Problem("票数不能超过到会的有表决权党员人数", field="赞成票")],
            )
        resolution.votes_for, resolution.votes_against, resolution.abstentions = (
            votes_for,
            votes_against,
            abstentions,
        )
        resolution.voters_expected = expected
        resolution.passed = votes_for * 2 > expected
    full_clean(resolution)
    resolution.save()
    audit.record(
        actor=actor,
        action="create",
        obj=resolution,
        changes={"text": resolution.text, "votes_for": votes_for, "passed": resolution.passed},
    )
    return resolution


@transaction.atomic
def resolution_follow_up(
    *, actor: User | None, resolution: Resolution, follow_up: str, done_on: date | None = None
) -> Resolution:
    require(can_keep_life(actor, resolution.meeting.organization))
    _check_resolution_open(resolution)
    before = {"follow_up": resolution.follow_up, "done_on": resolution.done_on}
    resolution.follow_up = follow_up.strip()
    resolution.done_on = done_on
    if done_on is not None and done_on < resolution.meeting.held_on:
        raise ApplicationError(
            "invalid", "完成日期不能早于会议日期。", [Problem("早于会议日期", field="完成日期")]
        )
    resolution.save()
    audit.record(
        actor=actor,
        action="update",
        obj=resolution,
        changes=audit.diff(before, {"follow_up": resolution.follow_up, "done_on": done_on}),
    )
    return resolution


@transaction.atomic
def resolution_correct(
    *,
    actor: User | None,
    resolution: Resolution,
    text: str,
    owner: Person | None,
    due_on: date | None,
    reason: str,
) -> Resolution:
    """Correct what a resolution says, who carries it out and by when, with the reason (更正原因)
    kept in the audit entry with the values before and after. The votes are not corrected here: a
    vote recorded wrongly is withdrawn and entered again, so that its validity is checked again."""
    require(can_keep_life(actor, resolution.meeting.organization))
    _check_resolution_open(resolution)
    _check_resolution(resolution.meeting, text, due_on)
    before = {"text": resolution.text, "owner": resolution.owner_id, "due_on": resolution.due_on}
    after = {"text": text.strip(), "owner": owner.pk if owner is not None else None, "due_on": due_on}
    changes = audit.diff(before, after)
    if not changes:
        return resolution
    reason = _reason_required(reason, "更正原因", "更正决议，须填写更正原因。")
    resolution.text, resolution.owner, resolution.due_on = text.strip(), owner, due_on
    full_clean(resolution)
    resolution.save()
    audit.record(actor=actor, action="correct", obj=resolution, changes={**changes, "reason": reason})
    return resolution


@transaction.atomic
def resolution_withdraw(*, actor: User | None, resolution: Resolution, reason: str) -> Resolution:
    """Withdraw a resolution entered by mistake (with the reason): it stays on the meeting's page,
    marked withdrawn, and is no longer followed up nor counted as overdue."""
    require(can_keep_life(actor, resolution.meeting.organization))
    _check_resolution_open(resolution)
    reason = _reason_required(reason, "撤销原因", "撤销决议，须填写撤销原因。")
    resolution.withdrawn_at = timezone.now()
    resolution.withdrawn_reason = reason
    full_clean(resolution)
    resolution.save(update_fields=["withdrawn_at", "withdrawn_reason", "updated_at"])
    audit.record(
        actor=actor,
        action="withdraw",
        obj=resolution,
        changes={"reason": reason, "meeting": resolution.meeting_id, "text": resolution.text},
    )
    return resolution


def sniff(data: bytes) -> tuple[str, str] | None:
    """The type of a file judged by its first bytes (content), or None when it is not accepted."""
    for signature, content_type, suffix in SIGNATURES:
        if data.startswith(signature):
            return content_type, suffix
    return None


@transaction.atomic
def attachment_add(*, actor: User | None, meeting: Meeting, name: str, data: bytes) -> Attachment:
    """Photos (JPEG, PNG) and PDF only, checked by their content and not only their name; size-limited."""
    require(can_keep_life(actor, meeting.organization))
    name = name.strip().replace("/", "_").replace("\\", "_")[-150:] or "附件"
    if len(data) > MAX_ATTACHMENT_BYTES:
        raise ApplicationError(
            "file_too_large",
            f"文件“{name}”有{len(data) / 1024 / 1024:.1f} MB，超过上限{MAX_ATTACHMENT_BYTES // 1024 // 1024} MB。",
        )
    if not data:
        raise ApplicationError("invalid_file", f"文件“{name}”是空的。")
    sniffed = sniff(data)
    suffix = "." + name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if sniffed is None or suffix not in ALLOWED_SUFFIXES or ALLOWED_SUFFIXES[suffix] != sniffed[0]:
        raise ApplicationError(
            "invalid_file",
            f"文件“{name}”不是照片（JPG、PNG）或 PDF，或内容与扩展名不符，未上传。",
        )
    attachment = Attachment(
        meeting=meeting,
        name=name,
        content_type=sniffed[0],
        size=len(data),
        uploaded_by=actor if actor is not None and actor.pk else None,
    )
    attachment.file.save(f"{secrets.token_hex(8)}{sniffed[1]}", ContentFile(data), save=False)
    attachment.save()
    audit.record(
        actor=actor, action="upload", obj=attachment, changes={"meeting": meeting.pk, "size": len(data)}
    )
    return attachment


@transaction.atomic
def attachment_delete(*, actor: User | None, attachment: Attachment, reason: str = "") -> None:
    """Delete a photo or file of a meeting (uploaded by mistake, or twice). The row goes at once; the
    file leaves storage only once the transaction has committed, so a rollback never leaves a row
    whose file is gone. The audit entry keeps its name, size and stored path."""
    require(can_keep_life(actor, attachment.meeting.organization))
    storage, stored = attachment.file.storage, attachment.file.name
    audit.record(
        actor=actor,
        action="delete",
        obj=attachment,
        changes={
            "meeting": attachment.meeting_id,
            "name": attachment.name,
            "size": attachment.size,
            "file": stored,
            "reason": reason.strip()[:200],
        },
    )
    attachment.delete()
    if stored:
        transaction.on_commit(lambda: storage.delete(stored))


# --- check-in --------------------------------------------------------------------------------------


@transaction.atomic
def checkin(*, actor: User, token: str, now: datetime | None = None) -> Attendance:
    """A member scans the meeting's QR code with their own login: marked present only within the
    meeting's time window, only once, and only as a member of the meeting's organization."""
    now = now or timezone.now()
    meeting = Meeting.objects.select_related("organization").filter(checkin_token=token).first()
    if meeting is None:
        raise ApplicationError(
            "checkin_unknown", "签到码无效：没有找到这次会议，请向支部书记确认。", status=404
        )
    if meeting.status == MeetingStatus.CANCELLED:
        raise ApplicationError("checkin_cancelled", "这次会议已取消，无需签到。")
    if meeting.status == MeetingStatus.WITHDRAWN:
        raise ApplicationError("checkin_cancelled", "这次会议的记录已撤销，无需签到。")
    person_id = access.scope_for(actor).person_id
    org = meeting.organization
    membership = None
    if person_id is not None:
        membership = next((m for m in roster(org) if m.person_id == person_id), None)
    if membership is None or person_id is None:
        raise ApplicationError(
            "checkin_not_member", f"您不是“{org.name}”的党员，不能在这次会议签到。", status=403
        )
    early = int(rulebook(org, meeting.held_on).get("life.checkin_early_minutes"))
    opens = meeting.starts_at - timedelta(minutes=early)
    if now < opens:
        raise ApplicationError(
            "checkin_not_open",
            f"签到尚未开始：会议开始前{early}分钟（{timezone.localtime(opens):%m月%d日 %H:%M}）起可以签到。",
        )
    if now > meeting.ends_at:
        raise ApplicationError(
            "checkin_closed",
            f"签到已结束：会议已于{timezone.localtime(meeting.ends_at):%m月%d日 %H:%M}结束。",
        )
    row = Attendance.objects.select_for_update().filter(meeting=meeting, person_id=person_id).first()
    if row is not None and row.checked_in_at is not None:
        raise ApplicationError(
            "checkin_twice", f"您已于{timezone.localtime(row.checked_in_at):%H:%M}签到，无需重复签到。"
        )
    if row is None:
        row = Attendance(meeting=meeting, person_id=person_id, has_vote=has_vote(membership))
    row.status, row.reason, row.checked_in_at = AttendanceStatus.PRESENT, "", now
    try:
        with transaction.atomic():
            row.save()
    except IntegrityError:  # a second scan at the same instant
        raise ApplicationError("checkin_twice", "您已签到，无需重复签到。") from None
    _recount(meeting)
    audit.record(actor=actor, action="checkin", obj=meeting, changes={"person": person_id})
    return row


def _recount(meeting: Meeting) -> None:
    rows = list(meeting.attendance.values_list("status", flat=True))
    meeting.present_count = sum(1 for s in rows if s == AttendanceStatus.PRESENT)
    meeting.excused_count = sum(1 for s in rows if s == AttendanceStatus.EXCUSED)
    meeting.absent_count = sum(1 for s in rows if s == AttendanceStatus.ABSENT)
    meeting.save(update_fields=["present_count", "excused_count", "absent_count", "updated_at"])


# --- education campaigns ----------------------------------------------------------------------------


def _check_campaign(org: Organization, starts_on: date, ends_on: date, required_sessions: int) -> None:
    if org.kind not in (OrgKind.COMMITTEE, OrgKind.GENERAL_BRANCH):
        raise ApplicationError("invalid", "专题教育由党委或党总支部署。")
    if ends_on < starts_on:
        raise ApplicationError(
            "invalid", "结束日期不能早于开始日期。", [Problem("早于开始日期", field="结束日期")]
        )
    if required_sessions < 1:
        raise ApplicationError("invalid", "应开展次数至少为1次。", [Problem("至少为1", field="应开展次数")])


@transaction.atomic
def campaign_create(
    *,
    actor: User | None,
    org: Organization,
    name: str,
    starts_on: date,
    ends_on: date,
    required_sessions: int,
    description: str = "",
) -> Campaign:
    """A committee sets a 专题教育/学习教育 for its branches with a period and required sessions."""
    require(can_keep_life(actor, org))
    _check_campaign(org, starts_on, ends_on, required_sessions)
    campaign = Campaign(
        organization=org,
        name=name.strip(),
        starts_on=starts_on,
        ends_on=ends_on,
        required_sessions=required_sessions,
        description=description.strip(),
    )
    full_clean(campaign)
    campaign.save()
    audit.record(actor=actor, action="create", obj=campaign, changes={"name": campaign.name, "org": org.code})
    return campaign


@transaction.atomic
def campaign_update(
    *,
    actor: User | None,
    campaign: Campaign,
    name: str,
    starts_on: date,
    ends_on: date,
    required_sessions: int,
    description: str = "",
) -> Campaign:
    """Change a campaign's name, period, required sessions or description, with the checks of
    campaign_create; the organization that set it stays. Audited with the values before and after."""
    require(can_keep_life(actor, campaign.organization))
    _check_campaign(campaign.organization, starts_on, ends_on, required_sessions)
    fields = ("name", "starts_on", "ends_on", "required_sessions", "description")
    before = {f: getattr(campaign, f) for f in fields}
    after = {
        "name": name.strip(),
        "starts_on": starts_on,
        "ends_on": ends_on,
        "required_sessions": required_sessions,
        "description": description.strip(),
    }
    changes = audit.diff(before, after)
    if not changes:
        return campaign
    for f in fields:
        setattr(campaign, f, after[f])
    try:
        full_clean(campaign)
    except ApplicationError:
        campaign.refresh_from_db()
        raise
    campaign.save()
    audit.record(actor=actor, action="update", obj=campaign, changes=changes)
    return campaign


# --- reminders -------------------------------------------------------------------------------------


LAPSE_MESSAGE_LENGTH = 300  # Reminder.message


def lapse_reminder_text(warnings: list[LapseWarning]) -> tuple[str, str]:
    """(the in-app message, the e-mail body) of one branch's warning before 自行脱党: the members
    listed once, the severe ones first. The message names as many as fit, the e-mail all of them."""
    first = warnings[0]
    severe = sum(1 for w in warnings if w.severe)
    head = (
        f"{first.branch_name}：{len(warnings)}名党员已连续{first.warn_months}个月以上未参加组织生活"
        + (f"（其中{severe}名已满{first.lapse_months}个月）" if severe else "")
        + "，请及时了解情况："
    )
    names = [f"{w.name}（{w.employee_no}，{w.months}个月）" for w in warnings]
    message = head + "、".join(names) + "。"
    shown = len(names)
    while len(message) > LAPSE_MESSAGE_LENGTH and shown > 1:
        shown -= 1
        message = head + "、".join(names[:shown]) + f"等{len(names)}名。"
    lines = [
        f"{w.name}（工号{w.employee_no}）：{w.level}，连续{w.months}个月未参加组织生活，"
        f"自{w.counted_from:%Y年%m月%d日}（{w.counted_from_label}）起算"
        for w in warnings
    ]
    body = (
        f"{head.removesuffix('：')}。\n\n"
        + "\n".join(lines)
        + f"\n\n按党章第九条，党员没有正当理由，连续{first.lapse_months}个月不参加党的组织生活，"
        "被认为是自行脱党。请支部谈心谈话、了解原因；有正当理由未参加的，在会议记录中登记请假事由。"
    )
    return message[:LAPSE_MESSAGE_LENGTH], body


@transaction.atomic
def reminders_send(
    *, actor: User | None, today: date | None = None, org: Organization | None = None
) -> list[Reminder]:
    """Remind branch secretaries of requirements still open shortly before their deadline: one
    reminder per organization, rule and window (idempotent), listed in the app and e-mailed to the
    secretaries who have an address.

    Also warn each branch of its members who have long taken no part in organizational life (RULES.md,
    Members: the product warns the branch well before 自行脱党): one reminder per branch and calendar
    month listing them all, so a daily run tells a branch once a month, not once a member or a day."""
    from qixin.life import selectors

    from .permissions import can_see_lapse

    today = today or timezone.localdate()
    roots = [org] if org is not None else selectors.life_roots_for(actor=actor)
    created: list[Reminder] = []
    bodies: dict[int, str] = {}
    month = rb.window_containing(today, "month")
    for root in roots:
        for due in selectors.upcoming_deadlines_for(actor=actor, org=root, today=today):
            reminder, is_new = Reminder.objects.get_or_create(
                organization=due.org,
                rule_key=due.rule_key,
                window_start=due.window.start,
                defaults={"deadline": due.window.deadline, "message": due.message},
            )
            if is_new:
                created.append(reminder)
                bodies[reminder.pk] = f"{reminder.message}\n\n请在截止日期前召开并在旗心中记录。"
        if not can_see_lapse(actor, root):
            continue
        by_branch: dict[int, list[LapseWarning]] = {}
        for warning in selectors.lapse_list_for(actor=actor, org=root, today=today).warnings:
            by_branch.setdefault(warning.branch_id, []).append(warning)
        for branch_id, warnings in by_branch.items():
            message, body = lapse_reminder_text(warnings)
            reminder, is_new = Reminder.objects.get_or_create(
                organization_id=branch_id,
                rule_key=rb.LAPSE_WARN_KEY,
                window_start=month.start,
                defaults={"deadline": month.deadline, "message": message},
            )
            if is_new:
                created.append(reminder)
                bodies[reminder.pk] = body
    emails = selectors.secretary_emails([r.organization_id for r in created])
    for reminder in created:
        recipients = emails.get(reminder.organization_id, [])
        if recipients:
            send_mail(
                subject=f"【旗心】组织生活提醒：{reminder.message[:40]}",
                message=bodies[reminder.pk],
                from_email=None,
                recipient_list=recipients,
            )
            reminder.emailed_to = ",".join(recipients)[:300]
            reminder.save(update_fields=["emailed_to"])
    if created:
        audit.record(actor=actor, action="remind", model="life.Reminder", changes={"count": len(created)})
    return created
