"""The workbench (工作台) on the home page and at GET /api/v1/workbench: each reader's items, counted
from the records over their own scope only, in a number of queries that does not grow with the tree."""

from __future__ import annotations

import datetime as dt
import random

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from faker import Faker
from tests.builders import account, grant, org, person

from qixin.core.access import forget_scope
from qixin.core.models import Role, User
from qixin.core.periods import add_years
from qixin.core.services import system_user
from qixin.core.workbench import Item, workbench_for
from qixin.demo import seed as demo
from qixin.demo.context import Context
from qixin.life import services as life_services
from qixin.life.models import Meeting, MeetingKind, MeetingStatus
from qixin.orgs import services as org_services
from qixin.orgs.models import Organization, OrgKind, Position, PositionTitle
from qixin.people.models import Category, Membership

pytestmark = pytest.mark.django_db

PASSWORD = "qixin-demo-2026"


def items_of(user: User) -> dict[str, Item]:
    forget_scope(user)
    return {item.label: item for section in workbench_for(user) for item in section.items}


def plan(branch: Organization, when: dt.datetime, code: str = "branch_committee") -> Meeting:
    return life_services.meeting_plan(
        actor=system_user(),
        org=branch,
        kind=MeetingKind.objects.get(code=code),
        starts_at=when,
        ends_at=when + dt.timedelta(hours=2),
    )


class World:
    """A committee R with branches A and B (members, a secretary each), a party worker at R, a member
    and an employee of A; `extra` more branches of `extra` members each under R."""

    def __init__(self, extra: int = 0) -> None:
        today = timezone.localdate()
        self.today = today
        self.root = org(None, "R", OrgKind.COMMITTEE, "示例党委")
        self.a = org(self.root, "R-A", name="甲党支部")
        self.b = org(self.root, "R-B", name="乙党支部")
        long_ago = add_years(today, -10)
        self.a_members = [person(self.a, f"A{i:03d}", category="正式党员", joined=long_ago) for i in range(5)]
        self.b_members = [person(self.b, f"B{i:03d}", category="正式党员", joined=long_ago) for i in range(5)]
        # Probation over (joined 13 months ago), ending in 10 days, ending in 6 months.
        person(self.a, "AP1", category="预备党员", joined=add_years(today, -1) - dt.timedelta(days=30))
        person(self.a, "AP2", category="预备党员", joined=add_years(today, -1) + dt.timedelta(days=10))
        person(self.a, "AP3", category="预备党员", joined=today - dt.timedelta(days=180))
        person(self.b, "BP1", category="预备党员", joined=add_years(today, -1) - dt.timedelta(days=60))
        for branch, members in ((self.a, self.a_members), (self.b, self.b_members)):
            org_services.position_assign(
                actor=system_user(),
                org=branch,
                person_id=members[0].pk,
                title=PositionTitle.SECRETARY,
                started_on=dt.date(2024, 1, 1),
            )
        for i in range(extra):
            branch = org(self.root, f"R-X{i:02d}", name=f"扩展第{i}党支部")
            for j in range(extra):
                person(branch, f"X{i:02d}{j:02d}", category="正式党员", joined=long_ago)
            person(branch, f"XP{i:02d}", category="预备党员", joined=add_years(today, -2))
            plan(branch, timezone.now() - dt.timedelta(days=1))
        self.worker = grant(account("dangwu", password=PASSWORD), Role.PARTY_WORKER, self.root)
        self.secretary = account("sec-a", password=PASSWORD, person=self.a_members[0])
        self.secretary_b = account("sec-b", password=PASSWORD, person=self.b_members[0])
        self.member = account("mem-a", password=PASSWORD, person=self.a_members[1])
        self.employee = account("emp-a", password=PASSWORD, person=person(self.a, "AE1"))
        self.admin = account("admin", password=PASSWORD, is_superuser=True)


@pytest.fixture
def world() -> World:
    return World()


def test_the_member_counts_the_meetings_ahead_of_their_own_branch_only(world):
    before = items_of(world.member)["14天内要参加的组织生活"].count
    assert before is not None
    soon = timezone.now() + dt.timedelta(days=3)
    meeting = plan(world.a, soon)
    plan(world.b, soon)  # another branch's meeting is not theirs
    plan(world.a, timezone.now() + dt.timedelta(days=40))  # beyond the coming days
    item = items_of(world.member)["14天内要参加的组织生活"]
    expected = Meeting.objects.filter(
        organization=world.a,
        status=MeetingStatus.PLANNED,
        held_on__gte=world.today,
        held_on__lte=world.today + dt.timedelta(days=14),
    ).count()
    assert item.count == before + 1 == expected
    assert item.url == reverse("life:meeting", args=[meeting.pk])  # the one meeting: straight to it


