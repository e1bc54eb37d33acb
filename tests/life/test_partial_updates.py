"""The update services of organizational life take a partial update (core.services.model_update):
the fields not given keep their values, the audit entry holds what changed; the history file's
meetings are written through the services, which refuse who does not keep the records."""

import pytest
from tests.builders import D

from qixin.core.errors import ApplicationError
from qixin.core.models import AuditEntry
from qixin.life import services
from qixin.life.models import Meeting

from .conftest import at


def test_a_resolution_correction_changes_only_what_is_given_and_audits_the_reason(world):
    meeting = world.hold("party_congress", at(2026, 5, 8))
    resolution = services.resolution_add(
        actor=world.admin, meeting=meeting, text="整改问题清单", owner=world.full[1], due_on=D(2026, 6, 1)
    )

    services.resolution_correct(
        actor=world.admin, resolution=resolution, reason="期限有误", due_on=D(2026, 7, 1)
    )

    resolution.refresh_from_db()
    assert (resolution.text, resolution.owner, resolution.due_on) == (
        "整改问题清单",
        world.full[1],
        D(2026, 7, 1),
    )
    entry = AuditEntry.objects.filter(action="correct", model="life.Resolution").get()
    assert entry.changes == {"due_on": ["2026-06-01", "2026-07-01"], "reason": "期限有误"}


def test_a_resolution_correction_that_changes_nothing_needs_no_reason_and_is_not_audited(world):
    meeting = world.hold("party_congress", at(2026, 5, 8))
    resolution = services.resolution_add(actor=world.admin, meeting=meeting, text="整改问题清单")

    services.resolution_correct(actor=world.admin, resolution=resolution, reason="", text=" 整改问题清单 ")

    assert not AuditEntry.objects.filter(action="correct", model="life.Resolution").exists()


def test_a_campaign_update_keeps_the_fields_not_given(world):
    campaign = services.campaign_create(
        actor=world.admin,
        org=world.root,
        name="“四史”学习教育",
        starts_on=D(2026, 3, 1),
        ends_on=D(2026, 6, 30),
        required_sessions=2,
        description="学习四史。",
    )

    services.campaign_update(actor=world.admin, campaign=campaign, required_sessions=3)

    campaign.refresh_from_db()
    assert (campaign.name, campaign.ends_on, campaign.required_sessions, campaign.description) == (
        "“四史”学习教育",
        D(2026, 6, 30),
        3,
        "学习四史。",
    )
    entry = AuditEntry.objects.filter(action="update", model="life.Campaign").get()
    assert entry.changes == {"required_sessions": [2, 3]}


def test_the_history_file_writes_through_the_services_which_refuse_a_member(world):
    values = {
        "title": "",
        "place": "",
        "should_attend": 6,
        "present_count": 6,
        "excused_count": 0,
        "absent_count": 0,
        "topics": [],
        "minutes": "",
    }
    starts = at(2026, 4, 10)
    with pytest.raises(ApplicationError) as refused:
        services.meeting_ledger_create(
            actor=world.member_user,
            org=world.branch,
            kind=world.kind("theme_day"),
            starts_at=starts,
            ends_at=at(2026, 4, 10, 16),
            held_on=D(2026, 4, 10),
            values=values,
        )
    assert refused.value.status in (403, 404)
    assert not Meeting.objects.exists()

    meeting = services.meeting_ledger_create(
        actor=world.secretary,
        org=world.branch,
        kind=world.kind("theme_day"),
        starts_at=starts,
        ends_at=at(2026, 4, 10, 16),
        held_on=D(2026, 4, 10),
        values=values,
    )
    assert services.meeting_ledger_update(actor=world.secretary, meeting=meeting, values=values) is False
    assert services.meeting_ledger_update(
        actor=world.secretary, meeting=meeting, values={**values, "present_count": 5, "absent_count": 1}
    )
    assert Meeting.objects.get(pk=meeting.pk).present_count == 5
