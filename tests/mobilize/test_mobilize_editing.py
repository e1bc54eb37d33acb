"""Correcting mobilization records: a team or an open mission is edited, a person put on a mission by
mistake is taken off, and a deployment (驰援, 坚守) becomes a deed on the member's brand page. A
refusal names the field and changes nothing; the same permission decides in the service, the page,
its link and the API."""

import datetime as dt
import json
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone
from tests.builders import account

from qixin.brand import services as brand_services
from qixin.brand.models import Deed
from qixin.core.errors import ApplicationError, NotFound, PermissionDenied
from qixin.core.models import AuditEntry
from qixin.mobilize import services
from qixin.mobilize.models import Assignment, Mission, Team, TeamMember

D = dt.date


@pytest.fixture
def outsider(db):
    return account("outsider", password="x-pass-2026")


def _audited(action, obj):
    return list(
        AuditEntry.objects.filter(action=action, model=obj._meta.label, object_pk=str(obj.pk)).values_list(
            "changes", flat=True
        )
    )


def _api(client, user, method, path, body=None):
    client.force_login(user)
    return getattr(client, method)(
        f"/api/v1/mobilize/{path}", json.dumps(body or {}), content_type="application/json"
    )


@pytest.fixture
def team(world):
    return services.team_create(
        actor=world["secretary"],
        organization=world["b1"],
        name="一号小组",
        kind="防疫监督小组",
        formed_on=D(2026, 2, 1),
        leader=world["m1"],
    )


@pytest.fixture
def mission(world):
    return services.mission_create(
        actor=world["secretary"],
        organization=world["b1"],
        name="复工攻坚",
        kind="先锋行动",
        goal="两周内恢复总装线生产",
        starts_on=D(2026, 2, 10),
    )


def _edit_team(world, team, actor=None, **changes):
    values = {
        "name": team.name,
        "kind": team.kind,
        "custom_kind": team.custom_kind,
        "leader": team.leader,
        "description": team.description,
    } | changes
    return services.team_update(actor=actor or world["secretary"], team=team, **values)


# --- teams ------------------------------------------------------------------------------------------


def test_a_team_is_corrected_and_a_new_leader_joins_it(world, team):
    _edit_team(world, team, name=" 防疫一组 ", kind="其他", custom_kind="青年突击队", leader=world["m2"])

    team = Team.objects.get(pk=team.pk)
    assert (team.name, team.display_kind, team.leader) == ("防疫一组", "青年突击队", world["m2"])
    joined = TeamMember.objects.get(team=team, person=world["m2"]).joined_on
    assert joined == max(timezone.localdate(), D(2026, 2, 1))
    assert _audited("update", team) == [
        {
            "name": ["一号小组", "防疫一组"],
            "kind": ["防疫监督小组", "青年突击队"],
            "leader": ["A1", "A2"],
            "leader_joined_on": [None, joined.isoformat()],
        }
    ]


def test_saving_a_team_unchanged_writes_nothing(world, team):
    _edit_team(world, team)

    assert _audited("update", team) == []


@pytest.mark.parametrize(
    ("changes", "code", "message"),
    [
        ({"name": "  "}, "required", "请填写队伍名称。"),
        ({"kind": "其他", "custom_kind": ""}, "invalid", "类别为“其他”时请填写队伍类别名称。"),
    ],
)
def test_a_bad_team_edit_names_the_field_and_changes_nothing(world, team, changes, code, message):
    with pytest.raises(ApplicationError) as refused:
        _edit_team(world, team, **changes)

    assert (refused.value.code, refused.value.message) == (code, message)
    assert Team.objects.get(pk=team.pk).name == "一号小组"
    assert _audited("update", team) == []


def test_a_disbanded_team_is_not_edited(world, team):
    services.team_disband(actor=world["secretary"], team=team, on=D(2026, 3, 1))

    with pytest.raises(ApplicationError) as refused:
        _edit_team(world, team, name="新名")

    assert (refused.value.code, refused.value.message) == (
        "team_disbanded",
        "“一号小组”已于2026-03-01解散，不能修改。",
    )
    assert Team.objects.get(pk=team.pk).name == "一号小组"


