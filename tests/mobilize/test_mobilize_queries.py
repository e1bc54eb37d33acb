"""List and detail pages stay bounded: the same number of queries for three rows as for six."""

import datetime as dt

from django.db import connection
from django.test.utils import CaptureQueriesContext

from qixin.brand import services as brand_services
from qixin.mobilize import services

D = dt.date


def count_queries(client, url):
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def add_rows(world, n, start):
    admin = world["admin"]
    for i in range(start, start + n):
        team = services.team_create(
            actor=admin,
            organization=world["b1"],
            name=f"队{i}",
            kind="党员突击队",
            formed_on=D(2026, 2, 1),
            leader=world["m1"],
        )
        services.team_member_add(actor=admin, team=team, person=world["m2"], joined_on=D(2026, 2, 2))
        mission = services.mission_create(
            actor=admin,
            organization=world["b1"],
            name=f"任务{i}",
            kind="先锋行动",
            goal="g",
            starts_on=D(2026, 2, 3),
        )
        services.mission_add_team(actor=admin, mission=mission, team=team)
        assignment = services.mission_assign(actor=admin, mission=mission, person=world["m2"], part="p")
        services.assignment_to_deed(actor=admin, assignment=assignment, pillars=["责任在前"])
        brand_services.recognition_create(
            actor=admin, kind="创新之星", level="公司级", year=2026 - i, person=world["m2"]
        )


def test_list_and_detail_pages_are_bounded(client, world):
    brand_services.framework_define(
        actor=world["admin"], organization=world["root"], name="五个在前", pillars=["责任在前"]
    )
    client.force_login(world["secretary"])
    urls = [
        "/mobilize/",
        "/mobilize/missions/",
        "/brand/recognitions/",
        f"/brand/people/{world['m2'].pk}/",
        f"/mobilize/people/{world['m2'].pk}/",
        f"/brand/orgs/{world['b1'].pk}/",
    ]
    add_rows(world, 3, 0)
    three = {url: count_queries(client, url) for url in urls}
    add_rows(world, 3, 3)
    six = {url: count_queries(client, url) for url in urls}
    assert six == three