def test_the_secretary_counts_the_meetings_past_their_time_without_a_record_of_their_branch(world):
    label = "已到时间未记录的会议"
    assert items_of(world.secretary)[label].count == 0
    plan(world.a, timezone.now() - dt.timedelta(days=2))
    plan(world.b, timezone.now() - dt.timedelta(days=2))
    plan(world.b, timezone.now() - dt.timedelta(days=3))
    plan(world.a, timezone.now() + dt.timedelta(days=2))  # not yet due
    late_in = {
        branch: Meeting.objects.filter(
            organization=branch, status=MeetingStatus.PLANNED, starts_at__lt=timezone.now()
        ).count()
        for branch in (world.a, world.b)
    }
    assert items_of(world.secretary)[label].count == late_in[world.a] == 1
    assert items_of(world.secretary_b)[label].count == late_in[world.b] == 2
    assert items_of(world.secretary)[label].urgent
    assert label not in items_of(world.member)


def test_planning_a_required_meeting_lowers_the_meetings_still_to_plan(world):
    label = "本期规定会议尚未安排"
    before = items_of(world.secretary)[label].count
    assert before is not None
    assert before > 0  # nothing held yet: this month's 主题党日, this quarter's 党员大会 and 党课 ...
    plan(world.a, timezone.now() + dt.timedelta(minutes=5), code="theme_day")
    after = items_of(world.secretary)[label].count
    assert after in (before - 1, before)  # the window may end before a meeting planned at the month's edge
    if (timezone.localtime() + dt.timedelta(minutes=5)).month == world.today.month:
        assert after == before - 1


def test_probation_due_counts_the_secretarys_branch_and_the_workers_whole_committee(world):
    def over(branches: list[Organization]) -> int:
        limit = add_years(world.today, -1)
        return Membership.objects.filter(
            branch__in=branches, category=Category.PROBATIONARY, ended_on__isnull=True, joined_on__lte=limit
        ).count()

    label, soon = "预备期已满待讨论转正的预备党员", "30天内预备期满的预备党员"
    mine = items_of(world.secretary)
    assert mine[label].count == over([world.a]) == 1
    assert mine[soon].count == 1  # AP2; AP3 ends in six months
    assert items_of(world.secretary_b)[label].count == over([world.b]) == 1
    assert items_of(world.worker)[label].count == over([world.a, world.b]) == 2
    assert label not in items_of(world.member)
    assert (
        mine[label].url
        == reverse("people:list") + "?org=R-A&category=" + "%E9%A2%84%E5%A4%87%E5%85%9A%E5%91%98"
    )


def test_the_worker_counts_organizations_without_a_secretary_from_the_records(world):
    label = "无书记的组织"
    Position.objects.filter(organization=world.b).update(ended_on=dt.date(2025, 1, 1))
    item = items_of(world.worker)[label]
    with_secretary = Position.objects.filter(
        ended_on__isnull=True, title=PositionTitle.SECRETARY
    ).values_list("organization_id", flat=True)
    expected = Organization.objects.exclude(kind=OrgKind.GROUP).exclude(pk__in=with_secretary).count()
    assert item.count == expected == 2  # the committee itself and 乙党支部
    assert item.url == reverse("orgs:health", args=[world.root.pk]) + "?code=no_secretary"
    assert label not in items_of(world.secretary)  # a branch's secretary has no subtree to check


def test_the_health_page_filtered_by_a_finding_shows_only_that_finding(world):
    client = Client()
    client.force_login(world.worker)
    url = reverse("orgs:health", args=[world.root.pk])
    page = client.get(url + "?code=no_secretary").content.decode()
    assert "无书记" in page
    assert "没有在任书记" in page
    assert "尚未讨论转正" not in page  # 预备期已满 is another finding
    assert "尚未讨论转正" in client.get(url).content.decode()
    wrong = client.get(url + "?code=nonsense")
    assert wrong.status_code == 400
    assert "健康检查没有“nonsense”这一项" in wrong.content.decode()


def test_the_page_and_the_api_show_the_same_items(world):
    client = Client()
    client.force_login(world.secretary)
    plan(world.a, timezone.now() - dt.timedelta(days=1))
    body = client.get("/api/v1/workbench").json()
    expected = [
        {
            "key": s.key,
            "label": s.label,
            "pending": s.pending,
            "items": [
                {"label": i.label, "count": i.count, "url": i.url, "urgent": i.urgent, "note": i.note}
                for i in s.items
            ],
        }
        for s in workbench_for(world.secretary)
    ]
    assert body == expected
    page = client.get("/").content.decode()
    for section in workbench_for(world.secretary):
        assert section.label in page
        for item in section.items:
            assert item.label in page
            assert f'href="{item.url}"'.replace("&", "&amp;") in page
    assert "常用入口" in page


