"""Employee voice (员工心声): QR intake points, tickets answered by care teams (贴心人, 连心桥团队),
a working-day calendar for their deadlines, wishes (点亮心愿), notifications and webhook deliveries.

An anonymous ticket stores nothing about who sent it: no name, no address, no user agent, no device
token. The follow-up code is stored only as a keyed digest (like an API token).
"""

from __future__ import annotations

from typing import Any

from django.db import models
from django.db.models import Q

from qixin.core.models import TimeStampedModel, User
from qixin.orgs.models import Organization


class TicketKind(models.TextChoices):
    APPEAL = "appeal", "诉求"
    PROBLEM = "problem", "问题"
    SUGGESTION = "suggestion", "建议"
    WISH = "wish", "心愿"


class TicketStatus(models.TextChoices):
    OPEN = "open", "待答复"
    ANSWERED = "answered", "已答复"
    CLOSED = "closed", "已办结"


class Moderation(models.TextChoices):
    VISIBLE = "visible", "正常"
    # Stored but not yet shown to the team: a submission beyond the intake's limits (limits.py), which
    # a moderator releases to the team's queue or marks as spam.
    HELD = "held", "待审核（疑似刷屏）"
    HIDDEN = "hidden", "已隐藏"
    SPAM = "spam", "垃圾信息"


class WebhookFormat(models.TextChoices):
    WECOM = "wecom", "企业微信群机器人"
    DINGTALK = "dingtalk", "钉钉群机器人"


