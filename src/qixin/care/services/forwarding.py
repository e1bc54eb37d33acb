"""Forwarding a 建议 into the improvement app's suggestion workflow."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from qixin.core import audit
from qixin.core.access import require
from qixin.core.errors import ApplicationError
from qixin.core.models import User
from qixin.improve.models import Category as SuggestionCategory
from qixin.improve.models import Source as SuggestionSource
from qixin.improve.models import SuggestionKind
from qixin.improve.services import suggestion_submit

from ..models import MessageKind, Ticket, TicketKind
from ..permissions import can_handle
from .submitting import _message

# topic → the kind and category of the suggestion it becomes in the improve app.
FORWARD_TOPICS = {
    "cost": (SuggestionKind.COST, SuggestionCategory.MANUFACTURING),
    "quality": (SuggestionKind.RATIONAL, SuggestionCategory.QUALITY),
}


@transaction.atomic
def ticket_forward_suggestion(*, actor: User | None, ticket: Ticket, topic: str) -> Ticket:
    """Forward a 建议 about costs or quality into the improvement suggestion workflow (improve app).

    This is the one place that connects the two apps (care depends on improve, never the reverse)."""
    require(can_handle(actor, ticket), hide=True)
    if ticket.kind != TicketKind.SUGGESTION:
        raise ApplicationError("not_suggestion", "只有“建议”可以转入合理化建议。")
    if topic not in FORWARD_TOPICS:
        raise ApplicationError("invalid", "请选择建议涉及成本还是质量。")
    if ticket.forwarded_ref:
        raise ApplicationError("already_forwarded", "该建议已转入。")
    from qixin.core.services import system_user

    kind, category = FORWARD_TOPICS[topic]
    # The improvement workflow takes channel submissions from the system account (its docstring);
    # the ticket number is the external reference, so forwarding twice cannot create two.
    created = suggestion_submit(
        actor=system_user(),
        organization=ticket.organization,
        text=ticket.body,
        submitter=None,
        source=SuggestionSource.QR,
        kind=kind,
        category=category,
        external_ref=f"care-{ticket.pk}",
        submitted_at=ticket.submitted_at,
    )
    ticket.forwarded_ref = str(created.pk)[:64]
    ticket.save(update_fields=["forwarded_ref"])
    _message(ticket, MessageKind.EVENT, "已转入合理化建议", actor, timezone.now())
    audit.record(actor=actor, action="care_forward", obj=ticket, changes={"ref": ticket.forwarded_ref})
    return ticket
