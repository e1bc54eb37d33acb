from typing import Any

from django import forms

from qixin.core.forms import FilterDateField


class ReportFilterForm(forms.Form):
    """?org=CODE&from=YYYY-MM-DD&to=YYYY-MM-DD (inclusive dates), the same names as the CLI and API."""

    org = forms.CharField(label="组织编码", required=False, max_length=32)
    to = FilterDateField(label="结束日期", required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["from"] = FilterDateField(label="开始日期", required=False)


class TemplateForm(forms.Form):
    text = forms.CharField(label="报告模板", widget=forms.Textarea(attrs={"rows": 12}), required=False)