class CareTeam(TimeStampedModel):
    """A team that answers the tickets of its intake points (贴心人 / 连心桥团队) at an organization."""

    organization = models.ForeignKey(
        Organization, verbose_name="所属组织", on_delete=models.PROTECT, related_name="care_teams"
    )
    name = models.CharField("团队名称", max_length=60)
    webhook_url = models.URLField("群机器人地址", max_length=500, blank=True)
    webhook_format = models.CharField(
        "群机器人类型", max_length=10, choices=WebhookFormat.choices, blank=True
    )
    is_active = models.BooleanField("启用", default=True)

    class Meta:
        verbose_name = "连心桥团队"
        verbose_name_plural = "连心桥团队"
        ordering = ["organization__path", "name"]
        constraints = [
            models.UniqueConstraint(fields=["organization", "name"], name="care_team_name_once"),
            models.CheckConstraint(
                condition=Q(webhook_url="") | ~Q(webhook_format=""), name="care_team_webhook_has_format"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class TeamMember(TimeStampedModel):
    team = models.ForeignKey(CareTeam, verbose_name="团队", on_delete=models.CASCADE, related_name="members")
    user = models.ForeignKey(User, verbose_name="成员", on_delete=models.CASCADE, related_name="care_teams")
    is_leader = models.BooleanField("负责人", default=False)

    class Meta:
        verbose_name = "团队成员"
        verbose_name_plural = "团队成员"
        ordering = ["-is_leader", "id"]
        constraints = [
            models.UniqueConstraint(fields=["team", "user"], name="care_member_once"),
        ]

    def __str__(self) -> str:
        return f"{self.team} {self.user}"


class IntakePoint(TimeStampedModel):
    """A place with a QR code (a workshop's rest area, a canteen); its link carries a random token."""

    organization = models.ForeignKey(
        Organization, verbose_name="所属组织", on_delete=models.PROTECT, related_name="intake_points"
    )
    team = models.ForeignKey(
        CareTeam, verbose_name="处理团队", on_delete=models.PROTECT, related_name="points"
    )
    name = models.CharField("地点名称", max_length=60)
    token = models.CharField("链接标识", max_length=32, unique=True, editable=False)
    is_active = models.BooleanField("启用", default=True)

    class Meta:
        verbose_name = "二维码收集点"
        verbose_name_plural = "二维码收集点"
        ordering = ["organization__path", "name"]

    def __str__(self) -> str:
        return self.name


class Ticket(models.Model):
    """What an employee wrote through an intake point, and how it was handled."""

    point = models.ForeignKey(
        IntakePoint,
        verbose_name="收集点",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="tickets",
    )
    organization = models.ForeignKey(
        Organization, verbose_name="承办组织", on_delete=models.PROTECT, related_name="care_tickets"
    )
    team = models.ForeignKey(
        CareTeam, verbose_name="承办团队", on_delete=models.PROTECT, related_name="tickets"
    )
    assignee = models.ForeignKey(
        User,
        verbose_name="承办人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="care_tickets",
    )
    kind = models.CharField("类别", max_length=12, choices=TicketKind.choices)
    body = models.TextField("内容", max_length=2000)
    photo = models.FileField("照片", upload_to="care/photos/", blank=True)
    is_anonymous = models.BooleanField("匿名", default=True)
    submitter_name = models.CharField("姓名", max_length=40, blank=True)
    submitter_employee_no = models.CharField("工号", max_length=20, blank=True)
    wish_consent = models.BooleanField("同意在心愿墙公开", default=False)
    code_digest = models.CharField(max_length=64, unique=True, editable=False)
    status = models.CharField("状态", max_length=10, choices=TicketStatus.choices, default=TicketStatus.OPEN)
    moderation = models.CharField(
        "审核", max_length=10, choices=Moderation.choices, default=Moderation.VISIBLE
    )
    hold_reason = models.CharField("待审核原因", max_length=60, blank=True)
    submitted_at = models.DateTimeField("提交时间", db_index=True)
    respond_due = models.DateTimeField("答复期限")
    close_due = models.DateTimeField("办结期限")
    first_response_at = models.DateTimeField("首次答复时间", null=True, blank=True)
    closed_at = models.DateTimeField("办结时间", null=True, blank=True)
    result = models.TextField("办理结果", max_length=2000, blank=True)
    rating = models.PositiveSmallIntegerField("满意度", null=True, blank=True)
    rated_at = models.DateTimeField("评价时间", null=True, blank=True)
    escalation_level = models.PositiveSmallIntegerField("升级次数", default=0)
    was_overdue = models.BooleanField("曾超期", default=False)
    lapsed_team = models.ForeignKey(
        CareTeam,
        verbose_name="超期团队",
        help_text="最近一次让本事项超期、被升级转走的团队：办理统计把超期记在它名下。",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="lapsed_tickets",
    )
    reopen_count = models.PositiveSmallIntegerField("重新打开次数", default=0)
    forwarded_ref = models.CharField("转入改进建议", max_length=64, blank=True)

    class Meta:
        verbose_name = "员工心声"
        verbose_name_plural = "员工心声"
        ordering = ["-submitted_at", "-id"]
        indexes = [
            models.Index(fields=["team", "status"], name="care_ticket_team_status"),
            models.Index(fields=["status", "respond_due"], name="care_ticket_due"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(rating__isnull=True) | (Q(rating__gte=1) & Q(rating__lte=5)),
                name="care_rating_range",
            ),
            models.CheckConstraint(
                condition=Q(is_anonymous=False) | (Q(submitter_name="") & Q(submitter_employee_no="")),
                name="care_anonymous_has_no_name",
            ),
            models.CheckConstraint(
                condition=~Q(status="closed") | Q(closed_at__isnull=False), name="care_closed_has_time"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} #{self.pk}"


class MessageKind(models.TextChoices):
    ANSWER = "answer", "答复"
    NOTE = "note", "内部备注"
    REPLY = "reply", "员工追问"
    EVENT = "event", "办理记录"


PUBLIC_MESSAGE_KINDS = (MessageKind.ANSWER, MessageKind.REPLY)


class TicketMessage(models.Model):
    """An answer (the submitter reads it), an internal note (only the team), a reply by the
    submitter, or an event of the handling (assigned, escalated, closed, reopened)."""

    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="messages")
    kind = models.CharField("类型", max_length=10, choices=MessageKind.choices)
    body = models.TextField("内容", max_length=2000)
    author = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField("时间")

    class Meta:
        verbose_name = "办理记录"
        verbose_name_plural = "办理记录"
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.ticket} {self.get_kind_display()}"


CALENDAR_KINDS = {False: "节假日", True: "调休上班"}
CALENDAR_NAME_MAX = 40


class CalendarDay(models.Model):
    """An exception to the Monday–Friday week: a holiday on a weekday, or a working weekend day
    (调休). Without an organization it applies everywhere; with one, to its subtree."""

    day = models.DateField("日期")
    is_workday = models.BooleanField("工作日")
    name = models.CharField("说明", max_length=CALENDAR_NAME_MAX, blank=True)
    organization = models.ForeignKey(
        Organization,
        verbose_name="适用组织",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )

    class Meta:
        verbose_name = "工作日历"
        verbose_name_plural = "工作日历"
        ordering = ["day"]
        constraints = [
            models.UniqueConstraint(
                fields=["day"], condition=Q(organization__isnull=True), name="care_calendar_day_once"
            ),
            models.UniqueConstraint(
                fields=["organization", "day"],
                condition=Q(organization__isnull=False),
                name="care_calendar_org_day_once",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.day} {'上班' if self.is_workday else '休息'} {self.name}"

    @property
    def kind_label(self) -> str:
        return CALENDAR_KINDS[self.is_workday]


class WishStatus(models.TextChoices):
    PUBLISHED = "published", "待认领"
    CLAIMED = "claimed", "已认领"
    FULFILLED = "fulfilled", "已实现"
    WITHDRAWN = "withdrawn", "已撤下"


class Wish(TimeStampedModel):
    """A 心愿 on the wall of its organization (点亮心愿), with the wisher's consent; claimed by a party
    member or a branch and fulfilled."""

    ticket = models.OneToOneField(Ticket, on_delete=models.PROTECT, related_name="wish")
    organization = models.ForeignKey(
        Organization, verbose_name="所属组织", on_delete=models.PROTECT, related_name="wishes"
    )
    title = models.CharField("心愿", max_length=100)
    text = models.TextField("说明", max_length=2000)
    status = models.CharField("状态", max_length=10, choices=WishStatus.choices, default=WishStatus.PUBLISHED)
    published_at = models.DateTimeField("公开时间")
    claimed_by_person = models.ForeignKey(
        "people.Person",
        verbose_name="认领党员",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="claimed_wishes",
    )
    claimed_by_branch = models.ForeignKey(
        Organization,
        verbose_name="认领党支部",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="claimed_wishes",
    )
    claimed_at = models.DateTimeField("认领时间", null=True, blank=True)
    fulfilled_at = models.DateTimeField("实现时间", null=True, blank=True)
    fulfilment = models.TextField("实现情况", max_length=2000, blank=True)
    contribution_ref = models.CharField("贡献记录", max_length=64, blank=True)

    class Meta:
        verbose_name = "心愿"
        verbose_name_plural = "心愿"
        ordering = ["-published_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=["published", "withdrawn"])
                | Q(claimed_by_person__isnull=False)
                | Q(claimed_by_branch__isnull=False),
                name="care_claimed_wish_has_claimant",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def claimant(self) -> str:
        if self.claimed_by_person_id:
            assert self.claimed_by_person is not None
            return self.claimed_by_person.name
        return self.claimed_by_branch.name if self.claimed_by_branch else ""


class Notification(models.Model):
    """An in-app notice to a team member (new ticket, reply, escalation)."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="care_notifications")
    ticket = models.ForeignKey(Ticket, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    text = models.CharField("内容", max_length=200)
    created_at = models.DateTimeField("时间")
    read_at = models.DateTimeField("已读时间", null=True, blank=True)

    class Meta:
        verbose_name = "通知"
        verbose_name_plural = "通知"
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["user", "read_at"], name="care_notice_unread")]

    def __str__(self) -> str:
        return self.text


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", "待发送"
    DELIVERED = "delivered", "已送达"
    FAILED = "failed", "发送失败"


class WebhookDelivery(models.Model):
    """One message to a team's group robot, with every attempt's outcome (the delivery log)."""

    team = models.ForeignKey(CareTeam, on_delete=models.CASCADE, related_name="deliveries")
    ticket = models.ForeignKey(Ticket, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    url = models.URLField(max_length=500)
    format = models.CharField(max_length=10, choices=WebhookFormat.choices)
    payload: models.JSONField[Any, Any] = models.JSONField()
    status = models.CharField(max_length=10, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_status = models.PositiveSmallIntegerField(null=True, blank=True)
    last_error = models.CharField(max_length=300, blank=True)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField()
    delivered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "群机器人推送"
        verbose_name_plural = "群机器人推送"
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.team} {self.get_status_display()}"