def test_only_who_keeps_the_branch_records_edits_a_team(world, team, outsider):
    with pytest.raises(PermissionDenied):
        _edit_team(world, team, actor=world["member"], name="新名")
    with pytest.raises(NotFound):
        _edit_team(world, team, actor=outsider, name="新名")

    assert Team.objects.get(pk=team.pk).name == "一号小组"


def test_team_edit_page_is_prefilled_and_saves(client, world, team):
    url = reverse("mobilize:team_edit", args=[team.pk])
    client.force_login(world["secretary"])

    detail = client.get(reverse("mobilize:team", args=[team.pk])).content.decode()
    form = client.get(url).content.decode()
    bad = client.post(url, {"name": "一号小组", "kind": "其他", "custom_kind": "", "leader": "A1"})
    response = client.post(
        url, {"name": "防疫一组", "kind": "防疫监督小组", "leader": "A1", "description": ""}
    )

    assert f'href="{url}"' in detail
    assert 'value="一号小组"' in form
    assert 'value="A1"' in form
    assert bad.status_code == 400
    assert "类别为“其他”时请填写队伍类别名称。" in bad.content.decode()
    assert (response.status_code, response.url) == (302, reverse("mobilize:team", args=[team.pk]))
    assert Team.objects.get(pk=team.pk).name == "防疫一组"


def test_a_member_sees_no_edit_link_and_cannot_edit_a_team(client, world, team, outsider):
    url = reverse("mobilize:team_edit", args=[team.pk])
    client.force_login(world["member"])

    detail = client.get(reverse("mobilize:team", args=[team.pk]))
    page = client.get(url)
    post = client.post(url, {"name": "新名", "kind": "防疫监督小组"})
    client.force_login(outsider)
    hidden = client.post(url, {"name": "新名", "kind": "防疫监督小组"})

    assert detail.status_code == 200
    assert url not in detail.content.decode()
    assert (page.status_code, post.status_code, hidden.status_code) == (403, 403, 404)
    assert Team.objects.get(pk=team.pk).name == "一号小组"


def test_api_patches_a_team(client, world, team, outsider):
    path = f"teams/{team.pk}"

    refused = _api(client, world["member"], "patch", path, {"name": "新名"})
    hidden = _api(client, outsider, "patch", path, {"name": "新名"})
    bad = _api(client, world["secretary"], "patch", path, {"kind": "其他"})
    unchanged = Team.objects.get(pk=team.pk).kind
    response = _api(client, world["secretary"], "patch", path, {"name": "防疫一组", "leader_employee_no": ""})

    assert (refused.status_code, refused.json()["code"]) == (403, "forbidden")
    assert hidden.status_code == 404
    assert (bad.status_code, bad.json()["message"]) == (400, "类别为“其他”时请填写队伍类别名称。")
    assert unchanged == "防疫监督小组"
    assert response.status_code == 200
    assert (response.json()["name"], response.json()["leader_id"]) == ("防疫一组", None)


# --- missions ---------------------------------------------------------------------------------------


def _edit_mission(world, mission, actor=None, **changes):
    values = {
        "name": mission.name,
        "kind": mission.kind,
        "goal": mission.goal,
        "starts_on": mission.starts_on,
        "ends_on": mission.ends_on,
    } | changes
    return services.mission_update(actor=actor or world["secretary"], mission=mission, **values)


def test_an_open_mission_is_corrected(world, mission):
    _edit_mission(world, mission, name="复工攻坚一号", kind="专项攻坚", ends_on=D(2026, 2, 24))

    mission = Mission.objects.get(pk=mission.pk)
    assert (mission.name, mission.kind, mission.ends_on) == ("复工攻坚一号", "专项攻坚", D(2026, 2, 24))
    assert _audited("update", mission) == [
        {
            "name": ["复工攻坚", "复工攻坚一号"],
            "kind": ["先锋行动", "专项攻坚"],
            "ends_on": [None, "2026-02-24"],
        }
    ]


