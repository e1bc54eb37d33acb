"""Numbers, dates and choices in a page's address: a value the code can use, or a 400 in Chinese that
names the parameter; never a 500. The API bounds the same parameters in its schema (422)."""

import pytest
from django.test import RequestFactory
from django.urls import reverse
from tests.builders import D, account, grant, org, person

from qixin.core.errors import ApplicationError
from qixin.core.models import Role
from qixin.core.params import query_choice, query_date, query_id, query_int, query_year
from qixin.core.services import api_token_create
from qixin.orgs.models import OrgKind


def _get(query: str):
    return RequestFactory().get(f"/x/?{query}")


def test_a_query_integer_is_read_within_its_bounds():
    assert query_int(_get("n=7"), "n", minimum=1, maximum=9) == 7
    assert query_int(_get("n=-3"), "n", minimum=-5, maximum=9) == -3
    assert query_int(_get("n=%207%20"), "n", minimum=1, maximum=9) == 7


def test_an_absent_or_empty_query_value_is_none():
    assert query_int(_get(""), "n", minimum=1, maximum=9) is None
    assert query_int(_get("n="), "n", minimum=1, maximum=9) is None
    assert query_date(_get("to="), "to") is None
    assert query_choice(_get("kind="), "kind", ["a"]) is None


@pytest.mark.parametrize("value", ["²", "１２", "7.0", "0x10", "10", "0", "9" * 30, "abc"])
def test_a_query_integer_that_is_not_one_or_out_of_bounds_is_a_400_naming_it(value):
    with pytest.raises(ApplicationError) as refused:
        query_int(RequestFactory().get("/x/", {"n": value}), "n", minimum=1, maximum=9)
    assert (refused.value.code, refused.value.status) == ("invalid", 400)
    assert refused.value.message == "参数“n”应为1至9之间的整数。"


def test_a_query_year_and_id_have_the_applications_bounds():
    assert query_year(_get("year=2026")) == 2026
    assert query_id(_get("mission=12"), "mission") == 12
    for request, read in (
        (_get("year=-11"), query_year),
        (_get("year=293315649557"), query_year),
        (_get("mission=0"), lambda r: query_id(r, "mission")),
        (_get("mission=9223372036854775808"), lambda r: query_id(r, "mission")),
    ):
        with pytest.raises(ApplicationError):
            read(request)


def test_a_query_date_is_an_iso_date_between_1900_and_2999():
    assert query_date(_get("to=2026-07-01"), "to") == D(2026, 7, 1)
    assert query_date(_get("to=2999-12-31"), "to") == D(2999, 12, 31)
    for value in ("9999-12-31", "1899-12-31", "2026-02-30", "2026/07/01", "20260701", "²０２６-07-01"):
        with pytest.raises(ApplicationError) as refused:
            query_date(RequestFactory().get("/x/", {"to": value}), "to")
        assert refused.value.status == 400
        assert (
            refused.value.message == "参数“to”应为1900-01-01至2999-12-31之间的日期，写成 2026-07-01 的形式。"
        )


def test_a_query_choice_is_one_of_the_allowed_values():
    assert query_choice(_get("kind=%E9%A9%B0%E6%8F%B4"), "kind", ["驰援", "坚守"]) == "驰援"
    with pytest.raises(ApplicationError) as refused:
        query_choice(_get("kind=x"), "kind", ["驰援", "坚守"])
    assert refused.value.message == "参数“kind”应为以下之一：驰援、坚守。"


@pytest.fixture
def world(db):
    root = org(None, "R", OrgKind.COMMITTEE, "示例党委")
    branch = org(root, "R-1", name="总装一支部")
    member = person(branch, "QX0001", category="正式党员")
    admin = account("admin-1")
    grant(admin, Role.ADMIN)
    return {"root": root, "branch": branch, "member": member, "admin": admin}


