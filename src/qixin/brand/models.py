"""Party-member brands (党员品牌), members' deeds tagged by pillar, recognitions and the annual
evaluation of members (民主评议党员).

A brand is defined at one organization and reaches its whole subtree unless a deeper organization
defines its own: an organization's effective brand is the nearest ancestor's (itself included).
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q

from qixin.core.models import TimeStampedModel, User
from qixin.orgs.models import Organization
from qixin.people.models import Person


class BrandFramework(TimeStampedModel):
    """An organization's party-member brand, e.g. SAIC Volkswagen's "五个在前"."""

    organization = models.OneToOneField(
        Organization, verbose_name="组织", on_delete=models.CASCADE, related_name="brand_framework"
    )
    name = models.CharField("品牌名称", max_length=60)
    slogan = models.CharField("口号", max_length=120, blank=True)
    description = models.TextField("说明", blank=True)

    class Meta:
        verbose_name = "党员品牌"
        verbose_name_plural = "党员品牌"

    def __str__(self) -> str:
        return self.name


class Pillar(models.Model):
    """One pillar of a brand (信念在前, 文化融心, ...): deeds are tagged with pillars."""

    framework = models.ForeignKey(
        BrandFramework, verbose_name="党员品牌", on_delete=models.CASCADE, related_name="pillars"
    )
    name = models.CharField("名称", max_length=30)
    description = models.CharField("说明", max_length=200, blank=True)
    position = models.PositiveSmallIntegerField("顺序", default=0)

    class Meta:
        verbose_name = "品牌要素"
        verbose_name_plural = "品牌要素"
        ordering = ["framework", "position", "id"]
        constraints = [models.UniqueConstraint(fields=["framework", "name"], name="pillar_name_once")]

    def __str__(self) -> str:
        return self.name


class Deed(TimeStampedModel):
    """What a member did, tagged with pillars of their brand, with evidence: an attachment or a link
    to the record it came from (a meeting, a project, a mission, a fulfilled wish).

    The source is kept as (model label, pk, label, url) rather than a GenericForeignKey: the record it
    came from may live in any app and may later be removed, while the deed stays.
    """

    person = models.ForeignKey(Person, verbose_name="党员", on_delete=models.PROTECT, related_name="deeds")
    organization = models.ForeignKey(
        Organization,
        verbose_name="所在组织",
        on_delete=models.PROTECT,
        related_name="deeds",
        help_text="记录时党员所在的党支部（群众为其所在组织）。",
    )
    done_on = models.DateField("日期")
    description = models.TextField("事迹")
    pillars = models.ManyToManyField(Pillar, verbose_name="品牌要素", blank=True, related_name="deeds")
    attachment = models.FileField("附件", upload_to="brand/evidence/%Y/", blank=True)
    source_model = models.CharField("来源类型", max_length=80, blank=True)
    source_pk = models.CharField("来源编号", max_length=64, blank=True)
    source_label = models.CharField("来源", max_length=200, blank=True)
    source_url = models.CharField("来源链接", max_length=300, blank=True)
    recorded_by = models.ForeignKey(
        User, verbose_name="记录人", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = "党员事迹"
        verbose_name_plural = "党员事迹"
        ordering = ["-done_on", "-id"]
        indexes = [
            models.Index(fields=["organization", "done_on"], name="deed_org_day"),
            models.Index(fields=["source_model", "source_pk"], name="deed_source"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["person", "source_model", "source_pk"],
                condition=~Q(source_model=""),
                name="deed_once_per_source",
            ),
            models.CheckConstraint(
                condition=Q(source_model="") | ~Q(source_pk=""), name="deed_source_has_pk"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person.name} {self.done_on} {self.description[:30]}"


class RecognitionKind(models.TextChoices):
    INNOVATION_STAR = "创新之星", "创新之星"
    CRAFTSMAN = "党员工匠", "党员工匠"
    OUTSTANDING_MEMBER = "优秀共产党员", "优秀共产党员"
    OUTSTANDING_WORKER = "优秀党务工作者", "优秀党务工作者"
    ADVANCED_ORG = "先进基层党组织", "先进基层党组织"
    RED_FLAG_ORG = "红旗党组织", "红旗党组织"
    NATIONAL_MODEL = "全国劳模", "全国劳模"
    SHANGHAI_CRAFTSMAN = "上海工匠", "上海工匠"
    MAY_DAY_MEDAL = "五一劳动奖章", "五一劳动奖章"
    CUSTOM = "其他", "其他"


# Kinds granted to an organization rather than a person.
ORG_KINDS = {RecognitionKind.ADVANCED_ORG, RecognitionKind.RED_FLAG_ORG}


class RecognitionLevel(models.TextChoices):
    NATIONAL = "国家级", "国家级"
    MUNICIPAL = "省市级", "省市级"
    GROUP = "集团级", "集团级"
    COMPANY = "公司级", "公司级"
    COMMITTEE = "党委级", "党委级"


class Recognition(TimeStampedModel):
    """An honour granted to a person or to an organization, with its citation."""

    kind = models.CharField("类别", max_length=10, choices=RecognitionKind.choices)
    custom_kind = models.CharField("类别名称（其他）", max_length=40, blank=True)
    level = models.CharField("级别", max_length=4, choices=RecognitionLevel.choices)
    year = models.PositiveSmallIntegerField("年度")
    person = models.ForeignKey(
        Person,
        verbose_name="获得者",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="recognitions",
    )
    recipient_org = models.ForeignKey(
        Organization,
        verbose_name="获得组织",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="recognitions",
    )
    organization = models.ForeignKey(
        Organization,
        verbose_name="所属组织",
        on_delete=models.PROTECT,
        related_name="+",
        help_text="用于权限范围：获得者所在组织，或获得荣誉的组织本身。",
    )
    citation = models.TextField("事迹简介", blank=True)
    granted_by = models.CharField("授予单位", max_length=100, blank=True)

    class Meta:
        verbose_name = "荣誉"
        verbose_name_plural = "荣誉"
        ordering = ["-year", "kind", "id"]
        indexes = [models.Index(fields=["organization", "year"], name="recognition_org_year")]
        constraints = [
            models.CheckConstraint(
                condition=(Q(person__isnull=False) & Q(recipient_org__isnull=True))
                | (Q(person__isnull=True) & Q(recipient_org__isnull=False)),
                name="recognition_one_recipient",
            ),
            models.CheckConstraint(
                condition=~Q(kind="其他") | ~Q(custom_kind=""), name="custom_recognition_has_name"
            ),
            models.CheckConstraint(
                condition=Q(year__gte=1949) & Q(year__lte=2100), name="recognition_year_range"
            ),
        ]

    def __str__(self) -> str:
        who = self.person.name if self.person_id and self.person else str(self.recipient_org)
        return f"{self.year} {self.display_kind} {who}"

    @property
    def display_kind(self) -> str:
        return self.custom_kind if self.kind == RecognitionKind.CUSTOM else self.kind


class Grade(models.TextChoices):
    EXCELLENT = "优秀", "优秀"
    QUALIFIED = "合格", "合格"
    BASICALLY_QUALIFIED = "基本合格", "基本合格"
    UNQUALIFIED = "不合格", "不合格"


class EvaluationStatus(models.TextChoices):
    OPEN = "open", "进行中"
    CLOSED = "closed", "已完成"


class Evaluation(TimeStampedModel):
    """One branch's 民主评议党员 for one year."""

    branch = models.ForeignKey(
        Organization, verbose_name="党支部", on_delete=models.PROTECT, related_name="evaluations"
    )
    year = models.PositiveSmallIntegerField("年度")
    held_on = models.DateField("评议日期", null=True, blank=True)
    status = models.CharField(
        "状态", max_length=10, choices=EvaluationStatus.choices, default=EvaluationStatus.OPEN
    )

    class Meta:
        verbose_name = "民主评议党员"
        verbose_name_plural = "民主评议党员"
        ordering = ["-year", "branch__path"]
        constraints = [models.UniqueConstraint(fields=["branch", "year"], name="evaluation_once_a_year")]

    def __str__(self) -> str:
        return f"{self.branch} {self.year}年度民主评议党员"


