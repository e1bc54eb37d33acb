"""Pages and API: scoping, the QR image, check-in page, recording through the form, compliance."""

import datetime as dt
import json

import pytest
from django.test import Client

from qixin.core import services as core_services
from qixin.life import services
from qixin.life.models import Meeting, MeetingStatus

from .conftest import at


@pytest.fixture
def secretary_client(world):
    client = Client()
    client.force_login(world.secretary)
    return client


@pytest.fixture
def member_client(world):
    client = Client()
    client.force_login(world.member_user)
    return client


def _plan(world, start=None, minutes=120):
    start = start or at(2026, 10, 10)
    return services.meeting_plan(
        actor=world.admin,
        org=world.branch,
        kind=world.kind("theme_day"),
        starts_at=start,
        ends_at=start + dt.timedelta(minutes=minutes),
        title="“品牌+”主题党日",
    )


def test_secretary_index_shows_what_is_due(world, secretary_client):
    response = secretary_client.get("/life/")

    assert response.status_code == 200
    text = response.content.decode()
    assert "总装第一党支部" in text
    assert "主题党日" in text
    assert "未达标" in text


def test_secretary_records_meeting_through_the_form(world, secretary_client):
    meeting = _plan(world)
    data = {f"status_{p.pk}": "present" for p in world.full}
    data[f"status_{world.probationary.pk}"] = "excused"
    data[f"reason_{world.probationary.pk}"] = "出差"
    data["topics"] = ["形势变化", "思想引领"]
    data["minutes"] = "学习会议精神。"

    response = secretary_client.post(f"/life/meetings/{meeting.pk}/record/", data)

    assert response.status_code == 302
    meeting.refresh_from_db()
    assert (meeting.status, meeting.present_count, meeting.excused_count) == (MeetingStatus.HELD, 5, 1)
    assert meeting.topics == ["形势变化", "思想引领"]


def test_record_form_refusal_keeps_input_and_saves_nothing(world, secretary_client):
    meeting = _plan(world)
    data = {f"status_{p.pk}": "present" for p in world.full}
    data[f"status_{world.probationary.pk}"] = "excused"

    response = secretary_client.post(f"/life/meetings/{meeting.pk}/record/", data)

    assert response.status_code == 400
    assert "党员P1请假，须填写请假事由" in response.content.decode()
    assert Meeting.objects.get(pk=meeting.pk).status == MeetingStatus.PLANNED


def test_member_cannot_open_the_record_form_or_the_qr(world, member_client):
    meeting = _plan(world)

    assert member_client.get(f"/life/meetings/{meeting.pk}/record/").status_code == 404
    assert member_client.get(f"/life/meetings/{meeting.pk}/qr.svg").status_code == 404
    assert member_client.get(f"/life/meetings/{meeting.pk}/").status_code == 200


def test_meeting_outside_scope_is_not_found(world):
    meeting = _plan(world)
    client = Client()
    client.force_login(world.outsider_user)

    assert client.get(f"/life/meetings/{meeting.pk}/").status_code == 404


def test_qr_is_an_svg_image_of_the_checkin_url(world, secretary_client):
    meeting = _plan(world)

    response = secretary_client.get(f"/life/meetings/{meeting.pk}/qr.svg")

    assert response.status_code == 200
    assert response["Content-Type"] == "image/svg+xml"
    assert response.content.startswith(b"<svg")
    page = secretary_client.get(f"/life/meetings/{meeting.pk}/").content.decode()
    assert f'src="/life/meetings/{meeting.pk}/qr.svg"' in page
    assert "<script" not in page.split("<main>")[1]


def test_checkin_page_marks_the_member_present(world, member_client):
    from django.utils import timezone

    now = timezone.now()
    meeting = _plan(world, start=now - dt.timedelta(minutes=10))

    page = member_client.get(f"/life/checkin/{meeting.checkin_token}/")
    assert page.status_code == 200
    assert Meeting.objects.get(pk=meeting.pk).present_count == 0  # opening the link checks nobody in

    done = member_client.post(f"/life/checkin/{meeting.checkin_token}/")
    assert "签到成功" in done.content.decode()
    again = member_client.post(f"/life/checkin/{meeting.checkin_token}/")
    assert again.status_code == 400
    assert "无需重复签到" in again.content.decode()
    assert Meeting.objects.get(pk=meeting.pk).present_count == 1


