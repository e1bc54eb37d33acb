"""Alliances (联盟), their branches and members."""

from __future__ import annotations

from django.db import models
from django.db.models import Q

from qixin.core.models import TimeStampedModel
from qixin.orgs.models import Organization
from qixin.people.models import Person

from .campaigns import Campaign


class Alliance(TimeStampedModel):
    """降本联盟: formed by one or more branches (the lead branch among them), with a leader and members."""

    code = models.CharField("联盟编码", max_length=32, unique=True)
    name = models.CharField("联盟名称", max_length=100)
    campaign = models.ForeignKey(
        Campaign,
        verbose_name="所属活动",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="alliances",
    )
    lead_branch = models.ForeignKey(
        Organization,
        verbose_name="牵头党支部",
        on_delete=models.PROTECT,
        related_name="improve_alliances_led",
    )
    branches = models.ManyToManyField(
        Organization, verbose_name="参与党支部", through="AllianceBranch", related_name="improve_alliances"
    )
    leader = models.ForeignKey(
        Person, verbose_name="负责人", on_delete=models.PROTECT, related_name="improve_alliances_led"
    )
    goal = models.TextField("目标", blank=True)
    founded_on = models.DateField("成立日期")
    dissolved_on = models.DateField("解散日期", null=True, blank=True)

    class Meta:
        verbose_name = "降本联盟"
        verbose_name_plural = "降本联盟"
        ordering = ["code"]
        constraints = [
            models.CheckConstraint(
                condition=Q(dissolved_on__isnull=True) | Q(dissolved_on__gte=models.F("founded_on")),
                name="improve_alliance_dates",
            )
        ]

    def __str__(self) -> str:
        return self.name


class AllianceBranch(models.Model):
    alliance = models.ForeignKey(Alliance, on_delete=models.CASCADE, related_name="branch_links")
    branch = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = "联盟参与党支部"
        verbose_name_plural = "联盟参与党支部"
        constraints = [
            models.UniqueConstraint(fields=["alliance", "branch"], name="improve_alliance_branch_once")
        ]

    def __str__(self) -> str:
        return f"{self.alliance_id}:{self.branch_id}"


class AllianceMember(models.Model):
    alliance = models.ForeignKey(Alliance, on_delete=models.CASCADE, related_name="memberships")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="improve_alliance_memberships")
    joined_on = models.DateField("加入日期")
    left_on = models.DateField("退出日期", null=True, blank=True)

    class Meta:
        verbose_name = "联盟成员"
        verbose_name_plural = "联盟成员"
        constraints = [
            models.UniqueConstraint(
                fields=["alliance", "person"],
                condition=Q(left_on__isnull=True),
                name="improve_alliance_member_once",
            ),
            models.CheckConstraint(
                condition=Q(left_on__isnull=True) | Q(left_on__gte=models.F("joined_on")),
                name="improve_alliance_member_dates",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.alliance_id}:{self.person_id}"
