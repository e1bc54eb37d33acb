"""Wishes (点亮心愿): publishing, claiming, fulfilling, releasing, withdrawing."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone

from qixin.brand.services import deed_record
from qixin.core import audit
from qixin.core.access import require
from qixin.core.errors import ApplicationError
from qixin.core.models import User
from qixin.core.validation import full_clean
from qixin.orgs.models import Organization, OrgKind

from ..models import MessageKind, Ticket, TicketKind, TicketStatus, Wish, WishStatus
from ..permissions import (
    can_claim_for_branch,
    can_fulfil,
    can_handle,
    can_publish_wish,
    can_release_claim,
    can_withdraw_wish,
)
from ._common import _now, _text
from .submitting import _message


@transaction.atomic
def wish_publish(
    *, actor: User | None, ticket: Ticket, title: str, text: str, now: datetime | None = None
) -> Wish:
    """Put a 心愿 on its organization's wall, only with the wisher's consent. The team writes the
    public wording (without anything that identifies the wisher)."""
    require(can_handle(actor, ticket), hide=True)
    if ticket.kind != TicketKind.WISH:
        raise ApplicationError("not_wish", "只有“心愿”可以上心愿墙。")
    require(can_publish_wish(actor, ticket))
    if Wish.objects.filter(ticket=ticket).exists():
        raise ApplicationError("already_published", "该心愿已在心愿墙上。")
    wish = Wish(
        ticket=ticket,
        organization=ticket.point.organization if ticket.point else ticket.organization,
        title=_text(title, "心愿", maximum=100),
        text=_text(text, "说明"),
        published_at=_now(now),
    )
    full_clean(wish)
    wish.save()
    audit.record(actor=actor, action="care_wish_publish", obj=wish)
    return wish


@transaction.atomic
def wish_claim(
    *, actor: User | None, wish: Wish, branch: Organization | None = None, now: datetime | None = None
) -> Wish:
    """A party member claims a wish for themself, or a branch's secretary for the branch."""
    from qixin.people.models import Membership

    if branch is None:
        person_id = getattr(actor, "person_id", None)
        if (
            not person_id
            or not Membership.objects.filter(person_id=person_id, ended_on__isnull=True).exists()
        ):
            raise ApplicationError("not_member", "只有在册党员可以认领心愿（或以党支部名义认领）。")
        fields: dict[str, Any] = {"claimed_by_person_id": person_id}
    else:
        if branch.kind != OrgKind.BRANCH:
            raise ApplicationError("not_branch", "只能以党支部名义认领。")
        require(can_claim_for_branch(actor, branch))
        fields = {"claimed_by_branch": branch}
    moment = _now(now)
    updated = Wish.objects.filter(pk=wish.pk, status=WishStatus.PUBLISHED).update(
        status=WishStatus.CLAIMED, claimed_at=moment, **fields
    )
    if not updated:
        raise ApplicationError("taken", "该心愿已被认领或已撤下。")
    wish.refresh_from_db()
    audit.record(
        actor=actor, action="care_wish_claim", obj=wish, changes={"branch": branch.code if branch else None}
    )
    return wish


@transaction.atomic
def wish_fulfil(*, actor: User | None, wish: Wish, fulfilment: str, now: datetime | None = None) -> Wish:
    """The wish came true: recorded as the claimant's contribution, answered and closed for the wisher."""
    wish = (
        Wish.objects.select_for_update(of=("self",))
        .select_related("ticket", "claimed_by_branch")
        .get(pk=wish.pk)
    )
    require(can_fulfil(actor, wish))
    if wish.status != WishStatus.CLAIMED:
        raise ApplicationError("not_claimed", "心愿认领之后才能标记为已实现。")
    moment = _now(now)
    wish.fulfilment = _text(fulfilment, "实现情况")
    wish.status = WishStatus.FULFILLED
    wish.fulfilled_at = moment
    wish.contribution_ref = record_contribution(actor=actor, wish=wish)
    wish.save(update_fields=["fulfilment", "status", "fulfilled_at", "contribution_ref", "updated_at"])
    ticket = wish.ticket
    _message(ticket, MessageKind.ANSWER, f"您的心愿已实现：{wish.fulfilment}", actor, moment)
    if ticket.first_response_at is None:
        ticket.first_response_at = moment
    if ticket.status != TicketStatus.CLOSED:
        ticket.status = TicketStatus.CLOSED
        ticket.closed_at = moment
        ticket.result = wish.fulfilment
    ticket.save(update_fields=["first_response_at", "status", "closed_at", "result"])
    audit.record(actor=actor, action="care_wish_fulfil", obj=wish)
    return wish


