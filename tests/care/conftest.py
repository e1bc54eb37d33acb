"""A small known world for the employee voice: a committee, a department committee under it and a
branch under that, each with its care team; an intake point at the branch."""

import datetime as dt

import pytest
from django.core.cache import cache
from tests.builders import intake_form

from qixin.care import services
from qixin.core.models import Role, RoleGrant, User
from qixin.core.services import system_user
from qixin.orgs import services as org_services
from qixin.orgs.models import OrgKind
from qixin.people import services as people_services

D = dt.date


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()
    yield
    cache.clear()


class World:
    pass


@pytest.fixture
def world(db):
    w = World()
    w.admin = system_user()
    w.root = org_services.org_create(
        actor=w.admin, parent=None, code="R", name="示例公司党委", kind=OrgKind.COMMITTEE
    )
    w.dept = org_services.org_create(
        actor=w.admin, parent=w.root, code="R-A", name="总装党委", kind=OrgKind.COMMITTEE
    )
    w.branch = org_services.org_create(
        actor=w.admin, parent=w.dept, code="R-A-1", name="总装第一党支部", kind=OrgKind.BRANCH
    )
    w.other = org_services.org_create(
        actor=w.admin, parent=w.root, code="R-B", name="焊装党总支", kind=OrgKind.GENERAL_BRANCH
    )
    w.member_person = people_services.person_create(
        actor=w.admin,
        organization=w.branch,
        values={
            "employee_no": "E100",
            "name": "张晓明",
            "gender": "男",
            "birth_date": D(1990, 5, 1),
            "category": "正式党员",
            "branch": w.branch,
            "joined_on": D(2015, 7, 1),
            "full_on": D(2016, 7, 1),
        },
    )
    w.member = User.objects.create_user("E100", password="x-secret-2026", person=w.member_person)
    w.helper = User.objects.create_user(
        "tiexin", password="x-secret-2026", first_name="贴心人", email="tx@example.com"
    )
    w.leader = User.objects.create_user(
        "leader", password="x-secret-2026", first_name="组长", email="lead@example.com"
    )
    w.dept_helper = User.objects.create_user("dept", password="x-secret-2026", first_name="总装贴心人")
    w.root_helper = User.objects.create_user("rooth", password="x-secret-2026", first_name="公司贴心人")
    w.outsider = User.objects.create_user("outsider", password="x-secret-2026", first_name="外人")
    w.worker = User.objects.create_user("dangwu", password="x-secret-2026", first_name="党建工作部")
    RoleGrant.objects.create(
        user=w.worker, role=Role.PARTY_WORKER, organization=w.root, starts_on=D(2020, 1, 1)
    )
    w.team = services.team_create(actor=w.admin, organization=w.branch, name="总装一支部连心桥")
    w.dept_team = services.team_create(actor=w.admin, organization=w.dept, name="总装连心桥")
    w.root_team = services.team_create(actor=w.admin, organization=w.root, name="公司连心桥")
    services.team_member_add(actor=w.admin, team=w.team, user=w.helper)
    services.team_member_add(actor=w.admin, team=w.team, user=w.leader, is_leader=True)
    services.team_member_add(actor=w.admin, team=w.dept_team, user=w.dept_helper)
    services.team_member_add(actor=w.admin, team=w.root_team, user=w.root_helper)
    w.point = services.point_create(actor=w.admin, team=w.team, name="一车间休息室")
    return w


@pytest.fixture
def submit(world):
    def do(kind="appeal", body="食堂晚班没有热饭", now=None, **extra):
        ticket, code, _ = services.ticket_submit(
            point=world.point, kind=kind, body=body, nonce=intake_form(world.point, now), now=now, **extra
        )
        return ticket, code

    return do


@pytest.fixture
def dept_worker(world):
    """A party worker of 总装党委 (R-A): manages R-A and its branch, not 焊装 (R-B), not the global
    calendar."""
    user = User.objects.create_user("zongzhuang", password="x-secret-2026", first_name="总装党务")
    RoleGrant.objects.create(
        user=user, role=Role.PARTY_WORKER, organization=world.dept, starts_on=D(2020, 1, 1)
    )
    return user
