"""The employee voice's lines of the workbench (工作台): the ticket queue of whoever handles tickets,
the wishes waiting on the wall for a branch's managers, the wishes a member claimed, and for every
employee the way to raise a 员工心声 and follow it.

No line ever ties a ticket to an account: a ticket keeps no account of its sender (an anonymous one
keeps nothing; a named one only the name and number typed on the public form, which nobody checks).
So "my tickets" is the follow-up page behind the code given at submission, not a count of tickets;
counting named tickets by employee number would count what anybody typed under that number, and
would show a named sender a list no page of theirs can open.
"""

from __future__ import annotations

from urllib.parse import urlencode

from django.urls import reverse
from django.utils.translation import gettext as _

from qixin.core import access
from qixin.core.access import Actor
from qixin.core.workbench import Item, source

from . import selectors


def _queue_url(**filters: str) -> str:
    url = reverse("care:index")
    return f"{url}?{urlencode(filters)}" if filters else url


@source("care.queue", section="care")
def queue(actor: Actor) -> list[Item]:
    """Whoever handles tickets (a care team's members, the managers of an organization): what is
    still open in their queue, what is past a deadline, what came up to them by 上报/升级."""
    if not selectors.handles_any_ticket(actor):
        return []
    counts = selectors.queue_counts_for(actor=actor)
    return [
        Item(_("待办理的员工心声"), counts.open, _queue_url()),
        Item(_("已超期的员工心声"), counts.overdue, _queue_url(overdue="1"), urgent=True),
        Item(_("上报升级转来的员工心声"), counts.escalated, _queue_url(escalated="1")),
    ]


@source("care.wishes_to_claim", section="care")
def wishes_to_claim(actor: Actor) -> list[Item]:
    """A branch's managers (书记, 党务工作者, administrators) claim wishes for the branch: those still
    waiting on the walls they read."""
    scope = access.scope_for(actor)
    if not (scope.is_admin or scope.manage):
        return []
    count = selectors.wishes_to_claim_count_for(actor=actor)
    return [Item(_("心愿墙上待认领的心愿"), count, reverse("care:wall"))]


@source("care.my_wishes", section="care")
def my_wishes(actor: Actor) -> list[Item]:
    """A party member's own claims, still to fulfil (the wall shows them, with 已实现 to mark)."""
    scope = access.scope_for(actor)
    if scope.person_id is None or "member" not in scope.roles:
        return []
    count = selectors.my_claimed_wishes_count_for(actor=actor)
    return [Item(_("我认领的心愿，待实现"), count, reverse("care:wall"))]


@source("care.raise", section="mine")
def raise_and_follow(actor: Actor) -> list[Item]:
    """Every employee with a record: the public form of the intake point nearest to their
    organization (the same form as behind its QR code, anonymous unless they give their name), and
    the follow-up page where the code given at submission opens the ticket."""
    person_id = access.scope_for(actor).person_id
    if person_id is None:
        return []
    items = []
    point = selectors.intake_point_of_person(person_id)
    if point is not None:
        items.append(
            Item(
                _("提出员工心声"),
                None,
                reverse("care:intake", args=[point.token]),
                note=_("与扫码填写的是同一张表，默认匿名，不与您的账号关联；请记下提交后给出的查询码。"),
            )
        )
    items.append(
        Item(
            _("跟进我的员工心声"),
            None,
            reverse("care:follow_lookup"),
            note=_("凭提交时给出的查询码查看答复、补充说明或评价。"),
        )
    )
    return items
