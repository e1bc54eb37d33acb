"""The employee voice's lines of the workbench (工作台): each count is the list it links to, within the
reader's scope, in a fixed number of queries; an employee raises and follows a 员工心声 from it without
the ticket ever being tied to their account."""

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from tests.builders import D, account, intake_form, person

from qixin.care import selectors, services
from qixin.care.models import Ticket, Wish
from qixin.core import access
from qixin.core.models import AuditEntry, User
from qixin.core.workbench import SOURCES, Item
from qixin.orgs import services as org_services
from qixin.orgs.models import PositionTitle

from .conftest import PASSWORD


def items(key, user):
    return SOURCES[key].function(user)


def ready(user: User) -> User:
    """The account as a request sees it, its scope computed (once a request, by the page)."""
    user = User.objects.get(pk=user.pk)
    access.scope_for(user)
    return user


def by_label(found: list[Item]) -> dict[str, Item]:
    return {item.label: item for item in found}


def submit_at(point, body="车间空调坏了", now=None, **extra):
    ticket, _code, _ = services.ticket_submit(
        point=point, kind="appeal", body=body, nonce=intake_form(point, now), now=now, **extra
    )
    return ticket


@pytest.fixture
def elsewhere(world):
    """焊装党总支 (R-B) has its own team and intake point: not the dept's nor the branch's."""
    team = services.team_create(actor=world.admin, organization=world.other, name="焊装连心桥")
    return services.point_create(actor=world.admin, team=team, name="焊装休息室")


@pytest.fixture
def secretary(world):
    """The secretary of 总装第一党支部 (R-A-1), a party member of it."""
    who = person(world.branch, "E200", name="王书记", category="正式党员", joined=D(2012, 7, 1))
    org_services.position_assign(
        actor=world.admin,
        org=world.branch,
        person_id=who.pk,
        title=PositionTitle.SECRETARY,
        started_on=D(2024, 1, 1),
    )
    return account("E200", password=PASSWORD, person=who)


def expected_queue(user):
    return {
        "待办理的员工心声": selectors.ticket_list_for(actor=user).count(),
        "已超期的员工心声": selectors.ticket_list_for(
            actor=user, filters=selectors.TicketFilters(overdue=True)
        ).count(),
        "上报升级转来的员工心声": selectors.ticket_list_for(
            actor=user, filters=selectors.TicketFilters(escalated=True)
        ).count(),
    }


def queue_counts(user):
    return {item.label: item.count for item in items("care.queue", user)}


def test_the_queue_counts_what_the_lists_show_within_the_managers_subtree(world, dept_worker, elsewhere):
    long_ago = timezone.now() - dt.timedelta(days=40)
    submit_at(world.point, "很久以前的诉求", now=long_ago)
    submit_at(world.point, "食堂晚班没有热饭")
    submit_at(elsewhere, "焊装车间的诉求", now=long_ago)  # 焊装: not the dept worker's

    found = by_label(items("care.queue", ready(dept_worker)))
    assert {label: item.count for label, item in found.items()} == {
        "待办理的员工心声": 2,
        "已超期的员工心声": 1,
        "上报升级转来的员工心声": 0,
    }
    wanted = expected_queue(dept_worker)
    assert all(found[label].count == wanted[label] for label in found)
    assert found["已超期的员工心声"].urgent
    assert not found["待办理的员工心声"].urgent
    assert found["已超期的员工心声"].url == reverse("care:index") + "?overdue=1"
    assert found["上报升级转来的员工心声"].url == reverse("care:index") + "?escalated=1"

    # The company's party worker sees 焊装's ticket too.
    assert queue_counts(ready(world.worker))["待办理的员工心声"] == 3


