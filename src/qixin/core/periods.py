"""Periods are half-open date ranges [start, end)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta


@dataclass(frozen=True)
class Period:
    start: date
    end: date  # exclusive

    def __post_init__(self) -> None:
        if self.end < self.start:
            raise ValueError("结束日期不能早于开始日期")

    def __contains__(self, day: date) -> bool:
        return self.start <= day < self.end

    @classmethod
    def inclusive(cls, first: date, last: date) -> Period:
        return cls(first, last + timedelta(days=1))


def add_years(day: date, years: int) -> date:
    """Same day N years later; 29 February becomes 28 February in a common year."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def add_months(day: date, months: int) -> date:
    month0 = day.month - 1 + months
    year, month = day.year + month0 // 12, month0 % 12 + 1
    for candidate in (day.day, 30, 29, 28):
        try:
            return date(year, month, candidate)
        except ValueError:
            continue
    raise AssertionError("unreachable")


def whole_years_between(start: date, end: date) -> int:
    years = end.year - start.year
    if (end.month, end.day) < (start.month, start.day):
        years -= 1
    return max(years, 0)
