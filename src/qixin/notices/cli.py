"""`qixin notices …`: publish a notice, see who has read one.

Imported by qixin.cli before Django is set up: the commands import the app inside their functions."""

from __future__ import annotations

from pathlib import Path

import click

from qixin.core.commands import actor_for, handles_errors


def _notices() -> None:
    """通知公告：发布通知、查看阅读情况。"""


# Annotated: the group is registered in qixin.cli, which imports it from here.
notices_group: click.Group = click.group("notices")(_notices)


@notices_group.command("publish")
@click.option("--org", "code", required=True, help="发布组织编码。")
@click.option(
    "--audience", "audience_code", default="", help="发送范围（组织编码；默认发布组织的全部下级）。"
)
@click.option("--everyone", is_flag=True, help="发给范围内的全体人员（默认只发给党员）。")
@click.option("--title", required=True, help="标题。")
@click.option(
    "--body-file",
    required=True,
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="正文所在的文本文件（UTF-8）。",
)
@click.option(
    "--attach",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="附件（PDF、Word、Excel、JPG、PNG 或文本文件）。",
)
@click.option("--as", "username", help="以该用户的身份和权限执行。")
@handles_errors
def publish(
    code: str,
    audience_code: str,
    everyone: bool,
    title: str,
    body_file: Path,
    attach: Path | None,
    username: str | None,
) -> None:
    """发布一条通知：发给发送范围内的党员（或 --everyone 全体人员），附件可选。"""
    from django.core.files import File

    from qixin.notices import services
    from qixin.notices.models import AudienceKind
    from qixin.orgs.selectors import org_from_input

    try:
        body = body_file.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise click.UsageError(f"正文文件“{body_file.name}”不是 UTF-8 编码的文本。") from None
    actor = actor_for(username)
    org = org_from_input(actor=actor, code=code)
    audience = org_from_input(actor=actor, code=audience_code) if audience_code else None
    kind = AudienceKind.EVERYONE if everyone else AudienceKind.MEMBERS
    if attach is None:
        notice = services.notice_publish(
            actor=actor, organization=org, audience=audience, audience_kind=kind, title=title, body=body
        )
    else:
        with attach.open("rb") as handle:
            notice = services.notice_publish(
                actor=actor,
                organization=org,
                audience=audience,
                audience_kind=kind,
                title=title,
                body=body,
                attachment=File(handle, name=attach.name),
            )
    click.secho(f"已发布通知 {notice.pk}“{notice.title}”，发送给{notice.expected_count}人。", fg="green")


@notices_group.command("receipts")
@click.argument("pk", type=click.IntRange(min=1))
@click.option("--unread", is_flag=True, help="只列出未读的人员。")
@click.option("--as", "username", help="以该用户的身份和权限执行。")
@handles_errors
def receipts(pk: int, unread: bool, username: str | None) -> None:
    """列出一条通知的阅读情况：谁已读（何时）、谁未读。"""
    from django.utils import timezone

    from qixin.notices import selectors

    actor = actor_for(username)
    notice = selectors.notice_get_for(actor=actor, pk=pk)
    rows = selectors.receipt_list_for(actor=actor, notice=notice)
    if unread:
        rows = rows.filter(read_at__isnull=True)
    read = selectors.read_count(notice)
    click.echo(f"{notice.title}（{notice.organization.name}）：已读 {read}/{notice.expected_count}")
    for receipt in rows.iterator(chunk_size=1000):
        when = f"{timezone.localtime(receipt.read_at):%Y-%m-%d %H:%M}" if receipt.read_at else "未读"
        click.echo(f"{receipt.person.employee_no}\t{receipt.person.name}\t{when}")
