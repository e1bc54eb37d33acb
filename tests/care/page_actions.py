"""The care app's part of the refusal matrix (tests/test_page_actions.py): every staff action of the
employee voice, posted as each kind of user that may not take it, and its form fuzzed."""

from __future__ import annotations

from typing import Any

from tests.builders import intake_form

from qixin.care import services
from qixin.care.models import TicketKind
from qixin.core.services import system_user

STAFF_REFUSED = ("member", "employee", "other_secretary")
# A wish on the wall is for every reader of the branch to claim: a member of the branch may claim it.
WALL_REFUSED = ("other_secretary",)

# url name: (the record its pk names, who may not take it, values that pass its form)
ACTIONS: dict[str, tuple[str, tuple[str, ...], dict[str, str]]] = {
    "care:ticket_answer": ("care_ticket", STAFF_REFUSED, {"body": "已反映给食堂。"}),
    "care:ticket_note": ("care_ticket", STAFF_REFUSED, {"body": "下周回访。"}),
    "care:ticket_close": ("care_ticket", STAFF_REFUSED, {"result": "晚班已有热饭。"}),
    "care:ticket_assign": ("care_ticket", STAFF_REFUSED, {"assignee": "@care_helper"}),
    "care:ticket_moderate": ("care_ticket", STAFF_REFUSED, {"moderation": "hidden"}),
    "care:ticket_escalate": ("care_ticket", STAFF_REFUSED, {"reason": "需公司协调"}),
    "care:ticket_forward": ("care_suggestion", STAFF_REFUSED, {"topic": "cost"}),
    "care:wish_publish": (
        "care_wish_ticket",
        STAFF_REFUSED,
        {"title": "想学游泳", "text": "孩子暑假想学游泳。"},
    ),
    "care:wish_claim": ("care_wish", WALL_REFUSED, {"branch": ""}),
    "care:wish_fulfil": ("care_claimed_wish", STAFF_REFUSED, {"fulfilment": "已联系游泳馆。"}),
    "care:team_member_add": ("care_team", STAFF_REFUSED, {"username": "M1", "is_leader": ""}),
    "care:team_member_remove": ("care_team_member", STAFF_REFUSED, {}),
    "care:point_create": ("care_team", STAFF_REFUSED, {"name": "二车间休息室"}),
    "care:point_set_active": ("care_point", STAFF_REFUSED, {"active": "0"}),
}
ALLOWED: dict[str, str] = {}


def records(world: dict[str, Any]) -> dict[str, Any]:
    """A care team at the first branch (and one above it, to escalate to), its intake point, a
    ticket of each kind the actions need, a wish on the wall and a claimed one."""
    admin = system_user()
    helper = world["users"]["worker"]
    team = services.team_create(actor=admin, organization=world["b1"], name="一支部连心桥")
    services.team_create(actor=admin, organization=world["root"], name="公司连心桥")
    member = services.team_member_add(actor=admin, team=team, user=helper)
    point = services.point_create(actor=admin, team=team, name="一车间休息室")

    def ticket(kind: str, body: str, **extra: Any) -> Any:
        return services.ticket_submit(point=point, kind=kind, body=body, nonce=intake_form(point), **extra)[0]

    wish_ticket = ticket(TicketKind.WISH, "孩子暑假想学游泳", wish_consent=True)
    claimed_ticket = ticket(TicketKind.WISH, "想要一套儿童绘本", wish_consent=True)
    wish = services.wish_publish(
        actor=admin,
        ticket=ticket(TicketKind.WISH, "想学书法", wish_consent=True),
        title="学书法",
        text="想学书法。",
    )
    claimed = services.wish_publish(actor=admin, ticket=claimed_ticket, title="儿童绘本", text="想要绘本。")
    claimed = services.wish_claim(actor=world["users"]["secretary"], wish=claimed, branch=world["b1"])
    return {
        "care_team": team,
        "care_team_member": member,
        "care_helper": helper,
        "care_point": point,
        "care_ticket": ticket(TicketKind.APPEAL, "食堂晚班没有热饭"),
        "care_suggestion": ticket(TicketKind.SUGGESTION, "焊装线可以省电"),
        "care_wish_ticket": wish_ticket,
        "care_wish": wish,
        "care_claimed_wish": claimed,
    }
