"""Improvement projects (项目): stages, team, stage changes."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.urls import reverse

from qixin.core.models import TimeStampedModel, User
from qixin.orgs.models import Organization
from qixin.people.models import Person

from ._common import Category, category_label
from .alliances import Alliance
from .campaigns import Campaign
from .studios import Studio


class Stage(models.TextChoices):
    PROPOSED = "立项", "立项"
    IMPLEMENTING = "实施", "实施"
    ACCEPTANCE = "验收", "验收"
    CLOSED = "结项", "结项"
    TERMINATED = "终止", "终止"


# Which stage may follow which, and who may make the move: "team" (the owner, team members and the
# organization's managers) or "manager" (the managers only: acceptance is not the team's to decide).
STAGE_TRANSITIONS: dict[tuple[str, str], str] = {
    (Stage.PROPOSED, Stage.IMPLEMENTING): "team",
    (Stage.PROPOSED, Stage.TERMINATED): "manager",
    (Stage.IMPLEMENTING, Stage.ACCEPTANCE): "team",
    (Stage.IMPLEMENTING, Stage.TERMINATED): "manager",
    (Stage.ACCEPTANCE, Stage.CLOSED): "manager",
    (Stage.ACCEPTANCE, Stage.IMPLEMENTING): "manager",
    (Stage.ACCEPTANCE, Stage.TERMINATED): "manager",
}


# Savings can be claimed once the project is being implemented.
CLAIMABLE_STAGES = (Stage.IMPLEMENTING, Stage.ACCEPTANCE, Stage.CLOSED)


class Project(TimeStampedModel):
    """立项: a cost-reduction or improvement project of a branch, owned by a person; whether the owner
    was a party member when it was registered is recorded (党员立项)."""

    code = models.CharField("项目编号", max_length=32, unique=True)
    title = models.CharField("项目名称", max_length=200)
    description = models.TextField("项目说明", blank=True)
    organization = models.ForeignKey(
        Organization, verbose_name="所在组织", on_delete=models.PROTECT, related_name="improve_projects"
    )
    owner = models.ForeignKey(
        Person, verbose_name="负责人", on_delete=models.PROTECT, related_name="improve_projects_owned"
    )
    owner_is_member = models.BooleanField("负责人立项时为党员", default=False)
    team = models.ManyToManyField(Person, through="ProjectMember", related_name="improve_projects")
    alliances = models.ManyToManyField(Alliance, verbose_name="所属联盟", blank=True, related_name="projects")
    campaign = models.ForeignKey(
        Campaign,
        verbose_name="所属活动",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="projects",
    )
    studio = models.ForeignKey(
        Studio,
        verbose_name="所属工作室",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="projects",
    )
    category = models.CharField("类别", max_length=10, choices=Category.choices)
    custom_category = models.CharField("自定义类别", max_length=40, blank=True)
    stage = models.CharField("阶段", max_length=4, choices=Stage.choices, default=Stage.PROPOSED)
    started_on = models.DateField("立项日期")
    stage_changed_on = models.DateField("阶段变更日期")
    savings_target = models.DecimalField("节约目标（元）", default=0, max_digits=14, decimal_places=2)
    search_tokens = models.TextField(blank=True, editable=False)

    class Meta:
        verbose_name = "降本项目"
        verbose_name_plural = "降本项目"
        ordering = ["-started_on", "-id"]
        indexes = [
            models.Index(fields=["organization", "stage"], name="improve_project_org_stage"),
            # With the rest: projects registered in a period by stage (the reports), from the index alone.
            models.Index(
                fields=["started_on", "organization", "stage", "owner_is_member"],
                name="improve_project_started",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(savings_target__gte=0), name="improve_project_target_positive"
            ),
            models.CheckConstraint(
                condition=~Q(category="其他") | ~Q(custom_category=""), name="improve_project_custom_category"
            ),
            models.CheckConstraint(
                condition=Q(stage_changed_on__gte=models.F("started_on")),
                name="improve_project_stage_after_start",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.title}"

    def get_absolute_url(self) -> str:
        return reverse("improve:project", args=[self.pk])

    @property
    def category_label(self) -> str:
        return category_label(self.category, self.custom_category)


class ProjectMember(models.Model):
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="memberships")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="improve_project_memberships")
    role = models.CharField("分工", max_length=40, blank=True)

    class Meta:
        verbose_name = "项目成员"
        verbose_name_plural = "项目成员"
        constraints = [
            models.UniqueConstraint(fields=["project", "person"], name="improve_project_member_once")
        ]

    def __str__(self) -> str:
        return f"{self.project_id}:{self.person_id}"


class ProjectStageChange(models.Model):
    """Each move of a project's stage: from, to, on which day, by whom."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="stage_changes")
    from_stage = models.CharField("原阶段", max_length=4, choices=Stage.choices, blank=True)
    to_stage = models.CharField("新阶段", max_length=4, choices=Stage.choices)
    changed_on = models.DateField("日期")
    actor = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    note = models.CharField("说明", max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "项目阶段变更"
        verbose_name_plural = "项目阶段变更"
        ordering = ["changed_on", "id"]

    def __str__(self) -> str:
        return f"{self.project_id} {self.from_stage}→{self.to_stage} {self.changed_on}"
