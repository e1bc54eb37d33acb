"""Who sees an object is written twice: a predicate (permissions.can_view_x) asked of one object, and
a filter (selectors.x_list_for) that lists them. For every role of the fixture world, the list must
hold exactly the objects the predicate lets through, over every object of the kind."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest

from qixin.core.models import User
from qixin.improve import permissions, selectors, services
from qixin.improve.models import Alliance, Campaign, Category, ImprovementCase, Project, Studio, Suggestion
from qixin.orgs import permissions as org_permissions
from qixin.orgs import selectors as org_selectors
from qixin.orgs import services as org_services
from qixin.orgs.models import Organization, PositionTitle
from qixin.people import permissions as people_permissions
from qixin.people import selectors as people_selectors
from qixin.people.models import Person

from .conftest import fresh, person


@pytest.fixture
def actors(world) -> dict[str, User]:
    """The demo's roles: administrator, party worker, committee secretary and committee member,
    branch secretary, member, employee, the duties of this app, and a party worker elsewhere."""
    chief = person(world.admin, world.committee, "C001", "党委书记", member=True)
    deputy = person(world.admin, world.committee, "C002", "党委委员", member=True)
    for who, title in ((chief, PositionTitle.SECRETARY), (deputy, PositionTitle.ORGANIZATION)):
        org_services.position_assign(
            actor=world.admin,
            org=world.committee,
            person_id=who.pk,
            title=title,
            started_on=dt.date(2024, 1, 1),
        )
    accounts = {
        "admin": world.admin,
        "worker": world.worker,
        "committee_secretary": User.objects.create_user("C001", password="x-secret-pass-1", person=chief),
        "committee_member": User.objects.create_user("C002", password="x-secret-pass-1", person=deputy),
        "branch_secretary": world.secretary_user,
        "member": world.member_user,
        "member2": world.member2_user,
        "employee": world.employee_user,
        "finance": world.finance,
        "reviewer": world.reviewer,
        "outsider": world.outsider,
    }
    return accounts


@pytest.fixture
def objects(world, make) -> None:
    """Objects of every kind in reach of each rule: by organization, by team, by designation."""
    start = make.start
    for org, code in ((world.committee, "C"), (world.other_committee, "X")):
        services.campaign_create(
            actor=world.admin,
            organization=org,
            name=f"活动{code}",
            starts_on=dt.date(2026, 1, 1),
            ends_on=dt.date(2027, 1, 1),
            savings_target=Decimal("1000"),
        )
    services.alliance_create(
        actor=world.worker, name="一支部联盟", lead_branch=world.branch, leader=world.member, founded_on=start
    )
    left = services.alliance_create(
        actor=world.worker,
        name="二支部联盟",
        lead_branch=world.branch2,
        branches=[world.branch],
        leader=world.member2,
        members=[world.employee],
        founded_on=start,
    )
    services.alliance_member_remove(actor=world.worker, alliance=left, person=world.employee, left_on=start)
    services.alliance_create(
        actor=world.admin,
        name="外部联盟",
        lead_branch=world.other_branch,
        leader=world.outsider_person,
        founded_on=start,
    )
    make.project(title="一支部项目")
    make.project(title="党委项目", org=world.committee, owner=world.member2, team=[(world.employee, "成员")])
    services.project_create(
        actor=world.admin,
        organization=world.other_branch,
        title="外部项目",
        owner=world.outsider_person,
        category=Category.ENERGY,
        started_on=start,
    )
    make.suggestion("一支部员工建议：空压机夜间满功率运行，建议加装变频控制。")
    make.suggestion(
        "二支部建议：焊装线照明常亮，建议分区控制。",
        who=world.member2_user,
        organization=world.committee,
        department="焊装车间",
    )
    make.suggestion(
        "外部建议：仓库叉车充电集中在白天，建议错峰。",
        who=User.objects.create_user("X001", password="x-secret-pass-1", person=world.outsider_person),
        organization=world.other_branch,
        department="仓库",
    )
    services.studio_create(
        actor=world.worker,
        organization=world.branch,
        name="一支部工作室",
        leader=world.employee,
        founded_on=start,
    )
    services.studio_create(
        actor=world.worker,
        organization=world.committee,
        name="党委工作室",
        leader=world.member2,
        members=[world.employee],
        founded_on=start,
    )
    services.studio_create(
        actor=world.admin,
        organization=world.other_branch,
        name="外部工作室",
        leader=world.outsider_person,
        founded_on=start,
    )
    for org, lead, title in (
        (world.branch, world.member, "一支部案例"),
        (world.committee, world.member2, "党委案例"),
        (world.other_branch, world.outsider_person, "外部案例"),
    ):
        services.case_create(
            actor=world.admin,
            organization=org,
            title=title,
            lead=lead,
            category=Category.ENERGY,
            year=start.year,
            completed_on=start,
            before="烘炉停线时仍保持工作温度",
            after="停线30分钟以上自动降温待机",
        )


KINDS: list[tuple[type, Callable[..., Any], Callable[..., Any]]] = [
    (Campaign, permissions.can_view_campaign, selectors.campaign_list_for),
    (Alliance, permissions.can_view_alliance, selectors.alliance_list_for),
    (Project, permissions.can_view_project, selectors.project_list_for),
    (Suggestion, permissions.can_view_suggestion, selectors.suggestion_list_for),
    (Studio, permissions.can_view_studio, selectors.studio_list_for),
    (ImprovementCase, permissions.can_view_case, selectors.case_list_for),
]


@pytest.mark.parametrize(("model", "can_view", "list_for"), KINDS, ids=[k[0].__name__ for k in KINDS])
def test_the_list_holds_exactly_what_the_predicate_allows(actors, objects, model, can_view, list_for):
    every = list(model.objects.all())
    assert len(every) >= 2
    for role, user in actors.items():
        actor = fresh(user)
        allowed = {o.pk for o in every if can_view(actor, o)}
        listed = set(list_for(actor=actor).values_list("pk", flat=True))
        assert listed == allowed, role


def _orgs_for(actor: Any) -> Any:
    return org_selectors.org_list_for(actor=actor, include_dissolved=True)


REGISTRY_KINDS: list[tuple[type, Callable[..., Any], Callable[..., Any]]] = [
    (Person, people_permissions.can_view, people_selectors.person_list_for),
    (Organization, org_permissions.can_view, _orgs_for),
]


@pytest.mark.parametrize(
    ("model", "can_view", "list_for"), REGISTRY_KINDS, ids=[k[0].__name__ for k in REGISTRY_KINDS]
)
def test_the_registry_lists_exactly_what_its_predicate_allows(actors, model, can_view, list_for):
    """The same for the people registry and the organization tree, over the fixture's world."""
    every = list(model.objects.all())
    assert len(every) >= 5
    for role, user in actors.items():
        actor = fresh(user)
        allowed = {o.pk for o in every if can_view(actor, o)}
        listed = set(list_for(actor=actor).values_list("pk", flat=True))
        assert listed == allowed, role
