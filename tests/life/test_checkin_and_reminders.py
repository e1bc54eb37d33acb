"""QR check-in refusals and reminders with a frozen clock."""

import datetime as dt

import pytest
from django.core import mail
from tests.builders import D

from qixin.core.errors import ApplicationError
from qixin.life import selectors, services
from qixin.life.models import Attendance, Reminder

from .conftest import at


@pytest.fixture
def meeting(world):
    return services.meeting_plan(
        actor=world.admin,
        org=world.branch,
        kind=world.kind("theme_day"),
        starts_at=at(2026, 10, 10, 14),
        ends_at=at(2026, 10, 10, 16),
    )


def test_member_checks_in_within_the_window_once(world, meeting):
    row = services.checkin(actor=world.member_user, token=meeting.checkin_token, now=at(2026, 10, 10, 13, 40))

    assert (row.person_id, row.status) == (world.full[1].pk, "present")
    meeting.refresh_from_db()
    assert meeting.present_count == 1
    with pytest.raises(ApplicationError) as caught:
        services.checkin(actor=world.member_user, token=meeting.checkin_token, now=at(2026, 10, 10, 14, 5))
    assert caught.value.code == "checkin_twice"
    assert "您已于13:40签到，无需重复签到" in caught.value.message
    assert Attendance.objects.filter(meeting=meeting).count() == 1


def test_checkin_before_the_window_opens_is_refused(world, meeting):
    with pytest.raises(ApplicationError) as caught:
        services.checkin(actor=world.member_user, token=meeting.checkin_token, now=at(2026, 10, 10, 13, 20))

    assert caught.value.code == "checkin_not_open"
    assert "会议开始前30分钟（10月10日 13:30）起可以签到" in caught.value.message
    assert not Attendance.objects.exists()


def test_checkin_after_the_meeting_is_refused(world, meeting):
    with pytest.raises(ApplicationError) as caught:
        services.checkin(actor=world.member_user, token=meeting.checkin_token, now=at(2026, 10, 10, 16, 1))

    assert caught.value.code == "checkin_closed"
    assert "会议已于10月10日 16:00结束" in caught.value.message


def test_member_of_another_branch_cannot_check_in(world, meeting):
    with pytest.raises(ApplicationError) as caught:
        services.checkin(actor=world.outsider_user, token=meeting.checkin_token, now=at(2026, 10, 10, 14))

    assert caught.value.code == "checkin_not_member"
    assert caught.value.message == "您不是“总装第一党支部”的党员，不能在这次会议签到。"
    assert not Attendance.objects.exists()


def test_unknown_and_cancelled_meetings_refuse_checkin(world, meeting):
    with pytest.raises(ApplicationError) as caught:
        services.checkin(actor=world.member_user, token="nothing-like-this", now=at(2026, 10, 10, 14))
    assert caught.value.status == 404

    services.meeting_cancel(actor=world.admin, meeting=meeting)
    with pytest.raises(ApplicationError) as caught:
        services.checkin(actor=world.member_user, token=meeting.checkin_token, now=at(2026, 10, 10, 14))
    assert caught.value.code == "checkin_cancelled"


def test_checked_in_members_are_kept_when_the_meeting_is_recorded(world, meeting):
    services.checkin(actor=world.member_user, token=meeting.checkin_token, now=at(2026, 10, 10, 14))

    services.meeting_record(actor=world.admin, meeting=meeting, attendance=world.attendance(world.full))

    row = Attendance.objects.get(meeting=meeting, person=world.full[1])
    assert row.checked_in_at == at(2026, 10, 10, 14)
    assert Attendance.objects.filter(meeting=meeting).count() == 6


def test_reminders_a_week_before_the_deadline_once_per_deadline(world):
    world.hold("theme_day", at(2026, 11, 3), org=world.other)

    assert services.reminders_send(actor=world.admin, today=D(2026, 11, 20)) == []  # 10 days left

    sent = services.reminders_send(actor=world.admin, today=D(2026, 11, 24))
    assert sorted((r.organization.code, r.rule_key) for r in sent) == [
        ("Q-1", "life.frequency.theme_day"),
        ("Q-2", "life.frequency.theme_day"),
    ]
    reminder = next(r for r in sent if r.organization == world.branch)
    assert reminder.deadline == D(2026, 11, 30)
    assert (
        reminder.message
        == "总装第一党支部：主题党日（每月1次）本期还需召开1次，截止2026年11月30日（还有6天）。"
    )
    assert [m.to for m in mail.outbox] == [["sec@example.com"]]
    assert reminder.emailed_to == "sec@example.com"

    again = services.reminders_send(actor=world.admin, today=D(2026, 11, 25))
    assert again == []
    assert len(mail.outbox) == 1
    assert Reminder.objects.count() == 2


def test_secretary_sees_own_reminders_only(world):
    services.reminders_send(actor=world.admin, today=D(2026, 11, 24))

    mine = selectors.reminders_for(actor=world.secretary, today=D(2026, 11, 24))

    assert [r.organization.code for r in mine] == ["Q-1"]
    assert selectors.reminders_for(actor=world.secretary, today=D(2026, 12, 1)) == []


def test_yearly_deadline_reminded_in_december(world):
    sent = services.reminders_send(actor=world.admin, today=D(2026, 12, 26), org=world.branch)

    assert sorted(r.rule_key.removeprefix("life.frequency.") for r in sent) == [
        "democratic_review",
        "heart_talk",
        "life_meeting",
        "party_congress",
        "party_lecture",
        "theme_day",
    ]
    assert all(r.deadline == dt.date(2026, 12, 31) for r in sent)


def test_cli_remind_is_idempotent(world):
    from click.testing import CliRunner

    from qixin.life.cli import life_group

    runner = CliRunner()
    first = runner.invoke(life_group, ["remind", "--today", "2026-11-24"])
    second = runner.invoke(life_group, ["remind", "--today", "2026-11-24"])

    assert first.exit_code == 0, first.output
    assert "新提醒 3 条" in first.output
    assert "（已发邮件：sec@example.com）" in first.output
    assert "新提醒 0 条" in second.output
    assert len(mail.outbox) == 1
