from __future__ import annotations

from django import forms

from qixin.core.forms import DateInput

from .models import OrgKind, PositionTitle


class OrgEditForm(forms.Form):
    name = forms.CharField(label="组织名称", max_length=100)
    unit = forms.CharField(label="所在单位/部门", max_length=100, required=False)
    established_on = forms.DateField(label="成立日期", required=False, widget=DateInput)


class OrgCreateForm(forms.Form):
    code = forms.CharField(label="组织编码", max_length=32)
    name = forms.CharField(label="组织名称", max_length=100)
    kind = forms.ChoiceField(label="组织类别", choices=OrgKind.choices)
    unit = forms.CharField(label="所在单位/部门", max_length=100, required=False)
    established_on = forms.DateField(label="成立日期", required=False, widget=DateInput)


class MoveForm(forms.Form):
    new_parent = forms.CharField(label="新的上级组织编码", max_length=32)


class DissolveForm(forms.Form):
    on = forms.DateField(label="撤销日期", widget=DateInput)
    reason = forms.CharField(label="撤销原因", max_length=200, required=False)


class MergeForm(forms.Form):
    target = forms.CharField(label="并入党支部的组织编码", max_length=32)
    on = forms.DateField(label="合并日期", widget=DateInput)
    reason = forms.CharField(label="说明", max_length=200, required=False)


class PositionForm(forms.Form):
    employee_no = forms.CharField(label="工号", max_length=20)
    title = forms.ChoiceField(label="职务", choices=PositionTitle.choices)
    custom_title = forms.CharField(label="职务名称（选“其他”时填写）", max_length=40, required=False)
    started_on = forms.DateField(label="任职日期", widget=DateInput)
    replace_current = forms.BooleanField(
        label="任命书记时，同时免去现任书记（以任职日期为其离任日期）", required=False
    )


class PositionEndForm(forms.Form):
    ended_on = forms.DateField(label="离任日期", widget=DateInput)


class ElectionForm(forms.Form):
    held_on = forms.DateField(label="换届日期", widget=DateInput)
    term_years = forms.IntegerField(label="任期（年，留空按规则）", min_value=1, max_value=10, required=False)
    note = forms.CharField(label="说明", max_length=200, required=False)
