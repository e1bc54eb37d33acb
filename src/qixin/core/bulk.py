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

from django.db import connections, models, router
from django.db.models.fields import AutoFieldMixin


def insert(model: type[models.Model], objects: Sequence[models.Model]) -> None:
    """INSERT `objects` (new instances of `model`, without primary keys) in one statement."""
    if not objects:
        return
    connection = connections[router.db_for_write(model)]
    meta = model._meta
    fields = [f for f in meta.concrete_fields if not isinstance(f, AutoFieldMixin)]
    quote = connection.ops.quote_name
    # Table and column names come from the model, every value is a parameter.
    columns = ", ".join(quote(str(f.column)) for f in fields)
    sql = f"INSERT INTO {quote(meta.db_table)} ({columns}) VALUES ({', '.join(['%s'] * len(fields))})"  # noqa: S608
    rows = [[f.get_db_prep_save(f.pre_save(obj, True), connection) for f in fields] for obj in objects]
    with connection.cursor() as cursor:
        cursor.executemany(sql, rows)
