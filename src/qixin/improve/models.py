"""Cost reduction and innovation (降本增效与创新): campaigns, alliances, projects with a savings
ledger, employee suggestions with review and duplicate detection, studios, improvement cases, awards.

Savings are a ledger: an entry is claimed by the project team and counts only once finance has
verified it; a verified entry is never edited, only reversed by a new (negative) entry. Savings
belong to a project, never to an alliance or a branch, so a project's savings count once however
many alliances it belongs to.
"""

from __future__ import annotations

from datetime import date, timedelta

from django.db import models
from django.db.models import Q
from django.urls import reverse

from qixin.core.models import TimeStampedModel, User
from qixin.orgs.models import Organization
from qixin.people.models import Person


class Category(models.TextChoices):
    PURCHASING = "采购降本", "采购降本"
    MANUFACTURING = "制造降本", "制造降本"
    QUALITY = "质量改进", "质量改进"
    ENERGY = "能耗", "能耗"
    LOGISTICS = "物流", "物流"
    RESEARCH = "研发降本", "研发降本"
    CUSTOM = "其他", "其他（自定义）"


def category_label(category: str, custom: str) -> str:
    return custom if category == Category.CUSTOM and custom else category


# --- campaigns -------------------------------------------------------------------------------------


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


# --- alliances -------------------------------------------------------------------------------------


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


# --- studios ---------------------------------------------------------------------------------------


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


# --- projects and the savings ledger ------------------------------------------------------------------


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


# --- suggestions -----------------------------------------------------------------------------------


class SuggestionKind(models.TextChoices):
    COST = "降本建议", "降本建议"
    RATIONAL = "合理化建议", "合理化建议"


class SuggestionStatus(models.TextChoices):
    SUBMITTED = "已提交", "已提交"
    REVIEWING = "评审中", "评审中"
    ACCEPTED = "已采纳", "已采纳"
    REJECTED = "未采纳", "未采纳"
    IMPLEMENTED = "已实施", "已实施"
    CONVERTED = "已立项", "已转为项目"
    MERGED = "已合并", "已合并（重复）"


# The review workflow: submitted → under review → accepted or rejected → implemented, or turned into a
# project; a duplicate is merged into another suggestion (suggestion_merge) while still open.
SUGGESTION_TRANSITIONS: dict[str, set[str]] = {
    SuggestionStatus.SUBMITTED: {SuggestionStatus.REVIEWING, SuggestionStatus.MERGED},
    SuggestionStatus.REVIEWING: {
        SuggestionStatus.ACCEPTED,
        SuggestionStatus.REJECTED,
        SuggestionStatus.MERGED,
        SuggestionStatus.CONVERTED,
    },
    SuggestionStatus.ACCEPTED: {SuggestionStatus.IMPLEMENTED, SuggestionStatus.CONVERTED},
    SuggestionStatus.REJECTED: set(),
    SuggestionStatus.IMPLEMENTED: set(),
    SuggestionStatus.CONVERTED: set(),
    SuggestionStatus.MERGED: set(),
}
OPEN_STATUSES = (SuggestionStatus.SUBMITTED, SuggestionStatus.REVIEWING)


class Source(models.TextChoices):
    """Where a suggestion came in: the pages, the API, the employee QR channel (issue 8) or a file."""

    UI = "ui", "网页"
    API = "api", "接口"
    QR = "qr", "扫码（员工心声）"
    IMPORT = "import", "导入"


