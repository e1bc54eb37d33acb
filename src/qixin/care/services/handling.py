"""Handling tickets: assignment, answers, notes, closing, moderation, escalation."""

from __future__ import annotations

import functools
from collections.abc import Sequence
from datetime import datetime

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from qixin.core import audit
from qixin.core.access import require
from qixin.core.errors import ApplicationError
from qixin.core.models import User
from qixin.orgs.models import Organization

from .. import deadlines
from ..models import CareTeam, MessageKind, Moderation, Ticket, TicketMessage, TicketStatus
from ..permissions import can_handle, can_moderate, is_team_member
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


def overdue_q(now: datetime) -> Q:
    return ~Q(status=TicketStatus.CLOSED) & (
        Q(first_response_at__isnull=True, respond_due__lt=now) | Q(close_due__lt=now)
    )


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
        before = ticket.team.name
        ticket.was_overdue = True
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
                "escalation_level",
                "team",
                "organization",
                "assignee",
                "respond_due",
                "close_due",
            ]
        )
        _message(ticket, MessageKind.EVENT, f"超期未办，由“{before}”升级至“{target.name}”", actor, moment)
        audit.record(
            actor=actor, action="care_escalate", obj=ticket, changes={"from": before, "to": target.name}
        )
        escalated.append(ticket)
        transaction.on_commit(functools.partial(notify_team, ticket.pk, "escalated"))
    return escalated
