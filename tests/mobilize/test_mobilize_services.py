import datetime as dt
from decimal import Decimal

import pytest

from qixin.brand import services as brand_services
from qixin.brand.models import Deed
from qixin.core.errors import ApplicationError, NotFound
from qixin.mobilize import selectors, services
from qixin.mobilize.models import Deployment, Mission, ServiceRecord, Team, TeamMember

D = dt.date
YEAR = (D(2026, 1, 1), D(2027, 1, 1))


def team(world, kind="防疫监督小组", org=None, name="一号小组", actor=None, **kw):
    return services.team_create(
        actor=actor or world["admin"],
        organization=org or world["b1"],
        name=name,
        kind=kind,
        formed_on=D(2026, 2, 1),
        **kw,
    )


def test_team_flags_party_members_and_employees(world):
    t = team(world, leader=world["m1"])
    services.team_member_add(actor=world["secretary"], team=t, person=world["e1"], joined_on=D(2026, 2, 2))
    flags = dict(t.members.values_list("person__employee_no", "is_party_member"))
    assert flags == {"A1": True, "E1": False}


def test_custom_team_needs_its_kind_name(world):
    with pytest.raises(ApplicationError):
        team(world, kind="其他")
    t = team(world, kind="其他", custom_kind="青年突击队")
    assert t.display_kind == "青年突击队"


def test_secretary_cannot_form_team_in_another_branch(world):
    with pytest.raises(NotFound):
        team(world, org=world["b2"], actor=world["secretary"])
    assert Team.objects.count() == 0


def test_secretary_cannot_put_another_branchs_person_on_a_team(world):
    t = team(world, actor=world["secretary"])
    with pytest.raises(NotFound):
        services.team_member_add(
            actor=world["secretary"], team=t, person=world["n1"], joined_on=D(2026, 2, 2)
        )
    assert TeamMember.objects.count() == 0


def test_person_cannot_join_a_team_twice(world):
    t = team(world)
    services.team_member_add(actor=world["admin"], team=t, person=world["m2"], joined_on=D(2026, 2, 2))
    with pytest.raises(ApplicationError) as exc:
        services.team_member_add(actor=world["admin"], team=t, person=world["m2"], joined_on=D(2026, 2, 3))
    assert exc.value.code == "already_member"


def test_distinct_volunteers_across_teams(world):
    admin = world["admin"]
    g1 = team(world, name="防疫一组")
    g2 = team(world, kind="复工复产保障队", name="复工一队", org=world["b2"])
    commando = team(world, kind="党员突击队", name="突击队")
    for t, people in ((g1, ["m1", "m2", "e1"]), (g2, ["m2", "n1"]), (commando, ["m3"])):
        for key in people:
            services.team_member_add(actor=admin, team=t, person=world[key], joined_on=D(2026, 2, 1))
    # m2 is on two volunteer teams: counted once; e1 is not a party member; m3 is on a commando team.
    volunteers = selectors.volunteers_for(
        actor=world["worker"], org=world["root"], start=YEAR[0], end=YEAR[1]
    )
    assert sorted(p.employee_no for p in volunteers) == ["A1", "A2", "B1"]
    everyone = selectors.volunteers_for(
        actor=world["worker"], org=world["root"], start=YEAR[0], end=YEAR[1], party_only=False
    )
    assert everyone.count() == 4
    # The secretary's scope only reaches branch 1's teams.
    mine = selectors.volunteers_for(actor=world["secretary"], org=world["root"], start=YEAR[0], end=YEAR[1])
    assert sorted(p.employee_no for p in mine) == ["A1", "A2"]
    # Outside the period: nobody.
    assert (
        selectors.volunteers_for(
            actor=admin, org=world["root"], start=D(2025, 1, 1), end=D(2026, 1, 1)
        ).count()
        == 0
    )


def test_teams_by_kind_counts_teams_active_in_period(world):
    team(world, name="a")
    team(world, name="b")
    old = team(world, kind="党员突击队", name="c")
    services.team_disband(actor=world["admin"], team=old, on=D(2026, 3, 1))
    team(world, kind="其他", custom_kind="青年突击队", name="d")
    assert selectors.team_counts_by_kind_for(
        actor=world["admin"], org=world["root"], start=YEAR[0], end=YEAR[1]
    ) == {
        "党员突击队": 1,
        "防疫监督小组": 2,
        "青年突击队": 1,
    }
    assert selectors.team_counts_by_kind_for(
        actor=world["admin"], org=world["root"], start=D(2026, 4, 1), end=YEAR[1]
    ) == {"防疫监督小组": 2, "青年突击队": 1}


@pytest.fixture
def mission(world):
    return services.mission_create(
        actor=world["admin"],
        organization=world["plant"],
        name="战疫复工先锋行动一号",
        kind="先锋行动",
        goal="两周内恢复总装线生产",
        starts_on=D(2026, 2, 10),
    )


def test_members_on_missions_count_assigned_and_team_members_once(world, mission):
    t = team(world)
    services.team_member_add(actor=world["admin"], team=t, person=world["m2"], joined_on=D(2026, 2, 1))
    services.team_member_add(actor=world["admin"], team=t, person=world["e1"], joined_on=D(2026, 2, 1))
    services.mission_add_team(actor=world["admin"], mission=mission, team=t)
    services.mission_assign(actor=world["admin"], mission=mission, person=world["m2"], part="线体调试")
    services.mission_assign(actor=world["admin"], mission=mission, person=world["n1"], part="物料保障")
    people = selectors.mission_people_for(
        actor=world["worker"], org=world["root"], start=YEAR[0], end=YEAR[1]
    )
    assert sorted(p.employee_no for p in people) == ["A2", "B1"]
    all_people = selectors.mission_people_for(
        actor=world["worker"], org=world["root"], start=YEAR[0], end=YEAR[1], party_only=False
    )
    assert sorted(p.employee_no for p in all_people) == ["A2", "B1", "E1"]


