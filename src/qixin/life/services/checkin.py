"""Checking in to a meeting with its code."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone

from qixin.core import access, audit
from qixin.core.errors import ApplicationError
from qixin.core.models import User
from qixin.core.rules import rulebook
from qixin.core.text import chinese_moment

from ..models import Attendance, AttendanceStatus, Meeting, MeetingStatus
from .meetings import has_vote, roster


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
            f"签到尚未开始：会议开始前{early}分钟（{chinese_moment(opens)}）起可以签到。",
        )
    if now > meeting.ends_at:
        raise ApplicationError(
            "checkin_closed",
            f"签到已结束：会议已于{chinese_moment(meeting.ends_at)}结束。",
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
