"""core.listing, the one list idiom: the page number and the declared filters are read from the query
string and validated (a bad value is a 400 in Chinese, never a 500), pages are cut by the database,
and the export links carry the same filters."""

import pytest
from django.test import RequestFactory
from tests.builders import org

from qixin.core import listing
from qixin.core.errors import ApplicationError
from qixin.orgs.models import Organization, OrgKind

pytestmark = pytest.mark.django_db

NAME = "tests:list"  # a list declared by the test alone


@pytest.fixture
def rows(monkeypatch):
    root = org(None, "R", OrgKind.COMMITTEE, "党委")
    for i in range(1, 8):
        org(root, f"R-{i}", OrgKind.BRANCH if i % 2 else OrgKind.GENERAL_BRANCH, f"第{i}支部")
    spec = listing.ListPage(
        name=NAME,
        per_page=3,
        filters=(listing.Choice("kind", OrgKind.values),),
        search=("name", "code"),
        export="people:export",
    )
    monkeypatch.setitem(listing.REGISTRY, NAME, spec)  # removed again after the test
    return Organization.objects.order_by("code")


def get(**params):
    return RequestFactory().get("/", params)


def test_pages_are_cut_by_the_database_and_say_how_many_rows_there_are(rows):
    shown = listing.listing(get(page="2"), NAME, rows)
    assert shown.total == 8
    assert (shown.page.number, shown.page.paginator.num_pages) == (2, 3)
    assert [o.code for o in shown.rows] == ["R-3", "R-4", "R-5"]


@pytest.mark.parametrize("value", ["abc", "0", "-1", "1.5", "²", "9" * 40, "1e3"])
def test_a_page_number_that_is_not_a_positive_whole_number_is_a_400_in_chinese(rows, value):
    with pytest.raises(ApplicationError) as refused:
        listing.listing(get(page=value), NAME, rows)
    assert refused.value.status == 400
    assert "页码" in refused.value.message


@pytest.mark.parametrize("value", ["4", "99", "999999999999999999"])
def test_a_page_beyond_the_last_shows_the_last_page(rows, value):
    shown = listing.listing(get(page=value), NAME, rows)
    assert shown.page.number == 3
    assert [o.code for o in shown.rows] == ["R-6", "R-7"]


def test_an_empty_list_is_its_first_page(rows):
    shown = listing.listing(get(page="3"), NAME, rows.none())
    assert (shown.total, shown.page.number, shown.page.paginator.num_pages, shown.rows) == (0, 1, 1, [])


def test_declared_filters_and_search_narrow_the_rows_and_are_validated(rows):
    branches = listing.listing(get(kind=OrgKind.BRANCH), NAME, rows)
    assert branches.total == 4
    assert branches.values["kind"] == OrgKind.BRANCH
    found = listing.listing(get(q="第3"), NAME, rows)
    assert [o.code for o in found.rows] == ["R-3"]
    with pytest.raises(ApplicationError) as bad_kind:
        listing.listing(get(kind="nonsense"), NAME, rows)
    assert bad_kind.value.status == 400
    assert "kind" in bad_kind.value.message
    with pytest.raises(ApplicationError) as too_long:
        listing.listing(get(q="长" * 201), NAME, rows)
    assert too_long.value.status == 400


def test_the_export_links_carry_the_same_filters_and_no_page_number(rows):
    shown = listing.listing(get(kind=OrgKind.BRANCH, q="支部", page="2"), NAME, rows)
    assert "page" not in shown.query
    addresses = [address for _label, address in shown.exports]
    assert addresses == [f"/people/export.xlsx?{shown.query}", f"/people/export.csv?{shown.query}"]
    assert listing.filtered(get(kind=OrgKind.BRANCH, q="支部"), NAME, rows).count() == 4


def test_the_pager_shows_the_total_and_the_way_to_the_other_pages(rows, client):
    from django.template.loader import render_to_string

    shown = listing.listing(get(q="支部", page="2"), NAME, rows)
    html = render_to_string(
        "core/partials/_pager.html", {"page": shown.page, "query": shown.query, "listing": shown}
    )
    assert "共 7 条，第 2/3 页" in html
    assert f"?{shown.query}&amp;page=1" in html
    assert f"?{shown.query}&amp;page=3" in html


def test_a_list_page_registered_twice_is_refused():
    with pytest.raises(ValueError, match="registered twice"):
        listing.register("people:list")
