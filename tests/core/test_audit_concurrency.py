"""Two writers appending to the audit chain at the same time must not both chain onto the same entry.

The race needs two real database connections in parallel, which the embedded SQLite test database
cannot give (it runs one writing transaction at a time by design, so the race cannot happen there):
this test runs in the PostgreSQL pass of CI (.ci/run) and wherever DATABASE_URL names PostgreSQL.
"""

import threading

import pytest
from django.db import connection, transaction

from qixin.core import audit
from qixin.core.models import AuditEntry

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs concurrent connections (PostgreSQL)"),
]


def test_concurrent_appends_keep_one_chain():
    audit.record(actor=None, action="start", object_repr="链首")
    first_inside = threading.Event()
    errors: list[BaseException] = []

    def slow_writer() -> None:
        try:
            with transaction.atomic():
                audit.record(actor=None, action="write", object_repr="甲")
                first_inside.set()
                threading.Event().wait(0.5)  # hold the transaction open while the other writer starts
        except BaseException as exc:
            errors.append(exc)
        finally:
            connection.close()

    def fast_writer() -> None:
        try:
            first_inside.wait(5)
            audit.record(actor=None, action="write", object_repr="乙")
        except BaseException as exc:
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=slow_writer), threading.Thread(target=fast_writer)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(10)
    assert errors == []
    entries = list(AuditEntry.objects.order_by("id"))
    assert len(entries) == 3
    assert len({e.prev_hash for e in entries}) == 3, "two entries chained onto the same one"
    assert audit.verify() is None
