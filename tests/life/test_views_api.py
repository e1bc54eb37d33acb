"""Pages and API: scoping, the QR image, check-in page, recording through the form, compliance, and
corrections (who sees the links, the confirmation pages, the endpoints and their refusals)."""

import datetime as dt
import json

import pytest
from django.test import Client
from tests.builders import D, org

from qixin.core import services as core_services
from qixin.core.models import AuditEntry
from qixin.life import services
from qixin.life.models import Attachment, Campaign, Meeting, MeetingStatus, Resolution

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
    data: dict[str, str | list[str]] = {f"status_{p.pk}": "present" for p in world.full}
    data[f"status_{world.probationary.pk}"] = "excused"
    data[f"reason_{world.probationary.pk}"] = "出差"
    data["topics"] = ["形势变化", "思想引领"]
    data["minutes"] = "学习会议精神。"

    response = secretary_client.post(f"/life/meetings/{meeting.pk}/record/", data)

    assert response.status_code == 302
    meeting.refresh_from_db()
    assert (meeting.status, meeting.present_count, meeting.excused_count) == (MeetingStatus.HELD, 5, 1)
    assert meeting.topics == ["形势变化", "思想引领"]


def _selected(page, person):
    """The attendance chosen for `person` on the record form ("" when nobody chose)."""
    select = page.split(f'name="status_{person.pk}"', 1)[1].split("</select>", 1)[0]
    chosen = [part.split('"', 2)[1] for part in select.split("<option value=")[1:] if "selected" in part]
    return chosen[0] if chosen else None


def test_record_form_marks_only_who_checked_in_and_names_who_is_unmarked(world, secretary_client):
    meeting = _plan(world, start=at(2026, 10, 10))
    services.checkin(actor=world.member_user, token=meeting.checkin_token, now=at(2026, 10, 10, 14, 5))

    page = secretary_client.get(f"/life/meetings/{meeting.pk}/record/").content.decode()

    assert _selected(page, world.full[1]) == "present"  # checked in
    assert _selected(page, world.full[2]) == ""  # not marked present for the secretary
    assert _selected(page, world.probationary) == ""
    data = {f"status_{p.pk}": "present" for p in world.full[:3]}
    response = secretary_client.post(f"/life/meetings/{meeting.pk}/record/", data)
    assert response.status_code == 400
    text = response.content.decode()
    assert "以下党员尚未标记出席情况" in text
    assert "党员A4、党员A5、党员P1" in text
    assert Meeting.objects.get(pk=meeting.pk).status == MeetingStatus.PLANNED


def test_record_form_refusal_keeps_input_and_saves_nothing(world, secretary_client):
    meeting = _plan(world)
    data: dict[str, str | list[str]] = {f"status_{p.pk}": "present" for p in world.full}
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

    client = Client()
    client.force_login(world.admin)
    url = f"/life/org/{world.root.pk}/compliance/"
    client.get(url)
    # 17: the page's reads, one of them asking whether the root is the tree's only one (access.subtree_q).
    with django_assert_num_queries(16) as small:
        assert client.get(url).status_code == 200

    for n in range(4, 30):
        branch = org(world.root, f"Q-{n}", name=f"第{n}党支部", established_on=None)
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
    org(world.root, "Q-<b>", name="<script>alert(1)</script>党支部", established_on=None)
    client = Client()
    client.force_login(world.admin)

    text = client.get(f"/life/org/{world.root.pk}/compliance/").content.decode()

    assert "<script>alert(1)</script>" not in text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;党支部" in text
    assert 'data-org="Q-&lt;b&gt;"' in text


def _api(method, url, user, body=None):
    client = Client()
    call = getattr(client, method)
    if body is None:
        return call(url, **_token(user))
    return call(url, json.dumps(body), content_type="application/json", **_token(user))


def _held_with_everything(world):
    meeting = world.hold("party_congress", at(2026, 5, 8))
    resolution = services.resolution_add(
        actor=world.admin, meeting=meeting, text="整改问题清单", owner=world.full[1], due_on=D(2026, 6, 1)
    )
    attachment = services.attachment_add(
        actor=world.admin, meeting=meeting, name="纪要.pdf", data=b"%PDF-1.7\n..."
    )
    return meeting, resolution, attachment


# --- pages ------------------------------------------------------------------------------------------
def test_the_secretary_sees_the_correction_links_a_member_does_not(world, secretary_client, member_client):
    meeting, resolution, attachment = _held_with_everything(world)
    links = [
        f'href="/life/meetings/{meeting.pk}/correct/"',
        f'href="/life/meetings/{meeting.pk}/withdraw/"',
        f'href="/life/resolutions/{resolution.pk}/correct/"',
        f'href="/life/resolutions/{resolution.pk}/withdraw/"',
        f'href="/life/attachments/{attachment.pk}/delete/"',
    ]

    keeper = secretary_client.get(f"/life/meetings/{meeting.pk}/").content.decode()
    member = member_client.get(f"/life/meetings/{meeting.pk}/").content.decode()

    assert [link in keeper for link in links] == [True] * 5
    assert [link in member for link in links] == [False] * 5
    assert "撤销记录" in keeper
    assert "删除附件" in keeper


