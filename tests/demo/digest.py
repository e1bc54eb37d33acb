"""A digest of the demo data that does not depend on row ids (they differ between databases and runs of
the suite): the records of a few tables by what identifies them, sorted. Used in-process and by a
fresh process that loads the demo through the command line (tests/demo/test_demo_today.py)."""

from __future__ import annotations

import hashlib
from typing import Any

from qixin.advocacy.models import Share
from qixin.brand.models import Deed, Recognition
from qixin.care.models import Ticket
from qixin.improve.models import Project, Suggestion
from qixin.life.models import Meeting, Resolution
from qixin.mobilize.models import Mission, Team
from qixin.orgs.models import Election, Position
from qixin.people.models import Membership, Person

# (model, the fields read; related ones by their natural keys). Record timestamps (created_at), the
# encrypted fields and the secret tokens are left out: they are not the demo's content.
TABLES: list[tuple[Any, tuple[str, ...]]] = [
    (Person, ("employee_no", "name", "gender", "birth_date", "hired_on", "organization__code")),
    (Membership, ("person__employee_no", "joined_on", "category", "full_on", "lost_contact_since")),
    (Position, ("organization__code", "person__employee_no", "title", "started_on")),
    (Election, ("organization__code", "held_on", "term_years")),
    (
        Meeting,
        ("organization__code", "kind__code", "status", "starts_at", "held_on", "place", "present_count"),
    ),
    (Resolution, ("meeting__organization__code", "meeting__held_on", "text", "due_on", "done_on")),
    (
        Ticket,
        (
            "organization__code",
            "kind",
            "status",
            "submitted_at",
            "first_response_at",
            "closed_at",
            "close_due",
        ),
    ),
    (Deed, ("person__employee_no", "done_on", "description")),
    (Recognition, ("kind", "year", "person__employee_no", "recipient_org__code")),
    (Team, ("name", "kind", "formed_on", "disbanded_on")),
    (Mission, ("name", "kind", "starts_on", "ends_on", "status")),
    (Share, ("person__employee_no", "shared_on", "channel", "reach")),
    (Project, ("code", "stage", "started_on", "stage_changed_on")),
    (Suggestion, ("title", "status", "submitted_at", "decided_on")),
]


def digest() -> dict[str, str]:
    """Per table: how many records, and a hash of them."""
    result = {}
    for model, fields in TABLES:
        rows = sorted(repr(row) for row in model.objects.values_list(*fields))
        text = "\n".join(rows).encode()
        result[model._meta.label] = f"{len(rows)}:{hashlib.sha256(text).hexdigest()[:16]}"
    return result