def test_compliance_page_for_the_committee(world):
    world.hold("theme_day", at(2026, 1, 10))
    client = Client()
    client.force_login(world.admin)

    response = client.get(f"/life/org/{world.root.pk}/compliance/?start=2026-01-01&end=2026-12-31")

    assert response.status_code == 200
    text = response.content.decode()
    assert 'data-org="Q-1"' in text
    assert 'data-org="Q-3"' in text


def test_compliance_page_refused_to_a_member(world, member_client):
    assert member_client.get(f"/life/org/{world.branch.pk}/compliance/").status_code == 404


def test_rules_page_sets_a_frequency_for_the_subtree(world):
    client = Client()
    client.force_login(world.admin)
    kind = world.kind("party_lecture")

    response = client.post(
        f"/life/org/{world.root.pk}/rules/",
        {
            "form": "frequency",
            "kind": kind.pk,
            "every": "month",
            "times": 2,
            "org_kinds": ["branch"],
            "effective_from": "2026-01-01",
        },
    )

    assert response.status_code == 302
    page = client.get(f"/life/org/{world.branch.pk}/rules/").content.decode()
    assert "每月2次" in page
    assert "示例公司党委" in page


def _token(user):
    _row, key = core_services.api_token_create(actor=user, name="测试", days=30)
    return {"HTTP_AUTHORIZATION": f"Bearer {key}"}


def test_api_create_record_and_compliance(world):
    client = Client()
    headers = _token(world.secretary)
    created = client.post(
        "/api/v1/life/meetings",
        json.dumps(
            {
                "org_code": "Q-1",
                "kind": "party_congress",
                "starts_at": "2026-10-10T14:00:00+08:00",
                "ends_at": "2026-10-10T16:00:00+08:00",
                "title": "支部党员大会",
            }
        ),
        content_type="application/json",
        **headers,
    )
    assert created.status_code == 201, created.content
    pk = created.json()["id"]
    assert created.json()["org_code"] == "Q-1"

    attendance = [{"employee_no": p.employee_no, "status": "present"} for p in world.full[:3]] + [
        {"employee_no": p.employee_no, "status": "absent"} for p in [*world.full[3:], world.probationary]
    ]
    refused = client.post(
        f"/api/v1/life/meetings/{pk}/record",
        json.dumps({"attendance": attendance, "has_election": True}),
        content_type="application/json",
        **headers,
    )
    assert refused.status_code == 400
    assert refused.json()["code"] == "quorum_not_met"

    recorded = client.post(
        f"/api/v1/life/meetings/{pk}/record",
        json.dumps({"attendance": attendance, "topics": ["组织要求"]}),
        content_type="application/json",
        **headers,
    )
    assert recorded.status_code == 200, recorded.content
    body = recorded.json()
    assert (body["status"], body["present_count"], len(body["attendance"])) == ("held", 3, 6)

    listed = client.get("/api/v1/life/meetings?org=Q-1", **headers).json()
    assert [m["id"] for m in listed["items"]] == [pk]

    report = client.get("/api/v1/life/compliance?org=Q-1&start=2026-01-01&end=2026-12-31", **headers)
    assert report.status_code == 200
    assert [r["org_code"] for r in report.json()["rows"]] == ["Q-1"]


def test_api_names_an_unknown_host_and_plans_nothing(world):
    client = Client()
    body = {
        "org_code": "Q-1",
        "kind": "party_congress",
        "starts_at": "2026-10-10T14:00:00+08:00",
        "ends_at": "2026-10-10T16:00:00+08:00",
        "title": "支部党员大会",
        "host_employee_no": "NOBODY",
    }
    response = client.post(
        "/api/v1/life/meetings", json.dumps(body), content_type="application/json", **_token(world.secretary)
    )
    assert response.status_code == 400
    assert response.json()["code"] == "unknown_person"
    assert "找不到工号“NOBODY”的人员" in response.json()["message"]
    assert not Meeting.objects.exists()


def test_api_compliance_outside_scope_is_not_found(world):
    client = Client()
    response = client.get("/api/v1/life/compliance?org=Q-3", **_token(world.secretary))
    assert response.status_code == 404


def test_import_page_previews_then_imports(world, tmp_path):
    from qixin.core import tabular
    from qixin.life import importers

    path = tmp_path / "m.xlsx"
    tabular.write(
        path,
        importers.HEADERS,
        [["Q-1", "主题党日", "2026-03-15", "14:00", "16:00", "", "", "6", "6", "0", "", ""]],
    )
    client = Client()
    client.force_login(world.secretary)

    with path.open("rb") as handle:
        preview = client.post("/life/import/", {"file": handle})

    assert preview.status_code == 200
    assert "将新增1条" in preview.content.decode()
    assert Meeting.objects.count() == 0
    assert client.get("/life/template.xlsx").status_code == 200