class Suggestion(TimeStampedModel):
    """降本建议 / 合理化建议 from any employee (or anonymous, through a QR code). Its text is kept as
    submitted; reviewers decide, never edit."""

    number = models.CharField("建议编号", max_length=32, unique=True)
    title = models.CharField("标题", max_length=100, blank=True)
    text = models.TextField("建议内容")
    kind = models.CharField("类型", max_length=6, choices=SuggestionKind.choices, default=SuggestionKind.COST)
    category = models.CharField("类别", max_length=10, choices=Category.choices)
    custom_category = models.CharField("自定义类别", max_length=40, blank=True)
    organization = models.ForeignKey(
        Organization, verbose_name="所涉组织", on_delete=models.PROTECT, related_name="improve_suggestions"
    )
    department = models.CharField("所涉部门", max_length=100, blank=True)
    submitter = models.ForeignKey(
        Person,
        verbose_name="提交人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="improve_suggestions",
    )
    source = models.CharField("来源", max_length=6, choices=Source.choices, default=Source.UI)
    entered_by = models.ForeignKey(
        User, verbose_name="录入人", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    external_ref = models.CharField("来源单号", max_length=64, blank=True)
    expected_benefit = models.DecimalField(
        "预期年效益（元）", null=True, blank=True, max_digits=14, decimal_places=2
    )
    submitted_at = models.DateTimeField("提交时间", db_index=True)
    status = models.CharField(
        "状态", max_length=4, choices=SuggestionStatus.choices, default=SuggestionStatus.SUBMITTED
    )
    reviewer = models.ForeignKey(
        User, verbose_name="评审人", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_on = models.DateField("评审结论日期", null=True, blank=True)
    reply = models.TextField("评审意见（提交人可见）", blank=True)
    implemented_on = models.DateField("实施日期", null=True, blank=True)
    project = models.ForeignKey(
        Project,
        verbose_name="转立项的项目",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="suggestions",
    )
    merged_into = models.ForeignKey(
        "self", verbose_name="合并到", null=True, blank=True, on_delete=models.PROTECT, related_name="merged"
    )
    search_tokens = models.TextField(blank=True, editable=False)
    dedup_tokens = models.TextField(blank=True, editable=False)

    class Meta:
        verbose_name = "建议"
        verbose_name_plural = "建议"
        ordering = ["-submitted_at", "-id"]
        indexes = [
            models.Index(fields=["organization", "status"], name="improve_suggestion_org_status"),
            # With the organization: suggestions submitted in a period by status (the reports), counted
            # from the index alone.
            models.Index(fields=["status", "submitted_at", "organization"], name="improve_suggestion_status"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["external_ref"],
                condition=~Q(external_ref=""),
                name="improve_suggestion_external_once",
            ),
            models.CheckConstraint(
                condition=~Q(status="未采纳") | ~Q(reply=""), name="improve_suggestion_rejection_has_reason"
            ),
            models.CheckConstraint(
                condition=~Q(status="已立项") | Q(project__isnull=False),
                name="improve_suggestion_converted_has_project",
            ),
            models.CheckConstraint(
                condition=(Q(status="已合并") & Q(merged_into__isnull=False))
                | (~Q(status="已合并") & Q(merged_into__isnull=True)),
                name="improve_suggestion_merged_has_target",
            ),
            models.CheckConstraint(
                condition=Q(expected_benefit__isnull=True) | Q(expected_benefit__gte=0),
                name="improve_suggestion_benefit_positive",
            ),
            models.CheckConstraint(
                condition=~Q(category="其他") | ~Q(custom_category=""),
                name="improve_suggestion_custom_category",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.display_title}"

    @property
    def display_title(self) -> str:
        return self.title or (self.text[:30] + ("…" if len(self.text) > 30 else ""))

    @property
    def category_label(self) -> str:
        return category_label(self.category, self.custom_category)

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES


class SuggestionAttachment(models.Model):
    suggestion = models.ForeignKey(Suggestion, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField("附件", upload_to="improve/suggestions/%Y/%m/")
    name = models.CharField("文件名", max_length=200)
    size = models.PositiveIntegerField("大小（字节）")
    content_type = models.CharField(max_length=100, blank=True)
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "建议附件"
        verbose_name_plural = "建议附件"
        ordering = ["id"]

    def __str__(self) -> str:
        return self.name


class SuggestionCredit(models.Model):
    """Who is credited for a suggestion: its submitter, and the submitters of every duplicate merged
    into it (`via` is the merged duplicate)."""

    suggestion = models.ForeignKey(Suggestion, on_delete=models.CASCADE, related_name="credits")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="improve_suggestion_credits")
    via = models.ForeignKey(Suggestion, null=True, blank=True, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = "建议署名"
        verbose_name_plural = "建议署名"
        constraints = [models.UniqueConstraint(fields=["suggestion", "person"], name="improve_credit_once")]

    def __str__(self) -> str:
        return f"{self.suggestion_id}:{self.person_id}"


class SuggestionEvent(models.Model):
    """The review history of a suggestion, shown to the submitter and the reviewers."""

    suggestion = models.ForeignKey(Suggestion, on_delete=models.CASCADE, related_name="events")
    from_status = models.CharField(max_length=4, choices=SuggestionStatus.choices, blank=True)
    to_status = models.CharField(max_length=4, choices=SuggestionStatus.choices)
    at = models.DateTimeField("时间")
    actor = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    note = models.TextField("说明", blank=True)

    class Meta:
        verbose_name = "建议处理记录"
        verbose_name_plural = "建议处理记录"
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.suggestion_id} {self.from_status}→{self.to_status}"


class DuplicateStatus(models.TextChoices):
    OPEN = "待确认", "待确认"
    MERGED = "已合并", "已合并"
    DISMISSED = "不重复", "确认不重复"


class DuplicateCandidate(models.Model):
    """A likely duplicate found when a suggestion was entered: it waits in the reviewers' queue until
    they merge the two or say they are different."""

    suggestion = models.ForeignKey(Suggestion, on_delete=models.CASCADE, related_name="duplicate_candidates")
    candidate = models.ForeignKey(Suggestion, on_delete=models.CASCADE, related_name="+")
    score = models.FloatField("相似度")
    status = models.CharField(
        "状态", max_length=4, choices=DuplicateStatus.choices, default=DuplicateStatus.OPEN
    )
    decided_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)
    found_at = models.DateTimeField("发现时间")

    class Meta:
        verbose_name = "疑似重复建议"
        verbose_name_plural = "疑似重复建议"
        ordering = ["-score"]
        constraints = [
            models.UniqueConstraint(fields=["suggestion", "candidate"], name="improve_duplicate_pair_once"),
            models.CheckConstraint(
                condition=~Q(suggestion=models.F("candidate")), name="improve_duplicate_not_self"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.suggestion_id}≈{self.candidate_id} {self.score:.2f}"


class PointsEvent(models.TextChoices):
    SUBMITTED = "提交", "提交建议"
    ACCEPTED = "采纳", "建议被采纳"
    IMPLEMENTED = "实施", "建议已实施"
    CONVERTED = "立项", "建议转为项目"


class PointsEntry(models.Model):
    """Points earned by a person for one event of one suggestion: earned once, never twice."""

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="improve_points")
    suggestion = models.ForeignKey(Suggestion, on_delete=models.PROTECT, related_name="points")
    event = models.CharField("事项", max_length=4, choices=PointsEvent.choices)
    points = models.PositiveSmallIntegerField("积分")
    awarded_on = models.DateField("日期")

    class Meta:
        verbose_name = "建议积分"
        verbose_name_plural = "建议积分"
        ordering = ["-awarded_on", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["person", "suggestion", "event"], name="improve_points_once"),
        ]

    def __str__(self) -> str:
        return f"{self.person_id} {self.event} {self.points}"


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


# --- improvement cases and awards --------------------------------------------------------------------


class ImprovementCase(TimeStampedModel):
    """改善案例: before and after, the savings it states, a rating (1–5) and its year. The stated
    savings describe the case; the verified savings figure comes from project ledgers only."""

    code = models.CharField("案例编号", max_length=32, unique=True)
    title = models.CharField("案例名称", max_length=200)
    organization = models.ForeignKey(
        Organization, verbose_name="所在组织", on_delete=models.PROTECT, related_name="improve_cases"
    )
    lead = models.ForeignKey(
        Person, verbose_name="主要完成人", on_delete=models.PROTECT, related_name="improve_cases_led"
    )
    lead_is_member = models.BooleanField("完成人为党员（党员主导）", default=False)
    team = models.ManyToManyField(Person, verbose_name="其他完成人", blank=True, related_name="improve_cases")
    studio = models.ForeignKey(
        Studio,
        verbose_name="所属工作室",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="cases",
    )
    project = models.ForeignKey(
        Project,
        verbose_name="关联项目",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="cases",
    )
    category = models.CharField("类别", max_length=10, choices=Category.choices)
    custom_category = models.CharField("自定义类别", max_length=40, blank=True)
    year = models.PositiveSmallIntegerField("年度")
    completed_on = models.DateField("完成日期")
    before = models.TextField("改善前")
    after = models.TextField("改善后")
    savings = models.DecimalField("年节约金额（元）", default=0, max_digits=14, decimal_places=2)
    rating = models.PositiveSmallIntegerField("评级（1-5星）", null=True, blank=True)
    rated_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    rated_on = models.DateField("评级日期", null=True, blank=True)
    search_tokens = models.TextField(blank=True, editable=False)

    class Meta:
        verbose_name = "改善案例"
        verbose_name_plural = "改善案例"
        ordering = ["-year", "code"]
        indexes = [models.Index(fields=["year", "organization"], name="improve_case_year")]
        constraints = [
            models.CheckConstraint(condition=Q(savings__gte=0), name="improve_case_savings_positive"),
            models.CheckConstraint(
                condition=Q(rating__isnull=True) | (Q(rating__gte=1) & Q(rating__lte=5)),
                name="improve_case_rating_range",
            ),
            models.CheckConstraint(
                condition=~Q(category="其他") | ~Q(custom_category=""), name="improve_case_custom_category"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.title}"

    @property
    def category_label(self) -> str:
        return category_label(self.category, self.custom_category)


class ExcellentCase(models.Model):
    """The yearly selection of excellent cases (年度优秀改善案例) by a committee."""

    organization = models.ForeignKey(
        Organization, verbose_name="评选组织", on_delete=models.PROTECT, related_name="+"
    )
    year = models.PositiveSmallIntegerField("年度")
    case = models.ForeignKey(ImprovementCase, on_delete=models.PROTECT, related_name="selections")
    selected_on = models.DateField("评选日期")
    selected_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    citation = models.CharField("评语", max_length=200, blank=True)

    class Meta:
        verbose_name = "年度优秀改善案例"
        verbose_name_plural = "年度优秀改善案例"
        ordering = ["-year", "case__code"]
        constraints = [
            models.UniqueConstraint(fields=["organization", "year", "case"], name="improve_excellent_once"),
        ]

    def __str__(self) -> str:
        return f"{self.year} {self.case_id}"


class AwardLevel(models.TextChoices):
    NATIONAL = "国家级", "国家级"
    PROVINCIAL = "省市级", "省市级"
    GROUP = "集团级", "集团级"
    COMPANY = "公司级", "公司级"


class Award(TimeStampedModel):
    """An award for an achievement (e.g. 上海市第32届优秀发明金奖 for 整车前期研发数字化平台), linked to
    the people, studios and projects behind it, with the savings it brought as stated."""

    name = models.CharField("奖项名称", max_length=100)
    level = models.CharField("级别", max_length=4, choices=AwardLevel.choices)
    issuer = models.CharField("颁发单位", max_length=100, blank=True)
    awarded_on = models.DateField("获奖日期")
    achievement = models.CharField("获奖成果", max_length=200)
    organization = models.ForeignKey(
        Organization, verbose_name="所在组织", on_delete=models.PROTECT, related_name="improve_awards"
    )
    savings = models.DecimalField("累计节约（元）", default=0, max_digits=14, decimal_places=2)
    savings_note = models.CharField("节约说明", max_length=200, blank=True)
    people = models.ManyToManyField(Person, verbose_name="获奖人", blank=True, related_name="improve_awards")
    studios = models.ManyToManyField(Studio, verbose_name="工作室", blank=True, related_name="awards")
    projects = models.ManyToManyField(Project, verbose_name="项目", blank=True, related_name="awards")

    class Meta:
        verbose_name = "获奖成果"
        verbose_name_plural = "获奖成果"
        ordering = ["-awarded_on", "name"]
        constraints = [
            models.CheckConstraint(condition=Q(savings__gte=0), name="improve_award_savings_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.name}：{self.achievement}"
