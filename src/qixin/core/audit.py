"""The audit log: every write, every read or export of sensitive personal data, every login event.

Each entry's hash covers its content and the previous entry's hash, so editing or deleting a row
breaks the chain from that row on (`qixin audit verify` names it).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.db import connection, models, transaction
from django.utils import timezone

from .errors import ApplicationError, is_refusal
from .models import AuditEntry, User

GENESIS = "0" * 64
_source: ContextVar[str] = ContextVar("audit_source", default="")


@contextmanager
def source(address: str) -> Iterator[None]:
    """Where the current request or command comes from (an IP address, or "cli")."""
    token = _source.set(address)
    try:
        yield
    finally:
        _source.reset(token)


def _plain(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, models.Model):
        return str(value.pk)
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set):
        return [_plain(v) for v in value]
    return value


def entry_hash(entry: AuditEntry) -> str:
    content = {
        "at": entry.at.isoformat(),
        "actor": entry.actor_id,
        "actor_label": entry.actor_label,
        "source": entry.source,
        "action": entry.action,
        "model": entry.model,
        "object_pk": entry.object_pk,
        "object_repr": entry.object_repr,
        "changes": entry.changes,
        "prev": entry.prev_hash,
    }
    blob = json.dumps(content, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(blob.encode()).hexdigest()


CHAIN_LOCK = 0x51584E  # an arbitrary constant naming the audit chain's lock on PostgreSQL


def _lock_chain() -> None:
    """One writer at a time appends to the chain, until its transaction ends.

    On PostgreSQL, locking the last row (SELECT ... FOR UPDATE) is not enough: a second writer waiting
    on that row gets the same row once the first commits, and both chain onto it. A transaction-level
    advisory lock serialises the appends instead. SQLite already runs one writing transaction at a time
    (BEGIN IMMEDIATE).
    """
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [CHAIN_LOCK])


def record(
    *,
    actor: User | None,
    action: str,
    obj: models.Model | None = None,
    model: str = "",
    object_pk: str = "",
    object_repr: str = "",
    changes: Mapping[str, Any] | None = None,
) -> AuditEntry:
    """Append one entry to the chain (inside the caller's transaction, if any)."""
    if obj is not None:
        model = model or obj._meta.label
        object_pk = object_pk or str(obj.pk)
        object_repr = object_repr or str(obj)[:200]
    with transaction.atomic():
        _lock_chain()
        last = AuditEntry.objects.order_by("-id").only("hash").first()
        entry = AuditEntry(
            at=timezone.now(),
            actor=actor if actor is not None and actor.pk else None,
            actor_label=(str(actor) if actor is not None and actor.pk else "系统")[:150],
            source=_source.get()[:64],
            action=action,
            model=model,
            object_pk=object_pk,
            object_repr=object_repr[:200],
            changes=_plain(dict(changes or {})),
            prev_hash=last.hash if last else GENESIS,
        )
        # Round-trip through JSON so the hash is computed over exactly what the database stores.
        entry.changes = json.loads(json.dumps(entry.changes, ensure_ascii=False))
        entry.hash = entry_hash(entry)
        entry.save(force_insert=True)
    return entry


def refusal(*, actor: User | None, attempt: str, error: ApplicationError) -> AuditEntry | None:
    """Record a refused action (403, or 404 for an object outside the actor's scope).

    Called by the entry points (pages, API, CLI) once the refused service's transaction has rolled
    back, so the refusal itself is never lost with it. `attempt` says what was tried, e.g. "POST
    /orgs/12/edit/" or "cli export people".
    """
    if not is_refusal(error):
        return None
    return record(
        actor=actor if actor is not None and actor.is_authenticated else None,
        action="refused",
        object_repr=attempt[:200],
        changes={"status": error.status, "code": error.code},
    )


def diff(before: Mapping[str, Any], after: Mapping[str, Any]) -> dict[str, list[Any]]:
    """Fields whose value changed, as {field: [before, after]}."""
    return {k: [_plain(before.get(k)), _plain(v)] for k, v in after.items() if before.get(k) != v}


def verify() -> AuditEntry | None:
    """The first entry whose hash or link does not hold, or None when the whole chain verifies."""
    prev = GENESIS
    for entry in AuditEntry.objects.order_by("id").iterator(chunk_size=2000):
        if entry.prev_hash != prev or entry_hash(entry) != entry.hash:
            return entry
        prev = entry.hash
    return None
