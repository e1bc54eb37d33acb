"""Designations granted to people."""

from __future__ import annotations

from django.db import models
from django.db.models import Q

from qixin.core.models import TimeStampedModel, User
from qixin.orgs.models import Organization


class DesignationKind(models.TextChoices):
    REVIEWER = "reviewer", "建议评审人"
    VERIFIER = "verifier", "财务核定人"


class Designation(TimeStampedModel):
    """A duty in this app held at an organization (reaching its subtree): reviewing suggestions (of
    one department, or all when department is empty) or verifying savings for finance."""

    user = models.ForeignKey(
        User, verbose_name="用户", on_delete=models.CASCADE, related_name="improve_designations"
    )
    kind = models.CharField("职责", max_length=10, choices=DesignationKind.choices)
    organization = models.ForeignKey(
        Organization, verbose_name="组织", on_delete=models.PROTECT, related_name="+"
    )
    department = models.CharField("部门（评审人，可空）", max_length=100, blank=True)
    starts_on = models.DateField("生效日期")
    ends_on = models.DateField("终止日期", null=True, blank=True)
    granted_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = "降本职责"
        verbose_name_plural = "降本职责"
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(ends_on__gte=models.F("starts_on")),
                name="improve_designation_dates",
            ),
            models.CheckConstraint(
                condition=Q(kind="reviewer") | Q(department=""),
                name="improve_designation_department_reviewer",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} {self.get_kind_display()} @ {self.organization}"
