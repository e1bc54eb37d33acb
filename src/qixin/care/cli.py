"""`qixin care …`: the scheduled jobs of the employee voice (run them from cron or a timer).

Imported by qixin.cli before Django is set up: the commands import the app inside their functions."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import click

from qixin.core.commands import actor_for, handles_errors


def _care() -> None:
    """员工心声：超期升级、群机器人推送重试、工作日历。"""


# Annotated: the group is registered in qixin.cli, which imports it from here.
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

    escalated = services.tickets_escalate(actor=actor_for(username), now=_moment(now))
    for ticket in escalated:
        click.echo(f"{ticket} → {ticket.team.name}（第{ticket.escalation_level}次升级）")
    click.secho(f"共升级 {len(escalated)} 项。", fg="green")


@care_group.command("deliver")
@click.option("--as", "username", help="以该用户的身份执行（须为系统管理员；默认系统账号）。")
@handles_errors
def deliver(username: str | None) -> None:
    """重试到期的群机器人推送（企业微信、钉钉）；5 次失败后不再重试。"""
    from qixin.care import services

    count = services.deliveries_retry(actor=actor_for(username))
    click.secho(f"已重试 {count} 条推送。", fg="green")


@care_group.command("calendar")
@click.argument("day", type=click.DateTime(formats=["%Y-%m-%d"]))
@click.option("--holiday", "kind", flag_value="holiday", help="这一天休息（节假日、厂休）。")
@click.option("--workday", "kind", flag_value="workday", help="这一天上班（调休）。")
@click.option(
    "--until",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    help="连续多天登记到这一天（含），如国庆 10-01 至 10-07；本来就是该类型的日子（如周末）不登记。",
)
@click.option("--name", default="", help="说明，如“国庆节”“调休上班”。")
@click.option("--org", "code", help="只对该组织及其下级有效（默认全局，须为系统管理员）。")
@click.option("--as", "username", help="以该用户的身份执行。")
@handles_errors
def calendar(
    day: datetime,
    kind: str | None,
    until: datetime | None,
    name: str,
    code: str | None,
    username: str | None,
) -> None:
    """登记工作日历的例外：节假日或调休上班日（办理期限按工作日计算；已提交事项的期限不重新计算）。"""
    from qixin.care import services
    from qixin.orgs import selectors as org_selectors

    if kind is None:
        raise click.UsageError("请指定 --holiday 或 --workday。")
    actor = actor_for(username)
    org = org_selectors.org_get_for(actor=actor, code=code) if code else None
    if until is not None and until.date() != day.date():
        change = services.calendar_days_set(
            actor=actor,
            first=day.date(),
            last=until.date(),
            is_workday=kind == "workday",
            name=name,
            organization=org,
        )
        for entry in change.days:
            click.echo(f"已登记：{entry}")
        if change.unchanged:
            click.echo("本来就是该类型，未登记：" + "、".join(d.isoformat() for d in change.unchanged))
        click.secho(f"共登记 {len(change.days)} 天。", fg="green")
        return
    entry = services.calendar_day_set(
        actor=actor, day=day.date(), is_workday=kind == "workday", name=name, organization=org
    )
    click.secho(f"已登记：{entry}", fg="green")


@care_group.command("calendar-remove")
@click.argument("day", type=click.DateTime(formats=["%Y-%m-%d"]))
@click.option("--org", "code", help="删除该组织的登记（默认删除全局登记，须为系统管理员）。")
@click.option("--as", "username", help="以该用户的身份执行。")
@handles_errors
def calendar_remove(day: datetime, code: str | None, username: str | None) -> None:
    """删除工作日历的一条登记：这一天恢复按星期（及全局、上级组织的登记）计算。"""
    from qixin.care import selectors, services
    from qixin.orgs import selectors as org_selectors

    actor = actor_for(username)
    org = org_selectors.org_get_for(actor=actor, code=code) if code else None
    entry = selectors.calendar_day_get_for(actor=actor, day=day.date(), organization=org)
    services.calendar_day_remove(actor=actor, entry=entry)
    click.secho(f"已删除：{entry}", fg="green")
