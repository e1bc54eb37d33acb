"""Organizational life: meeting kinds, meetings with attendance, topics, minutes, attachments and
resolutions, education campaigns and the reminders sent to branch secretaries.

The frequencies and topic lists are rules (see rulebook.py); meetings are the facts they are compared
with. A meeting keeps its attendance counts (derived from its attendance rows when it is recorded) so
that compliance over hundreds of branches reads one row per meeting.
"""

from __future__ import annotations

from typing import Any

from django.db import models
from django.db.models import Q
from django.urls import reverse

from qixin.core.models import TimeStampedModel, User
from qixin.orgs.models import Organization


class MeetingKind(models.Model):
    """A kind of meeting: the built-in ones of RULES.md (owner empty) and those an organization adds,
    which its subtree may use."""

    code = models.CharField("编码", max_length=40, unique=True)
    name = models.CharField("名称", max_length=40)
    owner = models.ForeignKey(
        Organization,
        verbose_name="设立组织",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="meeting_kinds",
    )
    default_frequency: models.JSONField[Any, Any] = models.JSONField(
        "默认频次", default=dict, blank=True, help_text="组织新增的类型在此保存其频次；空表示不作频次要求。"
    )
    sort_order = models.PositiveSmallIntegerField("排序", default=100)

    class Meta:
        verbose_name = "会议类型"
        verbose_name_plural = "会议类型"
        ordering = ["sort_order", "id"]
        constraints = [models.UniqueConstraint(fields=["owner", "name"], name="meeting_kind_name_once")]

    def __str__(self) -> str:
        return self.name

    @property
    def is_builtin(self) -> bool:
        return self.owner_id is None


class Campaign(TimeStampedModel):
    """专题教育/学习教育 set at a committee for its branches: a period and the sessions required."""

    organization = models.ForeignKey(
        Organization, verbose_name="发起组织", on_delete=models.PROTECT, related_name="campaigns"
    )
    name = models.CharField("名称", max_length=100)
    starts_on = models.DateField("开始日期")
    ends_on = models.DateField("结束日期")
    required_sessions = models.PositiveSmallIntegerField("每个党支部应开展（次）", default=1)
    description = models.TextField("说明", blank=True)

    class Meta:
        verbose_name = "专题教育"
        verbose_name_plural = "专题教育"
        ordering = ["-starts_on", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=models.F("starts_on")), name="campaign_dates_ordered"
            ),
            models.CheckConstraint(condition=Q(required_sessions__gte=1), name="campaign_requires_sessions"),
        ]

    def __str__(self) -> str:
        return self.name


class MeetingStatus(models.TextChoices):
    PLANNED = "planned", "计划"
    HELD = "held", "已召开"
    CANCELLED = "cancelled", "已取消"
    # A held meeting recorded by mistake: kept with its attendance, resolutions and attachments (and
    # the audit trail pointing at it), but counted nowhere, since every count reads HELD only.
    WITHDRAWN = "withdrawn", "已撤销记录"


