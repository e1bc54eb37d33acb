"""Each group of metrics reads only the apps it declares: its figures are kept under those apps'
data versions, so a table it read without declaring it could change under a kept figure."""

import pkgutil
import re

from django.apps import apps
from django.db import connection
from django.test.utils import CaptureQueriesContext
from tests.builders import D

from qixin.core import versions
from qixin.core.periods import Period
from qixin.reports import definitions, selectors  # noqa: F401  (registers the metrics)
from qixin.reports.metrics import GROUPS, REGISTRY, Scope

YEAR = Period(D(2026, 1, 1), D(2027, 1, 1))
ALL_TABLES = {m._meta.db_table for m in apps.get_models(include_auto_created=True)}


def tables_read(sql):
    return {name for name in re.findall(r'"(\w+)"', sql) if name in ALL_TABLES}


def test_every_group_reads_only_the_apps_it_declares(world):
    tracked = list(versions.tracked_tables())
    for name, group in GROUPS.items():
        declared = {table for table, label in tracked if label in group.reads}
        scope = Scope(actor=world["admin"], org=world["root"], period=YEAR)
        with CaptureQueriesContext(connection) as queries:
            for metric in REGISTRY.values():
                if metric.group == name:
                    metric.compute(scope)
        read = set().union(*(tables_read(q["sql"]) for q in queries))
        assert read, name
        assert read <= declared, f"{name} reads {sorted(read - declared)} without declaring them"


def test_a_table_outside_the_declared_apps_is_caught():
    assert tables_read('SELECT 1 FROM "care_ticket" INNER JOIN "orgs_organization" ON x') == {
        "care_ticket",
        "orgs_organization",
    }


def test_every_definitions_module_is_registered_in_the_order_of_the_sections():
    modules = {info.name for info in pkgutil.iter_modules(definitions.__path__)}
    assert list(GROUPS) == ["orgs", "life", "improve", "brand", "mobilize", "advocacy", "care"]
    assert set(GROUPS) == modules
