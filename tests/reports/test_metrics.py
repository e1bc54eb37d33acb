"""Every metric of the organizations and people for a subtree and a period, with records just
outside the period and in other subtrees."""

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse
from tests.builders import account, grant

from qixin.core.periods import Period
from qixin.reports import selectors

pytestmark = pytest.mark.django_db
FIRST_HALF = Period.inclusive(dt.date(2026, 1, 1), dt.date(2026, 6, 30))


def values(world, org_key, period=FIRST_HALF):
    summary = selectors.summary_for(actor=world["admin"], org=world[org_key], period=period)
    return {v.metric.key: v.value for v in summary.values}


def test_figures_for_a_general_branch_in_the_first_half_year(world):
    got = values(world, "plant")
    assert {k: got[k] for k in got if k.startswith(("orgs.", "members.", "employees."))} == {
        "orgs.committee": 0,
        "orgs.general_branch": 1,
        "orgs.branch": 2,
        "orgs.group": 1,
        "members.total": 4,  # A1, A2, A3 and B1; A4 joined the day after the period
        "members.full": 3,  # A1, A2 and B1 (full since 2026-03-01)
        "members.probationary": 1,  # A3
        "members.admitted": 1,  # A3; A4 is outside the period
        "employees.total": 6,  # A1-A3, E1, B1 (and A4 hired 2010); E2 hired later, E3 left in May
        "members.per_100_employees": Decimal("66.7"),
    }


def test_figures_for_the_whole_committee_include_the_other_subtree(world):
    got = values(world, "root")
    assert (got["orgs.committee"], got["orgs.branch"], got["members.total"], got["members.admitted"]) == (
        1,
        3,
        6,
        2,
    )


def test_a_branch_founded_after_the_period_end_is_not_counted(world):
    got = values(world, "plant", Period.inclusive(dt.date(2025, 1, 1), dt.date(2025, 12, 31)))
    assert (got["orgs.branch"], got["members.full"], got["members.probationary"]) == (1, 2, 1)


def test_a_party_worker_of_one_subtree_sees_only_its_figures(world):
    from qixin.core.models import Role

    worker = account("worker", password="x-very-long-pass")
    grant(worker, Role.PARTY_WORKER, world["other"])
    summary = selectors.summary_for(actor=worker, org=world["other"], period=FIRST_HALF)
    got = {v.metric.key: v.value for v in summary.values}
    assert (got["members.total"], got["employees.total"]) == (2, 2)


def test_the_drill_down_lists_exactly_the_counted_records(world):
    _metric, value, drill = selectors.drill_for(
        actor=world["admin"], org=world["plant"], period=FIRST_HALF, key="members.full"
    )
    rows = list(drill.all_rows())
    assert value.value == 3
    assert [row[1] for row in rows] == ["A1", "A2", "B1"]


def test_the_comparison_of_parts_agrees_with_each_part_on_its_own(world):
    """The dashboard compares the committee's parts with grouped queries; each figure must equal the
    one computed for that part alone."""
    board = selectors.dashboard_for(actor=world["admin"], org=world["root"], period=FIRST_HALF)
    assert [s.code for s in board.siblings] == ["R-A", "R-B"]
    for index, part in enumerate(board.siblings):
        alone = selectors.summary_for(actor=world["admin"], org=part, period=FIRST_HALF).by_key
        for key, values in board.comparison.items():
            assert values[index] == float(alone[key].value), (part.code, key)


def test_the_trend_and_the_figures_of_the_dashboard_agree_with_each_computed_alone(world):
    """The dashboard reads the months' admissions in one query and the organization's own members with
    its parts': the same figures as each month and the organization computed on their own."""
    board = selectors.dashboard_for(actor=world["admin"], org=world["root"], period=FIRST_HALF)
    assert board.months == ["2026-01", "2026-02", "2026-03", "2026-04", "2026-05", "2026-06"]
    alone = []
    for month in range(1, 7):
        period = Period(dt.date(2026, month, 1), dt.date(2026, month + 1, 1))
        alone.append(float(values(world, "root", period)["members.admitted"]))
    assert board.trends["members.admitted"] == alone
    assert sum(alone) == 2  # both admissions of the half year fall in it, none counted twice
    summary = {v.metric.key: v.value for v in board.summary.values}
    assert summary == values(world, "root")


def test_the_comparison_chart_draws_a_quotient_on_its_own_axis(world, client):
    """每百名员工中的党员 is not on the scale of the counts beside it (党员, 员工)."""
    client.force_login(world["admin"])
    page = client.get(reverse("reports:dashboard"), {"org": world["root"].code})
    series = page.context["chart_data"]["comparison"]
    axes = {s["name"]: s["axis"] for s in series}
    assert axes == {"党员": 0, "员工": 0, "每百名员工中的党员": 1}
