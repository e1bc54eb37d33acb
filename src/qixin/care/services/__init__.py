"""Every write of the employee voice: validated, permission-checked, audited, one transaction.

Public writes (submitting, replying, rating) have no actor: the follow-up code is the submitter's only
key. They record an audit entry without a source address, and store nothing that identifies the
submitter of an anonymous ticket.
"""

from ..permissions import overdue_q
from ._common import BODY_MAX, BODY_MIN
from .calendar_days import (
    CALENDAR_RANGE_MAX_DAYS,
    WEEKDAY_NAMES,
    CalendarChange,
    calendar_day_remove,
    calendar_day_set,
    calendar_days_set,
)
from .codes import (
    CODE_ALPHABET_RE,
    FORM_EXPIRED,
    FORM_INVALID,
    NO_DEVICE,
    NONCE_RE,
    FormNonce,
    code_digest,
    code_for,
    new_nonce,
    nonce_read,
    normalize_code,
    ticket_by_code,
)
from .forwarding import FORWARD_TOPICS, ticket_forward_suggestion
from .handling import (
    MODERATION_CHANGES,
    held_tickets_moderate,
    ticket_answer,
    ticket_assign,
    ticket_close,
    ticket_escalate,
    ticket_moderate,
    ticket_note,
    tickets_escalate,
)
from .notifications import NOTICE_TEXT, deliveries_retry, notifications_mark_read, notify_team, ticket_url
from .submitting import T, busy_seconds, logger, nonce_max_seconds, ticket_rate, ticket_reply, ticket_submit
from .teams import point_create, point_set_active, team_create, team_member_add, team_member_remove
from .wishes import record_contribution, wish_claim, wish_fulfil, wish_publish, wish_release, wish_withdraw

__all__ = [
    "BODY_MAX",
    "BODY_MIN",
    "CALENDAR_RANGE_MAX_DAYS",
    "CODE_ALPHABET_RE",
    "FORM_EXPIRED",
    "FORM_INVALID",
    "FORWARD_TOPICS",
    "MODERATION_CHANGES",
    "NONCE_RE",
    "NOTICE_TEXT",
    "NO_DEVICE",
    "WEEKDAY_NAMES",
    "CalendarChange",
    "FormNonce",
    "T",
    "busy_seconds",
    "calendar_day_remove",
    "calendar_day_set",
    "calendar_days_set",
    "code_digest",
    "code_for",
    "deliveries_retry",
    "held_tickets_moderate",
    "logger",
    "new_nonce",
    "nonce_max_seconds",
    "nonce_read",
    "normalize_code",
    "notifications_mark_read",
    "notify_team",
    "overdue_q",
    "point_create",
    "point_set_active",
    "record_contribution",
    "team_create",
    "team_member_add",
    "team_member_remove",
    "ticket_answer",
    "ticket_assign",
    "ticket_by_code",
    "ticket_close",
    "ticket_escalate",
    "ticket_forward_suggestion",
    "ticket_moderate",
    "ticket_note",
    "ticket_rate",
    "ticket_reply",
    "ticket_submit",
    "ticket_url",
    "tickets_escalate",
    "wish_claim",
    "wish_fulfil",
    "wish_publish",
    "wish_release",
    "wish_withdraw",
]
