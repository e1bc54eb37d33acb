"""/api/v1/orgs/{pk}/positions, /positions/{pk}/end and /{pk}/elections: the same services as the
pages, so the same rules, scope and messages; a refusal changes nothing."""

import datetime as dt
import json

import pytest
from django.utils import timezone
from tests.builders import D, account, org, person, superuser

from qixin.core.services import api_token_create, system_user
from qixin.orgs import services
from qixin.orgs.models import Election, OrgKind, Position, PositionTitle

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    root = org(None, "R", OrgKind.COMMITTEE, "示例党委")
    b1, b2 = org(root, "B1", name="第一党支部"), org(root, "B2", name="第二党支部")
    group = org(b1, "B1-G", OrgKind.GROUP, "第一党小组")
    full = person(b1, "F1", category="正式党员", name="张正式")
    member = person(b1, "M1", category="正式党员", name="马党员")
    probationary = person(
        b1, "P1", category="预备党员", name="李预备", joined=timezone.localdate() - dt.timedelta(days=30)
    )
    other_secretary = person(b2, "S2", category="正式党员", name="孙书记")
    services.position_assign(
        actor=system_user(), org=b2, person_id=other_secretary.pk, title="secretary", started_on=D(2024, 1, 1)
    )
    return {
        "b1": b1,
        "b2": b2,
        "group": group,
        "full": full,
        "probationary": probationary,
        "admin": superuser("admin", password="x-Password-2026"),
        "member": account("member", password="x-Password-2026", person=member),
        "b2_secretary": account("s2", password="x-Password-2026", person=other_secretary),
    }


def call(client, user, method, path, body=None):
    headers = {"HTTP_AUTHORIZATION": f"Bearer {api_token_create(actor=user, name='t', days=30)[1]}"}
    if method == "get":
        return client.get(f"/api/v1/orgs{path}", **headers)
    return client.post(
        f"/api/v1/orgs{path}", json.dumps(body or {}), content_type="application/json", **headers
    )


def text(response) -> str:
    return json.dumps(response.json(), ensure_ascii=False)


SECRETARY = {"employee_no": "F1", "title": "secretary", "started_on": "2024-03-01"}


def test_assign_list_and_end_a_position(client, world):
    pk = world["b1"].pk
    done = call(client, world["admin"], "post", f"/{pk}/positions", SECRETARY)
    assert done.status_code == 201, done.content
    out = done.json()
    assert {
        k: out[k] for k in ("org_code", "title", "title_label", "employee_no", "person_name", "ended_on")
    } == {
        "org_code": "B1",
        "title": "secretary",
        "title_label": "书记",
        "employee_no": "F1",
        "person_name": "张正式",
        "ended_on": None,
    }
    listed = call(client, world["admin"], "get", f"/{pk}/positions")
    assert [(p["employee_no"], p["title_label"]) for p in listed.json()] == [("F1", "书记")]

    ended = call(client, world["admin"], "post", f"/positions/{out['id']}/end", {"ended_on": "2025-01-01"})
    assert ended.status_code == 200
    assert ended.json()["ended_on"] == "2025-01-01"
    assert call(client, world["admin"], "get", f"/{pk}/positions").json() == []
    history = call(client, world["admin"], "get", f"/{pk}/positions?include_ended=true").json()
    assert [(p["employee_no"], p["started_on"], p["ended_on"]) for p in history] == [
        ("F1", "2024-03-01", "2025-01-01")
    ]


def test_a_probationary_member_is_refused_with_the_reason(client, world):
    pk = world["b1"].pk
    refused = call(
        client,
        world["admin"],
        "post",
        f"/{pk}/positions",
        SECRETARY | {"employee_no": "P1", "started_on": str(timezone.localdate())},
    )
    assert refused.status_code == 400
    assert refused.json()["code"] == "not_eligible"
    assert "李预备是预备党员" in refused.json()["message"]
    assert not Position.objects.filter(organization=world["b1"]).exists()


def test_bad_input_is_refused_and_changes_nothing(client, world):
    pk = world["b1"].pk
    unknown_title = call(client, world["admin"], "post", f"/{pk}/positions", SECRETARY | {"title": "boss"})
    assert unknown_title.status_code == 422
    bad_date = call(
        client, world["admin"], "post", f"/{pk}/positions", SECRETARY | {"started_on": "2024-13-01"}
    )
    assert bad_date.status_code == 422
    assert "不是有效日期" in text(bad_date)
    unknown_person = call(
        client, world["admin"], "post", f"/{pk}/positions", SECRETARY | {"employee_no": "NOPE"}
    )
    assert unknown_person.status_code == 400
    assert "找不到工号“NOPE”的人员" in text(unknown_person)
    future = call(
        client,
        world["admin"],
        "post",
        f"/{pk}/positions",
        SECRETARY | {"started_on": str(timezone.localdate() + dt.timedelta(days=1))},
    )
    assert future.status_code == 400
    assert future.json()["code"] == "future_date"
    missing_name = call(client, world["admin"], "post", f"/{pk}/positions", SECRETARY | {"title": "custom"})
    assert missing_name.status_code == 400
    assert "须填写职务名称" in text(missing_name)
    assert not Position.objects.filter(organization=world["b1"]).exists()

    position = Position.objects.get(organization=world["b2"])
    early = call(client, world["admin"], "post", f"/positions/{position.pk}/end", {"ended_on": "2023-01-01"})
    assert early.status_code == 400
    assert "离任日期不能早于任职日期" in text(early)
    position.refresh_from_db()
    assert position.ended_on is None