def test_mission_status_follows_its_transitions(world, mission):
    with pytest.raises(ApplicationError) as exc:
        services.mission_set_status(actor=world["admin"], mission=mission, status="completed", outcome="x")
    assert exc.value.code == "bad_transition"
    services.mission_set_status(actor=world["admin"], mission=mission, status="active")
    with pytest.raises(ApplicationError):
        services.mission_set_status(actor=world["admin"], mission=mission, status="completed")
    assert Mission.objects.get().status == "active"
    services.mission_set_status(
        actor=world["admin"], mission=mission, status="completed", outcome="提前三天复产", on=D(2026, 2, 21)
    )
    mission.refresh_from_db()
    assert (mission.status, mission.ends_on, mission.outcome) == ("completed", D(2026, 2, 21), "提前三天复产")
    with pytest.raises(ApplicationError) as exc:
        services.mission_assign(actor=world["admin"], mission=mission, person=world["m2"], part="x")
    assert exc.value.code == "mission_closed"


def test_secretary_cannot_run_a_committee_mission(world, mission):
    # The mission belongs to the 党总支 above the secretary's branch: it is not theirs to see.
    with pytest.raises(NotFound):
        services.mission_assign(actor=world["secretary"], mission=mission, person=world["m2"], part="x")
    assert not mission.assignments.exists()


def test_part_in_a_mission_becomes_a_deed_linked_to_it(world, mission):
    brand_services.framework_define(
        actor=world["admin"], organization=world["root"], name="五个在前", pillars=["责任在前", "榜样在前"]
    )
    assignment = services.mission_assign(
        actor=world["admin"], mission=mission, person=world["m2"], part="线体调试"
    )
    deed = services.assignment_to_deed(actor=world["admin"], assignment=assignment, pillars=["责任在前"])
    assert deed.person == world["m2"]
    assert deed.done_on == D(2026, 2, 10)
    assert deed.source_model == "mobilize.assignment"
    assert deed.source_url == f"/mobilize/missions/{mission.pk}/"
    assert "战疫复工先锋行动一号" in deed.description
    page = selectors.mission_page_for(actor=world["admin"], pk=mission.pk)
    assert page.deeds == {assignment.pk}
    with pytest.raises(ApplicationError) as exc:
        services.assignment_to_deed(actor=world["admin"], assignment=assignment, pillars=[])
    assert exc.value.code == "deed_exists"
    assert Deed.objects.count() == 1


def test_deployments_count_distinct_people_by_kind(world):
    admin = world["admin"]
    services.deployment_record(
        actor=admin,
        person=world["m2"],
        kind="驰援",
        destination="武汉",
        starts_on=D(2026, 2, 1),
        ends_on=D(2026, 3, 1),
    )
    services.deployment_record(
        actor=admin,
        person=world["m2"],
        kind="驰援",
        destination="仪征",
        starts_on=D(2026, 4, 1),
        ends_on=D(2026, 4, 9),
    )
    services.deployment_record(
        actor=admin, person=world["e1"], kind="坚守", destination="安亭工厂", starts_on=D(2026, 1, 25)
    )
    args = {"actor": world["worker"], "org": world["root"], "start": YEAR[0], "end": YEAR[1]}
    assert selectors.deployed_people_for(**args).count() == 2
    assert [p.employee_no for p in selectors.deployed_people_for(**args, kind="驰援")] == ["A2"]
    assert [p.employee_no for p in selectors.deployed_people_for(**args, kind="坚守")] == ["E1"]


def test_overlapping_deployment_is_refused(world):
    services.deployment_record(
        actor=world["admin"], person=world["m2"], kind="驰援", destination="武汉", starts_on=D(2026, 2, 1)
    )
    with pytest.raises(ApplicationError) as exc:
        services.deployment_record(
            actor=world["admin"], person=world["m2"], kind="坚守", destination="工厂", starts_on=D(2026, 5, 1)
        )
    assert exc.value.code == "overlapping_deployment"
    assert Deployment.objects.count() == 1


def test_secretary_cannot_deploy_another_branchs_member(world):
    with pytest.raises(NotFound):
        services.deployment_record(
            actor=world["secretary"],
            person=world["n1"],
            kind="驰援",
            destination="武汉",
            starts_on=D(2026, 2, 1),
        )
    assert Deployment.objects.count() == 0


def test_service_hours_summed_and_bounded(world):
    services.service_record(
        actor=world["secretary"], person=world["m2"], served_on=D(2026, 2, 3), hours=Decimal("4.5")
    )
    services.service_record(
        actor=world["admin"], person=world["n1"], served_on=D(2026, 2, 3), hours=Decimal("3")
    )
    with pytest.raises(ApplicationError):
        services.service_record(
            actor=world["admin"], person=world["n1"], served_on=D(2026, 2, 3), hours=Decimal("25")
        )
    assert ServiceRecord.objects.count() == 2
    assert selectors.service_hours_for(
        actor=world["admin"], org=world["root"], start=YEAR[0], end=YEAR[1]
    ) == Decimal("7.5")
    assert selectors.service_hours_for(
        actor=world["secretary"], org=world["root"], start=YEAR[0], end=YEAR[1]
    ) == Decimal("4.5")
