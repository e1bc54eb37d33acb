"""The people registry: employees (from HR master data) and their party membership with history.

身份证号, 手机 and 家庭住址 are encrypted at rest; `id_digest` (a keyed digest) keeps ID numbers
unique and findable without decrypting.
"""

from __future__ import annotations

from datetime import date

from django.db import models
from django.db.models import Q
from django.utils import timezone

from qixin.core.fields import EncryptedTextField
from qixin.core.models import TimeStampedModel, User
from qixin.core.periods import whole_years_between
from qixin.core.rules import rulebook
from qixin.orgs.models import Organization

from .rulebook import regular_probation_end


class Gender(models.TextChoices):
    MALE = "男", "男"
    FEMALE = "女", "女"


class Education(models.TextChoices):
    DOCTORATE = "博士研究生", "博士研究生"
    MASTER = "硕士研究生", "硕士研究生"
    BACHELOR = "大学本科", "大学本科"
    COLLEGE = "大学专科", "大学专科"
    SECONDARY = "中专", "中专"
    HIGH_SCHOOL = "高中", "高中"
    JUNIOR = "初中及以下", "初中及以下"


class EmploymentStatus(models.TextChoices):
    ACTIVE = "在职", "在职"
    LEFT = "离职", "离职"
    RETIRED = "退休", "退休"


