"""`qixin care escalate` and `qixin care calendar` go through the same services."""

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