def test_a_member_cannot_open_the_correction_pages(world, member_client):
    meeting, resolution, attachment = _held_with_everything(world)

    for url in (
        f"/life/meetings/{meeting.pk}/correct/",
        f"/life/meetings/{meeting.pk}/withdraw/",
        f"/life/resolutions/{resolution.pk}/correct/",
        f"/life/resolutions/{resolution.pk}/withdraw/",
        f"/life/attachments/{attachment.pk}/delete/",
    ):
        assert member_client.get(url).status_code == 404, url
        assert member_client.post(url, {"reason": "想改"}).status_code == 404, url

    assert Meeting.objects.get(pk=meeting.pk).status == MeetingStatus.HELD
    assert Resolution.objects.get(pk=resolution.pk).withdrawn_at is None
    assert Attachment.objects.filter(pk=attachment.pk).exists()


def test_the_correction_form_moves_the_meeting(world, secretary_client):
    meeting = world.hold("theme_day", at(2026, 3, 10))
    page = secretary_client.get(f"/life/meetings/{meeting.pk}/correct/")
    assert page.status_code == 200
    assert 'value="2026-03-10T14:00"' in page.content.decode()

    response = secretary_client.post(
        f"/life/meetings/{meeting.pk}/correct/",
        {
            "kind": meeting.kind_id,
            "title": "",
            "starts_at": "2026-04-02T14:00",
            "ends_at": "2026-04-02T16:00",
            "place": "",
            "host": "",
            "speaker": "",
            "campaign": "",
            "reason": "日期录入错误",
        },
    )

    assert response.status_code == 302
    assert Meeting.objects.get(pk=meeting.pk).held_on == D(2026, 4, 2)


def test_the_correction_form_refuses_a_held_meeting_without_reason_and_keeps_the_input(
    world, secretary_client
):
    meeting = world.hold("theme_day", at(2026, 3, 10))

    response = secretary_client.post(
        f"/life/meetings/{meeting.pk}/correct/",
        {
            "kind": meeting.kind_id,
            "starts_at": "2026-04-02T14:00",
            "ends_at": "2026-04-02T16:00",
        },
    )

    assert response.status_code == 400
    text = response.content.decode()
    assert "“更正原因”：不能为空" in text
    assert 'value="2026-04-02T14:00"' in text
    assert Meeting.objects.get(pk=meeting.pk).held_on == D(2026, 3, 10)


def test_withdrawing_goes_through_a_confirmation_page(world, secretary_client):
    meeting = world.hold("theme_day", at(2026, 3, 10))

    confirm = secretary_client.get(f"/life/meetings/{meeting.pk}/withdraw/")
    assert confirm.status_code == 200
    assert "此操作不能恢复" in confirm.content.decode()
    assert Meeting.objects.get(pk=meeting.pk).status == MeetingStatus.HELD  # opening it does nothing

    empty = secretary_client.post(f"/life/meetings/{meeting.pk}/withdraw/", {"reason": ""})
    assert empty.status_code == 400
    assert Meeting.objects.get(pk=meeting.pk).status == MeetingStatus.HELD

    done = secretary_client.post(f"/life/meetings/{meeting.pk}/withdraw/", {"reason": "重复录入"})
    assert done.status_code == 302
    assert Meeting.objects.get(pk=meeting.pk).status == MeetingStatus.WITHDRAWN
    page = secretary_client.get(f"/life/meetings/{meeting.pk}/").content.decode()
    assert "撤销原因：重复录入" in page
    assert f'href="/life/meetings/{meeting.pk}/correct/"' not in page
    assert f'href="/life/meetings/{meeting.pk}/withdraw/"' not in page


def test_resolution_and_attachment_pages(world, secretary_client):
    meeting, resolution, attachment = _held_with_everything(world)

    corrected = secretary_client.post(
        f"/life/resolutions/{resolution.pk}/correct/",
        {"text": "整改问题清单（第二批）", "owner": "A2", "due_on": "2026-07-01", "reason": "记错了"},
    )
    assert corrected.status_code == 302
    assert Resolution.objects.get(pk=resolution.pk).due_on == D(2026, 7, 1)

    withdrawn = secretary_client.post(f"/life/resolutions/{resolution.pk}/withdraw/", {"reason": "误登记"})
    assert withdrawn.status_code == 302
    page = secretary_client.get(f"/life/meetings/{meeting.pk}/").content.decode()
    assert "<del>整改问题清单（第二批）</del>" in page
    assert f'action="/life/resolutions/{resolution.pk}/follow-up/"' not in page

    deleted = secretary_client.post(f"/life/attachments/{attachment.pk}/delete/", {"reason": ""})
    assert deleted.status_code == 302
    assert not Attachment.objects.filter(pk=attachment.pk).exists()


