"""Inserting many rows at once, for imports of tens of thousands of rows.

Django's `bulk_create` compiles every value of every row into one SQL text per batch; for a roster of
35,000 people that compiling costs more than the database's own work. `insert` prepares each value as
`bulk_create` does (the field's `pre_save` and `get_db_prep_save`: defaults, auto timestamps,
encryption) and hands the rows to the driver's `executemany`, one statement for all of them.

Primary keys are not read back (SQLite's `executemany` cannot return them): the caller finds the
new rows again by a unique field.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.db import connections, models, router
from django.db.models.fields import AutoFieldMixin


@dataclass
class Prepared:
    """An INSERT with its rows' values ready for the driver: made before the write transaction (the
    values' preparation, encryption included, is most of an insert's time), executed inside it."""

    model: type[models.Model]
    sql: str
    columns: list[str]  # the fields' attribute names, in the order of each row's values
    rows: list[list[Any]]

    def set_column(self, attname: str, values: Sequence[Any]) -> None:
        """Set one column of every row, e.g. a foreign key known only once its rows were written."""
        index = self.columns.index(attname)
        for row, value in zip(self.rows, values, strict=True):
            row[index] = value


def prepare(model: type[models.Model], objects: Sequence[models.Model]) -> Prepared:
    """The INSERT of `objects` (new instances of `model`, without primary keys), values prepared."""
    connection = connections[router.db_for_write(model)]
    meta = model._meta
    fields = [f for f in meta.concrete_fields if not isinstance(f, AutoFieldMixin)]
    quote = connection.ops.quote_name
    # Table and column names come from the model, every value is a parameter.
    columns = ", ".join(quote(str(f.column)) for f in fields)
    sql = f"INSERT INTO {quote(meta.db_table)} ({columns}) VALUES ({', '.join(['%s'] * len(fields))})"  # noqa: S608
    rows = [[f.get_db_prep_save(f.pre_save(obj, True), connection) for f in fields] for obj in objects]
    return Prepared(model, sql, [f.attname for f in fields], rows)


def execute(prepared: Prepared) -> None:
    """Run a prepared INSERT in one statement."""
    if not prepared.rows:
        return
    connection = connections[router.db_for_write(prepared.model)]
    with connection.cursor() as cursor:
        cursor.executemany(prepared.sql, prepared.rows)


def insert(model: type[models.Model], objects: Sequence[models.Model]) -> None:
    """INSERT `objects` (new instances of `model`, without primary keys) in one statement."""
    if objects:
        execute(prepare(model, objects))