# What the outside probe found answering 500 with DEBUG off, and its siblings.
PAGES = [
    ("brand:recognitions", None, "year=²", "参数“year”应为1900至2999之间的整数。"),
    ("brand:recognitions", None, "kind=x", "参数“kind”应为以下之一："),
    ("brand:org", "branch", "year=²", "参数“year”应为1900至2999之间的整数。"),
    ("brand:person", "member", "year=²", "参数“year”应为1900至2999之间的整数。"),
    ("improve:cases", None, "year=²", "参数“year”应为1900至2999之间的整数。"),
    ("improve:suggestions", None, "status=x", "参数“status”应为以下之一："),
    ("improve:projects", None, "stage=x", "参数“stage”应为以下之一："),
    ("mobilize:deployment_new", None, "mission=²", "参数“mission”应为1至9223372036854775807之间的整数。"),
    ("mobilize:missions", None, "status=x", "参数“status”应为以下之一："),
    ("mobilize:deployments", None, "kind=x", "参数“kind”应为以下之一："),
    ("life:calendar", "branch", "year=²", "参数“year”应为1900至2999之间的整数。"),
    ("reports:dashboard", None, "to=9999-12-31", "日期应在1900-01-01至2999-12-31之间。"),
    ("reports:dashboard", None, "from=0001-01-01", "日期应在1900-01-01至2999-12-31之间。"),
    ("life:compliance", "branch", "end=9999-12-31", "日期应在1900-01-01至2999-12-31之间。"),
]


@pytest.mark.parametrize(("name", "arg", "query", "message"), PAGES)
def test_a_page_answers_a_bad_query_value_with_a_400_in_chinese(client, world, name, arg, query, message):
    client.force_login(world["admin"])
    url = reverse(name, args=[world[arg].pk] if arg else [])
    response = client.get(f"{url}?{query}")
    assert response.status_code == 400
    assert message in response.content.decode()


def test_the_pages_still_read_good_query_values(client, world):
    client.force_login(world["admin"])
    assert client.get(reverse("brand:recognitions") + "?year=2026&kind=").status_code == 200
    assert client.get(reverse("improve:cases") + "?year=2026").status_code == 200
    assert client.get(reverse("reports:dashboard") + "?from=2026-01-01&to=2999-12-31").status_code == 200
    assert client.get(reverse("life:calendar", args=[world["branch"].pk]) + "?year=1999").status_code == 200


def test_the_audit_filter_refuses_a_date_it_cannot_compute_with(client, world):
    client.force_login(world["admin"])
    response = client.get(reverse("audit_log") + "?until=9999-12-31")
    assert response.status_code == 400
    assert "日期应在1900-01-01至2999-12-31之间。" in response.content.decode()


@pytest.mark.parametrize(
    ("path", "field", "message"),
    [
        ("/api/v1/reports/summary?to=9999-12-31", "to", "不能晚于2999-12-31"),
        ("/api/v1/reports/summary?from=0001-01-01", "from", "不能早于1900-01-01"),
        ("/api/v1/brand/people/{member}/deeds?year=-11", "year", "不能小于1900"),
        ("/api/v1/brand/people/{member}/deeds?year=293315649557", "year", "不能大于2999"),
        ("/api/v1/brand/recognitions?year=-11", "year", "不能小于1900"),
        ("/api/v1/improve/cases?year=293315649557", "year", "不能大于2999"),
        ("/api/v1/life/meetings?end=9999-12-31", "end", "不能晚于2999-12-31"),
        ("/api/v1/life/compliance?org=R&end=9999-12-31", "end", "不能晚于2999-12-31"),
    ],
)
def test_the_api_answers_a_query_value_out_of_range_with_a_422_in_chinese(
    client, world, path, field, message
):
    token = api_token_create(actor=world["admin"], name="probe")[1]
    response = client.get(
        path.format(member=world["member"].pk), headers={"Authorization": f"Bearer {token}"}
    )
    assert response.status_code == 422
    assert response.json() == {
        "code": "invalid",
        "message": "提交的内容有误。",
        "problems": [{"message": message, "field": field, "row": None, "column": None}],
    }