class EvaluationEntry(TimeStampedModel):
    """One member in one evaluation: self-assessment, the branch's votes and the grade."""

    evaluation = models.ForeignKey(Evaluation, on_delete=models.CASCADE, related_name="entries")
    person = models.ForeignKey(Person, verbose_name="党员", on_delete=models.PROTECT, related_name="+")
    self_assessment = models.TextField("个人自评", blank=True)
    votes_excellent = models.PositiveIntegerField("优秀票", default=0)
    votes_qualified = models.PositiveIntegerField("合格票", default=0)
    votes_basic = models.PositiveIntegerField("基本合格票", default=0)
    votes_unqualified = models.PositiveIntegerField("不合格票", default=0)
    grade = models.CharField("评定等次", max_length=4, choices=Grade.choices, blank=True)
    follow_up = models.TextField("组织处置（不合格）", blank=True)

    class Meta:
        verbose_name = "评议结果"
        verbose_name_plural = "评议结果"
        ordering = ["evaluation", "person__employee_no"]
        constraints = [
            models.UniqueConstraint(fields=["evaluation", "person"], name="evaluation_entry_once"),
            models.CheckConstraint(
                condition=~Q(grade="不合格") | ~Q(follow_up=""), name="unqualified_has_follow_up"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person.name} {self.grade or '未评定'}"

    @property
    def votes_total(self) -> int:
        return self.votes_excellent + self.votes_qualified + self.votes_basic + self.votes_unqualified
