"""Pages, API and imports of the mobilize app."""

import datetime as dt
import re
from decimal import Decimal

import pytest

from qixin.brand import services as brand_services
from qixin.brand.models import Deed
from qixin.core.errors import ApplicationError
from qixin.core.services import api_token_create
from qixin.mobilize import importers, services
from qixin.mobilize.models import Assignment, Deployment, Team, TeamMember

D = dt.date


def test_secretary_forms_team_runs_mission_and_records_a_deed(client, world):
    w = world
    brand_services.framework_define(
        actor=w["admin"], organization=w["root"], name="五个在前", pillars=["责任在前"]
    )
    client.force_login(w["secretary"])
    response = client.post(
        "/mobilize/teams/new/",
        {
            "org": "R-A-1",
            "name": "总装突击队",
            "kind": "党员突击队",
            "leader": "A1",
            "formed_on": "2026-02-01",
        },
    )
    assert response.status_code == 302, response.content.decode()
    team = Team.objects.get()
    assert (
        client.post(
            f"/mobilize/teams/{team.pk}/", {"employee_no": "E1", "joined_on": "2026-02-02"}
        ).status_code
        == 302
    )
    assert client.get(f"/mobilize/teams/{team.pk}/").content.decode().count("群众") == 1
    response = client.post(
        "/mobilize/missions/new/",
        {"org": "R-A-1", "name": "复工攻坚", "kind": "专项攻坚", "goal": "复产", "starts_on": "2026-02-05"},
    )
    mission_url = response["Location"]
    mission_pk = int(mission_url.rstrip("/").split("/")[-1])
    assert client.post(f"/mobilize/missions/{mission_pk}/teams/", {"team": team.pk}).status_code == 302
    assert (
        client.post(
            f"/mobilize/missions/{mission_pk}/assign/", {"employee_no": "A2", "part": "调试"}
        ).status_code
        == 302
    )
    assignment = Assignment.objects.get()
    response = client.post(
        f"/mobilize/assignments/{assignment.pk}/deed/", {"pillars": ["责任在前"], "description": ""}
    )
    assert response.status_code == 302
    deed = Deed.objects.get()
    assert deed.source_url == mission_url
    assert "复工攻坚" in client.get(f"/brand/people/{w['m2'].pk}/").content.decode()
    assert "已记入" in client.get(mission_url).content.decode()


def test_team_member_with_unknown_number_is_a_form_error(client, world):
    team = services.team_create(
        actor=world["admin"], organization=world["b1"], name="a", kind="志愿服务队", formed_on=D(2026, 2, 1)
    )
    client.force_login(world["secretary"])
    response = client.post(f"/mobilize/teams/{team.pk}/", {"employee_no": "B1", "joined_on": "2026-02-02"})
    assert response.status_code == 400
    assert "找不到工号“B1”" in response.content.decode()
    assert TeamMember.objects.count() == 0


def test_other_branchs_team_and_mission_are_404(client, world):
    team = services.team_create(
        actor=world["admin"], organization=world["b2"], name="a", kind="志愿服务队", formed_on=D(2026, 2, 1)
    )
    mission = services.mission_create(
        actor=world["admin"],
        organization=world["b2"],
        name="m",
        kind="先锋行动",
        goal="g",
        starts_on=D(2026, 2, 1),
    )
    client.force_login(world["secretary"])
    assert client.get(f"/mobilize/teams/{team.pk}/").status_code == 404
    assert client.get(f"/mobilize/missions/{mission.pk}/").status_code == 404
    assert (
        client.post(
            f"/mobilize/missions/{mission.pk}/assign/", {"employee_no": "A2", "part": "x"}
        ).status_code
        == 404
    )
    _t, key = api_token_create(actor=world["secretary"], name="t")
    auth = {"HTTP_AUTHORIZATION": f"Bearer {key}"}
    assert client.get(f"/api/v1/mobilize/missions/{mission.pk}", **auth).status_code == 404
    listed = client.get("/api/v1/mobilize/teams", **auth).json()
    assert listed["count"] == 0


def test_api_records_a_deployment(client, world):
    _t, key = api_token_create(actor=world["secretary"], name="t")
    auth = {"HTTP_AUTHORIZATION": f"Bearer {key}"}
    response = client.post(
        "/api/v1/mobilize/deployments",
        {"employee_no": "A2", "kind": "驰援", "destination": "武汉", "starts_on": "2026-02-01"},
        content_type="application/json",
        **auth,
    )
    assert response.status_code == 201, response.content
    refused = client.post(
        "/api/v1/mobilize/deployments",
        {"employee_no": "B1", "kind": "驰援", "destination": "武汉", "starts_on": "2026-02-01"},
        content_type="application/json",
        **auth,
    )
    assert refused.status_code == 400
    assert Deployment.objects.count() == 1


TEAM_HEADER = "组建组织编码,队伍名称,队伍类别,类别名称（其他）,组建日期,队员工号,加入日期,是否队长\n"


def test_team_member_import_creates_teams_and_flags_members(world):
    data = TEAM_HEADER + (
        "R-A-1,防疫一组,防疫监督小组,,2026-02-01,A1,,是\n"
        "R-A-1,防疫一组,防疫监督小组,,2026-02-01,E1,2026-02-03,否\n"
        "R-A-1,复工一队,复工复产保障队,,2026-02-05,A2,,\n"
    )
    report = importers.import_team_members(actor=world["secretary"], data=data.encode(), filename="t.csv")
    assert (report.created, report.unchanged) == (3, 0)
    team = Team.objects.get(name="防疫一组")
    assert team.leader == world["m1"]
    assert dict(team.members.values_list("person__employee_no", "is_party_member")) == {
        "A1": True,
        "E1": False,
    }
    again = importers.import_team_members(actor=world["secretary"], data=data.encode(), filename="t.csv")
    assert (again.created, again.unchanged) == (0, 3)


