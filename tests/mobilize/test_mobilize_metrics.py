"""The report figures of brand, mobilize and advocacy for a subtree and a period, each with its
drill-down listing exactly the records counted."""

import datetime as dt
from decimal import Decimal

import pytest

from qixin.advocacy import services as advocacy_services
from qixin.brand import services as brand_services
from qixin.core.periods import Period
from qixin.mobilize import services
from qixin.reports import selectors as report_selectors

D = dt.date
YEAR = Period(D(2026, 1, 1), D(2027, 1, 1))


@pytest.fixture
def recorded(world):
    w, admin = world, world["admin"]
    g1 = services.team_create(
        actor=admin, organization=w["b1"], name="防疫一组", kind="防疫监督小组", formed_on=D(2026, 2, 1)
    )
    g2 = services.team_create(
        actor=admin, organization=w["b2"], name="复工一队", kind="复工复产保障队", formed_on=D(2026, 2, 1)
    )
    c1 = services.team_create(
        actor=admin, organization=w["b1"], name="突击队", kind="党员突击队", formed_on=D(2025, 5, 1)
    )
    for team, keys in ((g1, ["m1", "m2", "e1"]), (g2, ["m2", "n1"]), (c1, ["m2", "m3"])):
        for key in keys:
            services.team_member_add(
                actor=admin, team=team, person=w[key], joined_on=max(team.formed_on, D(2026, 2, 1))
            )
    mission = services.mission_create(
        actor=admin,
        organization=w["b1"],
        name="先锋行动一号",
        kind="先锋行动",
        goal="复产",
        starts_on=D(2026, 2, 3),
    )
    services.mission_add_team(actor=admin, mission=mission, team=c1)
    services.mission_assign(actor=admin, mission=mission, person=w["m1"], part="协调")
    services.mission_create(
        actor=admin,
        organization=w["b2"],
        name="去年的攻坚",
        kind="专项攻坚",
        goal="x",
        starts_on=D(2025, 3, 1),
        ends_on=D(2025, 6, 1),
    )
    services.deployment_record(
        actor=admin,
        person=w["m2"],
        kind="驰援",
        destination="武汉",
        starts_on=D(2026, 2, 10),
        ends_on=D(2026, 3, 1),
    )
    services.deployment_record(
        actor=admin, person=w["e1"], kind="驰援", destination="武汉", starts_on=D(2026, 2, 10)
    )
    services.deployment_record(
        actor=admin,
        person=w["n1"],
        kind="坚守",
        destination="工厂",
        starts_on=D(2026, 1, 24),
        ends_on=D(2026, 2, 9),
    )
    services.service_record(
        actor=admin, person=w["m2"], served_on=D(2026, 2, 12), hours=Decimal("3.5"), team=g1
    )
    services.service_record(
        actor=admin, person=w["n1"], served_on=D(2026, 2, 12), hours=Decimal("2"), team=g2
    )
    services.service_record(actor=admin, person=w["n1"], served_on=D(2025, 12, 31), hours=Decimal("8"))
    brand_services.recognition_create(actor=admin, kind="创新之星", level="公司级", year=2026, person=w["m2"])
    brand_services.recognition_create(actor=admin, kind="创新之星", level="公司级", year=2025, person=w["m1"])
    brand_services.recognition_create(
        actor=admin, kind="红旗党组织", level="集团级", year=2026, recipient_org=w["b2"]
    )
    brand_services.deed_record(actor=admin, person=w["m2"], pillars=[], on=D(2026, 3, 1), description="x")
    campaign = advocacy_services.campaign_create(
        actor=admin, organization=w["root"], name="我的最亲密接触", starts_on=D(2026, 8, 1)
    )
    for key in ("m2", "m2", "n1"):
        advocacy_services.share_register(
            actor=admin, campaign=campaign, person=w[key], channel="朋友圈", shared_on=D(2026, 8, 2)
        )
    return w


def figures(world, org_key, actor_key="admin"):
    summary = report_selectors.summary_for(actor=world[actor_key], org=world[org_key], period=YEAR)
    return {
        v.metric.key: v.value
        for v in summary.values
        if v.metric.key.split(".")[0] in ("brand", "mobilize", "advocacy")
    }


def test_figures_for_the_committee(recorded):
    got = figures(recorded, "root")
    expected = {
        "mobilize.teams": 3,
        "mobilize.teams.commando": 1,
        "mobilize.teams.epidemic": 1,
        "mobilize.teams.resumption": 1,
        "mobilize.volunteers": 3,  # A1, A2 (on two teams, once) and B1; E1 is not a party member
        "mobilize.missions": 1,  # last year's mission is outside the period
        "mobilize.missions.pioneer": 1,
        "mobilize.mission_members": 2,  # A1 assigned, A2 on the team; A3 joined it before admission
        "mobilize.deployed": 3,
        "mobilize.deployed.sent": 2,
        "mobilize.deployed.held_post": 1,
        "mobilize.service_hours": Decimal("5.5"),
        "brand.recognitions": 2,
        "brand.recognitions.innovation_star": 1,
        "brand.recognitions.red_flag_org": 1,
        "brand.deeds": 1,
        "advocacy.campaigns": 1,
        "advocacy.participants": 2,
        "advocacy.participating_orgs": 2,
    }
    assert {k: got[k] for k in expected} == expected


def test_a_secretary_sees_only_their_branch_figures(recorded):
    got = figures(recorded, "root", "secretary")
    assert (
        got["mobilize.teams"],
        got["mobilize.volunteers"],
        got["mobilize.deployed"],
        got["advocacy.participants"],
    ) == (
        2,
        2,
        2,
        1,
    )


@pytest.mark.parametrize(
    ("key", "first_cells"),
    [
        ("mobilize.volunteers", ["员工A1", "员工A2", "员工B1"]),
        ("mobilize.deployed.sent", ["员工A2", "员工E1"]),
        ("brand.recognitions.innovation_star", ["员工A2"]),
        ("advocacy.participants", ["员工A2", "员工B1"]),
    ],
)
def test_drill_down_lists_the_records_counted(recorded, key, first_cells):
    _metric, value, drill = report_selectors.drill_for(
        actor=recorded["admin"], org=recorded["root"], period=YEAR, key=key
    )
    rows = list(drill.all_rows())
    assert [row[0][0] if isinstance(row[0], tuple) else row[0] for row in rows] == first_cells
    assert value.value == len(rows)


def test_narrative_paragraph_in_the_articles_words(recorded):
    from qixin.reports import narrative

    summary = report_selectors.summary_for(actor=recorded["admin"], org=recorded["root"], period=YEAR)
    paragraph = next(p for p in narrative.plain(summary.paragraphs) if "急难险重任务" in p)
    assert paragraph == (
        "2026年，在急难险重任务中，各级党组织组建党员突击队1支，"
        "3名党员志愿者组成防疫监督小组1支和复工复产保障队1支，开展先锋行动1个；1名坚守岗位，2名驰援一线，志愿服务5.5小时。"
    )
