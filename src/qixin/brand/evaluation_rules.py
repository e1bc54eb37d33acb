"""The rules of the annual evaluation of members (民主评议党员): defaults from RULES.md that an
organization may override for its subtree (qixin.core.rules). Registered at start-up (the app's
`ready`), like every app's rules, so that any process can read or override them."""

from __future__ import annotations

from qixin.core.rules import define

EXCELLENT_SHARE_MAX = define(
    "brand.evaluation.excellent_share_max",
    "民主评议党员评为“优秀”的比例上限（空为不限）",
    None,
    source="RULES.md 组织生活（民主评议党员）：中央未定比例，由上级组织设定",
)
BALLOT_SHARE_MIN = define(
    "brand.evaluation.ballot_share_min",
    "民主评议投票有效须超过的有表决权党员比例",
    0.5,
    source="RULES.md 组织生活：党员大会表决须有表决权的党员过半数到会",
)
