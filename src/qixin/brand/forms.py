from __future__ import annotations

from typing import Any

from django import forms

from qixin.core.forms import DateInput

from .models import Grade, RecognitionKind, RecognitionLevel


class FrameworkForm(forms.Form):
    name = forms.CharField(label="品牌名称", max_length=60)
    slogan = forms.CharField(label="口号", max_length=120, required=False)
    description = forms.CharField(label="说明", required=False, widget=forms.Textarea(attrs={"rows": 3}))
    pillars = forms.CharField(
        label="品牌要素（每行一个，可写“名称：说明”）",
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text="如：信念在前、责任在前、创新在前、榜样在前、纪律在前",
    )

    def pillar_list(self) -> list[tuple[str, str]]:
        items = []
        for line in self.cleaned_data["pillars"].splitlines():
            name, _, text = line.replace(":", "：").partition("：")
            if name.strip():
                items.append((name.strip(), text.strip()))
        return items


class DeedForm(forms.Form):
    done_on = forms.DateField(label="日期", widget=DateInput)
    description = forms.CharField(label="事迹", widget=forms.Textarea(attrs={"rows": 3}))
    pillars = forms.MultipleChoiceField(label="品牌要素", required=False, widget=forms.CheckboxSelectMultiple)
    attachment = forms.FileField(label="附件（可不填）", required=False)

    def __init__(self, *args: Any, pillar_names: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["pillars"].choices = [(n, n) for n in pillar_names]  # type: ignore[attr-defined]


class RecognitionForm(forms.Form):
    kind = forms.ChoiceField(label="类别", choices=RecognitionKind.choices)
    custom_kind = forms.CharField(label="荣誉名称（类别选“其他”时填写）", max_length=40, required=False)
    level = forms.ChoiceField(label="级别", choices=RecognitionLevel.choices)
    year = forms.IntegerField(label="年度", min_value=1949, max_value=2100)
    employee_no = forms.CharField(label="获得者工号（授予个人）", max_length=20, required=False)
    org_code = forms.CharField(label="获得组织编码（授予组织）", max_length=32, required=False)
    citation = forms.CharField(label="事迹简介", required=False, widget=forms.Textarea(attrs={"rows": 3}))
    granted_by = forms.CharField(label="授予单位", max_length=100, required=False)


class EvaluationOpenForm(forms.Form):
    year = forms.IntegerField(label="年度", min_value=2000, max_value=2100)


class GradeForm(forms.Form):
    votes_excellent = forms.IntegerField(label="优秀票", min_value=0, initial=0)
    votes_qualified = forms.IntegerField(label="合格票", min_value=0, initial=0)
    votes_basic = forms.IntegerField(label="基本合格票", min_value=0, initial=0)
    votes_unqualified = forms.IntegerField(label="不合格票", min_value=0, initial=0)
    grade = forms.ChoiceField(label="评定等次", choices=Grade.choices)
    follow_up = forms.CharField(label="组织处置（不合格时必填）", required=False)


class SelfAssessmentForm(forms.Form):
    text = forms.CharField(label="个人自评", widget=forms.Textarea(attrs={"rows": 6}))


class CloseForm(forms.Form):
    held_on = forms.DateField(label="评议日期", widget=DateInput)
