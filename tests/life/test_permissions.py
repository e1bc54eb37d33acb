"""Who may plan and record meetings, set rules, see compliance: a role matrix; a refusal changes nothing."""

import pytest
from tests.builders import D, account, grant

from qixin.core.errors import ApplicationError
from qixin.core.models import Role
from qixin.life import selectors, services
from qixin.life.models import Meeting

from .conftest import at
from .test_compliance import TODAY, YEAR


@pytest.fixture
def party_worker(world):
    user = account("dangwu", password="pw-secret-2026")
    grant(user, Role.PARTY_WORKER, world.root)
    return user


def _actor(world, party_worker, who):
    return {
        "admin": world.admin,
        "party_worker": party_worker,
        "secretary": world.secretary,
        "member": world.member_user,
        "outsider": world.outsider_user,
    }[who]


@pytest.mark.parametrize(
    ("who", "allowed"),
    [("admin", True), ("party_worker", True), ("secretary", True), ("member", False), ("outsider", False)],
)
def test_plan_a_meeting_of_the_branch(world, party_worker, who, allowed):
    actor = _actor(world, party_worker, who)

    def plan():
        return services.meeting_plan(
            actor=actor,
            org=world.branch,
            kind=world.kind("theme_day"),
            starts_at=at(2026, 10, 10),
            ends_at=at(2026, 10, 10, 16),
        )

    if allowed:
        assert plan().organization == world.branch
    else:
        with pytest.raises(ApplicationError) as caught:
            plan()
        assert caught.value.status in (403, 404)
        assert Meeting.objects.count() == 0


@pytest.mark.parametrize(
    ("who", "allowed"),
    [("admin", True), ("party_worker", True), ("secretary", False), ("member", False)],
)
def test_set_a_rule_for_the_committee(world, party_worker, who, allowed):
    actor = _actor(world, party_worker, who)

    def set_rule():
        return services.rule_set(
            actor=actor, org=world.root, key="life.remind_days", value=14, effective_from=D(2026, 1, 1)
        )

    if allowed:
        assert set_rule().value == 14
    else:
        with pytest.raises(ApplicationError):
            set_rule()


@pytest.mark.parametrize(
    ("who", "rows"),
    [
        ("admin", ["Q-1", "Q-2", "Q-3"]),
        ("party_worker", ["Q-1", "Q-2", "Q-3"]),
        ("secretary", None),
        ("member", None),
    ],
)
def test_compliance_of_the_committee(world, party_worker, who, rows):
    actor = _actor(world, party_worker, who)

    if rows is None:
        with pytest.raises(ApplicationError) as caught:
            selectors.compliance_for(actor=actor, org=world.root, period=YEAR, today=TODAY)
        assert caught.value.status == 404
    else:
        report = selectors.compliance_for(actor=actor, org=world.root, period=YEAR, today=TODAY)
        assert [r.org.code for r in report.rows] == rows


def test_secretary_cannot_record_another_branchs_meeting(world):
    meeting = services.meeting_plan(
        actor=world.admin,
        org=world.other,
        kind=world.kind("theme_day"),
        starts_at=at(2026, 10, 10),
        ends_at=at(2026, 10, 10, 16),
    )

    with pytest.raises(ApplicationError):
        services.meeting_record(
            actor=world.secretary,
            meeting=meeting,
            attendance={world.outsider.pk: services.AttendanceEntry("present")},
        )

    meeting.refresh_from_db()
    assert meeting.status == "planned"


def test_rule_values_are_checked(world):
    with pytest.raises(ApplicationError) as caught:
        services.rule_set(
            actor=world.admin,
            org=world.root,
            key="life.remind_days",
            value="七天",
            effective_from=D(2026, 1, 1),
        )
    assert "取值格式不对" in caught.value.message
    with pytest.raises(ApplicationError) as caught:
        services.frequency_set(
            actor=world.admin,
            org=world.root,
            kind=world.kind("theme_day"),
            frequency={"every": "week", "times": 1, "org_kinds": ["branch"]},
            effective_from=D(2026, 1, 1),
        )
    assert caught.value.message == "周期应为每月、每季度、每半年或每年。"
