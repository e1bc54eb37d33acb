"""The demo's savings ledger."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import Any

from qixin.demo.context import Context

from ..models import Project, SavingsEntry, SavingsStatus, Stage
from ._common import _aware, _cents, _day, _Table


def _ledger(ctx: Context, projects: list[Project], number: int, target: Decimal) -> Decimal:
    """Entries on projects past 立项; amounts scaled so that the verified total reaches the target."""
    rng = ctx.rng
    drafts: list[dict[str, Any]] = []
    for project in projects:
        if project.stage == Stage.PROPOSED:
            continue
        for _ in range(rng.choice([1, 1, 2, 2, 3])):
            occurred = min(
                _day(rng, project.started_on + timedelta(days=20), ctx.today), ctx.today - timedelta(days=2)
            )
            occurred = max(occurred, project.started_on)
            roll = rng.random()
            status = (
                SavingsStatus.VERIFIED
                if roll < 0.88
                else SavingsStatus.CLAIMED
                if roll < 0.96
                else SavingsStatus.REJECTED
                if roll < 0.99
                else SavingsStatus.WITHDRAWN
            )
            verified_on = min(occurred + timedelta(days=rng.randint(3, 40)), ctx.today - timedelta(days=1))
            drafts.append(
                {
                    "project": project,
                    "raw": rng.lognormvariate(11.2, 0.9),
                    "occurred": occurred,
                    "status": status,
                    "verified_on": verified_on,
                }
            )
    verified_raw = sum(d["raw"] for d in drafts if d["status"] == SavingsStatus.VERIFIED)
    factor = float(target) / verified_raw * 1.01
    table = _Table(SavingsEntry)
    entries: list[dict[str, Any]] = []
    for i, draft in enumerate(drafts, start=1):
        verified = draft["status"] == SavingsStatus.VERIFIED
        entry = {
            "number": f"JS-{number:02d}-{i:06d}",
            "project_id": draft["project"].pk,
            "amount": _cents(draft["raw"] * factor),
            "occurred_on": draft["occurred"],
            "description": rng.choice(
                ["材料费节约", "电费节约", "人工工时节约", "采购价格下降", "返修损失减少", "外协费用节约"]
            ),
            "evidence": "按实施前后三个月的平均消耗测算",
            "status": draft["status"],
            "claimed_at": _aware(draft["occurred"], rng),
            "verified_on": draft["verified_on"] if verified else None,
            "verification_note": f"财务凭证 {draft['verified_on']:%Y-%m}-{rng.randrange(1, 9999):04d}"
            if verified
            else "",
            "rejection_reason": "测算依据不足，请补充实施前后的计量数据"
            if draft["status"] == SavingsStatus.REJECTED
            else "",
        }
        entry["id"] = table.add(**entry)
        entries.append(entry)
    # A few verified entries were later found wrong and reversed by finance.
    reversible = [
        e
        for e in entries
        if e["status"] == SavingsStatus.VERIFIED and e["verified_on"] < ctx.today - timedelta(days=30)
    ]
    reversals = []
    for entry in rng.sample(reversible, min(25, len(reversible))):
        on = min(entry["verified_on"] + timedelta(days=rng.randint(5, 25)), ctx.today - timedelta(days=1))
        reversal = {
            "number": f"{entry['number']}-R",
            "project_id": entry["project_id"],
            "amount": -entry["amount"],
            "occurred_on": entry["occurred_on"],
            "description": f"冲销{entry['number']}：重复申报",
            "status": SavingsStatus.VERIFIED,
            "claimed_at": _aware(on, rng),
            "verified_on": on,
            "verification_note": "重复申报，冲销",
            "reverses_id": entry["id"],
        }
        table.add(**reversal)
        reversals.append(reversal)
    table.flush()
    return sum(
        (e["amount"] for e in [*entries, *reversals] if e["status"] == SavingsStatus.VERIFIED), Decimal("0")
    )
