"""Every write of organizational life: validated, permission-checked, audited, one transaction.

The rules checked when a meeting is recorded come from RULES.md through the rulebook: an election
needs at least 4/5 of the members with voting rights present; any vote needs more than half of them
present; a resolution passes only when the votes in favour exceed half of all members with voting
rights who should attend (not of those present); probationary members have no vote.
"""

from .attachments import (
    ALLOWED_SUFFIXES,
    MAX_ATTACHMENT_BYTES,
    SIGNATURES,
    attachment_add,
    attachment_delete,
    sniff,
)
from .campaigns import campaign_create, campaign_update
from .checkin import checkin
from .meetings import (
    AttendanceEntry,
    has_vote,
    meeting_cancel,
    meeting_correct,
    meeting_ledger_create,
    meeting_ledger_update,
    meeting_plan,
    meeting_record,
    meeting_withdraw,
    roster,
)
from .reminders import LAPSE_MESSAGE_LENGTH, lapse_reminder_text, reminders_send
from .resolutions import resolution_add, resolution_correct, resolution_follow_up, resolution_withdraw
from .rules import frequency_set, kind_create, rule_set, topics_set

__all__ = [
    "ALLOWED_SUFFIXES",
    "LAPSE_MESSAGE_LENGTH",
    "MAX_ATTACHMENT_BYTES",
    "SIGNATURES",
    "AttendanceEntry",
    "attachment_add",
    "attachment_delete",
    "campaign_create",
    "campaign_update",
    "checkin",
    "frequency_set",
    "has_vote",
    "kind_create",
    "lapse_reminder_text",
    "meeting_cancel",
    "meeting_correct",
    "meeting_ledger_create",
    "meeting_ledger_update",
    "meeting_plan",
    "meeting_record",
    "meeting_withdraw",
    "reminders_send",
    "resolution_add",
    "resolution_correct",
    "resolution_follow_up",
    "resolution_withdraw",
    "roster",
    "rule_set",
    "sniff",
    "topics_set",
]
