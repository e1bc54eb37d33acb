"""Forms of the cost-reduction and innovation pages: they parse what a person typed; the services
decide whether it is allowed."""

from __future__ import annotations

from typing import Any

from django import forms

from qixin.core.forms import DateInput

from .models import AwardLevel, Category, Stage, StudioKind, SuggestionKind


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one field. The widget hands over the list the browser sent, which
    FileField.clean (one file) refused whole with 未提交文件。请检查表单的编码类型."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(widget=MultipleFileInput(), **kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[Any]:
        files = data if isinstance(data, list | tuple) else [data] if data else []
        if not files and self.required:
            raise forms.ValidationError(self.error_messages["required"], code="required")
        one = super().clean
        return [one(file, initial) for file in files]


class SuggestionForm(forms.Form):
    title = forms.CharField(label="标题", max_length=100, required=False)
    text = forms.CharField(
        label="建议内容",
        widget=forms.Textarea(attrs={"rows": 5}),
        max_length=4000,
        help_text="写清现状、问题和您的建议，系统会提示已有的相似建议。",
    )
    kind = forms.ChoiceField(label="类型", choices=SuggestionKind.choices, initial=SuggestionKind.COST)
    category = forms.ChoiceField(label="类别", choices=Category.choices, initial=Category.MANUFACTURING)
    custom_category = forms.CharField(label="自定义类别", max_length=40, required=False)
    department = forms.CharField(label="所涉部门", max_length=100, required=False)
    expected_benefit = forms.DecimalField(
        label="预期年效益（元）", required=False, min_value=0, max_digits=14, decimal_places=2
    )
    org_code = forms.CharField(
        label="所涉组织编码", max_length=32, required=False, help_text="代为录入时填写；本人提交时留空。"
    )
    submitter_no = forms.CharField(
        label="提交人工号", max_length=20, required=False, help_text="代为录入时填写；留空为匿名。"
    )
    attachments = MultipleFileField(label="附件", required=False)


class HintsForm(forms.Form):
    """What is being written on the suggestion form, read while it is typed (for the hints)."""

    title = forms.CharField(max_length=100, required=False)
    text = forms.CharField(max_length=4000, required=False)
    org_code = forms.CharField(max_length=32, required=False)


class DecideForm(forms.Form):
    accept = forms.TypedChoiceField(
        label="评审结论", choices=[("1", "采纳"), ("0", "不采纳")], coerce=lambda v: v == "1"
    )
    reply = forms.CharField(
        label="评审意见（提交人可见）", widget=forms.Textarea(attrs={"rows": 3}), required=False
    )


class ImplementForm(forms.Form):
    on = forms.DateField(label="实施日期", widget=DateInput())
    note = forms.CharField(label="说明", max_length=200, required=False)


class MergeForm(forms.Form):
    into = forms.IntegerField(label="合并到的建议", min_value=1)


class ConvertForm(forms.Form):
    title = forms.CharField(label="项目名称", max_length=200)
    owner_no = forms.CharField(label="项目负责人工号", max_length=20)
    started_on = forms.DateField(label="立项日期", widget=DateInput())
    savings_target = forms.DecimalField(label="节约目标（元）", min_value=0, max_digits=14, decimal_places=2)


class ProjectEditForm(forms.Form):
    """What may change in a project once registered; its organization, owner and 立项 date stay."""

    title = forms.CharField(label="项目名称", max_length=200)
    category = forms.ChoiceField(label="类别", choices=Category.choices)
    custom_category = forms.CharField(label="自定义类别", max_length=40, required=False)
    savings_target = forms.DecimalField(label="节约目标（元）", min_value=0, max_digits=14, decimal_places=2)
    alliance_codes = forms.CharField(
        label="所属联盟编码", max_length=200, required=False, help_text="多个用逗号分隔"
    )
    description = forms.CharField(label="项目说明", widget=forms.Textarea(attrs={"rows": 3}), required=False)


class ProjectForm(ProjectEditForm):
    org_code = forms.CharField(label="所在组织编码", max_length=32)
    owner_no = forms.CharField(label="负责人工号", max_length=20)
    started_on = forms.DateField(label="立项日期", widget=DateInput())

    field_order = [
        "title",
        "org_code",
        "owner_no",
        "category",
        "custom_category",
        "started_on",
        "savings_target",
        "alliance_codes",
        "description",
    ]


class StageForm(forms.Form):
    to_stage = forms.ChoiceField(label="新阶段", choices=Stage.choices)
    on = forms.DateField(label="日期", widget=DateInput())
    note = forms.CharField(label="说明", max_length=200, required=False)


class ClaimForm(forms.Form):
    amount = forms.DecimalField(label="节约金额（元）", max_digits=14, decimal_places=2)
    occurred_on = forms.DateField(label="节约实现日期", widget=DateInput())
    description = forms.CharField(label="说明", max_length=200)
    evidence = forms.CharField(label="测算依据", widget=forms.Textarea(attrs={"rows": 3}), required=False)


class VerifyForm(forms.Form):
    verified_on = forms.DateField(label="核定日期", widget=DateInput())
    note = forms.CharField(label="核定依据（凭证号等）", max_length=200)


class RejectForm(forms.Form):
    reason = forms.CharField(label="未通过原因", max_length=200)


class ReverseForm(forms.Form):
    on = forms.DateField(label="冲销日期", widget=DateInput())
    reason = forms.CharField(label="冲销原因", max_length=200)


class AllianceEditForm(forms.Form):
    """What may change in an alliance once formed; its code, lead branch and founding date stay."""

    name = forms.CharField(label="联盟名称", max_length=100)
    branch_codes = forms.CharField(
        label="其他参与党支部编码", max_length=500, required=False, help_text="多个用逗号分隔"
    )
    leader_no = forms.CharField(label="负责人工号", max_length=20)
    goal = forms.CharField(label="目标", widget=forms.Textarea(attrs={"rows": 2}), required=False)


