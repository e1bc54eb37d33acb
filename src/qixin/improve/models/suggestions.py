"""Suggestions (合理化建议): attachments, credits, events, duplicates, points."""

from __future__ import annotations

from django.db import models
from django.db.models import Q

from qixin.core.models import TimeStampedModel, User
from qixin.orgs.models import Organization
from qixin.people.models import Person

from ._common import Category, category_label
from .projects import Project


class SuggestionKind(models.TextChoices):
    COST = "降本建议", "降本建议"
    RATIONAL = "合理化建议", "合理化建议"


class SuggestionStatus(models.TextChoices):
    SUBMITTED = "已提交", "已提交"
    REVIEWING = "评审中", "评审中"
    ACCEPTED = "已采纳", "已采纳"
    REJECTED = "未采纳", "未采纳"
    IMPLEMENTED = "已实施", "已实施"
    CONVERTED = "已立项", "已转为项目"
    MERGED = "已合并", "已合并（重复）"


# The review workflow: submitted → under review → accepted or rejected → implemented, or turned into a
# project; a duplicate is merged into another suggestion (suggestion_merge) while still open.
SUGGESTION_TRANSITIONS: dict[str, set[str]] = {
    SuggestionStatus.SUBMITTED: {SuggestionStatus.REVIEWING, SuggestionStatus.MERGED},
    SuggestionStatus.REVIEWING: {
        SuggestionStatus.ACCEPTED,
        SuggestionStatus.REJECTED,
        SuggestionStatus.MERGED,
        SuggestionStatus.CONVERTED,
    },
    SuggestionStatus.ACCEPTED: {SuggestionStatus.IMPLEMENTED, SuggestionStatus.CONVERTED},
    SuggestionStatus.REJECTED: set(),
    SuggestionStatus.IMPLEMENTED: set(),
    SuggestionStatus.CONVERTED: set(),
    SuggestionStatus.MERGED: set(),
}


OPEN_STATUSES = (SuggestionStatus.SUBMITTED, SuggestionStatus.REVIEWING)


class Source(models.TextChoices):
    """Where a suggestion came in: the pages, the API, the employee QR channel (issue 8) or a file."""

    UI = "ui", "网页"
    API = "api", "接口"
    QR = "qr", "扫码（员工心声）"
    IMPORT = "import", "导入"


