"""Database functions the ORM lacks, written once for both databases (SQLite and PostgreSQL)."""

from __future__ import annotations

from typing import Any

from django.db.models import FloatField, Func


class SecondsBetween(Func):
    """Seconds from `earlier` to `later` (NULL when either is NULL), computed by the database.

    Django's own arithmetic on two datetimes (F("a") - F("b")) calls a Python function for every row
    on SQLite; summing response times over a year of tickets spent most of its time there."""

    arity = 2
    output_field = FloatField()

    # PostgreSQL: the difference of two timestamps is an interval.
    template = "CAST(EXTRACT(EPOCH FROM (%(expressions)s)) AS double precision)"
    arg_joiner = " - "

    def __init__(self, later: Any, earlier: Any) -> None:
        super().__init__(later, earlier)

    def as_sqlite(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        # Django keeps datetimes on SQLite as UTC text, which julianday() reads (fractions included).
        return self.as_sql(
            compiler,
            connection,
            template="((julianday(%(expressions)s)) * 86400.0)",
            arg_joiner=") - julianday(",
            **extra,
        )
