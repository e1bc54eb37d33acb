"""Mobilization: teams (党员突击队, 志愿服务队, 防疫监督小组, 复工复产保障队, 先锋岗), missions
(专项攻坚, 先锋行动, 急难险重任务) with the teams and people on them, deployments (驰援, 坚守) and
service hours."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.urls import reverse

from qixin.core.models import TimeStampedModel
from qixin.orgs.models import Organization
from qixin.people.models import Person


class TeamKind(models.TextChoices):
    COMMANDO = "党员突击队", "党员突击队"
    VOLUNTEER = "志愿服务队", "志愿服务队"
    EPIDEMIC = "防疫监督小组", "防疫监督小组"
    RESUMPTION = "复工复产保障队", "复工复产保障队"
    PIONEER_POST = "先锋岗", "先锋岗"
    CUSTOM = "其他", "其他"


# Teams whose members are volunteers (志愿者): the article's "732 名党员志愿者组成 163 支防疫监督小组
# 和 300 支复工复产保障队".
VOLUNTEER_KINDS = (TeamKind.VOLUNTEER, TeamKind.EPIDEMIC, TeamKind.RESUMPTION)


class Team(TimeStampedModel):
    name = models.CharField("队伍名称", max_length=100)
    kind = models.CharField("类别", max_length=10, choices=TeamKind.choices)
    custom_kind = models.CharField("类别名称（其他）", max_length=40, blank=True)
    organization = models.ForeignKey(
        Organization, verbose_name="组建组织", on_delete=models.PROTECT, related_name="teams"
    )
    leader = models.ForeignKey(
        Person, verbose_name="队长", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    formed_on = models.DateField("组建日期")
    disbanded_on = models.DateField("解散日期", null=True, blank=True)
    description = models.TextField("任务说明", blank=True)

    class Meta:
        verbose_name = "队伍"
        verbose_name_plural = "队伍"
        ordering = ["-formed_on", "id"]
        indexes = [models.Index(fields=["organization", "kind"], name="team_org_kind")]
        constraints = [
            models.CheckConstraint(
                condition=Q(disbanded_on__isnull=True) | Q(disbanded_on__gte=models.F("formed_on")),
                name="team_dates_ordered",
            ),
            models.CheckConstraint(
                condition=~Q(kind="其他") | ~Q(custom_kind=""), name="custom_team_has_kind"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("mobilize:team", args=[self.pk])

    @property
    def display_kind(self) -> str:
        return self.custom_kind if self.kind == TeamKind.CUSTOM else self.kind


class TeamMember(models.Model):
    """A person on a team, flagged party member or not (as on the day they joined)."""

    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="members")
    person = models.ForeignKey(
        Person, verbose_name="队员", on_delete=models.PROTECT, related_name="team_memberships"
    )
    is_party_member = models.BooleanField("党员")
    joined_on = models.DateField("加入日期")
    left_on = models.DateField("退出日期", null=True, blank=True)

    class Meta:
        verbose_name = "队员"
        verbose_name_plural = "队员"
        ordering = ["team", "person__employee_no"]
        constraints = [
            models.UniqueConstraint(fields=["team", "person"], name="team_member_once"),
            models.CheckConstraint(
                condition=Q(left_on__isnull=True) | Q(left_on__gte=models.F("joined_on")),
                name="team_member_dates_ordered",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.team} {self.person.name}"


class MissionKind(models.TextChoices):
    SPECIAL = "专项攻坚", "专项攻坚"
    PIONEER = "先锋行动", "先锋行动"
    URGENT = "急难险重任务", "急难险重任务"


class MissionStatus(models.TextChoices):
    PLANNED = "planned", "筹备中"
    ACTIVE = "active", "进行中"
    COMPLETED = "completed", "已完成"
    CANCELLED = "cancelled", "已取消"


# Allowed status changes (a mission is done once, by a service that checks this table).
MISSION_TRANSITIONS: dict[str, set[str]] = {
    MissionStatus.PLANNED: {MissionStatus.ACTIVE, MissionStatus.CANCELLED},
    MissionStatus.ACTIVE: {MissionStatus.COMPLETED, MissionStatus.CANCELLED},
    MissionStatus.COMPLETED: set(),
    MissionStatus.CANCELLED: set(),
}


class Mission(TimeStampedModel):
    name = models.CharField("任务名称", max_length=100)
    kind = models.CharField("类别", max_length=10, choices=MissionKind.choices)
    organization = models.ForeignKey(
        Organization, verbose_name="发起组织", on_delete=models.PROTECT, related_name="missions"
    )
    goal = models.TextField("目标")
    starts_on = models.DateField("开始日期")
    ends_on = models.DateField("结束日期", null=True, blank=True)
    status = models.CharField(
        "状态", max_length=10, choices=MissionStatus.choices, default=MissionStatus.PLANNED
    )
    outcome = models.TextField("成效", blank=True)
    teams = models.ManyToManyField(Team, verbose_name="参与队伍", blank=True, related_name="missions")

    class Meta:
        verbose_name = "专项任务"
        verbose_name_plural = "专项任务"
        ordering = ["-starts_on", "id"]
        indexes = [models.Index(fields=["organization", "starts_on"], name="mission_org_start")]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(ends_on__gte=models.F("starts_on")),
                name="mission_dates_ordered",
            ),
            models.CheckConstraint(
                condition=~Q(status="completed") | ~Q(outcome=""), name="completed_mission_has_outcome"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("mobilize:mission", args=[self.pk])


class Assignment(models.Model):
    """A person's part in a mission (what they did); it can be turned into a deed."""

    mission = models.ForeignKey(Mission, on_delete=models.CASCADE, related_name="assignments")
    person = models.ForeignKey(
        Person, verbose_name="人员", on_delete=models.PROTECT, related_name="assignments"
    )
    team = models.ForeignKey(
        Team, verbose_name="所在队伍", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    part = models.CharField("承担工作", max_length=200)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "任务分工"
        verbose_name_plural = "任务分工"
        ordering = ["mission", "person__employee_no"]
        constraints = [models.UniqueConstraint(fields=["mission", "person"], name="assignment_once")]

    def __str__(self) -> str:
        return f"{self.mission}：{self.person.name}"

    def get_absolute_url(self) -> str:
        return reverse("mobilize:mission", args=[self.mission_id])


class DeploymentKind(models.TextChoices):
    SENT = "驰援", "驰援"
    HELD_POST = "坚守", "坚守"
    OTHER = "其他", "其他"


class Deployment(TimeStampedModel):
    """Who went where, from when to when (驰援武汉, 坚守工厂)."""

    person = models.ForeignKey(
        Person, verbose_name="人员", on_delete=models.PROTECT, related_name="deployments"
    )
    organization = models.ForeignKey(
        Organization, verbose_name="所在组织", on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField("类别", max_length=4, choices=DeploymentKind.choices)
    destination = models.CharField("地点", max_length=100)
    mission = models.ForeignKey(
        Mission,
        verbose_name="所属任务",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="deployments",
    )
    starts_on = models.DateField("开始日期")
    ends_on = models.DateField("结束日期", null=True, blank=True)
    note = models.CharField("说明", max_length=200, blank=True)

    class Meta:
        verbose_name = "派驻"
        verbose_name_plural = "派驻"
        ordering = ["-starts_on", "id"]
        indexes = [models.Index(fields=["organization", "starts_on"], name="deployment_org_start")]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(ends_on__gte=models.F("starts_on")),
                name="deployment_dates_ordered",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person.name} {self.kind}{self.destination}"

    def get_absolute_url(self) -> str:
        return reverse("mobilize:deployments")


class ServiceRecord(TimeStampedModel):
    """Hours of service a person gave on a day, for a team or a mission."""

    person = models.ForeignKey(
        Person, verbose_name="人员", on_delete=models.PROTECT, related_name="service_records"
    )
    organization = models.ForeignKey(
        Organization, verbose_name="所在组织", on_delete=models.PROTECT, related_name="+"
    )
    team = models.ForeignKey(
        Team,
        verbose_name="队伍",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="service_records",
    )
    mission = models.ForeignKey(
        Mission,
        verbose_name="任务",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="service_records",
    )
    served_on = models.DateField("日期")
    hours = models.DecimalField("时长（小时）", max_digits=6, decimal_places=1)
    description = models.CharField("内容", max_length=200, blank=True)

    class Meta:
        verbose_name = "服务时长"
        verbose_name_plural = "服务时长"
        ordering = ["-served_on", "id"]
        indexes = [models.Index(fields=["organization", "served_on"], name="service_org_day")]
        constraints = [
            models.CheckConstraint(
                condition=Q(hours__gt=0) & Q(hours__lte=24), name="service_hours_in_a_day"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person.name} {self.served_on} {self.hours}小时"
