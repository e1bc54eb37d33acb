"""Notifications of the teams and their delivery."""

from __future__ import annotations

from datetime import datetime

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone

from qixin.core.access import require
from qixin.core.models import User

from .. import webhooks
from ..models import DeliveryStatus, Moderation, Notification, Ticket, WebhookDelivery
from ._common import _now

NOTICE_TEXT = {
    "new": "新的{kind}（{point}）",
    "reply": "{kind}有员工追问（{point}）",
    "reopened": "{kind}被员工重新打开（{point}）",
    "escalated": "超期升级：{kind}（{point}）",
}


def ticket_url(ticket_pk: int) -> str:
    base = getattr(settings, "QIXIN_BASE_URL", "http://127.0.0.1:8000").rstrip("/")
    return f"{base}/care/tickets/{ticket_pk}/"


def _notify_users(ticket: Ticket, users: list[User], text: str) -> None:
    now = timezone.now()
    Notification.objects.bulk_create(
        [Notification(user=u, ticket=ticket, text=text[:200], created_at=now) for u in users]
    )
    emails = [u.email for u in users if u.email]
    if emails:
        send_mail(f"[旗心] {text}", f"{text}\n{ticket_url(ticket.pk)}", None, emails, fail_silently=True)


def notify_team(ticket_pk: int, event: str) -> None:
    """Tell the ticket's team: in the app, by email, and in its group chat (WeCom / DingTalk robot).

    Nothing the submitter wrote goes into the group chat: only the kind, the place and the link."""
    ticket = Ticket.objects.select_related("team", "point", "assignee").filter(pk=ticket_pk).first()
    if ticket is None or ticket.moderation != Moderation.VISIBLE:
        return
    text = NOTICE_TEXT[event].format(
        kind=ticket.get_kind_display(), point=ticket.point or ticket.organization
    )
    members = [m.user for m in ticket.team.members.select_related("user")]
    if ticket.assignee is not None and event in ("reply", "reopened"):
        members = [ticket.assignee]
    if not members and not ticket.team.webhook_url:
        return  # nobody to tell: do not take the database's write lock for nothing
    with transaction.atomic():
        _notify_users(ticket, members, text)
        delivery = None
        if ticket.team.webhook_url:
            delivery = WebhookDelivery.objects.create(
                team=ticket.team,
                ticket=ticket,
                url=ticket.team.webhook_url,
                format=ticket.team.webhook_format,
                payload=webhooks.payload(
                    ticket.team.webhook_format, "旗心·员工心声", text, ticket_url(ticket.pk)
                ),
                created_at=timezone.now(),
                next_attempt_at=timezone.now(),
            )
    if delivery is not None:
        webhooks.attempt(delivery)


@transaction.atomic
def notifications_mark_read(*, actor: User, ids: list[int] | None = None) -> int:
    unread = Notification.objects.filter(user=actor, read_at__isnull=True)
    if ids is not None:
        unread = unread.filter(pk__in=ids)
    return unread.update(read_at=timezone.now())


def deliveries_retry(*, actor: User | None, now: datetime | None = None) -> int:
    """Send again every webhook delivery whose retry time has come (`qixin care deliver`)."""
    from qixin.core.access import is_admin

    require(is_admin(actor))
    moment = _now(now)
    due = list(WebhookDelivery.objects.filter(status=DeliveryStatus.PENDING, next_attempt_at__lte=moment))
    for delivery in due:
        webhooks.attempt(delivery, now=moment)
    return len(due)
