"""The `qixin` command: run the demo, load demo data, import, export, templates, checks.

Every command that reads or writes data runs as a user (`--as 用户名`); without it, as the system
account. It goes through the same services and selectors as the pages and the API.

The commands import what they use inside their functions: this module is imported before `main` sets
Django up (no model can be imported yet), and each command then loads only its own part of the apps
(start-up time, pinned by tests/test_cli_startup.py).
"""

from __future__ import annotations

import gc
import os
import sys
import time
from datetime import date
from pathlib import Path
from typing import Any

import click

from qixin.care.cli import care_group
from qixin.core.commands import actor_for, fail, handles_errors
from qixin.life.cli import life_group
from qixin.notices.cli import notices_group

# The commands that serve pages or run any Django management command: they need every installed app.
WEB_COMMANDS = frozenset({"run", "manage"})


def _setup(settings_module: str = "qixin.settings.dev", *, serves_web: bool = True) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", settings_module)
    import django
    from django.apps import apps
    from django.conf import settings

    if apps.ready:  # already loaded (the tests run commands in their own process): nothing to change
        return
    if not serves_web:
        # The ninja app is installed only for the API documentation page (its templates, static files
        # and management commands); installing it imports django-ninja and pydantic, ~0.13 s that a
        # command serving no page should not pay.
        settings.INSTALLED_APPS = [app for app in settings.INSTALLED_APPS if app != "ninja"]
    # Loading Django and the apps makes tens of thousands of objects that live as long as the process:
    # the cyclic collector would scan them again and again (~70 ms of a report command). Collect
    # nothing while loading, then set what was loaded aside (gc.freeze, as the web server does).
    gc.disable()
    try:
        django.setup()
    finally:
        gc.freeze()
        gc.enable()


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.pass_context
def main(ctx: click.Context) -> None:
    """旗心 (Qixin) 命令行。"""
    _setup(serves_web=ctx.invoked_subcommand in WEB_COMMANDS)


# What `qixin import/export/template KIND` handle is the registry, core.tabular_kinds, filled by the
# apps; it is read once Django is set up, so KIND is checked there (an unknown one lists the known).
KIND_HELP = "KIND：导入类型，如 orgs、people、positions（全部类型见 docs/import-formats.md）。"


def _kind(key: str) -> Any:
    from qixin.core import tabular_kinds

    return tabular_kinds.get(key)


@main.command("import", epilog=KIND_HELP)
@click.argument("kind")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--dry-run", is_flag=True, help="只校验并显示将发生的变化，不写入。")
@click.option("--as", "username", help="以该用户的身份和权限执行。")
@handles_errors
def import_(kind: str, file: Path, dry_run: bool, username: str | None) -> None:
    """导入 KIND 类数据（如组织 orgs、人员花名册 people），xlsx 或 csv。全部行校验通过才写入。"""
    from qixin.core.imports import path_bytes

    spec = _kind(kind)
    started = time.perf_counter()
    report = spec.run(
        actor=actor_for(username),
        data=path_bytes(file),
        filename=file.name,
        dry_run=dry_run,
        progress=sys.stderr.isatty() or bool(os.environ.get("QIXIN_PROGRESS")),
    )
    for line in report.changes:
        click.echo(f"  {line}")
    click.secho(("【试运行，未写入】" if dry_run else "") + report.summary(), fg="green")
    click.echo(f"用时 {time.perf_counter() - started:.1f} 秒")


@main.command("export", epilog=KIND_HELP)
@click.argument("kind")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--as", "username", help="以该用户的身份和权限导出。")
@click.option(
    "--reason",
    help="明文导出的事由（人员花名册的身份证号、手机、住址默认脱敏；给出事由则对有权查看者明文导出，并记入审计）。",
)
@handles_errors
def export(kind: str, file: Path, username: str | None, reason: str | None) -> None:
    """导出 KIND 类数据到 xlsx 或 csv（与导入格式相同，可直接再导入；个人敏感字段默认脱敏）。"""
    count = _kind(kind).export(actor=actor_for(username), path=file, reason=reason)
    click.secho(f"已导出 {count} 行到 {file}", fg="green")


@main.command("template", epilog=KIND_HELP)
@click.argument("kind")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@handles_errors
def template(kind: str, file: Path) -> None:
    """写出 KIND 类数据的空白导入模板（含一行示例）。"""
    _kind(kind).template(file)
    click.secho(f"已写出模板 {file}", fg="green")


@main.group("imports")
def imports_group() -> None:
    """导入时暂存的文件。"""


@imports_group.command("purge")
def imports_purge() -> None:
    """删除已过期（超过 QIXIN_IMPORT_PREVIEW_SECONDS）的导入预览暂存文件。可由定时任务每小时运行。"""
    from qixin.core.imports import preview_purge

    click.secho(f"已删除 {preview_purge()} 个过期的导入暂存文件。", fg="green")


