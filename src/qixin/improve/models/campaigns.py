"""Campaigns (活动)."""

from __future__ import annotations

from datetime import date, timedelta

from django.db import models
from django.db.models import Q

from qixin.core.models import TimeStampedModel
from qixin.orgs.models import Organization


class Campaign(TimeStampedModel):
    """A drive set by a committee (e.g. "Fit for 2020"): a period [starts_on, ends_on), a savings
    target and the organizations taking part."""

    organization = models.ForeignKey(
        Organization, verbose_name="发起党委", on_delete=models.PROTECT, related_name="improve_campaigns"
    )
    name = models.CharField("活动名称", max_length=100)
    description = models.TextField("说明", blank=True)
    starts_on = models.DateField("开始日期")
    ends_on = models.DateField("结束日期（不含）")
    savings_target = models.DecimalField("降本目标（元）", max_digits=14, decimal_places=2)
    participants = models.ManyToManyField(
        Organization, verbose_name="参与组织", blank=True, related_name="improve_campaigns_joined"
    )

    class Meta:
        verbose_name = "降本活动"
        verbose_name_plural = "降本活动"
        ordering = ["-starts_on", "name"]
        constraints = [
            models.UniqueConstraint(fields=["organization", "name"], name="improve_campaign_name_once"),
            models.CheckConstraint(
                condition=Q(ends_on__gt=models.F("starts_on")), name="improve_campaign_period"
            ),
            models.CheckConstraint(
                condition=Q(savings_target__gte=0), name="improve_campaign_target_positive"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def last_day(self) -> date:
        return self.ends_on - timedelta(days=1)
