"""A small known world for the employee voice: a committee, a department committee under it and a
branch under that, each with its care team; an intake point at the branch."""

import pytest
from django.core.cache import cache
from tests.builders import D, account, grant, intake_form, org, person

from qixin.care import services
from qixin.care.models import CareTeam, IntakePoint
from qixin.core.models import Role, User
from qixin.core.services import system_user
from qixin.orgs.models import Organization, OrgKind
from qixin.people.models import Person

PASSWORD = "x-secret-2026"


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()
    yield
    cache.clear()


class World:
    """The known world, filled in by the fixture below (a test may add what it keeps, e.g. `codes`)."""

    admin: User
    root: Organization
    dept: Organization  # 总装党委, under root
    branch: Organization  # under dept: its team has the intake point
    other: Organization  # 焊装党总支, under root
    member_person: Person
    member: User
    helper: User  # of the branch's team
    leader: User  # the branch team's leader
    dept_helper: User
    root_helper: User
    outsider: User
    worker: User  # 党务工作者 of root
    team: CareTeam
    dept_team: CareTeam
    root_team: CareTeam
    point: IntakePoint
    codes: list[str]


@pytest.fixture
def world(db) -> World:
    w = World()
    w.admin = system_user()
    w.root = org(None, "R", OrgKind.COMMITTEE, "示例公司党委")
    w.dept = org(w.root, "R-A", OrgKind.COMMITTEE, "总装党委")
    w.branch = org(w.dept, "R-A-1", name="总装第一党支部")
    w.other = org(w.root, "R-B", OrgKind.GENERAL_BRANCH, "焊装党总支")
    w.member_person = person(
        w.branch,
        "E100",
        name="张晓明",
        birth_date=D(1990, 5, 1),
        hired_on=None,
        category="正式党员",
        joined=D(2015, 7, 1),
    )
    w.member = account("E100", password=PASSWORD, person=w.member_person)
    w.helper = account("tiexin", password=PASSWORD, first_name="贴心人", email="tx@example.com")
    w.leader = account("leader", password=PASSWORD, first_name="组长", email="lead@example.com")
    w.dept_helper = account("dept", password=PASSWORD, first_name="总装贴心人")
    w.root_helper = account("rooth", password=PASSWORD, first_name="公司贴心人")
    w.outsider = account("outsider", password=PASSWORD, first_name="外人")
    w.worker = grant(account("dangwu", password=PASSWORD, first_name="党建工作部"), Role.PARTY_WORKER, w.root)
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
    return grant(
        account("zongzhuang", password=PASSWORD, first_name="总装党务"), Role.PARTY_WORKER, world.dept
    )
