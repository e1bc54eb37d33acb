"""Helpers every write of the cost-reduction and innovation app shares: money, codes, dates, membership."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import TYPE_CHECKING

from django.db import models
from django.db.models import Q
from django.utils import timezone

from qixin.core import audit
from qixin.core.errors import ApplicationError
from qixin.core.models import User
from qixin.orgs.models import Organization
from qixin.people.models import Membership, Person

if TYPE_CHECKING:
    from ..models import Alliance, Studio

CENT = Decimal("0.01")


def money(value: Decimal | int | str, label: str = "金额") -> Decimal:
    """Yuan with two places; more precision than a fen is refused, not rounded away silently."""
    try:
        amount = Decimal(str(value))
    except ArithmeticError:
        raise ApplicationError("invalid", f"{label}“{value}”不是有效的金额。") from None
    if not amount.is_finite():
        raise ApplicationError("invalid", f"{label}“{value}”不是有效的金额。")
    if amount != amount.quantize(CENT, rounding=ROUND_HALF_UP):
        raise ApplicationError("invalid", f"{label}最多保留两位小数（到分）。")
    if abs(amount) >= Decimal("1e12"):
        raise ApplicationError("invalid", f"{label}过大。")
    return amount.quantize(CENT)


def _today() -> date:
    return timezone.localdate()


def _not_future(day: date, label: str) -> None:
    if day > _today():
        raise ApplicationError("future_date", f"{label}不能晚于今天。")


def _number(prefix: str, day: date, pk: int) -> str:
    return f"{prefix}-{day.year}-{pk:06d}"


def _free_code(model: type[models.Model], field: str, given: str, label: str) -> str:
    """The code or number a user gave for a new record (refused when taken), or "" for one to be
    numbered from the record's id once saved (save it under _placeholder(), then _number())."""
    given = given.strip()
    if given and model._default_manager.filter(**{field: given}).exists():
        raise ApplicationError("duplicate_code", f"{label}“{given}”已被使用。")
    return given


def _placeholder() -> str:
    return f"tmp-{uuid.uuid4().hex[:24]}"  # fits every code field (32 characters)


def _belongs_to(person: Person, org: Organization) -> bool:
    """The person works in the organization's subtree, or is a current member of a branch in it."""
    if person.organization.path.startswith(org.path):
        return True
    return Membership.objects.filter(
        person=person, ended_on__isnull=True, branch__path__startswith=org.path
    ).exists()


def is_member_on(person: Person, day: date) -> bool:
    """A party member (full or probationary) on that day, per the registry."""
    return Membership.objects.filter(
        Q(ended_on__isnull=True) | Q(ended_on__gt=day), person=person, joined_on__lte=day
    ).exists()


def _required(value: str, label: str) -> str:
    """Text a record cannot do without, stripped; left empty, the refusal names the field."""
    value = value.strip()
    if not value:
        raise ApplicationError("required", f"请填写{label}。")
    return value


def _active(org: Organization) -> None:
    if not org.is_active:
        raise ApplicationError("org_dissolved", f"“{org.name}”已撤销。")


@dataclass(frozen=True)
class Ending:
    """How a group ends: the field of its last day, the refusal and audit codes, and the words."""

    field: str  # dissolved_on, closed_on
    code: str  # the refusal when it has ended already
    action: str  # the audit action
    noun: str  # 联盟, 工作室
    verb: str  # 解散, 撤销


def _end_group(*, actor: User | None, group: Alliance | Studio, ending: Ending, on: date) -> None:
    """End an alliance or a studio on a day between its founding and today, once, audited with the
    day: its members, projects and savings stay; it counts in the figures up to that day. The caller
    has checked that the actor manages it."""
    field, verb = ending.field, ending.verb
    ended = getattr(group, field)
    if ended is not None:
        raise ApplicationError(ending.code, f"该{ending.noun}已于{ended}{verb}。")
    if on < group.founded_on:
        raise ApplicationError("bad_date", f"{verb}日期不能早于成立日期{group.founded_on}。")
    _not_future(on, f"{verb}日期")
    setattr(group, field, on)
    group.save(update_fields=[field, "updated_at"])
    audit.record(actor=actor, action=ending.action, obj=group, changes={field: on})