@pytest.mark.parametrize(
    ("changes", "code", "message"),
    [
        ({"name": ""}, "required", "请填写任务名称。"),
        ({"goal": " "}, "required", "请填写目标。"),
        ({"ends_on": D(2026, 2, 9)}, "bad_period", "结束日期不能早于开始日期。"),
    ],
)
def test_a_bad_mission_edit_names_the_field_and_changes_nothing(world, mission, changes, code, message):
    with pytest.raises(ApplicationError) as refused:
        _edit_mission(world, mission, **changes)

    assert (refused.value.code, refused.value.message) == (code, message)
    assert Mission.objects.filter(pk=mission.pk, name="复工攻坚", ends_on=None).exists()
    assert _audited("update", mission) == []


def test_mission_create_keeps_the_same_rules(world):
    with pytest.raises(ApplicationError) as refused:
        services.mission_create(
            actor=world["secretary"],
            organization=world["b1"],
            name=" ",
            kind="先锋行动",
            goal="x",
            starts_on=timezone.localdate(),
        )

    assert refused.value.message == "请填写任务名称。"
    assert Mission.objects.count() == 0


def test_a_closed_mission_is_not_edited(world, mission):
    services.mission_set_status(actor=world["secretary"], mission=mission, status="cancelled")

    with pytest.raises(ApplicationError) as refused:
        _edit_mission(world, mission, name="新名")

    assert refused.value.code == "mission_closed"
    assert Mission.objects.get(pk=mission.pk).name == "复工攻坚"


def test_mission_edit_page_link_and_permission(client, world, mission, outsider):
    url = reverse("mobilize:mission_edit", args=[mission.pk])
    detail_url = reverse("mobilize:mission", args=[mission.pk])
    client.force_login(world["secretary"])
    detail = client.get(detail_url).content.decode()
    form = client.get(url).content.decode()
    response = client.post(
        url,
        {
            "name": "复工攻坚一号",
            "kind": "先锋行动",
            "goal": "两周内恢复总装线生产",
            "starts_on": "2026-02-10",
        },
    )
    client.force_login(world["member"])
    member_detail = client.get(detail_url).content.decode()
    member_post = client.post(url, {"name": "x", "kind": "先锋行动", "goal": "x", "starts_on": "2026-02-10"})
    client.force_login(outsider)
    hidden = client.get(url)

    assert f'href="{url}"' in detail
    assert 'value="2026-02-10"' in form
    assert (response.status_code, response.url) == (302, detail_url)
    assert url not in member_detail
    assert (member_post.status_code, hidden.status_code) == (403, 404)
    assert Mission.objects.get(pk=mission.pk).name == "复工攻坚一号"


def test_api_patches_a_mission(client, world, mission, outsider):
    path = f"missions/{mission.pk}"

    refused = _api(client, world["member"], "patch", path, {"name": "x"})
    hidden = _api(client, outsider, "patch", path, {"name": "x"})
    bad = _api(client, world["secretary"], "patch", path, {"ends_on": "2026-01-01"})
    response = _api(client, world["secretary"], "patch", path, {"goal": "十天复产", "ends_on": "2026-02-20"})

    assert (refused.status_code, hidden.status_code) == (403, 404)
    assert (bad.status_code, bad.json()["message"]) == (400, "结束日期不能早于开始日期。")
    assert response.status_code == 200
    assert (response.json()["goal"], response.json()["ends_on"], response.json()["name"]) == (
        "十天复产",
        "2026-02-20",
        "复工攻坚",
    )


# --- taking a person off a mission --------------------------------------------------------------------


@pytest.fixture
def assignment(world, mission):
    return services.mission_assign(
        actor=world["secretary"], mission=mission, person=world["m3"], part="物料保障"
    )


def test_a_person_put_on_by_mistake_is_taken_off_with_a_reason(world, mission, assignment):
    services.assignment_remove(actor=world["secretary"], assignment=assignment, reason=" 工号填错 ")

    assert not Assignment.objects.filter(pk=assignment.pk).exists()
    assert _audited("unassign", mission) == [{"person": "A3", "part": "物料保障", "reason": "工号填错"}]