def test_campaign_edit_link_and_page_for_the_committee_only(world, secretary_client):
    campaign = services.campaign_create(
        actor=world.admin,
        org=world.root,
        name="“四史”学习教育",
        starts_on=D(2026, 3, 1),
        ends_on=D(2026, 6, 30),
        required_sessions=2,
    )
    admin = Client()
    admin.force_login(world.admin)

    assert (
        f'href="/life/campaigns/{campaign.pk}/edit/"'
        in admin.get(f"/life/campaigns/{campaign.pk}/").content.decode()
    )
    branch_page = secretary_client.get(f"/life/campaigns/{campaign.pk}/")
    assert branch_page.status_code == 200
    assert f'href="/life/campaigns/{campaign.pk}/edit/"' not in branch_page.content.decode()
    assert secretary_client.get(f"/life/campaigns/{campaign.pk}/edit/").status_code == 404

    refused = admin.post(
        f"/life/campaigns/{campaign.pk}/edit/",
        {
            "name": "“四史”学习教育",
            "starts_on": "2026-03-01",
            "ends_on": "2026-02-01",
            "required_sessions": 2,
        },
    )
    assert refused.status_code == 400
    assert "“结束日期”：早于开始日期" in refused.content.decode()
    saved = admin.post(
        f"/life/campaigns/{campaign.pk}/edit/",
        {
            "name": "“四史”学习教育",
            "starts_on": "2026-03-01",
            "ends_on": "2026-09-30",
            "required_sessions": 3,
        },
    )
    assert saved.status_code == 302
    assert Campaign.objects.values_list("ends_on", "required_sessions").get(pk=campaign.pk) == (
        D(2026, 9, 30),
        3,
    )


# --- API --------------------------------------------------------------------------------------------
def test_api_patch_moves_a_held_meeting_keeping_its_duration(world):
    meeting = world.hold("theme_day", at(2026, 3, 10))

    response = _api(
        "patch",
        f"/api/v1/life/meetings/{meeting.pk}",
        world.secretary,
        {"starts_at": "2026-04-02T09:00:00+08:00", "reason": "日期录入错误"},
    )

    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["starts_at"], body["ends_at"], body["status"]) == (
        "2026-04-02T01:00:00Z",
        "2026-04-02T03:00:00Z",
        "held",
    )
    assert (
        AuditEntry.objects.get(action="correct", object_pk=str(meeting.pk)).changes["reason"]
        == "日期录入错误"
    )


def test_api_patch_refusals(world):
    meeting = world.hold("theme_day", at(2026, 3, 10))
    url = f"/api/v1/life/meetings/{meeting.pk}"

    no_reason = _api("patch", url, world.secretary, {"starts_at": "2026-04-02T09:00:00+08:00"})
    assert no_reason.status_code == 400
    assert no_reason.json()["code"] == "reason_required"
    assert no_reason.json()["problems"][0]["field"] == "更正原因"

    bad_kind = _api("patch", url, world.secretary, {"kind": "nonsense", "reason": "类型"})
    assert (bad_kind.status_code, bad_kind.json()["problems"][0]["field"]) == (400, "kind")

    member = _api("patch", url, world.member_user, {"title": "改名", "reason": "想改"})
    assert member.status_code == 403
    outsider = _api("patch", url, world.outsider_user, {"title": "改名", "reason": "想改"})
    assert outsider.status_code == 404

    stored = Meeting.objects.get(pk=meeting.pk)
    assert (stored.held_on, stored.title) == (D(2026, 3, 10), "")


def test_api_withdraw_a_meeting(world):
    meeting = world.hold("theme_day", at(2026, 3, 10))
    url = f"/api/v1/life/meetings/{meeting.pk}/withdraw"

    missing = _api("post", url, world.secretary, {"reason": ""})
    assert missing.status_code == 422
    assert Meeting.objects.get(pk=meeting.pk).status == MeetingStatus.HELD

    response = _api("post", url, world.secretary, {"reason": "重复录入"})

    assert response.status_code == 200
    assert (response.json()["status"], response.json()["withdrawn_reason"]) == ("withdrawn", "重复录入")
    listed = _api("get", "/api/v1/life/meetings?org=Q-1&status=held", world.secretary).json()
    assert listed["items"] == []