def test_an_employee_has_no_duties_of_a_party_office(world):
    client = Client()
    client.force_login(world.employee)
    sections = {section["key"]: section for section in client.get("/api/v1/workbench").json()}
    assert not set(sections) & {"duties", "life"}
    # what an employee does here: raise a 员工心声 and follow it by its code, their own suggestions
    mine = {item["label"] for item in sections["mine"]["items"]}
    assert {"跟进我的员工心声", "我的建议：评审中"} <= mine
    follow = next(i for i in sections["mine"]["items"] if i["label"] == "跟进我的员工心声")
    assert follow["count"] is None  # a way in, not a count shown as 无
    page = client.get("/").content.decode()
    assert "前往" in page


# Exact queries of the home page per reader (session, user, login gate, the scope, the page's
# org-root cards, then the workbench's sources). In the tests the pages run in a transaction, where
# nothing is kept (core.versions): these are the counts of a page computed afresh.
# With the sources of care, improve, brand, mobilize and advocacy: each adds one or two aggregates.
HOME_QUERIES = {"admin": 36, "worker": 36, "secretary": 50, "member": 25, "employee": 19}


def _home_queries(world: World) -> dict[str, User]:
    return {
        "admin": world.admin,
        "worker": world.worker,
        "secretary": world.secretary,
        "member": world.member,
        "employee": world.employee,
    }


@pytest.mark.parametrize("extra", [0, 20])
@pytest.mark.parametrize("role", sorted(HOME_QUERIES))
def test_the_home_page_queries_do_not_grow_with_the_tree(role, extra, django_assert_num_queries):
    world = World(extra=extra)
    user = _home_queries(world)[role]
    client = Client()
    client.force_login(user)
    with django_assert_num_queries(HOME_QUERIES[role]):
        response = client.get("/")
    assert response.status_code == 200


def _demo_logins() -> list[tuple[str, str, str]]:
    fake = Faker("zh_CN")
    fake.seed_instance(1)
    ctx = Context(
        rng=random.Random(1),
        fake=fake,
        scale=demo.SCALES["small"],
        today=timezone.localdate(),
        log=lambda _: None,
    )
    for step in demo.steps():
        step(ctx)
    return ctx.logins


DEMO_SECTIONS = {
    "系统管理员": {"待办事项", "组织生活"},
    "党务工作者": {"待办事项", "组织生活"},
    "支部书记": {"待办事项", "组织生活", "我的事项"},
    "党员": {"我的事项"},
    "员工": set(),
}


def test_each_demo_role_sees_its_workbench_and_logs_in_with_the_demo_password():
    logins = {role: username for role, username, _ in _demo_logins()}
    assert set(logins) >= set(DEMO_SECTIONS)
    for role, expected in DEMO_SECTIONS.items():
        client = Client()
        signed_in = client.post(reverse("login"), {"username": logins[role], "password": PASSWORD})
        assert signed_in.status_code == 302, role
        user = User.objects.get(username=logins[role])
        sections = {s.label for s in workbench_for(user)}
        assert expected <= sections, (role, sections)
        response = client.get("/")
        assert response.status_code == 200, role
        page = response.content.decode()
        for label in sections:
            assert label in page, (role, label)


@pytest.mark.django_db(transaction=True)
def test_kept_items_are_reused_until_a_table_they_read_is_written_to(monkeypatch):
    """Outside a transaction a source with `reads` is computed once per reader and day, and again
    after a write to one of the apps it reads (core.versions); a source without is computed every time."""
    from qixin.core.workbench import SOURCES, Source

    calls = {"kept": 0, "fresh": 0}

    def counted(name: str):
        def function(actor):
            calls[name] += 1
            return [Item(label=f"测试{name}", count=calls[name], url="/")]

        return function

    monkeypatch.setitem(SOURCES, "test.kept", Source("test.kept", "duties", counted("kept"), ("life",)))
    monkeypatch.setitem(SOURCES, "test.fresh", Source("test.fresh", "duties", counted("fresh")))
    user = account("reader")
    branch = org(org(None, "T", OrgKind.COMMITTEE, "测试党委"), "T-1", name="测试党支部")
    first = items_of(user)
    again = items_of(user)
    assert (first["测试kept"].count, again["测试kept"].count) == (1, 1)
    assert (first["测试fresh"].count, again["测试fresh"].count) == (1, 2)
    plan(branch, timezone.now() + dt.timedelta(days=1))  # a write to life's tables
    assert items_of(user)["测试kept"].count == 2
    account("other")  # a write to core only: life's items are kept
    assert items_of(user)["测试kept"].count == 2