def test_outside_the_scope_an_organization_is_missing_and_a_reader_may_not_write(client, world):
    pk = world["b1"].pk
    outside = call(client, world["b2_secretary"], "post", f"/{pk}/positions", SECRETARY)
    missing = call(client, world["b2_secretary"], "post", "/999999/positions", SECRETARY)
    assert (outside.status_code, outside.json()) == (missing.status_code, missing.json())
    assert outside.status_code == 404
    assert call(client, world["b2_secretary"], "get", f"/{pk}/positions").status_code == 404
    assert call(client, world["b2_secretary"], "get", f"/{pk}/elections").status_code == 404

    reader = call(client, world["member"], "post", f"/{pk}/positions", SECRETARY)
    assert reader.status_code == 403
    assert call(client, world["member"], "get", f"/{pk}/positions").status_code == 200
    assert not Position.objects.filter(organization=world["b1"]).exists()

    b2_post = Position.objects.get(organization=world["b2"])
    ended = call(client, world["member"], "post", f"/positions/{b2_post.pk}/end", {"ended_on": "2025-01-01"})
    assert ended.status_code == 404
    recorded = call(client, world["member"], "post", f"/{pk}/elections", {"held_on": "2024-03-01"})
    assert recorded.status_code == 403
    b2_post.refresh_from_db()
    assert b2_post.ended_on is None
    assert not Election.objects.exists()


def test_record_and_list_elections(client, world):
    pk = world["b1"].pk
    done = call(
        client, world["admin"], "post", f"/{pk}/elections", {"held_on": "2024-03-01", "note": "党员大会选举"}
    )
    assert done.status_code == 201, done.content
    assert {k: done.json()[k] for k in ("org_code", "held_on", "term_years", "note")} == {
        "org_code": "B1",
        "held_on": "2024-03-01",
        "term_years": 3,
        "note": "党员大会选举",
    }
    call(client, world["admin"], "post", f"/{pk}/elections", {"held_on": "2021-03-01", "term_years": 3})
    listed = call(client, world["admin"], "get", f"/{pk}/elections")
    assert [e["held_on"] for e in listed.json()] == ["2024-03-01", "2021-03-01"]


def test_election_refusals(client, world):
    pk = world["b1"].pk
    twice = call(client, world["admin"], "post", f"/{pk}/elections", {"held_on": "2024-03-01"})
    assert twice.status_code == 201
    again = call(client, world["admin"], "post", f"/{pk}/elections", {"held_on": "2024-03-01"})
    assert again.status_code == 400
    assert "2024-03-01已记录过一次换届选举" in text(again)
    too_long = call(
        client, world["admin"], "post", f"/{pk}/elections", {"held_on": "2023-03-01", "term_years": 11}
    )
    assert too_long.status_code == 422
    group = call(client, world["admin"], "post", f"/{world['group'].pk}/elections", {"held_on": "2024-03-01"})
    assert group.status_code == 400
    assert "党小组不进行换届选举" in text(group)
    future = call(
        client,
        world["admin"],
        "post",
        f"/{pk}/elections",
        {"held_on": str(timezone.localdate() + dt.timedelta(days=3))},
    )
    assert future.status_code == 400
    assert Election.objects.filter(organization=world["b1"]).count() == 1


def test_a_secretary_is_replaced_only_when_asked(client, world):
    pk = world["b2"].pk
    person(world["b2"], "N2", category="正式党员", name="钱新任")
    body = {"employee_no": "N2", "title": PositionTitle.SECRETARY, "started_on": "2025-06-01"}
    taken = call(client, world["admin"], "post", f"/{pk}/positions", body)
    assert taken.status_code == 400
    assert "已有在任书记孙书记（自2024-01-01起）" in text(taken)
    done = call(client, world["admin"], "post", f"/{pk}/positions", body | {"replace_current": True})
    assert done.status_code == 201
    history = call(client, world["admin"], "get", f"/{pk}/positions?include_ended=true").json()
    assert [(p["person_name"], p["started_on"], p["ended_on"]) for p in history] == [
        ("孙书记", "2024-01-01", "2025-06-01"),
        ("钱新任", "2025-06-01", None),
    ]
