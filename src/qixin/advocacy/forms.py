from __future__ import annotations

from django import forms

from qixin.core.forms import DateInput

from .models import Channel


class CampaignEditForm(forms.Form):
    """What may change in a campaign once started; the organization that started it stays."""

    name = forms.CharField(label="活动名称", max_length=100)
    description = forms.CharField(label="活动说明", required=False, widget=forms.Textarea(attrs={"rows": 3}))
    starts_on = forms.DateField(label="开始日期", widget=DateInput)
    ends_on = forms.DateField(label="结束日期（可不填）", required=False, widget=DateInput)


class CampaignForm(CampaignEditForm):
    org = forms.CharField(label="发起组织编码", max_length=32)

    field_order = ["org", "name", "description", "starts_on", "ends_on"]


class CampaignCloseForm(forms.Form):
    on = forms.DateField(label="结束日期", widget=DateInput)


class ConfirmForm(forms.Form):
    """A confirmation with nothing to fill in: the page says what will happen, the POST does it."""


class ContentForm(forms.Form):
    title = forms.CharField(label="标题", max_length=100)
    url = forms.URLField(label="链接", max_length=300, required=False, assume_scheme="https")
    text = forms.CharField(label="文案", required=False, widget=forms.Textarea(attrs={"rows": 2}))


class ShareForm(forms.Form):
    employee_no = forms.CharField(label="参与人工号（替他人登记时填写）", max_length=20, required=False)
    channel = forms.ChoiceField(label="渠道", choices=Channel.choices)
    link = forms.URLField(label="链接", max_length=300, required=False, assume_scheme="https")
    reach = forms.IntegerField(label="触达人数（可不填）", min_value=0, required=False)
    shared_on = forms.DateField(label="日期", widget=DateInput)
