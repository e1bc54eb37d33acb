"""Writes of a meeting's resolutions: adding, following up, correcting, withdrawing."""

from __future__ import annotations

from datetime import date
from typing import Any, TypedDict, Unpack

from django.db import transaction
from django.utils import timezone

from qixin.core import audit
from qixin.core.access import require
from qixin.core.errors import ApplicationError, Problem
from qixin.core.models import User
from qixin.core.services import model_update, update_values
from qixin.core.validation import full_clean
from qixin.people.models import Person

from ..models import AttendanceStatus, Meeting, Resolution
from ..permissions import can_keep_life
from .meetings import _reason_required


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
    if not resolution.meeting.takes_resolutions:
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
    if not meeting.takes_resolutions:
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


class ResolutionChanges(TypedDict, total=False):
    text: str
    owner: Person | None
    due_on: date | None


RESOLUTION_FIELDS = ("text", "owner", "due_on")


def _resolution_facts(resolution: Resolution) -> dict[str, Any]:
    return {"text": resolution.text, "owner": resolution.owner_id, "due_on": resolution.due_on}


@transaction.atomic
def resolution_correct(
    *, actor: User | None, resolution: Resolution, reason: str, **changes: Unpack[ResolutionChanges]
) -> Resolution:
    """Correct what a resolution says, who carries it out and by when (only the fields given: a
    partial update), with the reason (更正原因) kept in the audit entry with the values before and
    after. The votes are not corrected here: a vote recorded wrongly is withdrawn and entered again,
    so that its validity is checked again."""
    require(can_keep_life(actor, resolution.meeting.organization))
    _check_resolution_open(resolution)
    values = update_values(resolution, changes, RESOLUTION_FIELDS)
    values["text"] = values["text"].strip()
    _check_resolution(resolution.meeting, values["text"], values["due_on"])
    owner = values["owner"]
    after = {
        "text": values["text"],
        "owner": owner.pk if owner is not None else None,
        "due_on": values["due_on"],
    }
    if not audit.diff(_resolution_facts(resolution), after):
        return resolution
    reason = _reason_required(reason, "更正原因", "更正决议，须填写更正原因。")

    def with_reason(changed: dict[str, list[Any]]) -> None:
        changed["reason"] = reason  # type: ignore[assignment]  # kept as text beside the diff

    model_update(
        instance=resolution,
        data=values,
        fields=RESOLUTION_FIELDS,
        actor=actor,
        action="correct",
        facts=_resolution_facts,
        after_save=with_reason,
    )
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
