"""`qixin life ...`: reminders and compliance from the command line (registered in qixin.cli).

Imported by qixin.cli before Django is set up: the commands import the app inside their functions."""

from __future__ import annotations

import sys
from datetime import date, timedelta
from typing import Any

import click

from qixin.core.commands import actor_for, handles_errors


@click.group("life")
def life_group() -> None:
    """组织生活：提醒、落实情况。"""


@life_group.command("remind")
@click.option("--org", "code", help="组织编码（默认：您负责的全部组织）。")
@click.option("--today", type=click.DateTime(formats=["%Y-%m-%d"]), help="按该日期计算（默认今天）。")
@click.option("--as", "username", help="以该用户的身份执行。")
@handles_errors
def remind(code: str | None, today: Any, username: str | None) -> None:
    """截止日期临近仍未完成的组织生活要求，以及较长时间未参加组织生活的党员（每个党支部每月一条）：
    在应用中提醒并给支部书记发邮件。每个截止日期只提醒一次，可反复运行。"""
    from qixin.life import selectors, services

    actor = actor_for(username)
    org = selectors.org_for_life(actor=actor, code=code) if code else None
    day: date | None = today.date() if today else None
    sent = services.reminders_send(actor=actor, today=day, org=org)
    for reminder in sent:
        mailed = (
            f"（已发邮件：{reminder.emailed_to}）"
            if reminder.emailed_to
            else "（书记无邮箱，仅在应用中提醒）"
        )
        click.echo(f"  {reminder.message}{mailed}")
    click.secho(f"新提醒 {len(sent)} 条。", fg="green")


@life_group.command("compliance")
@click.option("--org", "code", required=True, help="组织编码（含下级）。")
@click.option(
    "--from", "first", type=click.DateTime(formats=["%Y-%m-%d"]), help="开始日期（含），默认本年1月1日。"
)
@click.option(
    "--to", "last", type=click.DateTime(formats=["%Y-%m-%d"]), help="结束日期（含），默认本年12月31日。"
)
@click.option("--behind", is_flag=True, help="只列出未达标的组织。")
@click.option("--as", "username", help="以该用户的身份执行。")
@handles_errors
def compliance(code: str, first: Any, last: Any, behind: bool, username: str | None) -> None:
    """组织生活落实情况：每个组织哪些要求未达标、差几次。有未达标的组织时退出码为 1。"""
    from django.utils import timezone

    from qixin.core.periods import Period
    from qixin.life import selectors

    actor = actor_for(username)
    org = selectors.org_for_life(actor=actor, code=code)
    today = timezone.localdate()
    start = first.date() if first else date(today.year, 1, 1)
    end = (last.date() if last else date(today.year, 12, 31)) + timedelta(days=1)
    report = selectors.compliance_for(
        actor=actor, org=org, period=Period(start, end), today=today, behind_only=behind
    )
    for row in report.rows:
        if row.compliant:
            click.echo(f"  {row.org.code} {row.org.name}：达标")
            continue
        gaps = "，".join(f"{r.kind.name}差{r.behind}次" for r in row.behind_rules)
        click.echo(click.style(f"  {row.org.code} {row.org.name}：", fg="red") + gaps)
    click.echo(f"共 {len(report.rows)} 个组织，未达标 {len(report.behind_rows)} 个。")
    sys.exit(1 if report.behind_rows else 0)