def test_a_new_ticket_and_an_escalation_move_the_counts_by_one(world, dept_worker):
    before = queue_counts(ready(dept_worker))
    late = submit_at(world.point, "夜班没有热水", now=timezone.now() - dt.timedelta(days=40))
    after = queue_counts(ready(dept_worker))
    assert after["待办理的员工心声"] == before["待办理的员工心声"] + 1
    assert after["已超期的员工心声"] == before["已超期的员工心声"] + 1

    services.ticket_escalate(actor=world.helper, ticket=late, reason="支部解决不了")
    escalated = queue_counts(ready(dept_worker))
    assert escalated["上报升级转来的员工心声"] == after["上报升级转来的员工心声"] + 1
    assert escalated == expected_queue(dept_worker)
    # The branch team it left no longer has it; the dept team it went to does.
    assert queue_counts(ready(world.helper))["待办理的员工心声"] == 0
    assert queue_counts(ready(world.dept_helper))["上报升级转来的员工心声"] == 1


def test_the_branch_secretary_counts_their_branch_team_and_its_overdue(world, secretary, elsewhere):
    submit_at(world.point, now=timezone.now() - dt.timedelta(days=40))
    submit_at(elsewhere, "焊装车间的诉求")
    found = by_label(items("care.queue", ready(secretary)))
    assert found["待办理的员工心声"].count == 1 == selectors.ticket_list_for(actor=secretary).count()
    assert found["已超期的员工心声"].count == 1
    assert found["已超期的员工心声"].urgent


def test_who_handles_no_ticket_has_no_queue(world):
    assert items("care.queue", ready(world.member)) == []
    assert items("care.queue", ready(world.outsider)) == []
    assert items("care.queue", None) == []


def test_the_queue_costs_the_same_queries_whatever_the_number_of_tickets_and_teams(
    world, dept_worker, elsewhere, django_assert_num_queries
):
    def measure(user, queries):
        user = ready(user)
        with django_assert_num_queries(queries):
            items("care.queue", user)

    measure(dept_worker, 1)  # a manager: the aggregate
    measure(world.helper, 2)  # a team member: is one, then the aggregate
    measure(world.member, 1)  # neither: is no team member, and nothing else
    for n in range(3):
        submit_at(world.point, f"诉求{n}")
        submit_at(elsewhere, f"焊装诉求{n}")
        team = services.team_create(actor=world.admin, organization=world.dept, name=f"总装团队{n}")
        services.team_member_add(actor=world.admin, team=team, user=world.helper)
    measure(dept_worker, 1)
    measure(world.helper, 2)
    measure(world.member, 1)


@pytest.fixture
def publish(world):
    def do(point=None, body="孩子想参观一次总装车间"):
        ticket, _code, _ = services.ticket_submit(
            point=point or world.point,
            kind="wish",
            body=body,
            nonce=intake_form(point or world.point),
            wish_consent=True,
        )
        return services.wish_publish(actor=world.admin, ticket=ticket, title=body[:20], text=body)

    return do


def test_wishes_to_claim_are_those_waiting_on_the_walls_the_manager_reads(
    world, secretary, elsewhere, publish
):
    publish()
    publish(elsewhere, "焊装员工的心愿")  # not on the branch secretary's wall
    found = items("care.wishes_to_claim", ready(secretary))
    assert found == [Item("心愿墙上待认领的心愿", 1, reverse("care:wall"))]
    assert (
        found[0].count
        == selectors.wish_wall_for(actor=secretary, org=world.branch, include_done=False)
        .filter(status="published")
        .count()
    )
    wish = publish(body="想学做汽车模型")
    assert items("care.wishes_to_claim", ready(secretary))[0].count == 2
    services.wish_claim(actor=ready(secretary), wish=wish, branch=world.branch)
    assert items("care.wishes_to_claim", ready(secretary))[0].count == 1
    assert items("care.wishes_to_claim", ready(world.worker))[0].count == 2  # the company's: 焊装's too


def test_my_claimed_wishes_are_the_members_own_claims_not_yet_fulfilled(world, publish):
    first, second = publish(), publish(body="想学做汽车模型")
    assert items("care.my_wishes", ready(world.member)) == [
        Item("我认领的心愿，待实现", 0, reverse("care:wall"))
    ]
    services.wish_claim(actor=ready(world.member), wish=first)
    services.wish_claim(actor=ready(world.admin), wish=second, branch=world.branch)  # the branch's, not hers
    assert items("care.my_wishes", ready(world.member))[0].count == 1
    assert (
        Wish.objects.filter(claimed_by_person=world.member_person, status="claimed").count()
        == items("care.my_wishes", ready(world.member))[0].count
    )
    services.wish_fulfil(actor=ready(world.member), wish=first, fulfilment="周六带孩子参观了总装线")
    assert items("care.my_wishes", ready(world.member))[0].count == 0


