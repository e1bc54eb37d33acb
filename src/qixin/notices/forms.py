from django import forms

from .models import AudienceKind


class NoticeForm(forms.Form):
    org = forms.CharField(label="发布组织（组织编码）", max_length=32)
    audience = forms.CharField(
        label="发送范围（组织编码，可不填：发给发布组织的全部下级）", max_length=32, required=False
    )
    audience_kind = forms.ChoiceField(
        label="发送对象", choices=AudienceKind.choices, initial=AudienceKind.MEMBERS
    )
    title = forms.CharField(label="标题", max_length=100)
    body = forms.CharField(label="正文", widget=forms.Textarea(attrs={"rows": 8}))
    attachment = forms.FileField(
        label="附件（可不填；PDF、Word、Excel、JPG、PNG 或文本文件，不超过20 MB）",
        required=False,
        allow_empty_file=True,  # an empty file is refused by the service, in its words
    )


class WithdrawForm(forms.Form):
    reason = forms.CharField(label="撤回原因", max_length=200, required=False)
