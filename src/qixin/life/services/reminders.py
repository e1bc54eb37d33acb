"""Reminders: the warning before 自行脱党 and sending what is due."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone

from qixin.core import audit
from qixin.core.models import User
from qixin.core.text import chinese_date
from qixin.orgs.models import Organization

from .. import rulebook as rb
from ..models import Reminder

if TYPE_CHECKING:
    from ..selectors import LapseWarning


LAPSE_MESSAGE_LENGTH = 300  # Reminder.message


def lapse_reminder_text(warnings: list[LapseWarning]) -> tuple[str, str]:
    """(the in-app message, the e-mail body) of one branch's warning before 自行脱党: the members
    listed once, the severe ones first. The message names as many as fit, the e-mail all of them."""
    first = warnings[0]
    severe = sum(1 for w in warnings if w.severe)
    head = (
        f"{first.branch_name}：{len(warnings)}名党员已连续{first.warn_months}个月以上未参加组织生活"
        + (f"（其中{severe}名已满{first.lapse_months}个月）" if severe else "")
        + "，请及时了解情况："
    )
    names = [f"{w.name}（{w.employee_no}，{w.months}个月）" for w in warnings]
    message = head + "、".join(names) + "。"
    shown = len(names)
    while len(message) > LAPSE_MESSAGE_LENGTH and shown > 1:
        shown -= 1
        message = head + "、".join(names[:shown]) + f"等{len(names)}名。"
    lines = [
        f"{w.name}（工号{w.employee_no}）：{w.level}，连续{w.months}个月未参加组织生活，"
        f"自{chinese_date(w.counted_from)}（{w.counted_from_label}）起算"
        for w in warnings
    ]
    body = (
        f"{head.removesuffix('：')}。\n\n"
        + "\n".join(lines)
        + f"\n\n按党章第九条，党员没有正当理由，连续{first.lapse_months}个月不参加党的组织生活，"
        "被认为是自行脱党。请支部谈心谈话、了解原因；有正当理由未参加的，在会议记录中登记请假事由。"
    )
    return message[:LAPSE_MESSAGE_LENGTH], body


@transaction.atomic
def reminders_send(
    *, actor: User | None, today: date | None = None, org: Organization | None = None
) -> list[Reminder]:
    """Remind branch secretaries of requirements still open shortly before their deadline: one
    reminder per organization, rule and window (idempotent), listed in the app and e-mailed to the
    secretaries who have an address.

    Also warn each branch of its members who have long taken no part in organizational life (RULES.md,
    Members: the product warns the branch well before 自行脱党): one reminder per branch and calendar
    month listing them all, so a daily run tells a branch once a month, not once a member or a day."""
    from qixin.life import selectors

    from ..permissions import can_see_lapse

    today = today or timezone.localdate()
    roots = [org] if org is not None else selectors.life_roots_for(actor=actor)
    created: list[Reminder] = []
    bodies: dict[int, str] = {}
    month = rb.window_containing(today, "month")
    for root in roots:
        for due in selectors.upcoming_deadlines_for(actor=actor, org=root, today=today):
            reminder, is_new = Reminder.objects.get_or_create(
                organization=due.org,
                rule_key=due.rule_key,
                window_start=due.window.start,
                defaults={"deadline": due.window.deadline, "message": due.message},
            )
            if is_new:
                created.append(reminder)
                bodies[reminder.pk] = f"{reminder.message}\n\n请在截止日期前召开并在旗心中记录。"
        if not can_see_lapse(actor, root):
            continue
        by_branch: dict[int, list[LapseWarning]] = {}
        for warning in selectors.lapse_list_for(actor=actor, org=root, today=today).warnings:
            by_branch.setdefault(warning.branch_id, []).append(warning)
        for branch_id, warnings in by_branch.items():
            message, body = lapse_reminder_text(warnings)
            reminder, is_new = Reminder.objects.get_or_create(
                organization_id=branch_id,
                rule_key=rb.LAPSE_WARN_KEY,
                window_start=month.start,
                defaults={"deadline": month.deadline, "message": message},
            )
            if is_new:
                created.append(reminder)
                bodies[reminder.pk] = body
    emails = selectors.secretary_emails([r.organization_id for r in created])
    for reminder in created:
        recipients = emails.get(reminder.organization_id, [])
        if recipients:
            send_mail(
                subject=f"【旗心】组织生活提醒：{reminder.message[:40]}",
                message=bodies[reminder.pk],
                from_email=None,
                recipient_list=recipients,
            )
            reminder.emailed_to = ",".join(recipients)[:300]
            reminder.save(update_fields=["emailed_to"])
    if created:
        audit.record(actor=actor, action="remind", model="life.Reminder", changes={"count": len(created)})
    return created