def test_compliance_page_query_count_does_not_grow_with_branches(world, django_assert_num_queries):
    from qixin.orgs import services as org_services

    client = Client()
    client.force_login(world.admin)
    url = f"/life/org/{world.root.pk}/compliance/"
    client.get(url)
    # 17: the page's reads, one of them asking whether the root is the tree's only one (access.subtree_q).
    with django_assert_num_queries(16) as small:
        assert client.get(url).status_code == 200

    for n in range(4, 30):
        branch = org_services.org_create(
            actor=world.admin, parent=world.root, code=f"Q-{n}", name=f"第{n}党支部", kind="branch"
        )
        services.meeting_record(
            actor=world.admin,
            meeting=services.meeting_plan(
                actor=world.admin,
                org=branch,
                kind=world.kind("theme_day"),
                starts_at=at(2026, 3, 5),
                ends_at=at(2026, 3, 5, 16),
            ),
            attendance={},
        )
    with django_assert_num_queries(len(small.captured_queries)):
        response = client.get(url)
    assert response.content.decode().count("data-org=") == 29


def test_api_checkin_refuses_outside_the_window(world):
    meeting = _plan(world, start=at(2020, 10, 10))
    client = Client()

    response = client.post(
        "/api/v1/life/checkin",
        json.dumps({"token": meeting.checkin_token}),
        content_type="application/json",
        **_token(world.member_user),
    )

    assert response.status_code == 400
    assert response.json()["code"] == "checkin_closed"


def test_meeting_page_and_index_take_a_fixed_number_of_queries(
    world, secretary_client, django_assert_num_queries
):
    meeting = world.hold("party_congress", at(2026, 5, 8))
    services.resolution_add(
        actor=world.admin, meeting=meeting, text="事项一", owner=world.full[1], due_on=dt.date(2026, 6, 1)
    )
    services.resolution_add(
        actor=world.admin, meeting=meeting, text="事项二", owner=world.full[2], due_on=dt.date(2026, 6, 1)
    )
    services.resolution_add(
        actor=world.admin, meeting=meeting, text="事项三", owner=world.full[3], due_on=dt.date(2026, 6, 1)
    )
    secretary_client.get("/life/")

    with django_assert_num_queries(14):
        assert secretary_client.get(f"/life/meetings/{meeting.pk}/").status_code == 200
    # 28: what is due (22, with the request's session, user, login gate and scope) and the warning
    # before 自行脱党 (6: members, their latest attendance,
    # transfers in, what the branch's meetings record, the branch, its rulebook)
    with django_assert_num_queries(28) as first:
        assert secretary_client.get("/life/").status_code == 200

    for month in range(1, 11):
        world.hold("theme_day", at(2026, month, 8))
    with django_assert_num_queries(len(first.captured_queries)):
        assert secretary_client.get("/life/").status_code == 200


def test_compliance_page_can_show_only_branches_behind(world):
    for month in range(1, 13):
        world.hold("theme_day", at(2026, month, 8), org=world.other)
    for month in (2, 5, 8, 11):
        world.hold("party_congress", at(2026, month, 9), org=world.other)
        world.hold("party_lecture", at(2026, month, 10), org=world.other)
    for code in ("life_meeting", "democratic_review", "heart_talk"):
        world.hold(code, at(2026, 11, 12), org=world.other)
    client = Client()
    client.force_login(world.admin)

    url = f"/life/org/{world.root.pk}/compliance/?start=2026-01-01&end=2026-12-31&behind=on"
    text = client.get(url).content.decode()

    assert 'data-org="Q-1"' in text
    assert 'data-org="Q-3"' not in text  # it held everything due so far
    assert text.count("data-org=") == 2
    assert '<div class="stat" id="rows-count">3</div>' in text


def test_compliance_table_escapes_names(world):
    from qixin.orgs import services as org_services

    org_services.org_create(
        actor=world.admin,
        parent=world.root,
        code="Q-<b>",
        name="<script>alert(1)</script>党支部",
        kind="branch",
    )
    client = Client()
    client.force_login(world.admin)

    text = client.get(f"/life/org/{world.root.pk}/compliance/").content.decode()

    assert "<script>alert(1)</script>" not in text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;党支部" in text
    assert 'data-org="Q-&lt;b&gt;"' in text
