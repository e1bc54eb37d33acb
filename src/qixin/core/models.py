"""Shared kernel models: the user account, role grants held at a tree node, rule overrides and the
append-only audit log."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import Q


class TimeStampedModel(models.Model):
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        abstract = True


class User(AbstractUser):
    """A login. Employees log in with their 工号; `person` links the account to the registry."""

    person = models.OneToOneField(
        "people.Person",
        verbose_name="人员",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="user",
    )
    must_change_password = models.BooleanField("首次登录须修改密码", default=False)

    class Meta:
        verbose_name = "用户"
        verbose_name_plural = "用户"

    def __str__(self) -> str:
        return self.get_full_name() or self.username


class Role(models.TextChoices):
    ADMIN = "admin", "系统管理员"
    PARTY_WORKER = "party_worker", "党务工作者"
    SECRETARY = "secretary", "支部书记"
    COMMITTEE = "committee", "支部委员"


class RoleGrant(TimeStampedModel):
    """A role held at a node of the organization tree; it reaches the node's whole subtree.

    Membership (党员) and employment (员工) are not granted: they follow from the person's records.
    """

    user = models.ForeignKey(User, verbose_name="用户", on_delete=models.CASCADE, related_name="grants")
    role = models.CharField("角色", max_length=20, choices=Role.choices)
    organization = models.ForeignKey(
        "orgs.Organization",
        verbose_name="组织",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="role_grants",
    )
    starts_on = models.DateField("生效日期")
    ends_on = models.DateField("终止日期", null=True, blank=True)
    granted_by = models.ForeignKey(
        User, verbose_name="授权人", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = "角色授权"
        verbose_name_plural = "角色授权"
        constraints = [
            models.CheckConstraint(
                condition=Q(role="admin") | Q(organization__isnull=False), name="role_grant_needs_org"
            ),
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(ends_on__gte=models.F("starts_on")),
                name="role_grant_dates_ordered",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} {self.get_role_display()} @ {self.organization or '全局'}"


class RuleOverride(TimeStampedModel):
    """An organization's value for a rule from qixin.core.rules, effective from a date, reaching its
    subtree unless a deeper node overrides it again."""

    organization = models.ForeignKey(
        "orgs.Organization", verbose_name="组织", on_delete=models.CASCADE, related_name="rule_overrides"
    )
    key = models.CharField("规则", max_length=80)
    value = models.JSONField("取值")
    effective_from = models.DateField("生效日期")
    basis = models.CharField("依据（批准文件等）", max_length=200, blank=True)

    class Meta:
        verbose_name = "规则设置"
        verbose_name_plural = "规则设置"
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "key", "effective_from"], name="rule_override_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.organization}: {self.key}={self.value}"


class AuditEntry(models.Model):
    """Append-only, hash-chained record of a write, a sensitive read, an export or a login event."""

    at = models.DateTimeField("时间", db_index=True)
    actor = models.ForeignKey(User, verbose_name="操作人", null=True, blank=True, on_delete=models.SET_NULL)
    actor_label = models.CharField("操作人名称", max_length=150)
    source = models.CharField("来源地址", max_length=64, blank=True)
    action = models.CharField("动作", max_length=40, db_index=True)
    model = models.CharField("对象类型", max_length=80, blank=True, db_index=True)
    object_pk = models.CharField("对象编号", max_length=64, blank=True)
    object_repr = models.CharField("对象", max_length=200, blank=True)
    changes: models.JSONField[Any, Any] = models.JSONField("内容", default=dict, blank=True)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64, unique=True)

    class Meta:
        verbose_name = "审计记录"
        verbose_name_plural = "审计记录"
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_label} {self.action} {self.object_repr}"


class TwoFactorRequirement(TimeStampedModel):
    """An administrator's decision that holders of a role must log in with a TOTP second factor."""

    role = models.CharField("角色", max_length=20, unique=True)
    required_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = "双因素认证要求"
        verbose_name_plural = "双因素认证要求"

    def __str__(self) -> str:
        return self.role


class ApiToken(models.Model):
    """A personal API token. Only its SHA-256 digest is stored; it expires and can be revoked."""

    user = models.ForeignKey(User, verbose_name="用户", on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField("用途", max_length=100)
    prefix = models.CharField("前缀", max_length=8)
    digest = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    expires_at = models.DateTimeField("到期时间")
    revoked_at = models.DateTimeField("撤销时间", null=True, blank=True)
    last_used_at = models.DateTimeField("最近使用", null=True, blank=True)

    class Meta:
        verbose_name = "API 令牌"
        verbose_name_plural = "API 令牌"
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.user} {self.name} ({self.prefix}…)"


class DataVersion(models.Model):
    """How many times an app's tables have been written, kept by database triggers (core.versions).
    Several rows (shards) per app, so that concurrent writers on PostgreSQL do not queue on one row;
    an app's version is their sum. The row with app "*epoch" holds a random number that starts a new
    series of versions after the table is emptied (flush)."""

    app = models.CharField(max_length=40)
    shard = models.SmallIntegerField(default=0)
    n = models.BigIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["app", "shard"], name="dataversion_app_shard")]

    def __str__(self) -> str:
        return f"{self.app}#{self.shard}={self.n}"