def test_wish_lines_concern_only_managers_and_members(world):
    assert items("care.wishes_to_claim", ready(world.member)) == []  # a member claims for themself
    assert items("care.wishes_to_claim", ready(world.helper)) == []
    assert items("care.my_wishes", ready(world.helper)) == []  # no record, no claim of their own
    assert items("care.my_wishes", ready(world.worker)) == []


def test_wish_lines_cost_one_query_whatever_the_number_of_wishes(
    world, secretary, elsewhere, publish, django_assert_num_queries
):
    for round in range(2):
        for key, user in (("care.wishes_to_claim", secretary), ("care.my_wishes", world.member)):
            user = ready(user)
            with django_assert_num_queries(1):
                items(key, user)
        publish(body=f"心愿{round}")
        publish(elsewhere, f"焊装心愿{round}")


def test_an_employee_raises_a_ticket_on_their_organizations_public_form_and_follows_it_by_code(world):
    employee = person(world.branch, "E300", name="李强")
    user = account("E300", password=PASSWORD, person=employee)
    raise_item, follow_item = items("care.raise", ready(user))
    assert raise_item.url == reverse("care:intake", args=[world.point.token])
    assert "匿名" in raise_item.note
    assert follow_item.url == reverse("care:follow_lookup")

    # Someone of 焊装 (no point there, none above it but the company's, which has none) only follows.
    welder = account("E400", password=PASSWORD, person=person(world.other, "E400", name="焊工"))
    assert [item.url for item in items("care.raise", ready(welder))] == [reverse("care:follow_lookup")]
    # An account without a record has nothing to raise here.
    assert items("care.raise", ready(world.helper)) == []


def test_the_nearest_point_above_is_chosen_when_the_employees_organization_has_none(world):
    company_point = services.point_create(actor=world.admin, team=world.root_team, name="公司大厅")
    welder = account("E400", password=PASSWORD, person=person(world.other, "E400", name="焊工"))
    assert items("care.raise", ready(welder))[0].url == reverse("care:intake", args=[company_point.token])
    # The branch's employee still gets the branch's own point, the nearest.
    assert items("care.raise", ready(world.member))[0].url == reverse("care:intake", args=[world.point.token])
    services.point_set_active(actor=world.admin, point=world.point, active=False)
    assert items("care.raise", ready(world.member))[0].url == reverse(
        "care:intake", args=[company_point.token]
    )


def test_raising_from_the_workbench_ties_nothing_to_the_account_even_when_refused(world):
    user = world.member
    url = items("care.raise", ready(user))[0].url
    client = Client()
    client.force_login(user)
    audited = AuditEntry.objects.filter(actor=user).count()
    page = client.get(url)
    assert page.status_code == 200
    nonce = page.context["nonce"]

    refused = client.post(url, {"kind": "appeal", "body": "", "nonce": nonce, "anonymous": "1"})
    assert refused.status_code == 400
    assert not Ticket.objects.exists()
    form = intake_form(world.point)
    sent = client.post(url, {"kind": "appeal", "body": "班组长经常拖延排班", "nonce": form, "anonymous": "1"})
    assert sent.status_code == 200
    ticket = Ticket.objects.get()
    assert ticket.is_anonymous
    assert (ticket.submitter_name, ticket.submitter_employee_no) == ("", "")
    assert AuditEntry.objects.filter(actor=user).count() == audited
    # Nothing on the workbench counts it as theirs: the follow-up is by its code.
    assert [item.count for item in items("care.raise", ready(user))] == [
        None,
        None,
    ]  # ways in, not counts (nothing about the tickets is tied to the account)


def test_raising_costs_one_query(world, django_assert_num_queries):
    for _ in range(2):
        user = ready(world.member)
        with django_assert_num_queries(1):
            items("care.raise", user)
        services.point_create(actor=world.admin, team=world.dept_team, name="总装大厅")
