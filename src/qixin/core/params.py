"""Typed values from a page's query string (?year=2026&from=2026-01-01&kind=...).

One parser for every page, so that what a user or a crafted link puts in the address is either a
value the code can compute with or a 400 in Chinese that names the parameter: never a 500. A
parameter absent or left empty in a filter form is None. The bounds are what the application can
compute with: a period's end is the day after its last day, and `date.max + 1 day` overflows.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date

from django.http import HttpRequest

from .errors import ApplicationError

EARLIEST_DAY = date(1900, 1, 1)
LATEST_DAY = date(2999, 12, 31)
EARLIEST_YEAR, LATEST_YEAR = EARLIEST_DAY.year, LATEST_DAY.year
LARGEST_ID = 2**63 - 1  # a database's bigint

# ASCII digits only: '²'.isdigit() is true, and int() refuses it.
INTEGER = re.compile(r"-?[0-9]{1,20}")
ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def _raw(request: HttpRequest, name: str) -> str | None:
    value = request.GET.get(name, "").strip()
    return value or None


def query_int(request: HttpRequest, name: str, *, minimum: int, maximum: int) -> int | None:
    """An integer between minimum and maximum (both included), or None when absent."""
    raw = _raw(request, name)
    if raw is None:
        return None
    if INTEGER.fullmatch(raw) and minimum <= int(raw) <= maximum:
        return int(raw)
    raise ApplicationError("invalid", f"参数“{name}”应为{minimum}至{maximum}之间的整数。", status=400)


def query_year(request: HttpRequest, name: str = "year") -> int | None:
    return query_int(request, name, minimum=EARLIEST_YEAR, maximum=LATEST_YEAR)


def query_id(request: HttpRequest, name: str) -> int | None:
    """The id of a record in a link (?mission=12); whether the user may see it is the selector's."""
    return query_int(request, name, minimum=1, maximum=LARGEST_ID)


def query_date(request: HttpRequest, name: str) -> date | None:
    """A date written YYYY-MM-DD between 1900-01-01 and 2999-12-31, or None when absent."""
    raw = _raw(request, name)
    if raw is None:
        return None
    if ISO_DATE.fullmatch(raw):
        try:
            day = date.fromisoformat(raw)
        except ValueError:
            day = None
        if day is not None and EARLIEST_DAY <= day <= LATEST_DAY:
            return day
    raise ApplicationError(
        "invalid",
        f"参数“{name}”应为{EARLIEST_DAY.isoformat()}至{LATEST_DAY.isoformat()}之间的日期，"
        "写成 2026-07-01 的形式。",
        status=400,
    )


def query_choice(request: HttpRequest, name: str, choices: Iterable[str]) -> str | None:
    """One of the allowed values, or None when absent."""
    raw = _raw(request, name)
    if raw is None:
        return None
    allowed = [str(choice) for choice in choices]
    if raw in allowed:
        return raw
    raise ApplicationError("invalid", f"参数“{name}”应为以下之一：{'、'.join(allowed)}。", status=400)
