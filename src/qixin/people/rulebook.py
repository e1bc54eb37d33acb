"""The numbers of membership (RULES.md, Members) as rules (qixin.core.rules): an organization may
override them for its subtree. The probation rules (`member.probation_years`,
`member.probation_extension_min_months`, `member.probation_extension_max_months`) are defined with
the health check in orgs/health.py, which counts overdue probations by them.
"""

from __future__ import annotations

from datetime import date

from qixin.core.periods import add_months, add_years
from qixin.core.rules import Rulebook, define

MIN_AGE = define("member.min_age", "入党年龄下限（周岁）", 18, "党章第一条")


def min_age(book: Rulebook) -> int:
    return int(book.get(MIN_AGE.key))


def probation_years(book: Rulebook) -> int:
    return int(book.get("member.probation_years"))


def extension_bounds(book: Rulebook) -> tuple[int, int]:
    """The shortest and longest extension of a probation, in months."""
    return (
        int(book.get("member.probation_extension_min_months")),
        int(book.get("member.probation_extension_max_months")),
    )


def regular_probation_end(joined_on: date, book: Rulebook) -> date:
    """The day a probation that was not extended is over."""
    return add_years(joined_on, probation_years(book))


def extended_probation_end(joined_on: date, months: int, book: Rulebook) -> date:
    """An extension runs on from the day the regular probation is over."""
    return add_months(regular_probation_end(joined_on, book), months)
