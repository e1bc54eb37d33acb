"""The organization tree (党委 → 党总支 → 党支部 → 党小组), positions, elections and history.

The tree is a materialized path (django-treebeard MP_Node): a subtree is one indexed prefix query on
SQLite and PostgreSQL alike.
"""

from __future__ import annotations

from typing import Any

from django.db import models
from django.db.models import Q
from treebeard.mp_tree import MP_Node

from qixin.core.models import TimeStampedModel, User


class OrgKind(models.TextChoices):
    COMMITTEE = "committee", "党委"
    GENERAL_BRANCH = "general_branch", "党总支"
    BRANCH = "branch", "党支部"
    GROUP = "group", "党小组"


# Which kind may sit under which: a 党小组 only divides a 党支部; nothing sits under a 党小组.
ALLOWED_CHILDREN: dict[str, set[str]] = {
    OrgKind.COMMITTEE: {OrgKind.COMMITTEE, OrgKind.GENERAL_BRANCH, OrgKind.BRANCH},
    OrgKind.GENERAL_BRANCH: {OrgKind.BRANCH},
    OrgKind.BRANCH: {OrgKind.GROUP},
    OrgKind.GROUP: set(),
}


class Organization(MP_Node, TimeStampedModel):  # type: ignore[misc,django-manager-missing]
    code = models.CharField("组织编码", max_length=32, unique=True)
    name = models.CharField("组织名称", max_length=100)
    kind = models.CharField("组织类别", max_length=20, choices=OrgKind.choices)
    unit = models.CharField("所在单位/部门", max_length=100, blank=True)
    established_on = models.DateField("成立日期", null=True, blank=True)
    dissolved_on = models.DateField("撤销日期", null=True, blank=True)
    merged_into = models.ForeignKey(
        "self", verbose_name="并入组织", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    node_order_by = ["code"]

    class Meta:
        verbose_name = "党组织"
        verbose_name_plural = "党组织"
        indexes = [
            # Prefix (LIKE 'path%') scans on PostgreSQL need the pattern operator class; SQLite ignores it.
            models.Index(fields=["path"], name="org_path_prefix", opclasses=["varchar_pattern_ops"]),
            models.Index(fields=["kind", "dissolved_on"], name="org_kind_active"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(dissolved_on__isnull=True)
                | Q(established_on__isnull=True)
                | Q(dissolved_on__gte=models.F("established_on")),
                name="org_dissolved_after_established",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_active(self) -> bool:
        return self.dissolved_on is None

    def subtree_q(self, prefix: str = "") -> Q:
        return Q(**{f"{prefix}path__startswith": self.path})

    def ancestor_paths(self, *, include_self: bool = True) -> list[str]:
        """The paths from the root down to this organization (the path of each ancestor is a prefix
        of its own), itself last unless `include_self` is False."""
        end = len(self.path) + (1 if include_self else 0)
        return [self.path[:i] for i in range(self.steplen, end, self.steplen)]


class OrgEventKind(models.TextChoices):
    CREATED = "created", "成立"
    RENAMED = "renamed", "更名"
    MOVED = "moved", "调整隶属关系"
    DISSOLVED = "dissolved", "撤销"
    MERGED = "merged", "合并"
    UPDATED = "updated", "信息变更"


class OrgEvent(models.Model):
    """The organization's history, shown on its page: what changed, when, by whom."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField("事项", max_length=20, choices=OrgEventKind.choices)
    happened_on = models.DateField("日期")
    details: models.JSONField[Any, Any] = models.JSONField("内容", default=dict, blank=True)
    actor = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "组织沿革"
        verbose_name_plural = "组织沿革"
        ordering = ["-happened_on", "-id"]

    def __str__(self) -> str:
        return f"{self.organization} {self.get_kind_display()} {self.happened_on}"


class Election(TimeStampedModel):
    """A 换届选举: the term it starts and so when the next one is due."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="elections")
    held_on = models.DateField("换届日期")
    term_years = models.PositiveSmallIntegerField("任期（年）")
    note = models.CharField("说明", max_length=200, blank=True)

    class Meta:
        verbose_name = "换届选举"
        verbose_name_plural = "换届选举"
        ordering = ["-held_on"]
        constraints = [
            models.UniqueConstraint(fields=["organization", "held_on"], name="election_once_a_day"),
            models.CheckConstraint(
                condition=Q(term_years__gte=1) & Q(term_years__lte=10), name="term_years_range"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.organization} {self.held_on}"


class PositionTitle(models.TextChoices):
    SECRETARY = "secretary", "书记"
    DEPUTY_SECRETARY = "deputy_secretary", "副书记"
    ORGANIZATION = "organization", "组织委员"
    PUBLICITY = "publicity", "宣传委员"
    DISCIPLINE = "discipline", "纪检委员"
    COMMITTEE_MEMBER = "committee_member", "委员"
    GROUP_LEADER = "group_leader", "党小组长"
    CUSTOM = "custom", "其他"


COMMITTEE_TITLES = {
    PositionTitle.SECRETARY,
    PositionTitle.DEPUTY_SECRETARY,
    PositionTitle.ORGANIZATION,
    PositionTitle.PUBLICITY,
    PositionTitle.DISCIPLINE,
    PositionTitle.COMMITTEE_MEMBER,
}


class Position(TimeStampedModel):
    """A post held by a person at an organization, from a date until a date (open while held)."""

    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="positions")
    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="positions")
    title = models.CharField("职务", max_length=20, choices=PositionTitle.choices)
    custom_title = models.CharField("职务名称（其他）", max_length=40, blank=True)
    started_on = models.DateField("任职日期")
    ended_on = models.DateField("离任日期", null=True, blank=True)

    class Meta:
        verbose_name = "职务"
        verbose_name_plural = "职务"
        ordering = ["organization", "title", "started_on"]
        indexes = [models.Index(fields=["organization", "ended_on"], name="position_org_current")]
        constraints = [
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True) | Q(ended_on__gte=models.F("started_on")),
                name="position_dates_ordered",
            ),
            models.CheckConstraint(
                condition=~Q(title="custom") | ~Q(custom_title=""), name="custom_position_has_title"
            ),
            models.UniqueConstraint(
                fields=["organization", "title"],
                condition=Q(ended_on__isnull=True) & Q(title__in=["secretary"]),
                name="one_current_secretary",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.organization} {self.display_title}"

    @property
    def display_title(self) -> str:
        return self.custom_title if self.title == PositionTitle.CUSTOM else self.get_title_display()

    @property
    def is_committee(self) -> bool:
        if self.title == PositionTitle.CUSTOM:
            return self.custom_title.endswith("委员")
        return self.title in COMMITTEE_TITLES


def tree_insert(org: Organization, parent: Organization | None) -> Organization:
    """Place a new organization in the tree: a root, or a child of `parent` (kept sorted by code)."""
    node = (
        Organization.objects.add_root(instance=org)
        if parent is None
        else Organization.objects.add_child(parent, instance=org)
    )
    assert isinstance(node, Organization)
    return node


def tree_insert_many(parent: Organization, children: list[Organization]) -> list[Organization]:
    """Create many new children of a childless `parent` in a few queries (bulk loads such as the demo
    data); the result is the tree that tree_insert would build one by one, sorted by code."""
    if (
        parent.numchild
        or Organization.objects.filter(path__startswith=parent.path, depth=parent.depth + 1).exists()
    ):
        return [tree_insert(child, parent) for child in children]
    ordered = sorted(children, key=lambda child: child.code)
    for step, child in enumerate(ordered, start=1):
        child.path = Organization._get_path(parent.path, parent.depth + 1, step)
        child.depth = parent.depth + 1
        child.numchild = 0
    created = Organization.objects.bulk_create(ordered)
    parent.numchild = len(created)
    Organization.objects.filter(pk=parent.pk).update(numchild=parent.numchild)
    return created


def tree_move(org: Organization, new_parent: Organization) -> Organization:
    """Move an organization with its subtree under `new_parent`; returns it with its new path."""
    Organization.objects.move(org, new_parent, "sorted-child")
    org.refresh_from_db()
    return org
