"""Handling tickets: assignment, answers, notes, closing, moderation, escalation."""

from __future__ import annotations

import functools
from collections.abc import Sequence
from datetime import datetime

from django.db import transaction
from django.utils import timezone

from qixin.core import audit
from qixin.core.access import require
from qixin.core.errors import ApplicationError
from qixin.core.models import User
from qixin.orgs.models import Organization

from .. import deadlines
from ..models import CareTeam, MessageKind, Moderation, Ticket, TicketMessage, TicketStatus
from ..permissions import can_handle, can_moderate, is_escalatable, is_team_member, overdue_q
from ._common import _now, _text
from .notifications import _notify_users, notify_team
from .submitting import _message


def _lock(ticket: Ticket) -> Ticket:
    return (
        Ticket.objects.select_for_update(of=("self",))
        .select_related("team", "organization")
        .get(pk=ticket.pk)
    )


@transaction.atomic
def ticket_assign(*, actor: User | None, ticket: Ticket, assignee: User | None) -> Ticket:
    """Give the ticket to a member of its team (or take it back to the team with None)."""
    require(can_handle(actor, ticket), hide=True)
    ticket = _lock(ticket)
    if assignee is not None and not is_team_member(assignee, ticket.team):
        raise ApplicationError("not_in_team", f"{assignee}不是“{ticket.team.name}”的成员。")
    ticket.assignee = assignee
    ticket.save(update_fields=["assignee"])
    _message(
        ticket, MessageKind.EVENT, f"分派给{assignee}" if assignee else "退回团队", actor, timezone.now()
    )
    audit.record(
        actor=actor, action="care_assign", obj=ticket, changes={"assignee": assignee.pk if assignee else None}
    )
    if assignee is not None and assignee != actor:
        _notify_users(ticket, [assignee], f"{ticket}已分派给您")
    return ticket


@transaction.atomic
def ticket_answer(
    *, actor: User | None, ticket: Ticket, body: str, now: datetime | None = None
) -> TicketMessage:
    """A public answer: the submitter reads it with the follow-up code."""
    require(can_handle(actor, ticket), hide=True)
    ticket = _lock(ticket)
    body = _text(body, "答复")
    moment = _now(now)
    message = _message(ticket, MessageKind.ANSWER, body, actor, moment)
    if ticket.first_response_at is None:
        ticket.first_response_at = moment
    if ticket.status != TicketStatus.CLOSED:
        ticket.status = TicketStatus.ANSWERED
    ticket.save(update_fields=["first_response_at", "status"])
    audit.record(actor=actor, action="care_answer", obj=ticket)
    return message


@transaction.atomic
def ticket_note(
    *, actor: User | None, ticket: Ticket, body: str, now: datetime | None = None
) -> TicketMessage:
    """An internal note: only those who handle the ticket see it."""
    require(can_handle(actor, ticket), hide=True)
    message = _message(ticket, MessageKind.NOTE, _text(body, "备注"), actor, _now(now))
    audit.record(actor=actor, action="care_note", obj=ticket)
    return message


@transaction.atomic
def ticket_close(*, actor: User | None, ticket: Ticket, result: str, now: datetime | None = None) -> Ticket:
    """Close with a result the submitter reads. The submitter may reopen it by replying."""
    require(can_handle(actor, ticket), hide=True)
    ticket = _lock(ticket)
    if ticket.status == TicketStatus.CLOSED:
        raise ApplicationError("already_closed", "该事项已办结。")
    moment = _now(now)
    ticket.result = _text(result, "办理结果")
    ticket.status = TicketStatus.CLOSED
    ticket.closed_at = moment
    if ticket.first_response_at is None:
        ticket.first_response_at = moment
    ticket.save(update_fields=["result", "status", "closed_at", "first_response_at"])
    _message(ticket, MessageKind.EVENT, "办结", actor, moment)
    audit.record(actor=actor, action="care_close", obj=ticket)
    return ticket


# Which moderation a ticket may be given from which. Nobody holds a ticket by hand: HELD is what the
# intake's limits give a submission (ticket_submit), and releasing it sends it to the team.
MODERATION_CHANGES = {
    Moderation.HELD: (Moderation.VISIBLE, Moderation.HIDDEN, Moderation.SPAM),
    Moderation.VISIBLE: (Moderation.HIDDEN, Moderation.SPAM),
    Moderation.HIDDEN: (Moderation.VISIBLE, Moderation.SPAM),
    Moderation.SPAM: (Moderation.VISIBLE, Moderation.HIDDEN),
}


@transaction.atomic
def ticket_moderate(
    *, actor: User | None, ticket: Ticket, moderation: str, now: datetime | None = None
) -> Ticket:
    """Hide a ticket or mark it as spam (or restore it), or release or discard a held submission.
    Nothing is ever deleted.

    Releasing a held submission (待审核 → 正常) puts it into the team's queue as if it came in now:
    the team is notified, and its deadlines count from the release (the team could not see it
    before)."""
    require(can_moderate(actor, ticket), hide=True)
    if moderation not in Moderation.values:
        raise ApplicationError("invalid", "审核状态有误。")
    ticket = _lock(ticket)
    before = ticket.moderation
    if moderation not in MODERATION_CHANGES[Moderation(before)]:
        if moderation == before:
            raise ApplicationError("unchanged", f"{ticket}已是“{Moderation(before).label}”。")
        raise ApplicationError(
            "invalid", f"{ticket}不能由“{Moderation(before).label}”改为“{Moderation(moderation).label}”。"
        )
    moment = _now(now)
    ticket.moderation = moderation
    fields = ["moderation"]
    released = before == Moderation.HELD and moderation == Moderation.VISIBLE
    if released:
        ticket.respond_due, ticket.close_due = deadlines.due_dates(ticket.kind, ticket.organization, moment)
        fields += ["respond_due", "close_due"]
    ticket.save(update_fields=fields)
    label = "放行，转入待办" if released else Moderation(moderation).label
    _message(ticket, MessageKind.EVENT, f"审核：{label}", actor, moment)
    audit.record(
        actor=actor, action="care_moderate", obj=ticket, changes={"moderation": [before, moderation]}
    )
    if released:
        transaction.on_commit(functools.partial(notify_team, ticket.pk, "new"))
    return ticket


