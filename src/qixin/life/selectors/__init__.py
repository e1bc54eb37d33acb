"""Every read of organizational life, scoped to what the actor may see.

compliance_for compares the rulebook with the meetings held for a whole subtree in a fixed number of
queries (about eight, whatever the number of branches): organizations, rulebooks, kinds, committees,
campaigns, meetings (one row each, with their attendance counts), overdue resolutions.
"""

from .campaigns import (
    Participation,
    campaign_get_for,
    campaign_list_for,
    campaign_participation_counts,
    campaign_participation_for,
)
from .compliance import (
    OPEN_RESOLUTION,
    CampaignStatus,
    ChildSummary,
    Compliance,
    OrgCompliance,
    RuleStatus,
    TableRow,
    WindowStatus,
    compliance_for,
    compliance_or_empty,
    compliance_table,
    window_totals,
    year_period,
)
from .deadlines import (
    CalendarMonth,
    Due,
    DuePage,
    calendar_for,
    due_page_for,
    due_period,
    upcoming_deadlines_for,
)
from .lapse import LapseReport, LapseSince, LapseWarning, lapse_list_for, lapse_orgs_for
from .meetings import (
    MeetingPage,
    attachment_get_for,
    held_meetings_for,
    meeting_by_token,
    meeting_get_for,
    meeting_list_for,
    meeting_page_for,
    resolution_get_for,
    upcoming_meetings_for,
)
from .reminders import reminders_for, secretary_emails
from .rules import RulebookEntry, RulebookPage, rulebook_page_for
from .scope import kind_get, kinds_for, life_roots_for, org_for_life

__all__ = [
    "OPEN_RESOLUTION",
    "CalendarMonth",
    "CampaignStatus",
    "ChildSummary",
    "Compliance",
    "Due",
    "DuePage",
    "LapseReport",
    "LapseSince",
    "LapseWarning",
    "MeetingPage",
    "OrgCompliance",
    "Participation",
    "RuleStatus",
    "RulebookEntry",
    "RulebookPage",
    "TableRow",
    "WindowStatus",
    "attachment_get_for",
    "calendar_for",
    "campaign_get_for",
    "campaign_list_for",
    "campaign_participation_counts",
    "campaign_participation_for",
    "compliance_for",
    "compliance_or_empty",
    "compliance_table",
    "due_page_for",
    "due_period",
    "held_meetings_for",
    "kind_get",
    "kinds_for",
    "lapse_list_for",
    "lapse_orgs_for",
    "life_roots_for",
    "meeting_by_token",
    "meeting_get_for",
    "meeting_list_for",
    "meeting_page_for",
    "org_for_life",
    "reminders_for",
    "resolution_get_for",
    "rulebook_page_for",
    "secretary_emails",
    "upcoming_deadlines_for",
    "upcoming_meetings_for",
    "window_totals",
    "year_period",
]
