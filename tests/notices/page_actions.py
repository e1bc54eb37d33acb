"""The notices app's part of the refusal matrix (tests/test_page_actions.py): withdrawing a notice,
posted as each kind of user that may not take it (a member it was sent to: 403; the others: 404)."""

from __future__ import annotations

from typing import Any

from qixin.core.services import system_user
from qixin.notices import services

STAFF_REFUSED = ("member", "employee", "other_secretary")

# url name: (the record its pk names, who may not take it, values that pass its form)
ACTIONS: dict[str, tuple[str, tuple[str, ...], dict[str, str]]] = {
    "notices:withdraw": ("notice", STAFF_REFUSED, {"reason": "发错了"}),
}
ALLOWED: dict[str, str] = {"notices:withdraw": "secretary"}


def records(world: dict[str, Any]) -> dict[str, Any]:
    """A notice of the first branch to its members."""
    notice = services.notice_publish(
        actor=system_user(), organization=world["b1"], title="支部通知", body="请按时参加。"
    )
    return {"notice": notice}
