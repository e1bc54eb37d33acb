"""Reads of meetings, their attachments and resolutions, authorized for the actor."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db.models import QuerySet

from qixin.core import access
from qixin.core.access import Actor
from qixin.core.errors import NotFound
from qixin.core.periods import Period
from qixin.orgs.models import Organization

from ..models import Attendance, Meeting, MeetingStatus, Resolution
from ..permissions import can_view_life


def meeting_list_for(
    *,
    actor: Actor,
    org: Organization | None = None,
    status: str = "",
    kind_code: str = "",
    start: date | None = None,
    end: date | None = None,
) -> QuerySet[Meeting]:
    if org is not None:
        rows = Meeting.objects.filter(access.subtree_q(actor, org, "organization__path"))
    else:
        rows = Meeting.objects.filter(access.org_filter(actor, "organization__path"))
    if status:
        rows = rows.filter(status=status)
    if kind_code:
        rows = rows.filter(kind__code=kind_code)
    if start:
        rows = rows.filter(held_on__gte=start)
    if end:
        rows = rows.filter(held_on__lt=end)
    return rows.select_related("organization", "kind").order_by("-starts_at", "-id")


UPCOMING_SHOWN = 10  # the home page's "next meetings": the nearest ten, the full list is a click away


def upcoming_meetings_for(*, actor: Actor, today: date) -> list[Meeting]:
    """The next planned meetings the actor may see, nearest first, at most UPCOMING_SHOWN."""
    rows = meeting_list_for(actor=actor, status=MeetingStatus.PLANNED, start=today).order_by("starts_at")
    return list(rows[:UPCOMING_SHOWN])


def meeting_get_for(*, actor: Actor, pk: int) -> Meeting:
    """Load and authorize: a meeting outside the actor's scope is as missing as an unknown one."""
    meeting = (
        Meeting.objects.select_related("organization", "kind", "host", "speaker", "campaign")
        .filter(pk=pk)
        .first()
    )
    if meeting is None or not can_view_life(actor, meeting.organization):
        raise NotFound()
    return meeting


def meeting_by_token(*, token: str) -> Meeting | None:
    return Meeting.objects.select_related("organization", "kind").filter(checkin_token=token).first()


@dataclass(frozen=True)
class MeetingActions:
    """What the actor may do to the meeting on its page: the keeper's permission and the meeting's
    state, by the predicates the services check (Meeting.may_be_*)."""

    record: bool = False
    correct: bool = False
    cancel: bool = False
    withdraw: bool = False
    resolutions: bool = False
    checkin_code: bool = False

    @classmethod
    def of(cls, meeting: Meeting, *, keeps: bool) -> MeetingActions:
        if not keeps:
            return cls()
        return cls(
            record=meeting.may_be_recorded,
            correct=meeting.may_be_corrected,
            cancel=meeting.may_be_cancelled,
            withdraw=meeting.may_be_withdrawn,
            resolutions=meeting.takes_resolutions,
            checkin_code=meeting.status == MeetingStatus.PLANNED,
        )

    @property
    def any(self) -> bool:
        return self.record or self.correct or self.cancel or self.withdraw


@dataclass
class MeetingPage:
    meeting: Meeting
    attendance: list[Attendance]
    resolutions: list[Resolution]
    attachments: list[Any]
    topics: list[str]
    can_keep: bool
    actions: MeetingActions


def meeting_page_for(*, actor: Actor, pk: int) -> MeetingPage:
    from qixin.core.rules import rulebook

    from ..permissions import can_keep_life

    meeting = meeting_get_for(actor=actor, pk=pk)
    attendance = list(meeting.attendance.select_related("person").order_by("status", "person__employee_no"))
    resolutions = list(meeting.resolutions.select_related("owner").order_by("id"))
    attachments = list(meeting.attachments.all())
    topics = list(rulebook(meeting.organization, meeting.held_on).get("life.topics")["topics"])
    keeps = bool(can_keep_life(actor, meeting.organization))
    return MeetingPage(
        meeting, attendance, resolutions, attachments, topics, keeps, MeetingActions.of(meeting, keeps=keeps)
    )


def attachment_get_for(*, actor: Actor, pk: int) -> Any:
    from ..models import Attachment

    attachment = Attachment.objects.select_related("meeting__organization").filter(pk=pk).first()
    if attachment is None or not can_view_life(actor, attachment.meeting.organization):
        raise NotFound()
    return attachment


def resolution_get_for(*, actor: Actor, pk: int) -> Resolution:
    resolution = Resolution.objects.select_related("meeting__organization", "owner").filter(pk=pk).first()
    if resolution is None or not can_view_life(actor, resolution.meeting.organization):
        raise NotFound()
    return resolution


def held_meetings_for(*, actor: Actor, org: Organization, period: Period) -> QuerySet[Meeting]:
    """Meetings held in the period in the subtree (what the reports count and drill into)."""
    return meeting_list_for(
        actor=actor, org=org, status=MeetingStatus.HELD, start=period.start, end=period.end
    ).order_by("held_on", "id")
