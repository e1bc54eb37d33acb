"""The member list and the organization page issue the same, exact number of queries whatever the
data size: nothing is loaded per row."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from tests.builders import D, account, grant, org, person

from qixin.core.models import Role
from qixin.core.services import system_user
from qixin.orgs import services as org_services
from qixin.orgs.models import OrgKind, PositionTitle
from qixin.people.models import Membership
from qixin.people.services import membership_transfer

pytestmark = pytest.mark.django_db

# Exact counts for a party worker's request (session, user, the login gate's one query, role grants
# and positions for the scope, then the page's own queries). A change here is a change in how the page loads its data.
MEMBER_LIST_QUERIES = 10  # a page of people with their current memberships
MEMBER_SEARCH_QUERIES = 10
BRANCH_PAGE_QUERIES = 24  # a branch: its members, posts, elections, history and health
COMMITTEE_PAGE_QUERIES = 21  # a committee: its children with their counts and health
# A drill-down of the reports, paged in SQL (core.listing): the figure, one COUNT, one page of rows.
DRILL_PAGE_QUERIES = 12


def world(size: int):
    root = org(None, "R", OrgKind.COMMITTEE, "示例党委")
    general = org(root, "R-A", OrgKind.GENERAL_BRANCH, "总装党总支")
    branches = [org(general, f"R-A-{i}", name=f"总装第{i}党支部") for i in range(1, 1 + max(2, size // 10))]
    for i in range(size):
        branch = branches[i % len(branches)]
        p = person(
            branch,
            f"P{i:04d}",
            category="正式党员" if i % 3 or i < len(branches) else "预备党员",
            joined=D(2020, 1, 1),
        )
        if i < len(branches):
            org_services.position_assign(
                actor=system_user(),
                org=branch,
                person_id=p.pk,
                title=PositionTitle.SECRETARY,
                started_on=D(2024, 1, 1),
            )
        if i % 5 == 0:
            membership_transfer(
                actor=system_user(),
                membership=Membership.objects.get(person=p),
                target=branches[(i + 1) % len(branches)],
                on=D(2025, 1, 1),
            )
        person(branch, f"E{i:04d}")
    for branch in branches:
        org_services.election_record(actor=system_user(), org=branch, held_on=D(2024, 1, 1))
        org(branch, f"{branch.code}-G", OrgKind.GROUP, "党小组")
    worker = account("dangwu", password="x-unused-password-1")
    grant(worker, Role.PARTY_WORKER, root)
    return worker, root, branches[0]


def queries(client, url: str) -> int:
    client.get(url)  # warm: first-request work (e.g. the session's own bookkeeping) is not counted
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured)


@pytest.mark.parametrize("size", [6, 60])
def test_member_list_queries_do_not_grow_with_the_data(client, size):
    worker, _root, _branch = world(size)
    client.force_login(worker)
    assert queries(client, reverse("people:list")) == MEMBER_LIST_QUERIES
    assert queries(client, reverse("people:list") + "?q=yg&category=正式党员") == MEMBER_SEARCH_QUERIES


@pytest.mark.parametrize("size", [6, 60])
def test_organization_page_queries_do_not_grow_with_the_data(client, size):
    worker, root, branch = world(size)
    client.force_login(worker)
    assert queries(client, reverse("orgs:detail", args=[branch.pk])) == BRANCH_PAGE_QUERIES
    assert queries(client, reverse("orgs:detail", args=[root.pk])) == COMMITTEE_PAGE_QUERIES


@pytest.mark.parametrize("size", [6, 60])
def test_a_drill_down_page_counts_and_pages_in_sql_whatever_the_data_size(client, size):
    worker, root, _branch = world(size)
    client.force_login(worker)
    address = (
        reverse("reports:drill", args=["members.total"]) + f"?org={root.code}&from=2026-01-01&to=2026-06-30"
    )
    assert queries(client, address) == DRILL_PAGE_QUERIES
    assert queries(client, address + "&page=2") == DRILL_PAGE_QUERIES
