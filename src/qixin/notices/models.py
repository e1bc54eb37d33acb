"""Notices (通知公告): a committee or a branch publishes a notice, with an attachment if any, to its
subtree or to one organization within it; those it was sent to read it, and the publisher sees who
has read it. No quota: a notice is read or not, nothing more is asked of anyone.

Who a notice was sent to is decided when it is published and kept as rows (NoticeReceipt, one per
reader): a member transferred later keeps the notices they were sent, and the new branch's members do
not receive the old ones.

A notice may be about a record of an app above this one (a meeting of `life`, its plan sent to the
roster): it is named by a kind and an id (`subject_kind`, `subject_id`) and linked by its address
(`link_url`), not by a foreign key, so that notices import no app above them (pyproject.toml layers).
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.urls import reverse

from qixin.core.models import User
from qixin.orgs.models import Organization
from qixin.people.models import Person


class AudienceKind(models.TextChoices):
    MEMBERS = "members", "党员"
    EVERYONE = "everyone", "全体人员（含非党员员工）"


class SubjectKind(models.TextChoices):
    NONE = "", "无"
    MEETING = "meeting", "会议"


class Notice(models.Model):
    organization = models.ForeignKey(
        Organization, verbose_name="发布组织", on_delete=models.PROTECT, related_name="notices_published"
    )
    audience = models.ForeignKey(
        Organization, verbose_name="发送范围", on_delete=models.PROTECT, related_name="notices_received"
    )
    audience_kind = models.CharField(
        "发送对象", max_length=10, choices=AudienceKind.choices, default=AudienceKind.MEMBERS
    )
    title = models.CharField("标题", max_length=100)
    body = models.TextField("正文")
    # The file is stored under MEDIA_ROOT with a random name and served only by the notice's download
    # view (permission-checked); its original name is kept for the download.
    attachment = models.FileField("附件", upload_to="notices/%Y/%m/", blank=True, max_length=200)
    attachment_name = models.CharField("附件名称", max_length=150, blank=True)
    attachment_type = models.CharField("附件类型", max_length=100, blank=True)
    attachment_size = models.PositiveBigIntegerField("附件大小（字节）", default=0)
    subject_kind = models.CharField(
        "关联事项", max_length=10, choices=SubjectKind.choices, default=SubjectKind.NONE, blank=True
    )
    subject_id = models.PositiveBigIntegerField("关联事项编号", null=True, blank=True)
    link_url = models.CharField("关联链接", max_length=300, blank=True)
    link_label = models.CharField("关联链接说明", max_length=50, blank=True)
    expected_count = models.PositiveIntegerField("应读人数", default=0)
    published_at = models.DateTimeField("发布时间")
    created_by = models.ForeignKey(
        User, verbose_name="发布人", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    withdrawn_at = models.DateTimeField("撤回时间", null=True, blank=True)
    withdrawn_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = "通知公告"
        verbose_name_plural = "通知公告"
        ordering = ["-published_at", "-id"]
        indexes = [
            models.Index(fields=["organization", "published_at"], name="notice_org_published"),
            models.Index(fields=["subject_kind", "subject_id"], name="notice_subject"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(subject_kind="") | Q(subject_id__isnull=False), name="notice_subject_has_id"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("notices:detail", args=[self.pk])

    @property
    def withdrawn(self) -> bool:
        return self.withdrawn_at is not None


class NoticeReceipt(models.Model):
    """One reader a notice was sent to, and when they first opened it (None: not yet)."""

    notice = models.ForeignKey(Notice, on_delete=models.CASCADE, related_name="receipts")
    person = models.ForeignKey(Person, verbose_name="人员", on_delete=models.PROTECT, related_name="+")
    read_at = models.DateTimeField("阅读时间", null=True, blank=True)

    class Meta:
        verbose_name = "阅读回执"
        verbose_name_plural = "阅读回执"
        ordering = ["notice", "id"]
        constraints = [
            models.UniqueConstraint(fields=["notice", "person"], name="notice_receipt_once"),
        ]
        indexes = [
            # A reader's unread notices (the workbench, the list filtered to unread).
            models.Index(fields=["person", "read_at"], name="receipt_person_read"),
            models.Index(fields=["notice", "read_at"], name="receipt_notice_read"),
        ]

    def __str__(self) -> str:
        return f"{self.notice_id}:{self.person_id}"