class AllianceForm(AllianceEditForm):
    lead_code = forms.CharField(label="牵头党支部编码", max_length=32)
    founded_on = forms.DateField(label="成立日期", widget=DateInput())

    field_order = ["name", "lead_code", "branch_codes", "leader_no", "founded_on", "goal"]


class CampaignEditForm(forms.Form):
    """What may change in a campaign once set; the committee that set it stays."""

    name = forms.CharField(label="活动名称", max_length=100)
    starts_on = forms.DateField(label="开始日期", widget=DateInput())
    ends_on = forms.DateField(label="结束日期（不含）", widget=DateInput())
    savings_target = forms.DecimalField(label="降本目标（元）", min_value=0, max_digits=14, decimal_places=2)
    participant_codes = forms.CharField(
        label="参与组织编码", max_length=1000, required=False, help_text="多个用逗号分隔"
    )
    description = forms.CharField(label="说明", widget=forms.Textarea(attrs={"rows": 2}), required=False)


class CampaignForm(CampaignEditForm):
    org_code = forms.CharField(label="发起党委编码", max_length=32)

    field_order = ["name", "org_code", "starts_on", "ends_on", "savings_target", "participant_codes"]


class StudioForm(forms.Form):
    name = forms.CharField(label="名称", max_length=100)
    kind = forms.ChoiceField(label="类型", choices=StudioKind.choices)
    org_code = forms.CharField(label="所在组织编码", max_length=32)
    leader_no = forms.CharField(label="领衔人工号", max_length=20)
    founded_on = forms.DateField(label="成立日期", widget=DateInput())
    focus = forms.CharField(label="研究方向", max_length=200, required=False)


class CaseEditForm(forms.Form):
    """What may change in a case once recorded; its organization, lead, year and completion date stay."""

    title = forms.CharField(label="案例名称", max_length=200)
    category = forms.ChoiceField(label="类别", choices=Category.choices)
    custom_category = forms.CharField(label="自定义类别", max_length=40, required=False)
    before = forms.CharField(label="改善前", widget=forms.Textarea(attrs={"rows": 3}))
    after = forms.CharField(label="改善后", widget=forms.Textarea(attrs={"rows": 3}))
    savings = forms.DecimalField(label="年节约金额（元）", min_value=0, max_digits=14, decimal_places=2)


class CaseForm(CaseEditForm):
    org_code = forms.CharField(label="所在组织编码", max_length=32)
    lead_no = forms.CharField(label="主要完成人工号", max_length=20)
    year = forms.IntegerField(label="年度", min_value=2000, max_value=2100)
    completed_on = forms.DateField(label="完成日期", widget=DateInput())

    field_order = [
        "title",
        "org_code",
        "lead_no",
        "category",
        "custom_category",
        "year",
        "completed_on",
        "before",
        "after",
        "savings",
    ]


class RateForm(forms.Form):
    rating = forms.IntegerField(label="评级（1-5星）", min_value=1, max_value=5)


class SelectForm(forms.Form):
    org_code = forms.CharField(label="评选党委编码", max_length=32)
    on = forms.DateField(label="评选日期", widget=DateInput())
    citation = forms.CharField(label="评语", max_length=200, required=False)


class AwardForm(forms.Form):
    name = forms.CharField(label="奖项名称", max_length=100)
    level = forms.ChoiceField(label="级别", choices=AwardLevel.choices)
    issuer = forms.CharField(label="颁发单位", max_length=100, required=False)
    awarded_on = forms.DateField(label="获奖日期", widget=DateInput())
    achievement = forms.CharField(label="获奖成果", max_length=200)
    org_code = forms.CharField(label="所在组织编码", max_length=32)
    savings = forms.DecimalField(label="累计节约（元）", min_value=0, max_digits=14, decimal_places=2)
    people_nos = forms.CharField(
        label="获奖人工号", max_length=500, required=False, help_text="多个用逗号分隔"
    )


class DesignationForm(forms.Form):
    username = forms.CharField(label="用户名（工号）", max_length=150)
    kind = forms.ChoiceField(label="职责", choices=[("reviewer", "建议评审人"), ("verifier", "财务核定人")])
    org_code = forms.CharField(label="组织编码", max_length=32, help_text="职责作用于该组织及其下级组织")
    department = forms.CharField(label="部门（评审人，可空）", max_length=100, required=False)
    starts_on = forms.DateField(label="生效日期", widget=DateInput())


class EndForm(forms.Form):
    ends_on = forms.DateField(label="终止日期", widget=DateInput())


class MemberForm(forms.Form):
    employee_no = forms.CharField(label="工号", max_length=20)
    joined_on = forms.DateField(label="加入日期", widget=DateInput())


# Confirmations of closing actions: the date (and reason) the service records.


class MemberLeaveForm(forms.Form):
    left_on = forms.DateField(label="退出日期", widget=DateInput())


class DissolveForm(forms.Form):
    on = forms.DateField(label="解散日期", widget=DateInput())


class StudioCloseForm(forms.Form):
    on = forms.DateField(label="撤销日期", widget=DateInput())


class UnselectForm(forms.Form):
    reason = forms.CharField(label="撤销原因", max_length=200)


class TeamForm(forms.Form):
    members = forms.CharField(
        label="团队成员",
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="每行一人：工号，空格，分工（可空）。负责人总在团队中。",
    )


class StudioMembersForm(forms.Form):
    leader_no = forms.CharField(label="领衔人工号", max_length=20)
    member_nos = forms.CharField(
        label="成员工号",
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        help_text="用逗号或换行分隔",
    )
