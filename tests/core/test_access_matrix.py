"""What each role can see and do in orgs and people, through pages, exports, the API and the CLI.

One world, six users, one row per role: the expectations are written out per role so that a change
in access is a visible change in this table.
- another branch's object, read by id, is a 404 whose body is the same as for an id that does not
  exist (nothing tells a forbidden object from a missing one);
- lists and exports never include objects outside the scope;
- writes outside the scope are refused and the refusal is in the audit log.
"""

import csv
import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner
from django.test import Client
from django.urls import reverse
from tests.builders import D, account, grant, org, person

from qixin.cli import main as cli
from qixin.core.models import AuditEntry, Role
from qixin.core.services import api_token_create, system_user
from qixin.orgs import services as org_services
from qixin.orgs.models import Organization, OrgKind, PositionTitle
from qixin.people.models import Person

pytestmark = pytest.mark.django_db

PEOPLE = ["s1", "c1", "m1", "e1", "m2", "mb"]
# Who each user sees in lists and exports, whose sensitive fields, and what they may change.
MATRIX = {
    # role: (people listed, orgs listed, sensitive readable, person editable, org editable)
    "admin": (PEOPLE, ["R", "A", "A1", "A1-G", "A2", "B"], PEOPLE, PEOPLE, ["R", "A", "A1", "A2", "B"]),
    "worker": (
        ["s1", "c1", "m1", "e1", "m2"],
        ["A", "A1", "A1-G", "A2"],
        ["s1", "c1", "m1", "e1", "m2"],
        ["s1", "c1", "m1", "e1", "m2"],
        ["A", "A1", "A2"],
    ),
    "secretary": (
        ["s1", "c1", "m1", "e1"],
        ["A1", "A1-G"],
        ["s1", "c1", "m1", "e1"],
        ["s1", "c1", "m1", "e1"],
        ["A1"],
    ),
    "committee": (["s1", "c1", "m1", "e1"], ["A1", "A1-G"], ["c1"], [], []),
    "member": (["s1", "c1", "m1", "e1"], ["A1", "A1-G"], ["m1"], [], []),
    "employee": (["e1"], [], ["e1"], [], []),
}
USER_PERSON = {"secretary": "s1", "committee": "c1", "member": "m1", "employee": "e1"}
PASSWORD = "matrix-pass-2026!"


@pytest.fixture
def world():
    root = org(None, "R", OrgKind.COMMITTEE, "集团党委")
    a = org(root, "A", OrgKind.GENERAL_BRANCH, "总装党总支")
    a1 = org(a, "A1", name="总装一支部")
    org(a1, "A1-G", OrgKind.GROUP, "一组")
    a2 = org(a, "A2", name="总装二支部")
    b = org(root, "B", name="研发支部")
    people = {
        "s1": person(a1, "S1", category="正式党员", name="司书记"),
        "c1": person(a1, "C1", category="正式党员", name="程委员"),
        "m1": person(a1, "M1", category="正式党员", name="马党员"),
        "e1": person(a1, "E1", name="叶员工"),
        "m2": person(a2, "M2", category="正式党员", name="牛二支"),
        "mb": person(b, "MB", category="正式党员", name="包研发"),
    }
    for who, title in (("s1", PositionTitle.SECRETARY), ("c1", PositionTitle.ORGANIZATION)):
        org_services.position_assign(
            actor=system_user(), org=a1, person_id=people[who].pk, title=title, started_on=D(2024, 1, 1)
        )
    users = {
        "admin": account("admin1", password=PASSWORD),
        "worker": account("worker1", password=PASSWORD),
    }
    grant(users["admin"], Role.ADMIN)
    grant(users["worker"], Role.PARTY_WORKER, a)
    for role, who in USER_PERSON.items():
        users[role] = account(f"{role}1", password=PASSWORD, person=people[who])
    return {"people": people, "users": users, "orgs": {o.code: o for o in Organization.objects.all()}}


def names(world, keys):
    return sorted(world["people"][k].name for k in keys)


def logged_in(world, role) -> Client:
    client = Client()
    client.force_login(world["users"][role])
    return client


def api(world, role) -> Client:
    _token, key = api_token_create(actor=world["users"][role], name="test")
    return Client(HTTP_AUTHORIZATION=f"Bearer {key}")


def without_tokens(content: bytes, path: str) -> str:
    """The page without what differs by construction: the random CSRF token masks and the
    requested address itself (the language switch returns to it)."""
    text = content.decode().replace(path, "PATH")
    text = re.sub(r'"X-CSRFToken": "[^"]+"', "", text)
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", text)


def refusals() -> int:
    return AuditEntry.objects.filter(action="refused").count()


@pytest.mark.parametrize("role", MATRIX)
def test_lists_pages_and_api(world, role):
    listed, orgs, _sensitive, _editable, _org_editable = MATRIX[role]
    client = logged_in(world, role)
    page = client.get(reverse("people:list"), {"status": ""}).content.decode()
    assert sorted(n for n in (p.name for p in Person.objects.all()) if n in page) == names(world, listed)
    body = api(world, role).get("/api/v1/people/", {"limit": 100}).json()
    assert sorted(item["name"] for item in body["items"]) == names(world, listed)
    body = api(world, role).get("/api/v1/orgs/", {"limit": 100}).json()
    assert sorted(item["code"] for item in body["items"]) == sorted(orgs)


