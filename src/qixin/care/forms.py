from __future__ import annotations

from typing import Any

from django import forms

from qixin.core.forms import DateInput

from .models import CALENDAR_KINDS, CALENDAR_NAME_MAX, Moderation, WebhookFormat

HOLIDAY, WORKDAY = "holiday", "workday"


class CalendarDayForm(forms.Form):
    """One day, or with 至 a run of days (国庆 10月1日至7日), marked the same way."""

    day = forms.DateField(label="日期", widget=DateInput())
    until = forms.DateField(label="至（连续多天时填写）", required=False, widget=DateInput())
    kind = forms.ChoiceField(
        label="类型",
        choices=[(HOLIDAY, CALENDAR_KINDS[False]), (WORKDAY, CALENDAR_KINDS[True])],
        widget=forms.RadioSelect,
    )
    name = forms.CharField(label="说明", max_length=CALENDAR_NAME_MAX, required=False)
    org = forms.CharField(label="适用组织编码（不填为全局）", max_length=32, required=False)


class WishWithdrawForm(forms.Form):
    reason = forms.CharField(label="撤下原因", max_length=200)


class ConfirmForm(forms.Form):
    """A confirmation with nothing to fill in: the page says what will happen, the POST does it."""


# --- ticket actions (the services check the texts: empty, too long, control characters) ----------
# Each form validates what the service cannot take (a number that is not one, an unknown choice)
# before the service is called, so that a bad value is an error in Chinese, never a 500.

TEXT_MAX = 2000


class TicketBodyForm(forms.Form):
    body = forms.CharField(label="内容", max_length=TEXT_MAX, required=False, strip=False)


class TicketCloseForm(forms.Form):
    result = forms.CharField(label="办理结果", max_length=TEXT_MAX, required=False, strip=False)


class TicketAssignForm(forms.Form):
    """The account to give the ticket to, by id; empty gives it back to the team."""

    assignee = forms.IntegerField(label="分派给", required=False, min_value=1, max_value=2**31 - 1)


class TicketModerateForm(forms.Form):
    moderation = forms.ChoiceField(label="审核", choices=Moderation.choices)


class TicketForwardForm(forms.Form):
    topic = forms.ChoiceField(label="转入合理化建议", choices=[("cost", "降本"), ("quality", "质量")])


class TicketEscalateForm(forms.Form):
    reason = forms.CharField(label="上报原因", max_length=200, required=False)


class HeldForm(forms.Form):
    """The 待审核 queue's buttons: release or discard the tickets ticked."""

    action = forms.ChoiceField(label="操作", choices=[("release", "放行"), ("discard", "标为垃圾信息")])
    ticket = forms.TypedMultipleChoiceField(label="所选事项", required=False, coerce=int)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Any whole number is offered: whether the user may moderate it is the selector's to say.
        picked = self.data.getlist("ticket") if hasattr(self.data, "getlist") else []
        field = self.fields["ticket"]
        assert isinstance(field, forms.TypedMultipleChoiceField)
        field.choices = [(v, v) for v in picked if v.isascii() and v.isdigit() and len(v) < 10]


# --- wishes ---------------------------------------------------------------------------------------


class WishPublishForm(forms.Form):
    title = forms.CharField(label="心愿", max_length=100, required=False)
    text = forms.CharField(label="说明", max_length=TEXT_MAX, required=False)


class WishClaimForm(forms.Form):
    branch = forms.CharField(label="认领方（党支部编码，本人认领不填）", max_length=32, required=False)


class WishFulfilForm(forms.Form):
    fulfilment = forms.CharField(label="实现情况", max_length=TEXT_MAX, required=False)


# --- teams and intake points ----------------------------------------------------------------------


class TeamForm(forms.Form):
    org = forms.CharField(label="组织编码", max_length=32)
    name = forms.CharField(label="团队名称", max_length=60, required=False)
    webhook_url = forms.URLField(
        label="群机器人地址（可选）", max_length=500, required=False, assume_scheme="https"
    )
    webhook_format = forms.ChoiceField(
        label="群机器人类型", choices=[("", "—"), *WebhookFormat.choices], required=False
    )


class TeamMemberForm(forms.Form):
    username = forms.CharField(label="用户名（工号）", max_length=150)
    is_leader = forms.BooleanField(label="负责人", required=False)


class PointForm(forms.Form):
    name = forms.CharField(label="地点名称", max_length=60, required=False)


class PointActiveForm(forms.Form):
    active = forms.TypedChoiceField(
        label="状态", choices=[("1", "启用"), ("0", "停用")], coerce=lambda v: v == "1"
    )
