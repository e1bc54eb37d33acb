"""Pages of the care teams and committees, by subdomain. Thin: parse the request, call a service or
a selector, render. The public pages (intake, follow-up) are in public_views.py."""

from .calendar import calendar, calendar_remove, stats
from .teams import (
    point_create,
    point_qr,
    point_set_active,
    team_detail,
    team_member_add,
    team_member_remove,
    teams,
)
from .tickets import (
    held,
    index,
    notifications,
    ticket_answer,
    ticket_assign,
    ticket_close,
    ticket_detail,
    ticket_escalate,
    ticket_forward,
    ticket_moderate,
    ticket_note,
    ticket_photo,
    wish_publish,
)
from .wishes import wall, wish_claim, wish_fulfil, wish_release, wish_withdraw

__all__ = [
    "calendar",
    "calendar_remove",
    "held",
    "index",
    "notifications",
    "point_create",
    "point_qr",
    "point_set_active",
    "stats",
    "team_detail",
    "team_member_add",
    "team_member_remove",
    "teams",
    "ticket_answer",
    "ticket_assign",
    "ticket_close",
    "ticket_detail",
    "ticket_escalate",
    "ticket_forward",
    "ticket_moderate",
    "ticket_note",
    "ticket_photo",
    "wall",
    "wish_claim",
    "wish_fulfil",
    "wish_publish",
    "wish_release",
    "wish_withdraw",
]
