from __future__ import annotations

from django import forms

from qixin.core.forms import DateInput

from .models import DeploymentKind, MissionKind, MissionStatus, TeamKind


class TeamEditForm(forms.Form):
    """What may change in a team once formed; its organization and forming date stay."""

    name = forms.CharField(label="队伍名称", max_length=100)
    kind = forms.ChoiceField(label="类别", choices=TeamKind.choices)
    custom_kind = forms.CharField(label="类别名称（选“其他”时填写）", max_length=40, required=False)
    leader = forms.CharField(label="队长工号（可不填）", max_length=20, required=False)
    description = forms.CharField(label="任务说明", required=False, widget=forms.Textarea(attrs={"rows": 3}))


class TeamForm(TeamEditForm):
    org = forms.CharField(label="组建组织编码", max_length=32)
    formed_on = forms.DateField(label="组建日期", widget=DateInput)

    field_order = ["org", "name", "kind", "custom_kind", "leader", "formed_on", "description"]


class TeamMemberForm(forms.Form):
    employee_no = forms.CharField(label="队员工号", max_length=20)
    joined_on = forms.DateField(label="加入日期", widget=DateInput)


class LeaveForm(forms.Form):
    left_on = forms.DateField(label="退出日期", widget=DateInput)


class MissionEditForm(forms.Form):
    """What may change in a mission while it is open; its organization stays."""

    name = forms.CharField(label="任务名称", max_length=100)
    kind = forms.ChoiceField(label="类别", choices=MissionKind.choices)
    goal = forms.CharField(label="目标", widget=forms.Textarea(attrs={"rows": 3}))
    starts_on = forms.DateField(label="开始日期", widget=DateInput)
    ends_on = forms.DateField(label="结束日期（可不填）", required=False, widget=DateInput)


class MissionForm(MissionEditForm):
    org = forms.CharField(label="发起组织编码", max_length=32)

    field_order = ["org", "name", "kind", "goal", "starts_on", "ends_on"]


class UnassignForm(forms.Form):
    reason = forms.CharField(label="撤销原因", max_length=200)


class MissionTeamForm(forms.Form):
    team = forms.IntegerField(label="队伍编号", min_value=1)


class AssignForm(forms.Form):
    employee_no = forms.CharField(label="人员工号", max_length=20)
    part = forms.CharField(label="承担工作", max_length=200)


class StatusForm(forms.Form):
    status = forms.ChoiceField(label="状态", choices=MissionStatus.choices)
    outcome = forms.CharField(label="成效", required=False, widget=forms.Textarea(attrs={"rows": 2}))
    on = forms.DateField(label="结束日期（完成或取消时）", required=False, widget=DateInput)


class DeploymentForm(forms.Form):
    employee_no = forms.CharField(label="人员工号", max_length=20)
    kind = forms.ChoiceField(label="类别", choices=DeploymentKind.choices)
    destination = forms.CharField(label="地点", max_length=100)
    starts_on = forms.DateField(label="开始日期", widget=DateInput)
    ends_on = forms.DateField(label="结束日期（可不填）", required=False, widget=DateInput)
    note = forms.CharField(label="说明", max_length=200, required=False)


class ServiceForm(forms.Form):
    employee_no = forms.CharField(label="人员工号", max_length=20)
    served_on = forms.DateField(label="日期", widget=DateInput)
    hours = forms.DecimalField(label="时长（小时）", max_digits=6, decimal_places=1, min_value=0)
    team = forms.IntegerField(label="队伍编号（可不填）", min_value=1, required=False)
    mission = forms.IntegerField(label="任务编号（可不填）", min_value=1, required=False)
    description = forms.CharField(label="内容", max_length=200, required=False)


class DisbandForm(forms.Form):
    on = forms.DateField(label="解散日期", widget=DateInput)


class DeedForm(forms.Form):
    """Pillars of the person's brand are offered as choices by the view."""

    pillars = forms.MultipleChoiceField(label="品牌要素", required=False, widget=forms.CheckboxSelectMultiple)
    description = forms.CharField(
        label="事迹（可不填，默认取任务分工）", required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(
        self, *args: object, pillar_names: list[str], default_text: str = "", **kwargs: object
    ) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["pillars"].choices = [(n, n) for n in pillar_names]  # type: ignore[attr-defined]
        if default_text:
            self.fields["description"].label = f"事迹（可不填，默认为“{default_text}”）"
