"""The savings ledger: claims and their verification."""

from __future__ import annotations

from django.db import models
from django.db.models import Q

from qixin.core.models import User

from .projects import Project


class SavingsStatus(models.TextChoices):
    CLAIMED = "已申报", "已申报（待核定）"
    VERIFIED = "已核定", "已核定"
    REJECTED = "未通过", "核定未通过"
    WITHDRAWN = "已撤回", "已撤回"


class SavingsEntry(models.Model):
    """One line of a project's savings ledger. Only VERIFIED entries count. A reversal is a verified
    entry with the opposite amount that points at the entry it reverses (at most one per entry)."""

    number = models.CharField("流水号", max_length=32, unique=True)
    project = models.ForeignKey(
        Project, verbose_name="项目", on_delete=models.PROTECT, related_name="savings"
    )
    amount = models.DecimalField("金额（元）", max_digits=14, decimal_places=2)
    occurred_on = models.DateField("节约实现日期")
    description = models.CharField("说明", max_length=200)
    evidence = models.TextField("测算依据", blank=True)
    status = models.CharField(
        "状态", max_length=4, choices=SavingsStatus.choices, default=SavingsStatus.CLAIMED
    )
    claimed_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    claimed_at = models.DateTimeField("申报时间")
    verified_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    verified_on = models.DateField("核定日期", null=True, blank=True)
    verification_note = models.CharField("核定依据（凭证号等）", max_length=200, blank=True)
    rejection_reason = models.CharField("未通过原因", max_length=200, blank=True)
    reverses = models.OneToOneField(
        "self",
        verbose_name="冲销的记录",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="reversal",
    )

    class Meta:
        verbose_name = "节约记录"
        verbose_name_plural = "节约台账"
        ordering = ["occurred_on", "id"]
        indexes = [
            models.Index(
                fields=["status", "verified_on", "project", "amount"], name="improve_savings_verified"
            ),
            models.Index(fields=["project", "status"], name="improve_savings_project"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=(Q(reverses__isnull=True) & Q(amount__gt=0))
                | (Q(reverses__isnull=False) & Q(amount__lt=0) & Q(status="已核定")),
                name="improve_savings_sign",
            ),
            models.CheckConstraint(
                condition=~Q(status="已核定")
                | (Q(verified_on__isnull=False) & Q(verified_on__gte=models.F("occurred_on"))),
                name="improve_savings_verified_dated",
            ),
            models.CheckConstraint(
                condition=~Q(status="未通过") | ~Q(rejection_reason=""),
                name="improve_savings_rejection_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.amount}"

    @property
    def is_reversal(self) -> bool:
        return self.reverses_id is not None
