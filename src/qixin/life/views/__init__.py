"""Pages of organizational life. Thin: parse the request, call a service or a selector, render."""

from .campaigns import campaign_detail, campaign_edit, campaign_new, campaigns
from .meetings import (
    checkin,
    meeting_cancel,
    meeting_correct,
    meeting_detail,
    meeting_new,
    meeting_qr,
    meeting_record,
    meeting_withdraw,
    meetings,
)
from .overview import calendar, compliance, index, lapse, lapse_export
from .resolutions import (
    attachment_add,
    attachment_delete,
    attachment_download,
    resolution_add,
    resolution_correct,
    resolution_follow_up,
    resolution_withdraw,
)
from .rules import rules

__all__ = [
    "attachment_add",
    "attachment_delete",
    "attachment_download",
    "calendar",
    "campaign_detail",
    "campaign_edit",
    "campaign_new",
    "campaigns",
    "checkin",
    "compliance",
    "index",
    "lapse",
    "lapse_export",
    "meeting_cancel",
    "meeting_correct",
    "meeting_detail",
    "meeting_new",
    "meeting_qr",
    "meeting_record",
    "meeting_withdraw",
    "meetings",
    "resolution_add",
    "resolution_correct",
    "resolution_follow_up",
    "resolution_withdraw",
    "rules",
]