def test_taking_off_without_a_reason_or_from_a_deed_is_refused(world, mission, assignment):
    brand_services.framework_define(
        actor=world["admin"], organization=world["root"], name="五个在前", pillars=["责任在前"]
    )
    with pytest.raises(ApplicationError) as blank:
        services.assignment_remove(actor=world["secretary"], assignment=assignment, reason="  ")
    services.assignment_to_deed(actor=world["secretary"], assignment=assignment, pillars=["责任在前"])
    with pytest.raises(ApplicationError) as deed:
        services.assignment_remove(actor=world["secretary"], assignment=assignment, reason="工号填错")

    assert (blank.value.code, blank.value.message) == ("required", "请填写撤销原因。")
    assert (deed.value.code, deed.value.message) == (
        "deed_exists",
        "员工A3在该任务中的工作已记为党员事迹，请先在其党员事迹页删除该事迹。",
    )
    assert Assignment.objects.filter(pk=assignment.pk).exists()
    assert _audited("unassign", mission) == []


def test_only_the_missions_managers_take_a_person_off(world, assignment, outsider):
    with pytest.raises(PermissionDenied):
        services.assignment_remove(actor=world["member"], assignment=assignment, reason="x")
    with pytest.raises(NotFound):
        services.assignment_remove(actor=outsider, assignment=assignment, reason="x")

    assert Assignment.objects.filter(pk=assignment.pk).exists()


def test_taking_off_is_confirmed_on_its_page_and_done_by_the_post(
    client, world, mission, assignment, outsider
):
    url = reverse("mobilize:assignment_remove", args=[assignment.pk])
    detail_url = reverse("mobilize:mission", args=[mission.pk])
    client.force_login(world["secretary"])
    detail = client.get(detail_url).content.decode()
    confirm = client.get(url)
    kept_after_get = Assignment.objects.filter(pk=assignment.pk).exists()
    blank = client.post(url, {"reason": ""})
    client.force_login(world["member"])
    member_detail = client.get(detail_url).content.decode()
    member_post = client.post(url, {"reason": "x"})
    client.force_login(outsider)
    hidden = client.post(url, {"reason": "x"})
    kept = Assignment.objects.filter(pk=assignment.pk).exists()
    client.force_login(world["secretary"])
    response = client.post(url, {"reason": "工号填错"})

    assert f'href="{url}"' in detail
    assert "确认移出" in confirm.content.decode()
    assert kept_after_get is True
    assert blank.status_code == 400
    assert url not in member_detail
    assert (member_post.status_code, hidden.status_code) == (403, 404)
    assert kept is True
    assert (response.status_code, response.url) == (302, detail_url)
    assert not Assignment.objects.filter(pk=assignment.pk).exists()


def test_api_takes_a_person_off(client, world, assignment, outsider):
    path = f"assignments/{assignment.pk}/remove"

    refused = _api(client, world["member"], "post", path, {"reason": "x"})
    hidden = _api(client, outsider, "post", path, {"reason": "x"})
    blank = _api(client, world["secretary"], "post", path, {"reason": ""})
    kept = Assignment.objects.filter(pk=assignment.pk).exists()
    response = _api(client, world["secretary"], "post", path, {"reason": "工号填错"})

    assert (refused.status_code, hidden.status_code, blank.status_code) == (403, 404, 422)
    assert kept is True
    assert response.status_code == 204
    assert not Assignment.objects.filter(pk=assignment.pk).exists()


# --- a deployment becomes a deed ----------------------------------------------------------------------


@pytest.fixture
def brand(world):
    return brand_services.framework_define(
        actor=world["admin"], organization=world["root"], name="五个在前", pillars=["责任在前", "榜样在前"]
    )


def _deploy(world, person="m3", mission=None, **kw):
    values: dict[str, Any] = {
        "kind": "坚守",
        "destination": "安亭工厂",
        "starts_on": D(2026, 2, 1),
        "ends_on": D(2026, 3, 1),
    } | kw
    return services.deployment_record(
        actor=world["secretary"], person=world[person], mission=mission, **values
    )


def test_a_deployment_becomes_a_deed_linked_to_it(world, brand, mission):
    deployment = _deploy(world, mission=mission)

    deed = services.deployment_to_deed(actor=world["secretary"], deployment=deployment, pillars=["责任在前"])

    assert (deed.person, deed.done_on) == (world["m3"], D(2026, 3, 1))
    assert deed.description == "坚守安亭工厂（2026-02-01至2026-03-01，“复工攻坚”）"
    assert (deed.source_model, deed.source_pk, deed.source_url) == (
        "mobilize.deployment",
        str(deployment.pk),
        "/mobilize/deployments/",
    )
    assert [p.name for p in deed.pillars.all()] == ["责任在前"]
    assert AuditEntry.objects.filter(action="create", model="brand.Deed", object_pk=str(deed.pk)).count() == 1


