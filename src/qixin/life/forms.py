from __future__ import annotations

from typing import Any

from django import forms

from qixin.core.forms import DateInput, FilterDateField

from .models import AttendanceStatus
from .rulebook import EVERY_LABELS


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="%Y-%m-%dT%H:%M", **kwargs)


class MeetingPlanForm(forms.Form):
    kind = forms.TypedChoiceField(label="会议类型", coerce=int)
    title = forms.CharField(label="主题", max_length=200, required=False)
    starts_at = forms.DateTimeField(label="开始时间", widget=DateTimeInput)
    ends_at = forms.DateTimeField(label="结束时间", widget=DateTimeInput)
    place = forms.CharField(label="地点", max_length=100, required=False)
    host = forms.CharField(label="主持人工号", max_length=20, required=False)
    speaker = forms.CharField(label="授课人工号（党课）", max_length=20, required=False)
    campaign = forms.TypedChoiceField(label="专题教育", coerce=int, required=False, empty_value=None)

    def __init__(self, *args: Any, kinds: list[Any], campaigns: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [(k.pk, k.name) for k in kinds]  # type: ignore[attr-defined]
        self.fields["campaign"].choices = [("", "（不属于专题教育）")] + [  # type: ignore[attr-defined]
            (c.pk, c.name) for c in campaigns
        ]


class MeetingCorrectForm(MeetingPlanForm):
    reason = forms.CharField(
        label="更正原因",
        max_length=200,
        required=False,
        help_text="已召开的会议须填写，记入操作日志。",
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class ReasonForm(forms.Form):
    """The confirmation of a destructive action: why (kept in the audit log)."""

    reason = forms.CharField(label="原因", max_length=200, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args: Any, label: str = "原因", required: bool = True, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["reason"].label = label
        self.fields["reason"].required = required


class ResolutionCorrectForm(forms.Form):
    text = forms.CharField(label="决议事项", max_length=500)
    owner = forms.CharField(label="责任人工号", max_length=20, required=False)
    due_on = forms.DateField(label="完成期限", required=False, widget=DateInput)
    reason = forms.CharField(label="更正原因", max_length=200, widget=forms.Textarea(attrs={"rows": 2}))


class ResolutionForm(forms.Form):
    text = forms.CharField(label="决议事项", max_length=500)
    voted = forms.BooleanField(label="经表决", required=False)
    votes_for = forms.IntegerField(label="赞成票", min_value=0, required=False)
    votes_against = forms.IntegerField(label="反对票", min_value=0, required=False)
    abstentions = forms.IntegerField(label="弃权票", min_value=0, required=False)
    owner = forms.CharField(label="责任人工号", max_length=20, required=False)
    due_on = forms.DateField(label="完成期限", required=False, widget=DateInput)


class FollowUpForm(forms.Form):
    follow_up = forms.CharField(label="落实情况", max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))
    done_on = forms.DateField(label="完成日期", required=False, widget=DateInput)


class AttachmentForm(forms.Form):
    file = forms.FileField(label="照片或 PDF")

    def __init__(self, *args: Any, max_bytes: int | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.max_bytes = max_bytes

    def clean_file(self) -> Any:
        """Too large is said before the file is read (the service checks its content)."""
        upload = self.cleaned_data["file"]
        if self.max_bytes is not None and upload.size > self.max_bytes:
            raise forms.ValidationError(f"文件太大，超过上传上限{self.max_bytes // 1024 // 1024} MB。")
        return upload


class FrequencyForm(forms.Form):
    kind = forms.TypedChoiceField(label="会议类型", coerce=int)
    every = forms.ChoiceField(label="周期", choices=[("", "不作要求"), *EVERY_LABELS.items()], required=False)
    times = forms.IntegerField(label="每个周期至少（次）", min_value=1, max_value=31, initial=1)
    org_kinds = forms.MultipleChoiceField(
        label="适用于",
        choices=[("branch", "党支部"), ("group", "党小组")],
        initial=["branch"],
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    counts = forms.MultipleChoiceField(
        label="计入该要求的会议类型", required=False, widget=forms.CheckboxSelectMultiple
    )
    effective_from = forms.DateField(label="生效日期", widget=DateInput)
    basis = forms.CharField(label="依据（批准文件等）", max_length=200, required=False)

    def __init__(self, *args: Any, kinds: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [(k.pk, k.name) for k in kinds]  # type: ignore[attr-defined]
        self.fields["counts"].choices = [(k.code, k.name) for k in kinds]  # type: ignore[attr-defined]


class TopicsForm(forms.Form):
    name = forms.CharField(label="清单名称", max_length=40, initial="八个必过")
    pattern = forms.CharField(label="组织生活模式（如 6+6）", max_length=40, required=False)
    every = forms.ChoiceField(label="周期", choices=list(EVERY_LABELS.items()), initial="year")
    topics = forms.CharField(label="议题（每行一个）", widget=forms.Textarea(attrs={"rows": 8}))
    effective_from = forms.DateField(label="生效日期", widget=DateInput)


class KindForm(forms.Form):
    name = forms.CharField(label="会议类型名称", max_length=40)
    every = forms.ChoiceField(label="周期", choices=[("", "不作要求"), *EVERY_LABELS.items()], required=False)
    times = forms.IntegerField(label="每个周期至少（次）", min_value=1, max_value=31, initial=1)


class CampaignForm(forms.Form):
    name = forms.CharField(label="名称", max_length=100)
    starts_on = forms.DateField(label="开始日期", widget=DateInput)
    ends_on = forms.DateField(label="结束日期", widget=DateInput)
    required_sessions = forms.IntegerField(
        label="每个党支部应开展（次）", min_value=1, max_value=100, initial=2
    )
    description = forms.CharField(label="说明", required=False, widget=forms.Textarea(attrs={"rows": 3}))


class PeriodForm(forms.Form):
    start = FilterDateField(label="开始日期", required=False)
    end = FilterDateField(label="结束日期（含）", required=False)
    behind = forms.BooleanField(label="只看未达标", required=False)


class LapseFilterForm(forms.Form):
    org = forms.TypedChoiceField(label="组织", coerce=int, required=False, empty_value=None)
    severe = forms.BooleanField(label="只看已满自行脱党月数的", required=False)

    def __init__(self, *args: Any, orgs: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        top = min((o.depth for o in orgs), default=1)
        self.fields["org"].choices = [("", "（我负责的全部组织）")] + [  # type: ignore[attr-defined]
            (o.pk, f"{'　' * (o.depth - top)}{o.name}") for o in orgs
        ]


STATUS_CHOICES = AttendanceStatus.choices


UNMARKED = ""  # the choice of a member not yet marked: the secretary must choose for each one


class MeetingRecordForm(forms.Form):
    """The record of a held meeting: each member of the roster marked present, excused (with a
    reason) or absent — nobody is marked for the secretary but those who checked in — and the
    minutes, host and speaker. The topics are checked by the service against the rulebook's list."""

    minutes = forms.CharField(label="会议记录", required=False, max_length=20000)
    has_election = forms.BooleanField(label="本次会议进行选举", required=False)
    host = forms.CharField(label="主持人工号", max_length=20, required=False)
    speaker = forms.CharField(label="授课人工号", max_length=20, required=False)

    def __init__(self, *args: Any, roster: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.roster = roster
        choices = [(UNMARKED, "请选择"), *AttendanceStatus.choices]
        for m in roster:
            self.fields[f"status_{m.person_id}"] = forms.ChoiceField(
                label=f"{m.person.name}的出席情况", choices=choices, required=False
            )
            self.fields[f"reason_{m.person_id}"] = forms.CharField(
                label=f"{m.person.name}的请假事由", max_length=200, required=False
            )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        unmarked = [m.person.name for m in self.roster if not data.get(f"status_{m.person_id}")]
        if unmarked and not any(f.startswith("status_") for f in self.errors):
            raise forms.ValidationError(
                f"以下党员尚未标记出席情况，请逐一选择出席、请假或缺席：{'、'.join(unmarked)}"
            )
        return data

    def attendance(self) -> dict[int, Any]:
        """(status, reason) of each member, from the cleaned data."""
        data = self.cleaned_data
        return {
            m.person_id: (data[f"status_{m.person_id}"], data.get(f"reason_{m.person_id}", ""))
            for m in self.roster
        }
