"""Data versions (qixin.core.versions): every committed write to an app's tables raises its version,
whoever makes it, and a result kept under the versions is never served after such a write."""

import pytest
from django.db import connection, transaction
from tests import builders

from qixin.core import versions
from qixin.core.models import AuditEntry, DataVersion
from qixin.orgs.models import Organization

pytestmark = pytest.mark.django_db(transaction=True)


def numbers():
    return versions.snapshot().numbers


def test_a_write_raises_the_version_of_its_app_only():
    before = numbers()
    builders.org(None, "R", kind="committee")
    after = numbers()
    assert after["orgs"] > before.get("orgs", 0)
    assert after.get("life", 0) == before.get("life", 0)
    assert after[versions.EPOCH] == before[versions.EPOCH]


def test_bulk_updates_and_raw_sql_raise_it_too():
    root = builders.org(None, "R", kind="committee")
    before = numbers()["orgs"]
    Organization.objects.filter(pk=root.pk).update(name="改名")
    after_update = numbers()["orgs"]
    with connection.cursor() as cursor:
        cursor.execute("UPDATE orgs_organization SET name = 'SQL' WHERE id = %s", [root.pk])
    assert before < after_update < numbers()["orgs"]


def test_a_rolled_back_write_leaves_the_version_as_it_was():
    builders.org(None, "R", kind="committee")
    before = numbers()

    def write_then_fail():
        with transaction.atomic():
            builders.org(None, "S", kind="committee")
            raise RuntimeError

    with pytest.raises(RuntimeError):
        write_then_fail()
    assert numbers() == before


def test_the_audit_log_is_not_tracked():
    tables = dict(versions.tracked_tables())
    assert tables["life_meeting"] == "life"
    assert tables["people_membership"] == "people"
    assert AuditEntry._meta.db_table not in tables
    assert DataVersion._meta.db_table not in tables


def test_a_kept_result_is_used_until_a_write_to_what_it_read():
    calls = []

    def compute():
        calls.append(1)
        return len(calls)

    def kept():
        return versions.cached(versions.snapshot(), ["orgs"], "test:kept", compute)

    assert (kept(), kept()) == (1, 1)
    builders.person(builders.org(None, "R", kind="committee"), "P1")  # orgs and people written
    assert (kept(), kept()) == (2, 2)
    with connection.cursor() as cursor:  # another app only: the kept result stands
        cursor.execute("UPDATE people_person SET name = name")
    assert kept() == 2


def test_nothing_is_kept_inside_a_transaction():
    calls = []
    with transaction.atomic():
        snapshot = versions.snapshot()
        assert snapshot.numbers is None
        for _ in range(2):
            versions.cached(snapshot, ["orgs"], "test:atomic", lambda: calls.append(1))
    assert len(calls) == 2


def test_an_emptied_table_starts_a_new_series():
    first = numbers()[versions.EPOCH]
    DataVersion.objects.all().delete()
    assert numbers()[versions.EPOCH] != first
