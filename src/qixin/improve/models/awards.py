"""Awards (奖项)."""

from __future__ import annotations

from django.db import models
from django.db.models import Q

from qixin.core.models import TimeStampedModel
from qixin.orgs.models import Organization
from qixin.people.models import Person

from .projects import Project
from .studios import Studio


class AwardLevel(models.TextChoices):
    NATIONAL = "国家级", "国家级"
    PROVINCIAL = "省市级", "省市级"
    GROUP = "集团级", "集团级"
    COMPANY = "公司级", "公司级"


class Award(TimeStampedModel):
    """An award for an achievement (e.g. 上海市第32届优秀发明金奖 for 整车前期研发数字化平台), linked to
    the people, studios and projects behind it, with the savings it brought as stated."""

    name = models.CharField("奖项名称", max_length=100)
    level = models.CharField("级别", max_length=4, choices=AwardLevel.choices)
    issuer = models.CharField("颁发单位", max_length=100, blank=True)
    awarded_on = models.DateField("获奖日期")
    achievement = models.CharField("获奖成果", max_length=200)
    organization = models.ForeignKey(
        Organization, verbose_name="所在组织", on_delete=models.PROTECT, related_name="improve_awards"
    )
    savings = models.DecimalField("累计节约（元）", default=0, max_digits=14, decimal_places=2)
    savings_note = models.CharField("节约说明", max_length=200, blank=True)
    people = models.ManyToManyField(Person, verbose_name="获奖人", blank=True, related_name="improve_awards")
    studios = models.ManyToManyField(Studio, verbose_name="工作室", blank=True, related_name="awards")
    projects = models.ManyToManyField(Project, verbose_name="项目", blank=True, related_name="awards")

    class Meta:
        verbose_name = "获奖成果"
        verbose_name_plural = "获奖成果"
        ordering = ["-awarded_on", "name"]
        constraints = [
            models.CheckConstraint(condition=Q(savings__gte=0), name="improve_award_savings_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.name}：{self.achievement}"
