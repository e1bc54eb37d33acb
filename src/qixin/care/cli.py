"""`qixin care …`: the scheduled jobs of the employee voice (run them from cron or a timer)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import click

from qixin.cli import _actor, handles_errors


def _care() -> None:
    """员工心声：超期升级、群机器人推送重试。"""


# Annotated: qixin.cli imports this module back to register the group.
care_group: click.Group = click.group("care")(_care)


def _moment(value: datetime | None) -> Any:
    from django.utils import timezone

    if value is None:
        return None
    return timezone.make_aware(value) if timezone.is_naive(value) else value


@care_group.command("escalate")
@click.option("--now", "now", type=click.DateTime(), help="按此时间判断是否超期（默认现在）。")
@click.option("--as", "username", help="以该用户的身份执行（须为系统管理员；默认系统账号）。")
@handles_errors
def escalate(now: datetime | None, username: str | None) -> None:
    """把超期未答复或未办结的事项升级给上级组织的连心桥团队。可重复运行：已升级的不会再升级，
    直到新团队的期限也过去。"""
    from qixin.care import services

    escalated = services.tickets_escalate(actor=_actor(username), now=_moment(now))
    for ticket in escalated:
        click.echo(f"{ticket} → {ticket.team.name}（第{ticket.escalation_level}次升级）")
    click.secho(f"共升级 {len(escalated)} 项。", fg="green")


@care_group.command("deliver")
@click.option("--as", "username", help="以该用户的身份执行（须为系统管理员；默认系统账号）。")
@handles_errors
def deliver(username: str | None) -> None:
    """重试到期的群机器人推送（企业微信、钉钉）；5 次失败后不再重试。"""
    from qixin.care import services

    count = services.deliveries_retry(actor=_actor(username))
    click.secho(f"已重试 {count} 条推送。", fg="green")