class Person(TimeStampedModel):
    employee_no = models.CharField("工号", max_length=20, unique=True)
    name = models.CharField("姓名", max_length=40)
    name_initials = models.CharField("姓名拼音首字母", max_length=40, db_index=True)
    name_pinyin = models.CharField("姓名拼音", max_length=120, db_index=True)
    gender = models.CharField("性别", max_length=2, choices=Gender.choices)
    birth_date = models.DateField("出生日期", null=True, blank=True)
    ethnicity = models.CharField("民族", max_length=20, blank=True)
    education = models.CharField("学历", max_length=10, choices=Education.choices, blank=True)
    department = models.CharField("部门", max_length=100, blank=True)
    job = models.CharField("工作岗位", max_length=100, blank=True)
    phone = EncryptedTextField("联系电话", blank=True)
    id_number = EncryptedTextField("公民身份号码", blank=True)
    id_digest = models.CharField(max_length=64, null=True, blank=True, unique=True, editable=False)
    address = EncryptedTextField("家庭住址", blank=True)
    hired_on = models.DateField("入职日期", null=True, blank=True)
    employment_status = models.CharField(
        "在职状态", max_length=4, choices=EmploymentStatus.choices, default=EmploymentStatus.ACTIVE
    )
    left_on = models.DateField("离职/退休日期", null=True, blank=True)
    organization = models.ForeignKey(
        Organization,
        verbose_name="所在组织",
        on_delete=models.PROTECT,
        related_name="people",
        help_text="党员为其所在党支部；群众为覆盖其所在单位的党组织。",
    )

    class Meta:
        verbose_name = "人员"
        verbose_name_plural = "人员"
        ordering = ["employee_no"]
        indexes = [
            models.Index(fields=["organization", "employment_status"], name="person_org_status"),
            models.Index(fields=["name"], name="person_name"),
            # Employees of a subtree on a day (the reports), counted from the index alone.
            models.Index(fields=["organization", "hired_on", "left_on"], name="person_org_employed"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(employment_status="在职") | Q(left_on__isnull=False), name="person_left_has_date"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name}（{self.employee_no}）"

    def age_on(self, day: date) -> int | None:
        return whole_years_between(self.birth_date, day) if self.birth_date else None


class Category(models.TextChoices):
    FULL = "正式党员", "正式党员"
    PROBATIONARY = "预备党员", "预备党员"


class Standing(models.TextChoices):
    NORMAL = "正常", "正常"
    SUSPENDED = "停止党籍", "停止党籍"


class EndReason(models.TextChoices):
    TRANSFERRED_OUT = "转出", "组织关系转出本单位"
    WITHDREW = "退党", "退党"
    LAPSED = "自行脱党", "自行脱党"
    EXPELLED = "开除党籍", "开除党籍"
    PROBATION_CANCELLED = "取消预备党员资格", "取消预备党员资格"
    DECEASED = "去世", "去世"


class Membership(TimeStampedModel):
    """A person's party membership. One is current at a time (ended_on empty); an ended one stays."""

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="memberships")
    category = models.CharField("人员类别", max_length=4, choices=Category.choices)
    joined_on = models.DateField("加入党组织日期")
    full_on = models.DateField("转为正式党员日期", null=True, blank=True)
    branch = models.ForeignKey(
        Organization, verbose_name="所在党支部", on_delete=models.PROTECT, related_name="memberships"
    )
    party_group = models.ForeignKey(
        Organization,
        verbose_name="所在党小组",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="group_memberships",
    )
    standing = models.CharField("党籍状态", max_length=4, choices=Standing.choices, default=Standing.NORMAL)
    lost_contact_since = models.DateField("失联日期", null=True, blank=True)
    floating_to = models.CharField("流动去向", max_length=100, blank=True)
    # 延长预备期 (RULES.md, Members): decided by the branch, approved by the superior, at most once.
    probation_extended_until = models.DateField("延长后预备期满日期", null=True, blank=True)
    probation_extension_decided_on = models.DateField("延长预备期支部大会日期", null=True, blank=True)
    probation_extension_approved_on = models.DateField("延长预备期上级批准日期", null=True, blank=True)
    probation_extension_reason = models.CharField("延长预备期原因", max_length=200, blank=True)
    ended_on = models.DateField("终止日期", null=True, blank=True)
    end_reason = models.CharField("终止原因", max_length=10, choices=EndReason.choices, blank=True)
    # For an end that a meeting decides and the superior approves (取消预备党员资格).
    end_decided_on = models.DateField("终止决定日期", null=True, blank=True)
    end_approved_on = models.DateField("终止批准日期", null=True, blank=True)
    end_note = models.CharField("终止说明", max_length=200, blank=True)

    class Meta:
        verbose_name = "党员信息"
        verbose_name_plural = "党员信息"
        indexes = [
            models.Index(fields=["branch", "ended_on", "category"], name="membership_branch_current"),
            # Members of a subtree on a day, full or probationary (the reports), from the index alone.
            models.Index(
                fields=["branch", "joined_on", "ended_on", "full_on"], name="membership_branch_dates"
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["person"], condition=Q(ended_on__isnull=True), name="one_current_membership"
            ),
            models.CheckConstraint(
                condition=Q(full_on__isnull=True) | Q(full_on__gte=models.F("joined_on")),
                name="full_after_joined",
            ),
            models.CheckConstraint(
                condition=(Q(category="正式党员") & Q(full_on__isnull=False))
                | (Q(category="预备党员") & Q(full_on__isnull=True)),
                name="category_matches_full_date",
            ),
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True) | ~Q(end_reason=""), name="ended_membership_has_reason"
            ),
            models.CheckConstraint(
                condition=Q(
                    probation_extended_until__isnull=True,
                    probation_extension_decided_on__isnull=True,
                    probation_extension_approved_on__isnull=True,
                )
                | Q(
                    probation_extended_until__gt=models.F("joined_on"),
                    probation_extension_decided_on__gte=models.F("joined_on"),
                    probation_extension_approved_on__gte=models.F("probation_extension_decided_on"),
                ),
                name="probation_extension_complete",
            ),
            models.CheckConstraint(
                condition=Q(end_decided_on__isnull=True)
                | Q(end_approved_on__isnull=True)
                | Q(end_approved_on__gte=models.F("end_decided_on")),
                name="end_approved_after_decided",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person.name} {self.category}"

    @property
    def is_current(self) -> bool:
        return self.ended_on is None

    @property
    def is_floating(self) -> bool:
        return bool(self.floating_to)

    @property
    def is_lost_contact(self) -> bool:
        return self.lost_contact_since is not None

    @property
    def probation_due(self) -> date | None:
        """The day a probationary member's probation is over (RULES.md, Members): the extended date,
        else `member.probation_years` of the member's branch after the 党员大会 vote that admitted
        them. None for a full member. One query for the rulebook when not extended."""
        if self.category != Category.PROBATIONARY:
            return None
        return self.probation_extended_until or regular_probation_end(self.joined_on, rulebook(self.branch))

    def party_age(self, on: date | None = None) -> int | None:
        """党龄 counts whole years from becoming a full member (RULES.md, Members)."""
        if self.full_on is None:
            return None
        return whole_years_between(self.full_on, on or timezone.localdate())


class MembershipTransfer(models.Model):
    """组织关系转接: a move of a membership from one branch to another, kept as history."""

    membership = models.ForeignKey(Membership, on_delete=models.CASCADE, related_name="transfers")
    from_branch = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+")
    to_branch = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+")
    transferred_on = models.DateField("转接日期")
    reason = models.CharField("原因", max_length=200, blank=True)
    actor = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "组织关系转接"
        verbose_name_plural = "组织关系转接"
        ordering = ["-transferred_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(from_branch=models.F("to_branch")), name="transfer_changes_branch"
            )
        ]

    def __str__(self) -> str:
        return f"{self.membership.person.name}: {self.from_branch} → {self.to_branch}"
