"""How the audit log reads to a person: actions, tables and fields in Chinese, changes as
“字段：旧 → 新”. The entries themselves keep their stable codes (they are hashed into the chain)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.apps import apps
from django.core.exceptions import FieldDoesNotExist

ACTION_LABELS = {
    "create": "新建",
    "update": "修改",
    "delete": "删除",
    "import": "导入",
    "export": "导出（已脱敏）",
    "export_in_clear": "明文导出",
    "view_sensitive": "查看敏感信息",
    "refused": "被拒绝的操作",
    "login": "登录",
    "login_failed": "登录失败",
    "logout": "退出",
    "lockout": "账号锁定",
    "password_change": "修改密码",
    "two_factor_enable": "启用双重验证",
    "two_factor_failed": "双重验证失败",
    "two_factor_policy": "双重验证设置",
    "token_create": "创建接口令牌",
    "token_revoke": "吊销接口令牌",
    "accounts_create": "批量开通账号",
    "grant": "授予角色",
    "revoke": "撤销",
    "withdraw": "撤回",
    "close": "关闭",
    "merge": "合并",
    "dissolve": "撤销组织",
    "move": "调整隶属",
    "correct": "更正",
    "verify": "核定",
    "reject": "退回",
    "reverse": "冲销",
    "upload": "上传附件",
    "publish": "发布",
    "download": "下载附件",
    "select": "选入",
    "unselect": "移出",
    "assign": "指派",
    "unassign": "取消指派",
    "transfer": "组织关系转接",
    "submit": "提交",
    "status": "变更状态",
    "stage": "变更阶段",
    "set_standing": "设置党员状态",
    "self_assess": "自评",
    "rule_set": "设置组织生活规则",
    "review": "评审",
    "remove_member": "移出成员",
    "add_member": "加入成员",
    "add_team": "增派队伍",
    "add_content": "添加内容",
    "remind": "提醒",
    "record": "记录",
    "rate": "评价",
    "leave": "离职",
    "implement": "实施",
    "grade": "评定等次",
    "extend_probation": "延长预备期",
    "end_membership": "终止党籍",
    "confirm_full": "按期转正",
    "cancel": "取消",
    "dismiss_duplicate": "判为不重复",
    "disband": "解散",
    "decide": "决定",
    "convert": "转为项目",
    "claim": "认领",
    "checkin": "签到",
    "care_submit": "员工心声提交",
    "care_answer": "答复",
    "care_note": "办理备注",
    "care_close": "办结",
    "care_reopen": "重新办理",
    "care_rate": "满意度评价",
    "care_assign": "指派办理人",
    "care_forward": "转办",
    "care_escalate": "上报",
    "care_overdue": "超期",
    "care_moderate": "审核",
    "care_member": "加入关爱小组",
    "care_member_remove": "移出关爱小组",
    "care_calendar": "设置工作日历",
    "care_calendar_remove": "删除工作日历",
    "care_wish_publish": "发布微心愿",
    "care_wish_claim": "认领微心愿",
    "care_wish_release": "放弃认领",
    "care_wish_fulfil": "完成微心愿",
    "care_wish_withdraw": "撤回微心愿",
}


def action_label(code: str) -> str:
    return ACTION_LABELS.get(code, code)


def model_label(label: str) -> str:
    """“people.Person” → its verbose name (人员); an unknown label as it is."""
    model = _model(label)
    return str(model._meta.verbose_name) if model is not None else label


@dataclass(frozen=True)
class Change:
    field: str
    text: str


# Actions whose changes are {field: [before, after]} (core.audit.diff).
DIFF_ACTIONS = frozenset({"update", "correct"})


def changes_of(action: str, label: str, changes: Mapping[str, Any] | None) -> list[Change]:
    """Each changed field with its verbose name; a change of an update reads “旧 → 新”."""
    model = _model(label)
    pairs = action in DIFF_ACTIONS
    return [
        Change(_field_label(model, key), _pair(value) if pairs else _value(value))
        for key, value in (changes or {}).items()
    ]


FIELD_LABELS = {
    "rows": "行数",
    "sensitive_in_clear": "明文行数",
    "reason": "事由",
    "attempt": "尝试",
    "code": "原因代码",
    "message": "原因",
    "status": "状态",
    "fields": "字段",
    "ip": "IP 地址",
}


def _model(label: str) -> Any:
    try:
        return apps.get_model(label) if label.count(".") == 1 else None
    except (LookupError, ValueError):
        return None


def _field_label(model: Any, key: str) -> str:
    if model is not None:
        try:
            return str(model._meta.get_field(key).verbose_name)
        except FieldDoesNotExist:
            pass
    return FIELD_LABELS.get(key, key)


def _value(value: Any) -> str:
    if value is None or value == "":
        return "（空）"
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, list):
        return "、".join(_value(v) for v in value) or "（空）"
    if isinstance(value, dict):
        return "；".join(f"{k}：{_value(v)}" for k, v in value.items())
    return str(value)


def _pair(value: Any) -> str:
    if isinstance(value, list) and len(value) == 2:
        return f"{_value(value[0])} → {_value(value[1])}"
    return _value(value)
