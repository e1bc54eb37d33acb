"""Improvement cases (改善案例) and excellent-case selections."""

from __future__ import annotations

from django.db import models
from django.db.models import Q

from qixin.core.models import TimeStampedModel, User
from qixin.orgs.models import Organization
from qixin.people.models import Person

from ._common import Category, category_label
from .projects import Project
from .studios import Studio


class ImprovementCase(TimeStampedModel):
    """改善案例: before and after, the savings it states, a rating (1–5) and its year. The stated
    savings describe the case; the verified savings figure comes from project ledgers only."""

    code = models.CharField("案例编号", max_length=32, unique=True)
    title = models.CharField("案例名称", max_length=200)
    organization = models.ForeignKey(
        Organization, verbose_name="所在组织", on_delete=models.PROTECT, related_name="improve_cases"
    )
    lead = models.ForeignKey(
        Person, verbose_name="主要完成人", on_delete=models.PROTECT, related_name="improve_cases_led"
    )
    lead_is_member = models.BooleanField("完成人为党员（党员主导）", default=False)
    team = models.ManyToManyField(Person, verbose_name="其他完成人", blank=True, related_name="improve_cases")
    studio = models.ForeignKey(
        Studio,
        verbose_name="所属工作室",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="cases",
    )
    project = models.ForeignKey(
        Project,
        verbose_name="关联项目",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="cases",
    )
    category = models.CharField("类别", max_length=10, choices=Category.choices)
    custom_category = models.CharField("自定义类别", max_length=40, blank=True)
    year = models.PositiveSmallIntegerField("年度")
    completed_on = models.DateField("完成日期")
    before = models.TextField("改善前")
    after = models.TextField("改善后")
    savings = models.DecimalField("年节约金额（元）", default=0, max_digits=14, decimal_places=2)
    rating = models.PositiveSmallIntegerField("评级（1-5星）", null=True, blank=True)
    rated_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    rated_on = models.DateField("评级日期", null=True, blank=True)
    search_tokens = models.TextField(blank=True, editable=False)

    class Meta:
        verbose_name = "改善案例"
        verbose_name_plural = "改善案例"
        ordering = ["-year", "code"]
        indexes = [models.Index(fields=["year", "organization"], name="improve_case_year")]
        constraints = [
            models.CheckConstraint(condition=Q(savings__gte=0), name="improve_case_savings_positive"),
            models.CheckConstraint(
                condition=Q(rating__isnull=True) | (Q(rating__gte=1) & Q(rating__lte=5)),
                name="improve_case_rating_range",
            ),
            models.CheckConstraint(
                condition=~Q(category="其他") | ~Q(custom_category=""), name="improve_case_custom_category"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.title}"

    @property
    def category_label(self) -> str:
        return category_label(self.category, self.custom_category)


class ExcellentCase(models.Model):
    """The yearly selection of excellent cases (年度优秀改善案例) by a committee."""

    organization = models.ForeignKey(
        Organization, verbose_name="评选组织", on_delete=models.PROTECT, related_name="+"
    )
    year = models.PositiveSmallIntegerField("年度")
    case = models.ForeignKey(ImprovementCase, on_delete=models.PROTECT, related_name="selections")
    selected_on = models.DateField("评选日期")
    selected_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    citation = models.CharField("评语", max_length=200, blank=True)

    class Meta:
        verbose_name = "年度优秀改善案例"
        verbose_name_plural = "年度优秀改善案例"
        ordering = ["-year", "case__code"]
        constraints = [
            models.UniqueConstraint(fields=["organization", "year", "case"], name="improve_excellent_once"),
        ]

    def __str__(self) -> str:
        return f"{self.year} {self.case_id}"
