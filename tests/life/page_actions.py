"""The page actions of organizational life in the refusal matrix and the form fuzz of
tests/test_page_actions.py: a planned meeting of branch b1 and a held one with a resolution."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from qixin.core.services import system_user
from qixin.life import services
from qixin.life.models import MeetingKind

STAFF_REFUSED = ("member", "employee", "other_secretary")

# url name: (the record its pk names, who may not take it, values that pass its form)
ACTIONS: dict[str, tuple[str, tuple[str, ...], dict[str, str]]] = {
    "life:meeting_cancel": ("life_planned", STAFF_REFUSED, {"reason": "改期"}),
    "life:resolution_add": (
        "life_held",
        STAFF_REFUSED,
        {"text": "开展结对帮扶", "voted": "", "owner": "", "due_on": str(timezone.localdate())},
    ),
    "life:resolution_follow_up": (
        "life_resolution",
        STAFF_REFUSED,
        {"follow_up": "已落实", "done_on": str(timezone.localdate())},
    ),
    # A file cannot be among the values posted: refused before its form is read.
    "life:attachment_add": ("life_held", STAFF_REFUSED, {}),
}
ALLOWED = dict.fromkeys(ACTIONS, "secretary")


def _meeting(branch: Any, days: int) -> Any:
    starts = timezone.now() + dt.timedelta(days=days)
    return services.meeting_plan(
        actor=system_user(),
        org=branch,
        kind=MeetingKind.objects.get(code="theme_day"),
        starts_at=starts,
        ends_at=starts + dt.timedelta(hours=2),
        title="学习会",
    )


def records(world: dict[str, Any]) -> dict[str, Any]:
    b1 = world["b1"]
    held = _meeting(b1, -3)
    attendance = {m.person_id: services.AttendanceEntry("present") for m in services.roster(b1)}
    services.meeting_record(actor=system_user(), meeting=held, attendance=attendance, topics=[])
    resolution = services.resolution_add(actor=system_user(), meeting=held, text="整改落实", voted=False)
    return {"life_planned": _meeting(b1, 3), "life_held": held, "life_resolution": resolution}
