from __future__ import annotations

from django import forms

from qixin.core.forms import DateInput

from .models import CALENDAR_KINDS, CALENDAR_NAME_MAX

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