class Suggestion(TimeStampedModel):
    """降本建议 / 合理化建议 from any employee (or anonymous, through a QR code). Its text is kept as
    submitted; reviewers decide, never edit."""

    number = models.CharField("建议编号", max_length=32, unique=True)
    title = models.CharField("标题", max_length=100, blank=True)
    text = models.TextField("建议内容")
    kind = models.CharField("类型", max_length=6, choices=SuggestionKind.choices, default=SuggestionKind.COST)
    category = models.CharField("类别", max_length=10, choices=Category.choices)
    custom_category = models.CharField("自定义类别", max_length=40, blank=True)
    organization = models.ForeignKey(
        Organization, verbose_name="所涉组织", on_delete=models.PROTECT, related_name="improve_suggestions"
    )
    department = models.CharField("所涉部门", max_length=100, blank=True)
    submitter = models.ForeignKey(
        Person,
        verbose_name="提交人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="improve_suggestions",
    )
    source = models.CharField("来源", max_length=6, choices=Source.choices, default=Source.UI)
    entered_by = models.ForeignKey(
        User, verbose_name="录入人", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    external_ref = models.CharField("来源单号", max_length=64, blank=True)
    expected_benefit = models.DecimalField(
        "预期年效益（元）", null=True, blank=True, max_digits=14, decimal_places=2
    )
    submitted_at = models.DateTimeField("提交时间", db_index=True)
    status = models.CharField(
        "状态", max_length=4, choices=SuggestionStatus.choices, default=SuggestionStatus.SUBMITTED
    )
    reviewer = models.ForeignKey(
        User, verbose_name="评审人", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_on = models.DateField("评审结论日期", null=True, blank=True)
    reply = models.TextField("评审意见（提交人可见）", blank=True)
    implemented_on = models.DateField("实施日期", null=True, blank=True)
    project = models.ForeignKey(
        Project,
        verbose_name="转立项的项目",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="suggestions",
    )
    merged_into = models.ForeignKey(
        "self", verbose_name="合并到", null=True, blank=True, on_delete=models.PROTECT, related_name="merged"
    )
    search_tokens = models.TextField(blank=True, editable=False)
    dedup_tokens = models.TextField(blank=True, editable=False)

    class Meta:
        verbose_name = "建议"
        verbose_name_plural = "建议"
        ordering = ["-submitted_at", "-id"]
        indexes = [
            models.Index(fields=["organization", "status"], name="improve_suggestion_org_status"),
            # With the organization: suggestions submitted in a period by status (the reports), counted
            # from the index alone.
            models.Index(fields=["status", "submitted_at", "organization"], name="improve_suggestion_status"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["external_ref"],
                condition=~Q(external_ref=""),
                name="improve_suggestion_external_once",
            ),
            models.CheckConstraint(
                condition=~Q(status="未采纳") | ~Q(reply=""), name="improve_suggestion_rejection_has_reason"
            ),
            models.CheckConstraint(
                condition=~Q(status="已立项") | Q(project__isnull=False),
                name="improve_suggestion_converted_has_project",
            ),
            models.CheckConstraint(
                condition=(Q(status="已合并") & Q(merged_into__isnull=False))
                | (~Q(status="已合并") & Q(merged_into__isnull=True)),
                name="improve_suggestion_merged_has_target",
            ),
            models.CheckConstraint(
                condition=Q(expected_benefit__isnull=True) | Q(expected_benefit__gte=0),
                name="improve_suggestion_benefit_positive",
            ),
            models.CheckConstraint(
                condition=~Q(category="其他") | ~Q(custom_category=""),
                name="improve_suggestion_custom_category",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.display_title}"

    @property
    def display_title(self) -> str:
        return self.title or (self.text[:30] + ("…" if len(self.text) > 30 else ""))

    @property
    def category_label(self) -> str:
        return category_label(self.category, self.custom_category)

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES


class SuggestionAttachment(models.Model):
    suggestion = models.ForeignKey(Suggestion, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField("附件", upload_to="improve/suggestions/%Y/%m/")
    name = models.CharField("文件名", max_length=200)
    size = models.PositiveIntegerField("大小（字节）")
    content_type = models.CharField(max_length=100, blank=True)
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "建议附件"
        verbose_name_plural = "建议附件"
        ordering = ["id"]

    def __str__(self) -> str:
        return self.name


class SuggestionCredit(models.Model):
    """Who is credited for a suggestion: its submitter, and the submitters of every duplicate merged
    into it (`via` is the merged duplicate)."""

    suggestion = models.ForeignKey(Suggestion, on_delete=models.CASCADE, related_name="credits")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="improve_suggestion_credits")
    via = models.ForeignKey(Suggestion, null=True, blank=True, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = "建议署名"
        verbose_name_plural = "建议署名"
        constraints = [models.UniqueConstraint(fields=["suggestion", "person"], name="improve_credit_once")]

    def __str__(self) -> str:
        return f"{self.suggestion_id}:{self.person_id}"


class SuggestionEvent(models.Model):
    """The review history of a suggestion, shown to the submitter and the reviewers."""

    suggestion = models.ForeignKey(Suggestion, on_delete=models.CASCADE, related_name="events")
    from_status = models.CharField(max_length=4, choices=SuggestionStatus.choices, blank=True)
    to_status = models.CharField(max_length=4, choices=SuggestionStatus.choices)
    at = models.DateTimeField("时间")
    actor = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    note = models.TextField("说明", blank=True)

    class Meta:
        verbose_name = "建议处理记录"
        verbose_name_plural = "建议处理记录"
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.suggestion_id} {self.from_status}→{self.to_status}"


class DuplicateStatus(models.TextChoices):
    OPEN = "待确认", "待确认"
    MERGED = "已合并", "已合并"
    DISMISSED = "不重复", "确认不重复"


class DuplicateCandidate(models.Model):
    """A likely duplicate found when a suggestion was entered: it waits in the reviewers' queue until
    they merge the two or say they are different."""

    suggestion = models.ForeignKey(Suggestion, on_delete=models.CASCADE, related_name="duplicate_candidates")
    candidate = models.ForeignKey(Suggestion, on_delete=models.CASCADE, related_name="+")
    score = models.FloatField("相似度")
    status = models.CharField(
        "状态", max_length=4, choices=DuplicateStatus.choices, default=DuplicateStatus.OPEN
    )
    decided_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)
    found_at = models.DateTimeField("发现时间")

    class Meta:
        verbose_name = "疑似重复建议"
        verbose_name_plural = "疑似重复建议"
        ordering = ["-score"]
        constraints = [
            models.UniqueConstraint(fields=["suggestion", "candidate"], name="improve_duplicate_pair_once"),
            models.CheckConstraint(
                condition=~Q(suggestion=models.F("candidate")), name="improve_duplicate_not_self"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.suggestion_id}≈{self.candidate_id} {self.score:.2f}"


class PointsEvent(models.TextChoices):
    SUBMITTED = "提交", "提交建议"
    ACCEPTED = "采纳", "建议被采纳"
    IMPLEMENTED = "实施", "建议已实施"
    CONVERTED = "立项", "建议转为项目"


class PointsEntry(models.Model):
    """Points earned by a person for one event of one suggestion: earned once, never twice."""

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="improve_points")
    suggestion = models.ForeignKey(Suggestion, on_delete=models.PROTECT, related_name="points")
    event = models.CharField("事项", max_length=4, choices=PointsEvent.choices)
    points = models.PositiveSmallIntegerField("积分")
    awarded_on = models.DateField("日期")

    class Meta:
        verbose_name = "建议积分"
        verbose_name_plural = "建议积分"
        ordering = ["-awarded_on", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["person", "suggestion", "event"], name="improve_points_once"),
        ]

    def __str__(self) -> str:
        return f"{self.person_id} {self.event} {self.points}"
