"""The reports keep each group's figures under the data versions of what they read
(qixin.core.versions): a report asked again with nothing written reads only what depends on the
minute, and a meeting recorded since is in the next report."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from tests.builders import D

from qixin.core.periods import Period
from qixin.reports import selectors

from .conftest import at

pytestmark = pytest.mark.django_db(transaction=True)
YEAR = Period(D(2026, 1, 1), D(2027, 1, 1))


def figures(world):
    summary = selectors.summary_for(actor=world.admin, org=world.root, period=YEAR)
    return {v.metric.key: v.value for v in summary.values}


def test_a_meeting_recorded_after_a_report_is_in_the_next_one(world):
    world.hold("theme_day", at(2026, 2, 8))
    assert figures(world)["life.meetings_held"] == 1
    world.hold("theme_day", at(2026, 3, 8))
    assert figures(world)["life.meetings_held"] == 2


def test_a_report_asked_again_reads_only_what_depends_on_the_minute(world):
    world.hold("theme_day", at(2026, 2, 8))
    first = figures(world)
    with CaptureQueriesContext(connection) as queries:
        again = figures(world)
    assert again == first
    # The versions; care's three (a ticket becomes overdue with time: its figures depend on the
    # minute; per team, then the lapses blamed on the team that let them lapse, then the wishes);
    # the narrative's template.
    assert len(queries) == 5, [q["sql"][:80] for q in queries]