def test_api_resolution_correct_and_withdraw(world):
    _meeting, resolution, _attachment = _held_with_everything(world)
    url = f"/api/v1/life/resolutions/{resolution.pk}"

    early = _api("patch", url, world.secretary, {"due_on": "2026-05-01", "reason": "期限有误"})
    assert (early.status_code, early.json()["problems"][0]["field"]) == (400, "完成期限")

    corrected = _api("patch", url, world.secretary, {"due_on": "2026-07-01", "reason": "期限有误"})
    assert corrected.status_code == 200, corrected.content
    assert (corrected.json()["due_on"], corrected.json()["text"]) == ("2026-07-01", "整改问题清单")

    member = _api("post", f"{url}/withdraw", world.member_user, {"reason": "不想做"})
    assert member.status_code == 403

    withdrawn = _api("post", f"{url}/withdraw", world.secretary, {"reason": "误登记"})
    assert withdrawn.status_code == 200
    assert withdrawn.json()["withdrawn_reason"] == "误登记"
    assert withdrawn.json()["withdrawn_at"] is not None


def test_api_delete_an_attachment(world):
    _meeting, _resolution, attachment = _held_with_everything(world)
    url = f"/api/v1/life/attachments/{attachment.pk}?reason=重复上传"

    assert _api("delete", url, world.member_user).status_code == 403
    assert Attachment.objects.filter(pk=attachment.pk).exists()

    assert _api("delete", url, world.secretary).status_code == 204
    assert not Attachment.objects.filter(pk=attachment.pk).exists()
    assert AuditEntry.objects.get(action="delete", model="life.Attachment").changes["reason"] == "重复上传"


def test_api_patch_a_campaign(world):
    campaign = services.campaign_create(
        actor=world.admin,
        org=world.root,
        name="“四史”学习教育",
        starts_on=D(2026, 3, 1),
        ends_on=D(2026, 6, 30),
        required_sessions=2,
    )
    url = f"/api/v1/life/campaigns/{campaign.pk}"

    refused = _api("patch", url, world.admin, {"ends_on": "2026-02-01"})
    assert (refused.status_code, refused.json()["problems"][0]["field"]) == (400, "结束日期")
    assert _api("patch", url, world.secretary, {"required_sessions": 1}).status_code == 403

    response = _api("patch", url, world.admin, {"required_sessions": 4})

    assert response.status_code == 200, response.content
    assert (response.json()["required_sessions"], response.json()["ends_on"]) == (4, "2026-06-30")
    assert Campaign.objects.get(pk=campaign.pk).required_sessions == 4


def test_planned_meeting_page_shows_correct_but_not_withdraw(world, secretary_client):
    start = at(2026, 12, 10)
    meeting = services.meeting_plan(
        actor=world.admin,
        org=world.branch,
        kind=world.kind("theme_day"),
        starts_at=start,
        ends_at=start + dt.timedelta(hours=2),
    )

    page = secretary_client.get(f"/life/meetings/{meeting.pk}/").content.decode()

    assert f'href="/life/meetings/{meeting.pk}/correct/"' in page
    assert f'href="/life/meetings/{meeting.pk}/withdraw/"' not in page


def test_only_who_keeps_records_is_offered_and_may_open_the_meetings_import(
    world, member_client, secretary_client
):
    assert "导入会议台账" not in member_client.get("/life/").content.decode()
    assert member_client.get("/life/import/").status_code == 403
    assert member_client.post("/life/import/", {}).status_code == 403
    assert "导入会议台账" in secretary_client.get("/life/").content.decode()
    assert secretary_client.get("/life/import/").status_code == 200


def _meeting_buttons(client, meeting):
    page = client.get(f"/life/meetings/{meeting.pk}/").content.decode()
    labels = ("记录会议", "修改会议记录", "更正会议信息", "撤销记录", "取消会议", "登记决议")
    shown = {label for label in labels if f">{label}<" in page}
    return shown | ({"签到二维码"} if "qr.svg" in page else set())


def test_the_meeting_page_offers_what_the_services_allow(world, secretary_client, member_client):
    planned = _plan(world)
    assert _meeting_buttons(secretary_client, planned) == {
        "记录会议",
        "更正会议信息",
        "取消会议",
        "签到二维码",
    }
    assert _meeting_buttons(member_client, planned) == set()
    held = world.hold("theme_day", at(2026, 3, 20))
    assert _meeting_buttons(secretary_client, held) == {
        "修改会议记录",
        "更正会议信息",
        "撤销记录",
        "登记决议",
    }
    assert _meeting_buttons(member_client, held) == set()
    services.meeting_cancel(actor=world.admin, meeting=planned)
    assert _meeting_buttons(secretary_client, planned) == set()
    services.meeting_withdraw(actor=world.admin, meeting=held, reason="录入错误")
    assert _meeting_buttons(secretary_client, held) == set()