def test_team_member_import_with_bad_rows_writes_nothing(world):
    data = TEAM_HEADER + (
        "R-A-1,防疫一组,防疫监督小组,,2026-02-01,A1,,是\n"
        "R-A-2,别的组,防疫监督小组,,2026-02-01,B1,,\n"
        "R-A-1,防疫一组,防疫监督小组,,2026-02-01,ZZZ,,\n"
        "R-A-1,防疫二组,不存在的类别,,2026-02-01,A2,,\n"
        "R-A-1,防疫三组,防疫监督小组,,2026-13-01,A2,,\n"
    )
    with pytest.raises(ApplicationError) as exc:
        importers.import_team_members(actor=world["secretary"], data=data.encode(), filename="t.csv")
    assert {p.row for p in exc.value.problems} == {3, 4, 5, 6}
    assert Team.objects.count() == 0
    assert TeamMember.objects.count() == 0


def test_deployment_import_bad_rows_and_dry_run(world):
    header = "工号,类别,地点,开始日期,结束日期,说明\n"
    bad = (
        header + "A2,驰援,武汉,2026-02-01,2026-01-01,\nB1,驰援,武汉,2026-02-01,,\nA1,出差,上海,2026-02-01,,\n"
    )
    with pytest.raises(ApplicationError) as exc:
        importers.import_deployments(actor=world["secretary"], data=bad.encode(), filename="d.csv")
    assert {p.row for p in exc.value.problems} == {2, 3, 4}
    good = header + "A2,驰援,武汉,2026-02-01,2026-03-01,\nE1,坚守,安亭工厂,2026-01-25,,\n"
    preview = importers.import_deployments(
        actor=world["secretary"], data=good.encode(), filename="d.csv", dry_run=True
    )
    assert (preview.created, Deployment.objects.count()) == (2, 0)
    importers.import_deployments(actor=world["secretary"], data=good.encode(), filename="d.csv")
    assert Deployment.objects.count() == 2


def test_secretary_disbands_a_team_and_records_hours_for_it(client, world):
    team = services.team_create(
        actor=world["admin"],
        organization=world["b1"],
        name="a",
        kind="志愿服务队",
        formed_on=D(2026, 2, 1),
        leader=world["m2"],
    )
    client.force_login(world["secretary"])
    response = client.post(
        "/mobilize/service/new/",
        {
            "employee_no": "A2",
            "served_on": "2026-02-03",
            "hours": "2.5",
            "team": str(team.pk),
            "description": "值守",
        },
    )
    assert response.status_code == 302
    assert team.service_records.get().hours == Decimal("2.5")
    assert client.post(f"/mobilize/teams/{team.pk}/disband/", {"on": "2026-03-01"}).status_code == 302
    team.refresh_from_db()
    assert team.disbanded_on == D(2026, 3, 1)
    assert team.members.get().left_on == D(2026, 3, 1)


def test_a_persons_mobilization_page_lists_teams_missions_deployments_and_hours(client, world):
    w = world
    team = services.team_create(
        actor=w["admin"], organization=w["b1"], name="总装突击队", kind="党员突击队", formed_on=D(2026, 2, 1)
    )
    services.team_member_add(actor=w["admin"], team=team, person=w["m2"], joined_on=D(2026, 2, 2))
    mission = services.mission_create(
        actor=w["admin"],
        organization=w["b1"],
        name="复工攻坚",
        kind="专项攻坚",
        goal="复产",
        starts_on=D(2026, 2, 5),
    )
    services.mission_assign(actor=w["admin"], mission=mission, person=w["m2"], part="调试")
    services.deployment_record(
        actor=w["admin"],
        person=w["m2"],
        kind="驰援",
        destination="武汉",
        starts_on=D(2026, 3, 1),
        ends_on=D(2026, 3, 20),
    )
    services.service_record(actor=w["admin"], person=w["m2"], served_on=D(2026, 3, 2), hours=Decimal("3.5"))
    services.service_record(actor=w["admin"], person=w["m2"], served_on=D(2026, 3, 3), hours=Decimal("2"))
    client.force_login(w["secretary"])

    page = client.get(f"/mobilize/people/{w['m2'].pk}/").content.decode()
    facts = page.split('id="mobilization">', 1)[1].split("</dl>", 1)[0]
    assert [re.sub(r"<[^>]+>", "", dd).strip() for dd in re.findall(r"<dd>(.*?)</dd>", facts, re.S)] == [
        "总装突击队（党员突击队）",
        "复工攻坚：调试",
        "驰援武汉（2026年3月1日 — 2026年3月20日）",
        "5.5 小时",
    ]
    # Linked from the person's pages, with the other pages about them.
    assert f'href="/mobilize/people/{w["m2"].pk}/"' in client.get(f"/people/{w['m2'].pk}/").content.decode()
    assert (
        f'href="/mobilize/people/{w["m2"].pk}/"'
        in client.get(f"/brand/people/{w['m2'].pk}/").content.decode()
    )


def test_a_mobilization_page_outside_the_scope_is_404(client, world):
    client.force_login(world["member"])
    assert client.get(f"/mobilize/people/{world['n1'].pk}/").status_code == 404
    assert client.get(f"/mobilize/people/{world['m2'].pk}/").status_code == 200