def record_contribution(*, actor: User | None, wish: Wish) -> str:
    """The one place a fulfilled wish becomes a record of the claiming member's contribution: a deed
    in the brand app (brand.services.deed_record) with the wish as its source. A wish claimed by a
    branch has no single member to credit, so it stays a record of the branch here. Returns the
    deed's id, or "" when there is none."""
    if wish.claimed_by_person is None:
        return ""
    from qixin.core.services import system_user

    assert wish.fulfilled_at is not None
    # Recorded by the system account: the fulfilment was authorized above, the deed follows from it.
    deed = deed_record(
        actor=system_user(),
        person=wish.claimed_by_person,
        pillars=[],
        on=timezone.localdate(wish.fulfilled_at),
        description=f"点亮心愿：{wish.title}。{wish.fulfilment}",
        source=wish,
        source_url=f"/care/wall/{wish.organization_id}/",
    )
    return str(deed.pk)


def _wish_locked(wish: Wish) -> Wish:
    """The wish as it is now, locked until the transaction ends (two people acting on one wish at
    the same moment are served one after the other)."""
    return (
        Wish.objects.select_for_update(of=("self",))
        .select_related(
            "ticket", "ticket__organization", "ticket__team", "claimed_by_person", "claimed_by_branch"
        )
        .get(pk=wish.pk)
    )


@transaction.atomic
def wish_release(*, actor: User | None, wish: Wish, now: datetime | None = None) -> Wish:
    """Give a claimed wish back to the wall (待认领) so someone else may claim it: by the claimant
    (the member themself, or the branch's managers) or whoever handles the ticket, the same people
    who may mark it fulfilled. Who held it is kept in the audit entry and the ticket's handling
    record (not shown to the wisher)."""
    wish = _wish_locked(wish)
    require(can_release_claim(actor, wish))
    if wish.status != WishStatus.CLAIMED:
        raise ApplicationError(
            "not_claimed", f"心愿“{wish.title}”当前为“{wish.get_status_display()}”，没有认领可放弃。"
        )
    claimant = wish.claimant
    held = {
        "person": wish.claimed_by_person.employee_no if wish.claimed_by_person else None,
        "branch": wish.claimed_by_branch.code if wish.claimed_by_branch else None,
        "claimed_at": wish.claimed_at,
    }
    wish.status = WishStatus.PUBLISHED
    wish.claimed_by_person, wish.claimed_by_branch, wish.claimed_at = None, None, None
    full_clean(wish)
    wish.save(update_fields=["status", "claimed_by_person", "claimed_by_branch", "claimed_at", "updated_at"])
    _message(wish.ticket, MessageKind.EVENT, f"解除{claimant}的认领，心愿重新待认领。", actor, _now(now))
    audit.record(actor=actor, action="care_wish_release", obj=wish, changes={"released": held})
    return wish


@transaction.atomic
def wish_withdraw(*, actor: User | None, wish: Wish, reason: str, now: datetime | None = None) -> Wish:
    """Take a wish down from the wall, stating why (the wisher asked, it was already met elsewhere):
    by whoever handles its ticket, as they put it up (wish_publish). A fulfilled wish stays: it is a
    record of what was done. A claimed one may be taken down; the claimant is kept on record. The
    reason goes into the ticket's handling record and the audit entry; the ticket itself is answered
    and closed by its handlers as usual."""
    wish = _wish_locked(wish)
    require(can_withdraw_wish(actor, wish))
    if wish.status == WishStatus.FULFILLED:
        raise ApplicationError("fulfilled", "已实现的心愿不能撤下。")
    if wish.status == WishStatus.WITHDRAWN:
        raise ApplicationError("withdrawn", f"心愿“{wish.title}”已撤下。")
    reason = _text(reason, "撤下原因", maximum=200)
    before = wish.status
    wish.status = WishStatus.WITHDRAWN
    wish.save(update_fields=["status", "updated_at"])
    _message(wish.ticket, MessageKind.EVENT, f"心愿已从心愿墙撤下：{reason}", actor, _now(now))
    audit.record(
        actor=actor,
        action="care_wish_withdraw",
        obj=wish,
        changes={
            "status": [before, WishStatus.WITHDRAWN],
            "claimant": wish.claimant or None,
            "reason": reason,
        },
    )
    return wish