def test_a_deployment_becomes_a_deed_once_and_not_before_it_begins(world, brand):
    deployment = _deploy(world)
    later = _deploy(world, person="m2", starts_on=timezone.localdate() + dt.timedelta(days=3), ends_on=None)
    services.deployment_to_deed(actor=world["secretary"], deployment=deployment, pillars=[])

    with pytest.raises(ApplicationError) as twice:
        services.deployment_to_deed(actor=world["secretary"], deployment=deployment, pillars=[])
    with pytest.raises(ApplicationError) as early:
        services.deployment_to_deed(actor=world["secretary"], deployment=later, pillars=[])
    with pytest.raises(ApplicationError) as pillar:
        services.deployment_to_deed(
            actor=world["secretary"], deployment=_deploy(world, "e1"), pillars=["不存在"]
        )

    assert twice.value.code == "deed_exists"
    assert (early.value.code, early.value.message) == (
        "not_started",
        f"该派驻自{later.starts_on}开始，尚未开始，不能记为事迹。",
    )
    assert pillar.value.code == "invalid_pillar"
    assert Deed.objects.count() == 1


def test_only_who_may_record_the_persons_deeds_turns_a_deployment_into_one(world, brand, outsider):
    deployment = _deploy(world)

    with pytest.raises(PermissionDenied):
        services.deployment_to_deed(actor=world["member"], deployment=deployment, pillars=[])
    with pytest.raises(NotFound):
        services.deployment_to_deed(actor=outsider, deployment=deployment, pillars=[])

    assert Deed.objects.count() == 0


def test_deployment_deed_link_page_and_refusal(client, world, brand, mission, outsider):
    deployment = _deploy(world, mission=mission)
    url = reverse("mobilize:deployment_deed", args=[deployment.pk])
    client.force_login(world["secretary"])
    listing = client.get(reverse("mobilize:deployments")).content.decode()
    on_mission = client.get(reverse("mobilize:mission", args=[mission.pk])).content.decode()
    form = client.get(url).content.decode()
    response = client.post(url + "?from=mission", {"pillars": ["榜样在前"], "description": ""})
    after = client.get(reverse("mobilize:deployments")).content.decode()
    client.force_login(world["member"])
    member_listing = client.get(reverse("mobilize:deployments")).content.decode()
    member_post = client.post(url, {"pillars": []})
    client.force_login(outsider)
    hidden = client.get(url)

    assert f'href="{url}"' in listing
    assert f'href="{url}?from=mission"' in on_mission
    assert "坚守安亭工厂（2026-02-01至2026-03-01，“复工攻坚”）" in form
    assert (response.status_code, response.url) == (302, reverse("mobilize:mission", args=[mission.pk]))
    assert Deed.objects.get().pillars.get().name == "榜样在前"
    assert url not in after
    assert "已记入" in after
    assert url not in member_listing
    assert (member_post.status_code, hidden.status_code) == (403, 404)
    assert Deed.objects.count() == 1


def test_api_turns_a_deployment_into_a_deed(client, world, brand, outsider):
    deployment = _deploy(world)
    path = f"deployments/{deployment.pk}/deed"

    refused = _api(client, world["member"], "post", path, {"pillars": []})
    hidden = _api(client, outsider, "post", path, {"pillars": []})
    bad = _api(client, world["secretary"], "post", path, {"pillars": ["不存在"]})
    nothing = Deed.objects.count()
    response = _api(
        client, world["secretary"], "post", path, {"pillars": ["责任在前"], "description": "坚守一线"}
    )

    assert (refused.status_code, hidden.status_code) == (403, 404)
    assert (bad.status_code, bad.json()["code"]) == (400, "invalid_pillar")
    assert nothing == 0
    assert response.status_code == 201
    assert Deed.objects.get().description == "坚守一线"