@pytest.mark.parametrize("role", MATRIX)
def test_detail_by_id_is_404_outside_the_scope_and_says_nothing(world, role):
    listed, orgs, *_ = MATRIX[role]
    client, token = logged_in(world, role), api(world, role)
    missing_page = client.get(reverse("people:detail", args=[999999]))
    missing_api = token.get("/api/v1/people/999999")
    for key, p in world["people"].items():
        page = client.get(reverse("people:detail", args=[p.pk]))
        response = token.get(f"/api/v1/people/{p.pk}")
        if key in listed:
            assert (page.status_code, response.status_code) == (200, 200), key
        else:
            assert (page.status_code, response.status_code) == (404, 404), key
            assert without_tokens(page.content, reverse("people:detail", args=[p.pk])) == without_tokens(
                missing_page.content, reverse("people:detail", args=[999999])
            )
            assert response.content == missing_api.content
            assert p.name not in page.content.decode()
    for code, o in world["orgs"].items():
        expected = 200 if code in orgs else 404
        assert client.get(reverse("orgs:detail", args=[o.pk])).status_code == expected, code
        assert token.get(f"/api/v1/orgs/{o.pk}").status_code == expected, code


@pytest.mark.parametrize("role", MATRIX)
def test_sensitive_fields(world, role):
    listed, _orgs, sensitive, *_ = MATRIX[role]
    token = api(world, role)
    for key, p in world["people"].items():
        before = AuditEntry.objects.filter(action="view_sensitive").count()
        response = token.get(f"/api/v1/people/{p.pk}/sensitive")
        if key in sensitive:
            assert response.status_code == 200, key
            assert AuditEntry.objects.filter(action="view_sensitive").count() == before + 1
        else:
            assert response.status_code == 404, key
        if key in listed:
            detail = token.get(f"/api/v1/people/{p.pk}").json()
            assert "*" in (detail.get("phone") or "*"), "the detail shows the phone masked"


@pytest.mark.parametrize("role", MATRIX)
def test_writes_outside_the_scope_are_refused_and_audited(world, role):
    listed, _orgs, _sensitive, editable, org_editable = MATRIX[role]
    token = api(world, role)
    for key, p in world["people"].items():
        before = refusals()
        response = token.patch(
            f"/api/v1/people/{p.pk}", json.dumps({"job": "新岗位"}), content_type="application/json"
        )
        p.refresh_from_db()
        if key in editable:
            assert response.status_code == 200, (key, response.content)
            assert p.job == "新岗位"
        else:
            assert response.status_code == (403 if key in listed else 404), key
            assert p.job != "新岗位"
            entry = AuditEntry.objects.filter(action="refused").latest("id")
            assert refusals() == before + 1
            assert entry.actor == world["users"][role]
            assert entry.object_repr == f"PATCH /api/v1/people/{p.pk}"
    client = logged_in(world, role)
    for code, o in world["orgs"].items():
        if o.kind == OrgKind.GROUP:
            continue
        before = refusals()
        response = client.post(reverse("orgs:edit", args=[o.pk]), {"name": o.name, "unit": "新单位"})
        o.refresh_from_db()
        if code in org_editable:
            assert response.status_code == 302, code
            assert o.unit == "新单位"
        else:
            assert response.status_code in (403, 404), code
            assert o.unit != "新单位"
            assert refusals() == before + 1


@pytest.mark.parametrize("role", MATRIX)
def test_exports_hold_only_the_scope(world, role, tmp_path):
    listed, *_ = MATRIX[role]
    response = logged_in(world, role).get(reverse("people:export", args=["csv"]), {"status": ""})
    assert response.status_code == 200
    rows = list(csv.DictReader(response.getvalue().decode("utf-8-sig").splitlines()))
    assert sorted(r["姓名"] for r in rows) == names(world, listed)
    # The CLI run as the same user gives the same rows.
    out = Path(tmp_path) / "people.csv"
    result = CliRunner().invoke(cli, ["export", "people", str(out), "--as", world["users"][role].username])
    assert result.exit_code == 0, result.output
    with out.open(encoding="utf-8-sig") as handle:
        assert sorted(r["姓名"] for r in csv.DictReader(handle)) == names(world, listed)


def test_cli_refusal_outside_the_scope_is_audited(world):
    before = refusals()
    result = CliRunner().invoke(cli, ["orgs", "check", "--org", "B", "--as", "secretary1"])
    assert result.exit_code == 1
    assert "未找到" in result.output
    entry = AuditEntry.objects.filter(action="refused").latest("id")
    assert refusals() == before + 1
    assert entry.actor == world["users"]["secretary"]
    assert entry.object_repr.startswith("qixin ")


def test_a_nul_character_in_the_query_is_refused_before_reaching_the_database(world):
    client = logged_in(world, "admin")
    page = client.get(reverse("people:list"), {"q": "张\x00"})
    assert page.status_code == 400
    assert "控制字符" in page.content.decode()
    response = api(world, "admin").get("/api/v1/people/", {"q": "张\x00"})
    assert (response.status_code, response.json()["code"]) == (400, "invalid")
