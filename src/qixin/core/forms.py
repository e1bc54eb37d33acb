from __future__ import annotations

from typing import Any

from django import forms
from django.core.validators import MaxValueValidator, MinValueValidator

from .models import Role
from .params import EARLIEST_DAY, LATEST_DAY


def initial_from(instance: Any, form_class: type[forms.Form], **values: Any) -> dict[str, Any]:
    """The starting values of an edit form: each of its fields that the record has, by the same
    name, and `values` for the fields the record keeps otherwise (codes of related records…)."""
    own = {name: getattr(instance, name) for name in form_class.base_fields if hasattr(instance, name)}
    return own | values


class DateInput(forms.DateInput):
    """A browser's date field. Its value is always written YYYY-MM-DD, the only form a browser
    accepts: the zh-hans input format (YYYY/MM/DD) would show a saved date as empty in an edit form."""

    input_type = "date"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs, format="%Y-%m-%d")


class FilterDateField(forms.DateField):
    """A date of a filter in the address (?from=…&to=…): between 1900-01-01 and 2999-12-31, the dates
    a period can be computed with (its end is the day after the last day; date.max has none)."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("widget", DateInput)
        message = f"日期应在{EARLIEST_DAY.isoformat()}至{LATEST_DAY.isoformat()}之间。"
        super().__init__(**kwargs)
        self.validators += [
            MinValueValidator(EARLIEST_DAY, message=message),
            MaxValueValidator(LATEST_DAY, message=message),
        ]


class ImportForm(forms.Form):
    file = forms.FileField(label="文件（.xlsx 或 .csv）")


class PasswordChangeForm(forms.Form):
    old_password = forms.CharField(
        label="原密码", widget=forms.PasswordInput(attrs={"autocomplete": "current-password"})
    )
    new_password = forms.CharField(
        label="新密码",
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text="至少10位，不能是常见密码，不能包含工号或姓名。",
    )
    new_password_again = forms.CharField(
        label="再次输入新密码", widget=forms.PasswordInput(attrs={"autocomplete": "new-password"})
    )

    def clean(self) -> dict[str, object]:
        data = super().clean() or {}
        if data.get("new_password") and data.get("new_password") != data.get("new_password_again"):
            raise forms.ValidationError("两次输入的新密码不一致。")
        return data


class TokenForm(forms.Form):
    token = forms.CharField(
        label="验证码（6位数字）",
        max_length=8,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )


class ApiTokenForm(forms.Form):
    name = forms.CharField(label="用途", max_length=100)
    days = forms.IntegerField(label="有效期（天）", min_value=1, max_value=366, initial=90)


class AuditFilterForm(forms.Form):
    actor = forms.CharField(label="操作人", required=False)
    action = forms.CharField(label="动作", required=False)
    model = forms.CharField(label="对象类型", required=False)
    text = forms.CharField(label="对象", required=False)
    source = forms.CharField(label="来源地址", required=False)
    since = FilterDateField(label="从", required=False)
    until = FilterDateField(label="到", required=False)


class RoleGrantForm(forms.Form):
    username = forms.CharField(label="用户名（工号）", max_length=150)
    role = forms.ChoiceField(label="角色", choices=Role.choices)
    org = forms.CharField(label="组织编码（系统管理员可不填）", max_length=32, required=False)
    starts_on = forms.DateField(label="生效日期", widget=DateInput)
    ends_on = forms.DateField(label="终止日期（可不填）", required=False, widget=DateInput)


class RevokeForm(forms.Form):
    ends_on = forms.DateField(label="终止日期", required=False, widget=DateInput)
