"""`qixin care escalate`, `qixin care calendar` and `qixin care calendar-remove` go through the same
services."""

import datetime as dt
from zoneinfo import ZoneInfo

from click.testing import CliRunner

from qixin.care.models import CalendarDay
from qixin.cli import main

SH = ZoneInfo("Asia/Shanghai")


def test_escalate_command_is_idempotent(world, submit):
    ticket, _ = submit(now=dt.datetime(2026, 11, 2, 9, tzinfo=SH))
    runner = CliRunner()
    first = runner.invoke(main, ["care", "escalate", "--now", "2026-11-05T08:00:00"])
    again = runner.invoke(main, ["care", "escalate", "--now", "2026-11-05T08:00:00"])
    assert first.exit_code == 0, first.output
    assert f"{ticket} → 总装连心桥（第1次升级）" in first.output
    assert "共升级 1 项。" in first.output
    assert "共升级 0 项。" in again.output
    ticket.refresh_from_db()
    assert ticket.escalation_level == 1


def test_calendar_command_records_a_holiday_for_a_subtree(world):
    result = CliRunner().invoke(
        main, ["care", "calendar", "2026-11-03", "--holiday", "--name", "厂休", "--org", "R-A"]
    )
    assert result.exit_code == 0, result.output
    assert list(CalendarDay.objects.values_list("day", "is_workday", "organization__code")) == [
        (dt.date(2026, 11, 3), False, "R-A")
    ]


def test_calendar_command_marks_a_holiday_week_and_leaves_its_weekend_alone(world):
    result = CliRunner().invoke(
        main, ["care", "calendar", "2026-10-01", "--until", "2026-10-07", "--holiday", "--name", "国庆节"]
    )
    assert result.exit_code == 0, result.output
    assert "本来就是该类型，未登记：2026-10-03、2026-10-04" in result.output
    assert "共登记 5 天。" in result.output
    assert list(CalendarDay.objects.order_by("day").values_list("day", flat=True)) == [
        dt.date(2026, 10, d) for d in (1, 2, 5, 6, 7)
    ]


def test_calendar_remove_command_removes_only_the_named_mark(world):
    CalendarDay.objects.create(day=dt.date(2026, 11, 3), is_workday=False, name="厂休")
    CalendarDay.objects.create(
        day=dt.date(2026, 11, 3), is_workday=True, name="保供", organization=world.dept
    )
    result = CliRunner().invoke(main, ["care", "calendar-remove", "2026-11-03", "--org", "R-A"])
    assert result.exit_code == 0, result.output
    assert "已删除：2026-11-03 上班 保供" in result.output
    assert [(d.day, d.organization_id) for d in CalendarDay.objects.all()] == [(dt.date(2026, 11, 3), None)]


def test_calendar_commands_refuse_a_pointless_mark_and_an_unknown_one(world):
    runner = CliRunner()
    saturday = runner.invoke(main, ["care", "calendar", "2026-10-03", "--holiday"])
    missing = runner.invoke(main, ["care", "calendar-remove", "2026-10-08"])
    assert saturday.exit_code == 1
    assert "“类型”：2026-10-03（星期六）本来就是休息日，不必登记为节假日" in saturday.output
    assert missing.exit_code == 1
    assert "未找到该记录。" in missing.output
    assert CalendarDay.objects.count() == 0


def test_calendar_remove_command_refuses_a_global_mark_to_a_non_administrator(world):
    CalendarDay.objects.create(day=dt.date(2026, 10, 1), is_workday=False, name="国庆节")
    result = CliRunner().invoke(main, ["care", "calendar-remove", "2026-10-01", "--as", "dangwu"])
    assert result.exit_code == 1
    assert "只有系统管理员可以修改全局工作日历" in result.output
    assert CalendarDay.objects.count() == 1
