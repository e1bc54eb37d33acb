"""Demo data of this app, a step of `qixin seed-demo` (see qixin.demo.seed).

Per enterprise: a notice of the committee to every member (with a small text attachment), one to
every employee; and a notice of the demo secretary's branch to its members. About two readers in
three have opened each. Dates are counted back from the seed's day (ctx.today)."""

from __future__ import annotations

from datetime import datetime, time, timedelta

from django.core.files.base import ContentFile
from django.utils import timezone

from qixin.core.models import User
from qixin.demo.context import Context
from qixin.orgs.models import Organization, OrgKind
from qixin.people.models import Membership

from .models import AudienceKind, Notice, NoticeReceipt
from .services import notice_publish

READ_SHARE = 0.66
COMMITTEE_NOTICES = [
    (
        "关于开展年度民主评议党员工作的通知",
        "各党支部：\n请于本月底前完成年度民主评议党员工作，评议结果报党委组织部。",
        AudienceKind.MEMBERS,
        20,
        ("评议工作安排.txt", "一、个人自评\n二、党员互评\n三、民主测评\n四、组织评定\n"),
    ),
    (
        "关于冬季安全生产的通知",
        "全体员工：\n入冬以来气温降低，请注意厂区防滑、防火，严格执行安全操作规程。",
        AudienceKind.EVERYONE,
        6,
        None,
    ),
]


def _moment(ctx: Context, days_ago: int) -> datetime:
    return timezone.make_aware(datetime.combine(ctx.today - timedelta(days=days_ago), time(9, 0)))


def _mark_read(ctx: Context, notice: Notice, days_ago: int) -> None:
    receipts = list(NoticeReceipt.objects.filter(notice=notice).order_by("pk"))
    read = ctx.rng.sample(receipts, int(len(receipts) * READ_SHARE))
    for receipt in read:
        receipt.read_at = _moment(ctx, max(days_ago - ctx.rng.randint(0, 3), 0))
    NoticeReceipt.objects.bulk_update(read, ["read_at"], batch_size=1000)


def _enterprises(ctx: Context) -> list[Organization]:
    """The enterprise committees (the roots at vw scale; the group's children at group scale)."""
    if ctx.scale.enterprises == 1:
        return ctx.roots[:1]
    root = ctx.roots[0]
    return list(
        Organization.objects.filter(
            path__startswith=root.path, depth=root.depth + 1, kind=OrgKind.COMMITTEE
        ).order_by("path")
    )


def _login(ctx: Context, role: str) -> User | None:
    """The account of a demo login (ctx.logins: role, username, who)."""
    username = next((name for label, name, _who in ctx.logins if label == role), None)
    return User.objects.filter(username=username).first() if username else None


def seed(ctx: Context) -> None:
    admin = _login(ctx, "党务工作者") or User.objects.get(username="admin")
    count = 0
    for root in _enterprises(ctx):
        for title, body, kind, days_ago, attachment in COMMITTEE_NOTICES:
            file = ContentFile(attachment[1].encode(), name=attachment[0]) if attachment else None
            notice = notice_publish(
                actor=admin,
                organization=root,
                title=title,
                body=body,
                audience_kind=kind,
                attachment=file,
                now=_moment(ctx, days_ago),
            )
            _mark_read(ctx, notice, days_ago)
            count += 1
    secretary = _login(ctx, "支部书记")
    membership = (
        Membership.objects.filter(person=secretary.person, ended_on__isnull=True)
        .select_related("branch")
        .first()
        if secretary is not None and secretary.person is not None
        else None
    )
    if secretary is not None and membership is not None:
        notice = notice_publish(
            actor=secretary,
            organization=membership.branch,
            title="关于召开本月组织生活会的预告",
            body="支部全体党员：\n本月组织生活会安排在月底，请提前准备个人发言提纲。",
            now=_moment(ctx, 3),
        )
        _mark_read(ctx, notice, 3)
        count += 1
    ctx.log(f"通知公告：{count}条")
