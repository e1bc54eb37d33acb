"""The audit log in Chinese (core.audit_display): {{ e.action|audit_action }}, {{ e.model|audit_model }},
{% audit_changes e as rows %}."""

from __future__ import annotations

from typing import Any

from django import template

from qixin.core import audit_display

register = template.Library()


@register.filter
def audit_action(code: str) -> str:
    return audit_display.action_label(code)


@register.filter
def audit_model(label: str) -> str:
    return audit_display.model_label(label) if label else ""


@register.simple_tag
def audit_changes(entry: Any) -> list[audit_display.Change]:
    return audit_display.changes_of(entry.action, entry.model, entry.changes)