@main.group("orgs")
def orgs_group() -> None:
    """组织管理。"""


@orgs_group.command("check")
@click.option("--org", "code", help="组织编码（默认：您能看到的最上级组织）。")
@click.option("--on", "on", type=click.DateTime(formats=["%Y-%m-%d"]), help="检查日期，默认今天。")
@click.option("--as", "username", help="以该用户的身份执行。")
@handles_errors
def orgs_check(code: str | None, on: Any, username: str | None) -> None:
    """组织健康检查：列出不符合组织规则的组织。发现问题时退出码为 1。"""
    from qixin.orgs import selectors

    actor = actor_for(username)
    roots = [selectors.org_get_for(actor=actor, code=code)] if code else selectors.org_roots_for(actor=actor)
    day: date | None = on.date() if on else None
    findings = [f for root in roots for f in selectors.org_health_for(actor=actor, org=root, on=day)]
    colors = {"problem": "red", "warning": "yellow", "notice": "cyan"}
    for finding in findings:
        click.echo(
            click.style(f"[{finding.severity_label}]", fg=colors[finding.severity])
            + f" {finding.org.code} {finding.org.name}：{finding.message}"
        )
    problems = sum(1 for f in findings if f.severity == "problem")
    click.echo(f"共 {len(findings)} 项：问题 {problems} 项，其余为提醒或提示。")
    sys.exit(1 if problems else 0)


@main.group("audit")
def audit_group() -> None:
    """审计日志。"""


@audit_group.command("verify")
def audit_verify() -> None:
    """检查审计日志的哈希链；发现被改动或删除的记录时指出第一条并以退出码 1 结束。"""
    from qixin.core import audit, selectors

    broken = audit.verify()
    total = selectors.audit_entry_count()
    if broken is None:
        click.secho(f"审计日志完整：{total} 条记录的哈希链全部校验通过。", fg="green")
        return
    click.secho(
        f"审计日志被篡改：第一条不符的记录编号 {broken.pk}（{broken.at:%Y-%m-%d %H:%M:%S}，{broken.actor_label}，"
        f"{broken.action} {broken.object_repr}）。",
        fg="red",
        err=True,
    )
    sys.exit(1)


@main.group("accounts")
def accounts_group() -> None:
    """账号。"""


@accounts_group.command("create")
@click.option("--org", "code", required=True, help="为该组织（含下级）中尚无账号的在职人员开通账号。")
@click.option(
    "--out",
    "out",
    required=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="初始密码清单（xlsx 或 csv），请妥善分发后删除。",
)
@click.option("--as", "username", help="以该用户的身份执行。")
@handles_errors
def accounts_create(code: str, out: Path, username: str | None) -> None:
    """批量开通账号（用户名为工号），首次登录须修改密码。"""
    from qixin.core import tabular
    from qixin.orgs import selectors as org_selectors
    from qixin.people import selectors as people_selectors
    from qixin.people import services as people_services

    actor = actor_for(username)
    org = org_selectors.org_get_for(actor=actor, code=code)
    people = list(
        people_selectors.person_search_for(actor=actor, filters=people_selectors.PersonFilters(org=org))
    )
    created = people_services.accounts_create(actor=actor, people=people)
    # Initial passwords: readable by the operator only, from the first byte written (the writers
    # truncate an existing file and keep its mode, so it is made private before they open it).
    out.touch(mode=0o600, exist_ok=True)
    out.chmod(0o600)
    tabular.write(
        out,
        ["工号", "姓名", "所在组织", "初始密码"],
        [[p.employee_no, p.name, p.organization.name, password] for p, password in created],
    )
    click.secho(f"已开通 {len(created)} 个账号，初始密码清单：{out}", fg="green")


@main.group("token")
def token_group() -> None:
    """API 令牌。"""


@token_group.command("create")
@click.option("--user", "username", required=True, help="令牌所属用户。")
@click.option("--name", default="命令行创建", show_default=True)
@click.option("--days", default=90, show_default=True, type=int)
@handles_errors
def token_create(username: str, name: str, days: int) -> None:
    """为用户创建 API 令牌（只显示一次）。"""
    from qixin.core import services

    _token, key = services.api_token_create(actor=actor_for(username), name=name, days=days)
    click.echo(key)


@main.group("report")
def report_group() -> None:
    """报表。"""


