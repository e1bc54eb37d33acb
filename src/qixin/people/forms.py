from __future__ import annotations

from django import forms

from qixin.core.forms import DateInput

from .models import Category, Education, EmploymentStatus, EndReason, Gender, Standing

BLANK = [("", "—")]


class PersonFilterForm(forms.Form):
    q = forms.CharField(label="姓名、工号或拼音首字母", required=False)
    org = forms.CharField(label="组织编码", required=False)
    category = forms.ChoiceField(
        label="人员类别",
        required=False,
        choices=[("", "全部人员"), ("党员", "全部党员"), *Category.choices, ("群众", "群众")],
    )
    education = forms.ChoiceField(label="学历", required=False, choices=BLANK + Education.choices)
    age_min = forms.IntegerField(label="年龄从", required=False, min_value=0, max_value=120)
    age_max = forms.IntegerField(label="年龄到", required=False, min_value=0, max_value=120)
    status = forms.ChoiceField(
        label="在职状态", required=False, choices=[*EmploymentStatus.choices, ("all", "全部")]
    )


class ClearExportForm(forms.Form):
    """An export of the roster with 身份证号, 手机 and 家庭住址 in clear: why, and in which format.
    The list's filters travel in the query string, as for the masked export."""

    reason = forms.CharField(
        label="事由",
        max_length=200,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="写明用途，例如“报送上级党委换届选举材料”。事由与导出人、时间、行数一并记入审计日志。",
    )
    fmt = forms.ChoiceField(label="文件格式", choices=[("xlsx", "Excel（xlsx）"), ("csv", "CSV")])


class PersonForm(forms.Form):
    employee_no = forms.CharField(label="工号", max_length=20)
    name = forms.CharField(label="姓名", max_length=40)
    gender = forms.ChoiceField(label="性别", choices=BLANK + Gender.choices, required=False)
    id_number = forms.CharField(label="公民身份号码", max_length=18, required=False)
    birth_date = forms.DateField(label="出生日期", required=False, widget=DateInput)
    ethnicity = forms.CharField(label="民族", max_length=20, required=False)
    education = forms.ChoiceField(label="学历", choices=BLANK + Education.choices, required=False)
    department = forms.CharField(label="部门", max_length=100, required=False)
    job = forms.CharField(label="工作岗位", max_length=100, required=False)
    phone = forms.CharField(label="联系电话", max_length=20, required=False)
    address = forms.CharField(label="家庭住址", max_length=200, required=False)
    hired_on = forms.DateField(label="入职日期", required=False, widget=DateInput)


class PersonCreateForm(PersonForm):
    org = forms.CharField(label="所在组织编码（党员填所在党支部）", max_length=32)
    category = forms.ChoiceField(label="人员类别", choices=[("", "群众"), *Category.choices], required=False)
    joined_on = forms.DateField(label="加入党组织日期", required=False, widget=DateInput)
    full_on = forms.DateField(label="转为正式党员日期", required=False, widget=DateInput)


class AdmitForm(forms.Form):
    branch = forms.CharField(label="所在党支部编码", max_length=32)
    category = forms.ChoiceField(label="人员类别", choices=Category.choices)
    joined_on = forms.DateField(label="加入党组织日期", widget=DateInput)
    full_on = forms.DateField(label="转为正式党员日期", required=False, widget=DateInput)


class TransferForm(forms.Form):
    target = forms.CharField(label="转入党支部编码", max_length=32)
    on = forms.DateField(label="转接日期", widget=DateInput)
    reason = forms.CharField(label="原因", max_length=200, required=False)


class ConfirmFullForm(forms.Form):
    full_on = forms.DateField(label="转正日期（支部大会通过之日）", widget=DateInput)


class ExtendProbationForm(forms.Form):
    months = forms.IntegerField(label="延长月数", min_value=1, max_value=120)
    decided_on = forms.DateField(label="支部大会日期", widget=DateInput)
    approved_on = forms.DateField(label="上级批准日期", widget=DateInput)
    reason = forms.CharField(label="原因", max_length=200, widget=forms.Textarea(attrs={"rows": 3}))


class CancelProbationForm(forms.Form):
    decided_on = forms.DateField(label="支部大会日期", widget=DateInput)
    approved_on = forms.DateField(label="上级批准日期（即取消之日）", widget=DateInput)
    reason = forms.CharField(label="原因", max_length=200, widget=forms.Textarea(attrs={"rows": 3}))


class EndMembershipForm(forms.Form):
    on = forms.DateField(label="终止日期", widget=DateInput)
    # 取消预备党员资格 needs the meeting and the approval: it has its own form.
    reason = forms.ChoiceField(
        label="原因", choices=[c for c in EndReason.choices if c[0] != EndReason.PROBATION_CANCELLED]
    )


class StandingForm(forms.Form):
    standing = forms.ChoiceField(label="党籍状态", choices=Standing.choices)
    lost_contact = forms.BooleanField(label="失联党员", required=False)
    lost_contact_since = forms.DateField(label="失联日期", required=False, widget=DateInput)
    floating = forms.BooleanField(label="流动党员", required=False)
    floating_to = forms.CharField(label="流动去向", max_length=100, required=False)


class LeaveForm(forms.Form):
    on = forms.DateField(label="日期", widget=DateInput)
    status = forms.ChoiceField(
        label="类型", choices=[(EmploymentStatus.LEFT, "离职"), (EmploymentStatus.RETIRED, "退休")]
    )
