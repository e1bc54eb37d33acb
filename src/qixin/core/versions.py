"""Data versions: a number per app that rises with every committed write to the app's tables.

Database triggers keep them (installed after every `migrate`), so bulk updates, imports, raw SQL,
the admin and the shell count as well as the services do. A result computed from some apps' tables
can then be cached under their versions (`cached`):

1. read the versions once (`snapshot`), before computing anything;
2. compute, and keep the result under the versions read;
3. a later reader whose versions are the same gets the kept result.

Why that is exact: an app's version is raised in the writing transaction itself, so it becomes
visible together with the data. If the versions a reader reads equal those read before a result was
computed, no write to those tables was committed in between, and the result is what computing again
would give. A write committed while the result was being computed raises the version, and the result
it may have half seen is kept under versions nobody reads again.

Not cached, computed every time: anything read inside a transaction (`atomic`), whose own writes
would be rolled back with the version they raised; and anything on a database other than SQLite or
PostgreSQL. A result that also depends on the clock says so in its key (the day, say).

On PostgreSQL each app has several counter rows (shards): a writer takes the first one no other
transaction holds (SKIP LOCKED), so concurrent writers, a long import included, do not wait for each
other. SQLite has one writer at a time and one row per app.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any, TypeVar, cast

from django.apps import apps
from django.core.cache import caches
from django.db import DEFAULT_DB_ALIAS, connections

T = TypeVar("T")

TRACKED_APPS = (
    "core",
    "orgs",
    "people",
    "life",
    "brand",
    "mobilize",
    "advocacy",
    "improve",
    "care",
    "reports",
)
# Written on reads or on every request, and read by no figure: tracking them would only throw results away.
UNTRACKED_MODELS = frozenset({"core.auditentry", "core.apitoken", "core.dataversion"})
SHARDS = 8  # as written in the function below
EPOCH = "*epoch"
CACHE = "versioned"
TIMEOUT = 7 * 24 * 3600
TABLE = "core_dataversion"
# The SQL here is built from constants and the models' table names, never from input (noqa: S608).

_POSTGRES_FUNCTION = """
CREATE OR REPLACE FUNCTION qixin_bump_version() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  counter bigint;
BEGIN
  SELECT id INTO counter FROM core_dataversion
   WHERE app = TG_ARGV[0]
   ORDER BY shard = pg_backend_pid() % 8 DESC, shard
   LIMIT 1 FOR UPDATE SKIP LOCKED;
  IF counter IS NULL THEN
    INSERT INTO core_dataversion (app, shard, n) VALUES (TG_ARGV[0], pg_backend_pid() % 8, 1)
    ON CONFLICT (app, shard) DO UPDATE SET n = core_dataversion.n + 1;
  ELSE
    UPDATE core_dataversion SET n = n + 1 WHERE id = counter;
  END IF;
  RETURN NULL;
END $$;
"""


def tracked_tables() -> Iterator[tuple[str, str]]:
    """(table, app label) of every table whose writes raise a version."""
    for label in TRACKED_APPS:
        for model in apps.get_app_config(label).get_models(include_auto_created=True):
            meta = model._meta
            if meta.managed and not meta.proxy and meta.label_lower not in UNTRACKED_MODELS:
                yield meta.db_table, label


def install(using: str = DEFAULT_DB_ALIAS) -> None:
    """Create (or refresh) the triggers; idempotent. SQLite drops a table's triggers when a migration
    rebuilds the table, which is why this runs after every migrate."""
    connection = connections[using]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(_POSTGRES_FUNCTION)
            for table, label in tracked_tables():
                cursor.execute(
                    f'CREATE OR REPLACE TRIGGER qixin_version AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON "{table}" '
                    f"FOR EACH STATEMENT EXECUTE FUNCTION qixin_bump_version('{label}')"
                )
            cursor.executemany(
                f"INSERT INTO {TABLE} (app, shard, n) VALUES (%s, %s, 0) ON CONFLICT (app, shard) DO NOTHING",  # noqa: S608
                [(label, shard) for label in TRACKED_APPS for shard in range(SHARDS)],
            )
        elif connection.vendor == "sqlite":
            for table, label in tracked_tables():
                for operation in ("INSERT", "UPDATE", "DELETE"):
                    cursor.execute(_sqlite_trigger(table, label, operation))


def _sqlite_trigger(table: str, label: str, operation: str) -> str:
    name = f"qixin_version_{table}_{operation.lower()}"
    bump = f"INSERT INTO {TABLE} (app, shard, n) VALUES ('{label}', 0, 1) ON CONFLICT (app, shard) DO UPDATE SET n = n + 1"  # noqa: S608
    return f'CREATE TRIGGER IF NOT EXISTS "{name}" AFTER {operation} ON "{table}" BEGIN {bump}; END'


def install_after_migrate(using: str = DEFAULT_DB_ALIAS, **_: Any) -> None:
    install(using)


class Snapshot:
    """The versions of every tracked app, read at one moment; None when results must not be cached."""

    def __init__(self, numbers: dict[str, int] | None) -> None:
        self.numbers = numbers

    def key(self, reads: Iterable[str]) -> str | None:
        if self.numbers is None:
            return None
        return "-".join(str(self.numbers.get(label, 0)) for label in (EPOCH, *reads))


def snapshot(using: str = DEFAULT_DB_ALIAS) -> Snapshot:
    connection = connections[using]
    if connection.in_atomic_block or connection.vendor not in ("sqlite", "postgresql"):
        return Snapshot(None)
    numbers = _read(connection)
    if EPOCH not in numbers:  # first use, or the table was emptied: start a new series
        with connection.cursor() as cursor:
            cursor.execute(
                f"INSERT INTO {TABLE} (app, shard, n) VALUES (%s, 0, %s) ON CONFLICT (app, shard) DO NOTHING",  # noqa: S608
                [EPOCH, secrets.randbits(62)],
            )
        numbers = _read(connection)
    return Snapshot(numbers)


def _read(connection: Any) -> dict[str, int]:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT app, SUM(n) FROM {TABLE} GROUP BY app")  # noqa: S608
        return {label: int(n) for label, n in cursor.fetchall()}


_code: list[str] = []


def code_version() -> str:
    """A fingerprint of Qixin's source files: a result computed by other code is not reused."""
    if not _code:
        root = Path(__file__).resolve().parent.parent
        digest = hashlib.blake2b(digest_size=8)
        for path in sorted(root.rglob("*.py")):
            stat = path.stat()
            digest.update(f"{path.relative_to(root)}:{stat.st_mtime_ns}:{stat.st_size};".encode())
        _code.append(digest.hexdigest())
    return _code[0]


_MISSING = object()


def cached(snap: Snapshot, reads: Iterable[str], key: str, compute: Callable[[], T]) -> T:
    """compute(), or the result kept for `key` while the versions of `reads` are those in `snap`."""
    version = snap.key(reads)
    if version is None:
        return compute()
    full_key = f"{key}:{version}:{code_version()}"
    store = caches[CACHE]
    found = store.get(full_key, _MISSING)
    if found is not _MISSING:
        return cast(T, found)
    value = compute()
    store.set(full_key, value, TIMEOUT)
    return value