@report_group.command("summary")
@click.option("--org", "code", help="组织编码（默认：您能看到的最上级组织）。")
@click.option(
    "--from", "first", type=click.DateTime(formats=["%Y-%m-%d"]), help="开始日期（含），默认本年1月1日。"
)
@click.option("--to", "last", type=click.DateTime(formats=["%Y-%m-%d"]), help="结束日期（含），默认今天。")
@click.option(
    "--format", "fmt", type=click.Choice(["json", "md", "xlsx", "docx"]), default="json", show_default=True
)
@click.option(
    "--out",
    "out",
    type=click.Path(dir_okay=False, path_type=Path),
    help="输出文件；json 和 md 默认输出到屏幕。",
)
@click.option(
    "--base-url", default="", help="链接前缀，如 https://qixin.example.com（md 与 docx 中的数据来源链接）。"
)
@click.option("--as", "username", help="以该用户的身份和权限执行。")
@handles_errors
def report_summary(
    code: str | None, first: Any, last: Any, fmt: str, out: Path | None, base_url: str, username: str | None
) -> None:
    """指定组织（含下级）和期间的全部指标与报告正文。"""
    import tempfile

    from qixin.reports import exports, selectors

    actor = actor_for(username)
    org = selectors.org_for_report(actor=actor, code=code)
    period = selectors.period_from(first.date() if first else None, last.date() if last else None)
    summary = selectors.summary_for(actor=actor, org=org, period=period)
    if out is None:
        if fmt in ("xlsx", "docx"):
            raise click.UsageError("xlsx 和 docx 格式需要 --out 指定输出文件。")
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / f"summary.{fmt}"
            exports.write_summary(summary, path, fmt, base_url)
            click.echo(path.read_text(encoding="utf-8"), nl=False)
        return
    exports.write_summary(summary, out, fmt, base_url)
    click.secho(f"已写出 {out}", fg="green", err=True)


@main.command("seed-demo")
@click.option("--scale", type=click.Choice(["small", "vw", "group"]), default="vw", show_default=True)
@click.option("--seed", type=int, default=1, show_default=True)
@click.option(
    "--today",
    "today",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    help="演示数据以哪一天为“今天”（YYYY-MM-DD），默认今天：载入此前一年的数据和此后几天的会议安排。",
)
def seed_demo(scale: str, seed: int, today: Any) -> None:
    """载入演示数据（只能载入空数据库）。"""
    from qixin.demo import seed as demo

    started = time.perf_counter()
    try:
        ctx = demo.run(scale=scale, seed=seed, log=click.echo, today=today.date() if today else None)
    except (RuntimeError, ValueError) as exc:
        fail(exc)
    click.secho(
        f"演示数据已载入（{scale}，种子 {seed}），用时 {time.perf_counter() - started:.1f} 秒。", fg="green"
    )
    _print_logins(ctx.logins)


def _print_logins(logins: list[tuple[str, str, str]]) -> None:
    from qixin.demo.context import DEMO_PASSWORD

    click.echo(f"演示账号（密码均为 {DEMO_PASSWORD}）：")
    for role, username, who in logins:
        click.echo(f"  {role:<6}  {username:<12}  {who}")


@main.command("run")
@click.option("--addr", default="127.0.0.1:8000", show_default=True)
@click.option("--scale", type=click.Choice(["small", "vw", "group"]), default="vw", show_default=True)
def run(addr: str, scale: str) -> None:
    """迁移数据库，首次运行时载入演示数据，然后启动服务。"""
    from django.core.management import call_command
    from django.utils import timezone

    from qixin.demo import seed as demo

    call_command("migrate", interactive=False, verbosity=0)
    if not demo.has_organizations():
        click.echo(f"首次运行：正在载入演示数据（{scale}）……")
        started = time.perf_counter()
        ctx = demo.run(scale=scale, seed=1, log=click.echo)
        click.echo(f"用时 {time.perf_counter() - started:.1f} 秒。")
        logins = ctx.logins
    else:
        logins = demo.saved_logins()
        loaded = demo.loaded_on()
        if loaded is not None and loaded < timezone.localdate():
            click.secho(
                f"演示数据载入于 {loaded}，其中的日期不随时间推移；删除数据目录后重新运行，"
                "即可载入以今天为准的演示数据。",
                fg="yellow",
            )
    click.secho(f"\n旗心已启动：http://{addr}/", fg="green", bold=True)
    _print_logins(logins)
    call_command("runserver", addr, use_reloader=False)


@main.command("manage", context_settings={"ignore_unknown_options": True, "allow_extra_args": True})
@click.pass_context
def manage(ctx: click.Context) -> None:
    """运行 Django 管理命令，例如：qixin manage migrate。"""
    from django.core.management import execute_from_command_line

    execute_from_command_line(["qixin manage", *ctx.args])


main.add_command(care_group)
main.add_command(life_group)
main.add_command(notices_group)


if __name__ == "__main__":
    main()
