"""Writes of the rulebook: kinds of meeting, frequencies, topics, rules."""

from __future__ import annotations

import secrets
from datetime import date
from typing import Any

from django.db import transaction
from django.db.models import Q

from qixin.core import audit
from qixin.core.access import require
from qixin.core.errors import ApplicationError, Problem
from qixin.core.models import RuleOverride, User
from qixin.core.rules import REGISTRY, rulebook
from qixin.core.validation import full_clean
from qixin.orgs.models import Organization

from .. import rulebook as rb
from ..models import MeetingKind
from ..permissions import can_keep_life, can_loosen_rules


@transaction.atomic
def kind_create(
    *, actor: User | None, org: Organization, name: str, frequency: dict[str, Any] | None = None
) -> MeetingKind:
    """An organization adds a kind of meeting for its subtree, with an optional frequency."""
    require(can_keep_life(actor, org))
    name = name.strip()
    if not name:
        raise ApplicationError("invalid", "请填写会议类型名称。", [Problem("不能为空", field="名称")])
    if MeetingKind.objects.filter(Q(owner__isnull=True) | Q(owner=org), name=name).exists():
        raise ApplicationError("duplicate_kind", f"会议类型“{name}”已存在。")
    value = rb.check_frequency_value(frequency) if frequency else {}
    if value:
        value = {"counts": [], "committee_only": False, **value}
    kind = MeetingKind(
        owner=org, name=name, code=f"org{org.pk}-{secrets.token_hex(4)}", default_frequency=value
    )
    full_clean(kind)
    kind.save()
    if value and not value["counts"]:
        kind.default_frequency["counts"] = [kind.code]
        kind.save(update_fields=["default_frequency"])
    audit.record(actor=actor, action="create", obj=kind, changes={"name": name, "frequency": value})
    return kind


def _rule_override(
    actor: User | None, org: Organization, key: str, value: Any, effective_from: date, basis: str
) -> RuleOverride:
    """Set a rule for the organization's subtree. Its own managers may ask more than its superior's
    rule (on `effective_from`), not less: loosening is the superior's decision (can_loosen_rules)."""
    parent = Organization.objects.get_parent(org)
    if parent is not None and not can_loosen_rules(actor, org):
        try:
            inherited = rulebook(parent, effective_from).get(key)
        except KeyError:  # a kind the organization added: nothing above it to loosen
            inherited = None
        reason = rb.loosening(key, value, inherited) if inherited is not None else None
        if reason:
            raise ApplicationError(
                "needs_superior",
                f"不能{reason}：这会低于上级党组织（{parent.name}）的要求，须由上级党组织设定。",
            )
    override, _created = RuleOverride.objects.update_or_create(
        organization=org, key=key, effective_from=effective_from, defaults={"value": value, "basis": basis}
    )
    audit.record(actor=actor, action="rule_set", obj=override, changes={"key": key, "value": value})
    return override


@transaction.atomic
def frequency_set(
    *,
    actor: User | None,
    org: Organization,
    kind: MeetingKind,
    frequency: dict[str, Any] | None,
    effective_from: date,
    basis: str = "",
) -> RuleOverride:
    """Set how often a kind must happen in the organization's subtree from a date (None: no
    requirement). Deeper nodes inherit it unless they set their own."""
    require(can_keep_life(actor, org))
    value: dict[str, Any] = {}
    if frequency:
        value = {"counts": [kind.code], "committee_only": False, **rb.check_frequency_value(dict(frequency))}
        if not isinstance(value["counts"], list) or not value["counts"]:
            raise ApplicationError("invalid_rule", "请指定哪些会议类型计入该要求。")
    return _rule_override(actor, org, rb.frequency_key(kind.code), value, effective_from, basis)


@transaction.atomic
def topics_set(
    *,
    actor: User | None,
    org: Organization,
    name: str,
    topics: list[str],
    pattern: str = "",
    every: str = "year",
    effective_from: date,
    basis: str = "",
) -> RuleOverride:
    """The must-cover topic list of an organization (such as the 八个必过) and its pattern ("6+6")."""
    require(can_keep_life(actor, org))
    cleaned = [t.strip() for t in topics if t.strip()]
    if not cleaned:
        raise ApplicationError("invalid_rule", "议题清单不能为空。")
    if len(set(cleaned)) != len(cleaned):
        raise ApplicationError("invalid_rule", "议题清单中有重复的议题。")
    if every not in rb.EVERY_MONTHS:
        raise ApplicationError("invalid_rule", "周期应为每月、每季度、每半年或每年。")
    value = {
        "name": name.strip() or "必过议题",
        "pattern": pattern.strip(),
        "every": every,
        "topics": cleaned,
    }
    return _rule_override(actor, org, "life.topics", value, effective_from, basis)


@transaction.atomic
def rule_set(
    *, actor: User | None, org: Organization, key: str, value: Any, effective_from: date, basis: str = ""
) -> RuleOverride:
    """Any other rule of organizational life (quorums, reminder days)."""
    require(can_keep_life(actor, org))
    if not key.startswith("life.") or key not in REGISTRY:
        raise ApplicationError("invalid_rule", f"没有名为“{key}”的组织生活规则。")
    if type(value) is not type(REGISTRY[key].default):
        raise ApplicationError("invalid_rule", f"规则“{REGISTRY[key].label}”的取值格式不对。")
    if key in (rb.LAPSE_KEY, rb.LAPSE_WARN_KEY):
        rb.check_lapse_value(key, value, rulebook(org, effective_from))
    return _rule_override(actor, org, key, value, effective_from, basis)
