"""Writes of the savings ledger: claims, corrections, withdrawals, verification, rejection, reversal."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any, TypedDict, Unpack

from django.db import transaction
from django.utils import timezone

from qixin.core import audit
from qixin.core.access import require
from qixin.core.errors import ApplicationError
from qixin.core.models import User
from qixin.core.services import model_update, update_values
from qixin.core.validation import full_clean

from ..models import CLAIMABLE_STAGES, Project, SavingsEntry, SavingsStatus
from ..permissions import can_claim_savings, can_verify_savings, can_view_project
from ._common import _free_code, _not_future, _number, _placeholder, money


def _check_claim(
    project: Project, amount: Decimal | int | str, occurred_on: date, description: str
) -> tuple[Decimal, str]:
    """What a claim states, when it is made and whenever it is corrected: an amount above zero to the
    fen, a day between the 立项 date and today, what was saved. Returns the amount and the text."""
    value = money(amount, "节约金额")
    if value <= 0:
        raise ApplicationError("invalid", "节约金额必须大于零；更正已核定的金额请由财务冲销。")
    if occurred_on < project.started_on:
        raise ApplicationError("bad_date", f"节约实现日期不能早于立项日期{project.started_on}。")
    _not_future(occurred_on, "节约实现日期")
    if not description.strip():
        raise ApplicationError("invalid", "请说明节约的内容。")
    return value, description.strip()[:200]


@transaction.atomic
def savings_claim(
    *,
    actor: User | None,
    project: Project,
    amount: Decimal | int | str,
    occurred_on: date,
    description: str,
    evidence: str = "",
    number: str = "",
) -> SavingsEntry:
    """The team claims a saving (positive, to the fen) realized on a day between the 立项 date and
    today, once the project is being implemented. It counts only after finance verifies it."""
    require(can_view_project(actor, project), hide=True)
    require(can_claim_savings(actor, project))
    if project.stage not in CLAIMABLE_STAGES:
        raise ApplicationError("bad_stage", f"项目处于“{project.stage}”阶段，进入实施后才能申报节约额。")
    value, description = _check_claim(project, amount, occurred_on, description)
    number = _free_code(SavingsEntry, "number", number, "流水号")
    entry = SavingsEntry(
        number=number or _placeholder(),
        project=project,
        amount=value,
        occurred_on=occurred_on,
        description=description,
        evidence=evidence.strip(),
        claimed_by=actor if actor and actor.pk else None,
        claimed_at=timezone.now(),
    )
    full_clean(entry, exclude=["reverses"])
    entry.save()
    if not number:
        entry.number = _number("JS", occurred_on, entry.pk)
        entry.save(update_fields=["number"])
    audit.record(
        actor=actor,
        action="claim",
        obj=entry,
        changes={"project": project.code, "amount": value, "occurred_on": occurred_on},
    )
    return entry


def _locked(entry: SavingsEntry) -> SavingsEntry:
    return (
        SavingsEntry.objects.select_for_update()
        .select_related("project__organization", "project__owner")
        .get(pk=entry.pk)
    )


def _claim_facts(entry: SavingsEntry) -> dict[str, Any]:
    """What a correction of a claim is audited by."""
    return {
        "amount": entry.amount,
        "occurred_on": entry.occurred_on,
        "description": entry.description,
        "evidence": entry.evidence,
    }


class ClaimChanges(TypedDict, total=False):
    amount: Decimal | int | str
    occurred_on: date
    description: str
    evidence: str


CLAIM_FIELDS = ("amount", "occurred_on", "description", "evidence")


@transaction.atomic
def savings_claim_update(
    *, actor: User | None, entry: SavingsEntry, **changes: Unpack[ClaimChanges]
) -> SavingsEntry:
    """Correct a claim while it waits for verification (who may claim on the project), under the
    same rules as when it was claimed. A verified entry is never edited: finance reverses it and the
    team claims again. Whoever corrects a claim states its amount, so they become its claimant: a
    finance verifier never verifies an amount they set (can_verify_savings). Only the fields given
    change (a partial update)."""
    entry = _locked(entry)
    require(can_view_project(actor, entry.project), hide=True)
    require(can_claim_savings(actor, entry.project))
    if entry.status != SavingsStatus.CLAIMED:
        raise ApplicationError(
            "immutable",
            f"该记录{entry.get_status_display()}，不能修改。已核定的节约额如需更正，请由财务冲销后重新申报。",
        )
    values = update_values(entry, changes, CLAIM_FIELDS)
    values["amount"], values["description"] = _check_claim(
        entry.project, values["amount"], values["occurred_on"], values["description"]
    )
    values["evidence"] = values["evidence"].strip()
    claimant = entry.claimed_by.username if entry.claimed_by is not None else None
    new_claimant = actor is not None and actor.pk and entry.claimed_by_id != actor.pk
    if new_claimant:
        values["claimed_by"] = actor  # who states the amount claims it, when something changed

    def credit(changes: dict[str, list[Any]]) -> None:
        if new_claimant and actor is not None:
            changes["claimed_by"] = [claimant, actor.username]

    model_update(
        instance=entry,
        data=values,
        fields=(*CLAIM_FIELDS, "claimed_by"),
        actor=actor,
        facts=_claim_facts,
        after_save=credit,
    )
    return entry


@transaction.atomic
def savings_withdraw(*, actor: User | None, entry: SavingsEntry) -> SavingsEntry:
    """The team withdraws a claim not yet verified (it stays in the ledger, marked withdrawn)."""
    entry = _locked(entry)
    require(can_view_project(actor, entry.project), hide=True)
    require(can_claim_savings(actor, entry.project))
    if entry.status != SavingsStatus.CLAIMED:
        raise ApplicationError("immutable", f"该记录{entry.get_status_display()}，不能撤回。")
    entry.status = SavingsStatus.WITHDRAWN
    entry.save(update_fields=["status"])
    audit.record(
        actor=actor, action="withdraw", obj=entry, changes={"status": [SavingsStatus.CLAIMED, entry.status]}
    )
    return entry


@transaction.atomic
def savings_verify(*, actor: User | None, entry: SavingsEntry, verified_on: date, note: str) -> SavingsEntry:
    """Finance verifies a claim (a designated 财务核定人 of the project's organization who is not on
    its team and did not claim it), on a day between the saving and today, stating the basis (凭证号
    等). From then on the entry counts and never changes."""
    entry = _locked(entry)
    require(can_view_project(actor, entry.project), hide=True)
    require(can_verify_savings(actor, entry))
    if entry.status != SavingsStatus.CLAIMED:
        raise ApplicationError("not_claimed", f"该记录{entry.get_status_display()}，不能核定。")
    if not note.strip():
        raise ApplicationError("invalid", "请填写核定依据（如财务凭证号）。")
    if verified_on < entry.occurred_on:
        raise ApplicationError("bad_date", f"核定日期不能早于节约实现日期{entry.occurred_on}。")
    _not_future(verified_on, "核定日期")
    entry.status, entry.verified_on = SavingsStatus.VERIFIED, verified_on
    entry.verified_by = actor if actor and actor.pk else None
    entry.verification_note = note.strip()[:200]
    entry.save(update_fields=["status", "verified_on", "verified_by", "verification_note"])
    audit.record(
        actor=actor,
        action="verify",
        obj=entry,
        changes={"amount": entry.amount, "verified_on": verified_on, "note": entry.verification_note},
    )
    return entry


@transaction.atomic
def savings_reject(*, actor: User | None, entry: SavingsEntry, reason: str) -> SavingsEntry:
    """Finance refuses a claim, with the reason shown to the team. It never counts."""
    entry = _locked(entry)
    require(can_view_project(actor, entry.project), hide=True)
    require(can_verify_savings(actor, entry))
    if entry.status != SavingsStatus.CLAIMED:
        raise ApplicationError("not_claimed", f"该记录{entry.get_status_display()}，不能退回。")
    if not reason.strip():
        raise ApplicationError("reason_required", "请说明未通过的原因。")
    entry.status, entry.rejection_reason = SavingsStatus.REJECTED, reason.strip()[:200]
    entry.verified_by = actor if actor and actor.pk else None
    entry.save(update_fields=["status", "rejection_reason", "verified_by"])
    audit.record(actor=actor, action="reject", obj=entry, changes={"reason": entry.rejection_reason})
    return entry


@transaction.atomic
def savings_reverse(*, actor: User | None, entry: SavingsEntry, on: date, reason: str) -> SavingsEntry:
    """Finance reverses a verified entry by a new verified entry of the opposite amount, dated `on`
    (so the correction counts in the period it is made). The original stays untouched; an entry is
    reversed at most once, and a reversal is never reversed."""
    entry = _locked(entry)
    require(can_view_project(actor, entry.project), hide=True)
    if entry.status != SavingsStatus.VERIFIED or entry.is_reversal:
        raise ApplicationError("not_reversible", "只有已核定的节约记录可以冲销（冲销记录本身不能再冲销）。")
    require(can_verify_savings(actor, entry))
    if SavingsEntry.objects.filter(reverses=entry).exists():
        raise ApplicationError("already_reversed", f"记录{entry.number}已经冲销过。")
    if not reason.strip():
        raise ApplicationError("reason_required", "请说明冲销原因。")
    assert entry.verified_on is not None
    if on < entry.verified_on:
        raise ApplicationError("bad_date", f"冲销日期不能早于原记录的核定日期{entry.verified_on}。")
    _not_future(on, "冲销日期")
    reversal = SavingsEntry(
        number=f"{entry.number}-R",
        project=entry.project,
        amount=-entry.amount,
        occurred_on=entry.occurred_on,
        description=f"冲销{entry.number}：{reason.strip()}"[:200],
        status=SavingsStatus.VERIFIED,
        claimed_by=actor if actor and actor.pk else None,
        claimed_at=timezone.now(),
        verified_by=actor if actor and actor.pk else None,
        verified_on=on,
        verification_note=reason.strip()[:200],
        reverses=entry,
    )
    full_clean(reversal)
    reversal.save()
    audit.record(
        actor=actor,
        action="reverse",
        obj=entry,
        changes={"reversal": reversal.number, "amount": reversal.amount, "on": on, "reason": reason},
    )
    return reversal
