"""A figure never depends on what was viewed before: each organization's dashboard, summary and
download give what computing the figure afresh gives, whatever was opened first and whether or not
the figures were kept in the cache (the cache is live here: the tests commit their writes)."""

import datetime as dt
from typing import Any

import pytest
from django.core.cache import caches
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from qixin.core import versions
from qixin.core.periods import Period
from qixin.orgs.models import Organization
from qixin.reports import selectors
from qixin.reports.metrics import REGISTRY, Number, Scope

FIRST_HALF = Period.inclusive(dt.date(2026, 1, 1), dt.date(2026, 6, 30))
VIEWS = ("dashboard", "summary", "page")


def fresh(actor: Any, org: Organization, period: Period = FIRST_HALF) -> dict[str, Number]:
    """Every figure computed afresh for this organization alone: no cache, no prefetch, nothing shared
    with another organization's scope."""
    scope = Scope(actor=actor, org=org, period=period)
    return {key: metric.compute(scope) for key, metric in REGISTRY.items()}


def shown(board: selectors.Dashboard) -> dict[str, Number]:
    return {v.metric.key: v.value for v in board.summary.values}


def view(world: dict[str, Any], client: Client, how: str, org: Organization) -> None:
    if how == "dashboard":
        selectors.dashboard_for(actor=world["admin"], org=org, period=FIRST_HALF)
    elif how == "summary":
        selectors.summary_for(actor=world["admin"], org=org, period=FIRST_HALF)
    else:
        response = client.get("/reports/", {"org": org.code, "from": "2026-01-01", "to": "2026-06-30"})
        assert response.status_code == 200


def test_every_organizations_dashboard_shows_what_a_fresh_computation_gives(world):
    """Opened one after another, each organization's dashboard (and what it compares it with) agrees
    with each figure computed alone; 总装第一党支部 has no sibling of its kind and compares its parts."""
    admin = world["admin"]
    for org in Organization.objects.order_by("path"):
        board = selectors.dashboard_for(actor=admin, org=org, period=FIRST_HALF)
        expected = fresh(admin, org)
        assert shown(board) == expected, org.name
        for key, numbers in board.comparison.items():
            assert numbers == [float(fresh(admin, s)[key]) for s in board.siblings], (org.name, key)


def test_a_branch_dashboard_counts_its_members_once(world):
    board = selectors.dashboard_for(actor=world["admin"], org=world["b1"], period=FIRST_HALF)
    figures = shown(board)
    assert (figures["members.total"], figures["employees.total"]) == (
        3,
        5,
    )  # A1-A3; A1-A4 (hired 2010) and E1


@pytest.fixture
def client_of_admin(world):
    client = Client()
    client.force_login(world["admin"])
    return client


@pytest.fixture
def live_world(transactional_db, world):
    """The reports' world, committed, so data versions and the versioned cache are in play."""
    caches[versions.CACHE].clear()
    assert versions.snapshot().numbers is not None
    return world


@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(order=st.lists(st.tuples(st.sampled_from(VIEWS), st.integers(min_value=0, max_value=10)), max_size=5))
def test_the_figures_of_a_subtree_never_depend_on_the_order_pages_were_viewed(
    live_world, client_of_admin, order
):
    admin = live_world["admin"]
    orgs = list(Organization.objects.order_by("path"))
    caches[versions.CACHE].clear()
    for how, index in order:
        view(live_world, client_of_admin, how, orgs[index % len(orgs)])
    for org in orgs:
        expected = fresh(admin, org)
        summary = selectors.summary_for(actor=admin, org=org, period=FIRST_HALF)
        assert {v.metric.key: v.value for v in summary.values} == expected, (org.name, order)
        board = selectors.dashboard_for(actor=admin, org=org, period=FIRST_HALF)
        assert shown(board) == expected, (org.name, order)
