"""Innovation studios (创新工作室) and their members."""

from __future__ import annotations

from django.db import models
from django.db.models import Q

from qixin.core.models import TimeStampedModel
from qixin.orgs.models import Organization
from qixin.people.models import Person


class StudioKind(models.TextChoices):
    INNOVATION = "创新工作室", "创新工作室"
    TECHNICIAN = "技师工作室", "技师工作室"
    MODEL_WORKER = "劳模创新工作室", "劳模创新工作室"


class Studio(TimeStampedModel):
    """创新工作室 / 技师工作室. Whether its leader is a party member is read from the registry on the
    day asked (党员挂帅), not typed in."""

    code = models.CharField("工作室编码", max_length=32, unique=True)
    name = models.CharField("名称", max_length=100)
    kind = models.CharField("类型", max_length=10, choices=StudioKind.choices, default=StudioKind.INNOVATION)
    organization = models.ForeignKey(
        Organization, verbose_name="所在组织", on_delete=models.PROTECT, related_name="improve_studios"
    )
    leader = models.ForeignKey(
        Person, verbose_name="领衔人", on_delete=models.PROTECT, related_name="improve_studios_led"
    )
    focus = models.CharField("研究方向", max_length=200, blank=True)
    founded_on = models.DateField("成立日期")
    closed_on = models.DateField("撤销日期", null=True, blank=True)
    members = models.ManyToManyField(Person, through="StudioMember", related_name="improve_studios")

    class Meta:
        verbose_name = "创新工作室"
        verbose_name_plural = "创新工作室"
        ordering = ["code"]
        constraints = [
            models.CheckConstraint(
                condition=Q(closed_on__isnull=True) | Q(closed_on__gte=models.F("founded_on")),
                name="improve_studio_dates",
            )
        ]

    def __str__(self) -> str:
        return self.name


class StudioMember(models.Model):
    studio = models.ForeignKey(Studio, on_delete=models.CASCADE, related_name="memberships")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="improve_studio_memberships")
    joined_on = models.DateField("加入日期")

    class Meta:
        verbose_name = "工作室成员"
        verbose_name_plural = "工作室成员"
        constraints = [
            models.UniqueConstraint(fields=["studio", "person"], name="improve_studio_member_once")
        ]

    def __str__(self) -> str:
        return f"{self.studio_id}:{self.person_id}"