class Meeting(TimeStampedModel):
    organization = models.ForeignKey(
        Organization, verbose_name="召开组织", on_delete=models.PROTECT, related_name="meetings"
    )
    kind = models.ForeignKey(MeetingKind, verbose_name="会议类型", on_delete=models.PROTECT, related_name="+")
    title = models.CharField("主题", max_length=200, blank=True)
    status = models.CharField(
        "状态", max_length=10, choices=MeetingStatus.choices, default=MeetingStatus.PLANNED
    )
    starts_at = models.DateTimeField("开始时间")
    ends_at = models.DateTimeField("结束时间")
    held_on = models.DateField("日期", help_text="开始时间的日期（北京时间），用于按周期统计。")
    place = models.CharField("地点", max_length=100, blank=True)
    host = models.ForeignKey(
        "people.Person",
        verbose_name="主持人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    speaker = models.ForeignKey(
        "people.Person",
        verbose_name="授课人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    topics: models.JSONField[Any, Any] = models.JSONField("涉及的必过议题", default=list, blank=True)
    minutes = models.TextField("会议记录", blank=True)
    has_election = models.BooleanField("进行选举", default=False)
    campaign = models.ForeignKey(
        Campaign,
        verbose_name="专题教育",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="sessions",
    )
    checkin_token = models.CharField("签到码", max_length=40, unique=True)
    should_attend = models.PositiveIntegerField("应到", default=0)
    present_count = models.PositiveIntegerField("实到", default=0)
    excused_count = models.PositiveIntegerField("请假", default=0)
    absent_count = models.PositiveIntegerField("缺席", default=0)
    recorded_at = models.DateTimeField("记录时间", null=True, blank=True)
    recorded_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    withdrawn_at = models.DateTimeField("撤销记录时间", null=True, blank=True)
    withdrawn_reason = models.CharField("撤销原因", max_length=200, blank=True)

    class Meta:
        verbose_name = "会议"
        verbose_name_plural = "会议"
        ordering = ["-starts_at", "-id"]
        indexes = [
            models.Index(fields=["organization", "status", "held_on"], name="meeting_org_held"),
            # Meetings of a period; with status and organization, held meetings are counted from the
            # index alone (the reports).
            models.Index(fields=["held_on", "status", "organization"], name="meeting_held_on"),
            # The sessions of an education campaign (participation in the reports); only meetings of a
            # campaign, so that other reads of meetings are not planned through it.
            models.Index(
                fields=["campaign", "status", "held_on"],
                name="meeting_campaign_held",
                condition=Q(campaign__isnull=False),
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=models.F("starts_at")), name="meeting_ends_after_start"
            ),
            models.CheckConstraint(
                condition=~Q(status="withdrawn") | (Q(withdrawn_at__isnull=False) & ~Q(withdrawn_reason="")),
                name="meeting_withdrawn_with_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.organization} {self.held_on} {self.title or self.kind}"

    def get_absolute_url(self) -> str:
        return reverse("life:meeting", args=[self.pk])

    @property
    def attendance_rate(self) -> float | None:
        return self.present_count / self.should_attend if self.should_attend else None

    # What the meeting's state allows (the services refuse the rest; the pages offer only these).
    @property
    def may_be_recorded(self) -> bool:
        return self.status in (MeetingStatus.PLANNED, MeetingStatus.HELD)

    @property
    def may_be_corrected(self) -> bool:
        return self.status in (MeetingStatus.PLANNED, MeetingStatus.HELD)

    @property
    def may_be_cancelled(self) -> bool:
        return self.status == MeetingStatus.PLANNED

    @property
    def may_be_withdrawn(self) -> bool:
        return self.status == MeetingStatus.HELD

    @property
    def takes_resolutions(self) -> bool:
        """Resolutions are entered, corrected and followed up on a held meeting only."""
        return self.status == MeetingStatus.HELD


class AttendanceStatus(models.TextChoices):
    PRESENT = "present", "出席"
    EXCUSED = "excused", "请假"
    ABSENT = "absent", "缺席"


class Attendance(models.Model):
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="attendance")
    person = models.ForeignKey(
        "people.Person", verbose_name="党员", on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField("出席情况", max_length=10, choices=AttendanceStatus.choices)
    reason = models.CharField("请假事由", max_length=200, blank=True)
    has_vote = models.BooleanField("有表决权", default=True, help_text="记录时的状态：预备党员等无表决权。")
    checked_in_at = models.DateTimeField("扫码签到时间", null=True, blank=True)

    class Meta:
        verbose_name = "出席记录"
        verbose_name_plural = "出席记录"
        # Who was present at a set of meetings, read from the index alone (campaign participation).
        indexes = [models.Index(fields=["meeting", "status", "person"], name="attendance_meeting_status")]
        constraints = [
            models.UniqueConstraint(fields=["meeting", "person"], name="attendance_once"),
            models.CheckConstraint(condition=~Q(status="excused") | ~Q(reason=""), name="excused_has_reason"),
        ]

    def __str__(self) -> str:
        return f"{self.person_id} {self.get_status_display()}"


class Resolution(TimeStampedModel):
    """A decision of a meeting, with who carries it out by when, and its follow-up."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="resolutions")
    text = models.CharField("决议事项", max_length=500)
    voted = models.BooleanField("经表决", default=False)
    votes_for = models.PositiveIntegerField("赞成票", null=True, blank=True)
    votes_against = models.PositiveIntegerField("反对票", null=True, blank=True)
    abstentions = models.PositiveIntegerField("弃权票", null=True, blank=True)
    voters_expected = models.PositiveIntegerField("应到有表决权党员", null=True, blank=True)
    passed = models.BooleanField("通过", default=True)
    owner = models.ForeignKey(
        "people.Person",
        verbose_name="责任人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    due_on = models.DateField("完成期限", null=True, blank=True)
    done_on = models.DateField("完成日期", null=True, blank=True)
    follow_up = models.TextField("落实情况", blank=True)
    # A decision recorded by mistake is withdrawn, not deleted: it stays on the meeting's page, struck
    # through with the reason, and is no longer followed up or counted as overdue.
    withdrawn_at = models.DateTimeField("撤销时间", null=True, blank=True)
    withdrawn_reason = models.CharField("撤销原因", max_length=200, blank=True)

    class Meta:
        verbose_name = "会议决议"
        verbose_name_plural = "会议决议"
        ordering = ["due_on", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(withdrawn_at__isnull=True) | ~Q(withdrawn_reason=""),
                name="resolution_withdrawn_with_reason",
            ),
        ]

    def __str__(self) -> str:
        return self.text[:50]


def attachment_path(instance: Attachment, filename: str) -> str:
    return f"life/{instance.meeting_id}/{filename}"


class Attachment(models.Model):
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField("文件", upload_to=attachment_path)
    name = models.CharField("文件名", max_length=200)
    content_type = models.CharField("类型", max_length=40)
    size = models.PositiveIntegerField("大小（字节）")
    uploaded_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    uploaded_at = models.DateTimeField("上传时间", auto_now_add=True)

    class Meta:
        verbose_name = "会议附件"
        verbose_name_plural = "会议附件"
        ordering = ["id"]

    def __str__(self) -> str:
        return self.name


class Reminder(models.Model):
    """A reminder to a branch about one deadline: written once per (organization, rule, window), so
    running `qixin life remind` again sends nothing twice."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="life_reminders")
    rule_key = models.CharField("规则", max_length=80)
    window_start = models.DateField("周期开始")
    deadline = models.DateField("截止日期")
    message = models.CharField("提醒内容", max_length=300)
    created_at = models.DateTimeField("提醒时间", auto_now_add=True)
    emailed_to = models.CharField("已发送邮件至", max_length=300, blank=True)

    class Meta:
        verbose_name = "组织生活提醒"
        verbose_name_plural = "组织生活提醒"
        ordering = ["deadline", "id"]
        constraints = [
            models.UniqueConstraint(fields=["organization", "rule_key", "window_start"], name="reminder_once")
        ]

    def __str__(self) -> str:
        return self.message