@transaction.atomic
def held_tickets_moderate(
    *, actor: User | None, tickets: Sequence[Ticket], moderation: str, now: datetime | None = None
) -> list[Ticket]:
    """Release or discard several held submissions at once (the 待审核 queue after a flood): all or
    none, and only while they are still held (a colleague may have dealt with one meanwhile)."""
    if not tickets:
        raise ApplicationError("none_selected", "请先勾选要处理的事项。")
    if moderation not in (Moderation.VISIBLE, Moderation.SPAM):
        raise ApplicationError("invalid", "请选择放行或标为垃圾信息。")
    done = []
    for ticket in tickets:
        require(can_moderate(actor, ticket), hide=True)
        if _lock(ticket).moderation != Moderation.HELD:
            raise ApplicationError(
                "not_held", f"{ticket}已不在待审核中（已有人处理），请刷新后再试；所选事项均未改动。"
            )
        done.append(ticket_moderate(actor=actor, ticket=ticket, moderation=moderation, now=now))
    return done


def _team_above(org: Organization) -> CareTeam | None:
    """The care team of the nearest organization above `org` that has one."""
    return (
        CareTeam.objects.filter(organization__path__in=org.ancestor_paths(include_self=False), is_active=True)
        .select_related("organization")
        .order_by("-organization__depth", "id")
        .first()
    )


def _is_late(ticket: Ticket, now: datetime) -> bool:
    """overdue_q for one ticket: open, and not answered or not closed in time."""
    if ticket.status == TicketStatus.CLOSED:
        return False
    return (ticket.first_response_at is None and ticket.respond_due < now) or ticket.close_due < now


def _escalate(ticket: Ticket, target: CareTeam, *, actor: User | None, moment: datetime, why: str) -> None:
    """Hand a locked ticket to `target` with fresh deadlines. A ticket past its deadline is marked
    overdue, and the team that let it lapse is kept: the statistics blame it, not the team above."""
    before = ticket.team
    if _is_late(ticket, moment):
        ticket.was_overdue = True
        ticket.lapsed_team = before
    ticket.escalation_level += 1
    ticket.team = target
    ticket.organization = target.organization
    ticket.assignee = None
    respond_due, close_due = deadlines.due_dates(ticket.kind, target.organization, moment)
    if ticket.first_response_at is None:
        ticket.respond_due = respond_due
    ticket.close_due = close_due
    ticket.save(
        update_fields=[
            "was_overdue",
            "lapsed_team",
            "escalation_level",
            "team",
            "organization",
            "assignee",
            "respond_due",
            "close_due",
        ]
    )
    _message(ticket, MessageKind.EVENT, why.format(before=before.name, to=target.name), actor, moment)
    audit.record(
        actor=actor, action="care_escalate", obj=ticket, changes={"from": before.name, "to": target.name}
    )
    transaction.on_commit(functools.partial(notify_team, ticket.pk, "escalated"))


@transaction.atomic
def tickets_escalate(*, actor: User | None, now: datetime | None = None) -> list[Ticket]:
    """Hand every overdue ticket to the care team of the organization above its current team's
    (`qixin care escalate`).

    The new team gets fresh deadlines from now, so running it again changes nothing until they pass
    too; at the top of the tree the ticket is only marked overdue, once.
    """
    from qixin.core.access import is_admin

    require(is_admin(actor))
    moment = _now(now)
    escalated: list[Ticket] = []
    candidates = (
        Ticket.objects.select_for_update(of=("self",))
        .filter(overdue_q(moment), moderation=Moderation.VISIBLE)
        .select_related("organization", "team__organization")
        .order_by("id")
    )
    for ticket in candidates:
        target = _team_above(ticket.team.organization)
        if target is None:
            if not ticket.was_overdue:
                ticket.was_overdue = True
                ticket.save(update_fields=["was_overdue"])
                audit.record(actor=actor, action="care_overdue", obj=ticket)
            continue
        _escalate(ticket, target, actor=actor, moment=moment, why="超期未办，由“{before}”升级至“{to}”")
        escalated.append(ticket)
    return escalated


@transaction.atomic
def ticket_escalate(
    *, actor: User | None, ticket: Ticket, reason: str = "", now: datetime | None = None
) -> Ticket:
    """上报/转办: whoever handles an open ticket hands it to the care team above (the same
    escalation as the overdue one, started by hand)."""
    require(can_handle(actor, ticket), hide=True)
    ticket = (
        Ticket.objects.select_for_update(of=("self",))
        .select_related("organization", "team__organization")
        .get(pk=ticket.pk)
    )
    if not is_escalatable(ticket):
        raise ApplicationError("not_open", f"{ticket}已办结或不在待办中，不能上报。")
    target = _team_above(ticket.team.organization)
    if target is None:
        raise ApplicationError("no_team_above", f"“{ticket.team.name}”之上没有连心桥团队，无法上报。")
    reason = _text(reason, "上报原因", maximum=200, minimum=0)
    why = "由“{before}”上报至“{to}”" + (f"：{reason}" if reason else "")
    _escalate(ticket, target, actor=actor, moment=_now(now), why=why)
    return ticket
